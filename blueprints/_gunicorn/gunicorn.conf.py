"""gunicorn settings, read from the working directory: listen on $HOST:$PORT, log to stdout."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}"
# One process by default because the in-memory store lives in one process; with
# ITEMS_TABLE set (as the stack does), raise WEB_CONCURRENCY to use more cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"  # stdout goes to CloudWatch Logs through the task's log driver
forwarded_allow_ips = "*"  # only the endpoint's security group reaches the task
