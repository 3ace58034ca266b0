"""service-<stage>.yaml: the ECS service (`stack`), its roles (`iam`), its desired-count custom
resource (`desired_count`) and its Application Auto Scaling (`scaling`)."""
