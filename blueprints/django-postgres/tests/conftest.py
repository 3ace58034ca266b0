"""Configure Django on a throwaway SQLite file and migrate it before the tests run."""

import os
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.pop("DB_HOST", None)  # never a real database from the developer's shell
import project.settings  # edited before Django reads it

project.settings.DATABASES["default"]["NAME"] = Path(tempfile.mkdtemp()) / "test.sqlite3"
django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", interactive=False, verbosity=0)
