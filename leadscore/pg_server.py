"""A throwaway PostgreSQL server for the tests and the benchmark (not for production).

`initdb` + `pg_ctl` in a temporary directory, on a free local port, with trust
authentication and durability off (fsync, synchronous commit, full-page writes: a test
cluster is thrown away). initdb refuses to run as root, so as root the server's commands
run as the `postgres` user. The binaries are Debian's postgresql-15 (LEADSCORE_PG_BIN).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("LEADSCORE_PG_BIN", "/usr/lib/postgresql/15/bin"))
MISSING_SERVER = (
    f"PostgreSQL 15 server binaries not found in {PG_BIN} (initdb, pg_ctl): install Debian's "
    "postgresql-15 (apt-get install -y postgresql-15)")


def server_binaries_present() -> bool:
    return (PG_BIN / "initdb").is_file() and (PG_BIN / "pg_ctl").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(args: list[str]) -> list[str]:
    """initdb refuses root: run the server's commands as `postgres` when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PgServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.port = _free_port()
        self.database = "leadscore"

    def env(self) -> dict[str, str]:
        """The environment variables of the `postgres` target and `leadscore load`."""
        return {"LEADSCORE_PG_HOST": "127.0.0.1", "LEADSCORE_PG_PORT": str(self.port),
                "LEADSCORE_PG_USER": "postgres", "LEADSCORE_PG_PASSWORD": "",
                "LEADSCORE_PG_DATABASE": self.database}

    def start(self) -> None:
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres",
                                        "-E", "UTF8", "--locale=C.UTF-8", "-D", str(self.data)]),
                       check=True, capture_output=True)
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c timezone=UTC")
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o",
                                        options, "-l", str(self.root / "server.log"), "-w",
                                        "start"]), check=True, capture_output=True)
        self.execute("postgres", f"create database {self.database}", autocommit=True)

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                                        "immediate", "-w", "stop"]), capture_output=True)

    def connect(self, database: str | None = None):  # type: ignore[no-untyped-def]
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                dbname=database or self.database, options="-c timezone=UTC")

    def execute(self, database: str, sql: str, autocommit: bool = False) -> None:
        con = self.connect(database)
        con.autocommit = autocommit
        try:
            with con.cursor() as cur:
                cur.execute(sql)
            con.commit()
        finally:
            con.close()

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()


@contextmanager
def throwaway_server(prefix: str = "leadscore-pg-") -> Iterator[PgServer]:
    """A started server in a new temporary directory, stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    server = PgServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
