"""The django-postgres blueprint against a real PostgreSQL server on 127.0.0.1.

The app runs as its image runs it (gunicorn, whose start applies the migrations) with the
variables the stack gives a task (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD), keeps
the whole HTTP contract, and what it wrote is in PostgreSQL, over TLS, after a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from blueprint_apps import call, check_contract, running_app
from postgres_server import Postgres, running_postgres


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with running_postgres() as server:
        yield server


def _rows(server: Postgres, query: str) -> list[tuple[Any, ...]]:
    with server.connect() as connection:  # type: ignore[attr-defined]
        return list(connection.execute(query).fetchall())


@pytest.mark.parametrize("project", ["django-postgres"], indirect=True)
def test_crud_round_trip_against_postgresql(project: Path, postgres: Postgres) -> None:
    with running_app(project, postgres.environment()) as base:
        check_contract(base)  # leaves exactly one item ("second") behind
        # the app's own connections (held open between requests) are encrypted, as RDS needs
        query = (
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
            "WHERE a.datname = 'app' AND a.pid <> pg_backend_pid()"
        )
        theirs = _rows(postgres, query)
        assert theirs and set(theirs) == {(True,)}
    # the migrations made the table, and the items are in it, not in the process
    assert ("store", "0001_initial") in _rows(postgres, "SELECT app, name FROM django_migrations")
    assert _rows(postgres, "SELECT title, content FROM store_item") == [("second", "x")]
    with running_app(project, postgres.environment()) as base:  # a new task, same data
        status, listing = call("GET", base + "/item")
        assert status == 200 and [i["title"] for i in listing["items"]] == ["second"]
        status, created = call("PUT", base + "/item", {"title": "again", "content": "pg"})
        assert status == 201
    rows = _rows(postgres, f"SELECT title FROM store_item WHERE id = '{created['id']}'")
    assert rows == [("again",)]
