"""An item: a title and a content under an id the server picks."""

import uuid

from django.db import models


class Item(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.TextField()
    content = models.TextField()

    def as_json(self) -> dict[str, str]:
        return {"id": str(self.id), "title": self.title, "content": self.content}
