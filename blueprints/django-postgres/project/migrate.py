"""Apply the migrations once per start, one task at a time (gunicorn.conf.py calls it).

Every task of a release starts at once; on PostgreSQL a session advisory lock makes them
migrate one after another, so the second finds nothing left to do.
"""

from django.core.management import call_command
from django.db import connection

# Any number will do, as long as every task of the app takes the same one.
MIGRATION_LOCK = 7_301_117


def migrate_once() -> None:
    """Run `migrate` under the lock, then close the connection before workers fork."""
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=1)
        connection.close()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            call_command("migrate", interactive=False, verbosity=1)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
    connection.close()
