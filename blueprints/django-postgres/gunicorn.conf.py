"""gunicorn settings, read from the working directory: listen on $HOST:$PORT, log to stdout,
and bring the database's schema up to date before the workers start."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"  # stdout goes to CloudWatch Logs through the task's log driver
forwarded_allow_ips = "*"  # only the endpoint's security group reaches the task


def on_starting(server: object) -> None:
    """Migrations run once, in the master, before it forks the workers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from project.migrate import migrate_once

    migrate_once()
