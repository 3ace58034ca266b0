"""Source of the inline (ZipFile) Lambda functions the templates embed, read as text."""
