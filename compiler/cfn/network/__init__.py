"""network.yaml: the VPC, its subnets per zone and the way out (`stack`), and the NAT instance
of `egress: nat-instance` (`nat`)."""
