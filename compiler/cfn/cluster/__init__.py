"""cluster-<stage>.yaml: the ECS cluster with, on EC2, its instances and capacity provider
(`stack`) and the Auto Scaling group teardown helper (`cleanup`)."""
