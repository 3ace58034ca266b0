"""Django settings: an API whose items live in PostgreSQL (DB_* variables), else SQLite."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Nothing here signs data that outlives the process, so a random key is safe by default.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
# The task is reached only through the stack's endpoint; narrow this for a custom domain.
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",")

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
INSTALLED_APPS = ["store"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _database() -> dict[str, object]:
    """PostgreSQL from the variables the stack sets (data.database), else a SQLite file."""
    host = os.environ.get("DB_HOST")
    if not host:  # on your machine, and in the app's own tests
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": host,
        "PORT": os.environ.get("DB_PORT", "5432"),
        "NAME": os.environ["DB_NAME"],
        "USER": os.environ["DB_USER"],
        "PASSWORD": os.environ["DB_PASSWORD"],
        # RDS refuses connections without TLS (the stack's parameter group)
        "OPTIONS": {"sslmode": os.environ.get("DB_SSLMODE", "require")},
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database()}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
}
