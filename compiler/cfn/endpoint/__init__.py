"""endpoint-<stage>.yaml: the front door (`stack`), an HTTP API (`api_gateway`) or an ALB
(`alb`), and what both build the same way (`front_door`)."""
