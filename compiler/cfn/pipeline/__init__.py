"""pipeline.yaml: CodePipeline V2 (`stack`) with its buckets, CodeBuild projects, roles,
source, webhook receiver and notifications, a module each."""
