"""A real PostgreSQL server for the tests: Debian's `postgresql` package (.ci/run installs
it), a cluster of its own in a temporary directory, on 127.0.0.1 only.

PostgreSQL refuses to run as root: when the tests run as root (CI does), the server runs
as the `postgres` user the package creates (else `nobody`) through runuser. TCP logins
need a password (scram-sha-256) and TLS is on, with a throwaway self-signed certificate,
because RDS refuses plain connections and the app connects with sslmode=require.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE = "app"
USER = "app"


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str

    def environment(self) -> dict[str, str]:
        """The variables the stack gives a task (data.database), pointing here."""
        return {
            "DB_HOST": self.host,
            "DB_PORT": str(self.port),
            "DB_NAME": self.database,
            "DB_USER": self.user,
            "DB_PASSWORD": self.password,
        }

    def connect(self, database: str | None = None) -> object:
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password,
            dbname=database or self.database, sslmode="require", autocommit=True,
        )  # fmt: skip


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    config = shutil.which("pg_config")
    if config:
        return Path(subprocess.run([config, "--bindir"], capture_output=True, text=True,
                                   check=True).stdout.strip())  # fmt: skip
    raise RuntimeError("PostgreSQL is not installed: run .ci/run (apt-get install postgresql)")


def _runner() -> tuple[list[str], pwd.struct_passwd]:
    """The command prefix that runs a program as an unprivileged user, and that user."""
    if os.geteuid() != 0:
        return [], pwd.getpwuid(os.geteuid())
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], user
    raise RuntimeError("no unprivileged user to run PostgreSQL as (postgres or nobody)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _owned(path: Path, user: pwd.struct_passwd, mode: int) -> Path:
    os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(mode)
    return path


def _certificate(folder: Path, user: pwd.struct_passwd) -> tuple[Path, Path]:
    key, cert = folder / "server.key", folder / "server.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return _owned(key, user, 0o600), _owned(cert, user, 0o644)


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """Start a fresh cluster, create the app's database, yield it, stop and remove it."""
    binaries = server_binaries()
    prefix, user = _runner()
    folder = _owned(Path(tempfile.mkdtemp(prefix="tinystack-pg-")), user, 0o700)
    password = secrets.token_urlsafe(16)
    pwfile = folder / "password"
    pwfile.write_text(password)
    _owned(pwfile, user, 0o600)
    data, log, port = folder / "data", folder / "server.log", _free_port()
    key, cert = _certificate(folder, user)

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, cwd=folder)

    run(str(binaries / "initdb"), "-D", str(data), "-U", USER, "--pwfile", str(pwfile),
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8")  # fmt: skip
    options = (
        f"-h 127.0.0.1 -p {port} -k {folder} -c ssl=on "
        f"-c ssl_cert_file={cert} -c ssl_key_file={key}"
    )
    try:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"PostgreSQL did not start: {log.read_text(errors='replace')}"
        ) from error
    server = Postgres("127.0.0.1", port, USER, password, DATABASE)
    try:
        with server.connect("postgres") as admin:  # type: ignore[attr-defined]
            admin.execute(f"CREATE DATABASE {DATABASE}")
        yield server
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
