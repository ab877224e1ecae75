"""A throwaway PostgreSQL cluster on loopback, for tests and benchmarks.

PostgreSQL refuses to run as root, so when we are root the cluster runs as an
unprivileged OS user (`postgres` where it exists, else one we create).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def pg_bindir() -> Path:
    candidates = []
    if os.environ.get("FOOTPRINT_PG_BINDIR"):
        candidates.append(os.environ["FOOTPRINT_PG_BINDIR"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        candidates.append(str(Path(pg_ctl).parent))
    for cand in candidates:
        if cand and (Path(cand) / "pg_ctl").exists() and (Path(cand) / "initdb").exists():
            return Path(cand)
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install them "
        "(apt-get install postgresql) or set FOOTPRINT_PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "footprint-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "footprint-pg"], check=True)
    return "footprint-pg"


@dataclass
class PostgresServer:
    datadir: Path
    port: int
    user: str = "footprint"
    password: str = "footprint"
    host: str = "127.0.0.1"
    os_user: str | None = None

    def env(self, database: str = "footprint") -> dict[str, str]:
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": database,
        }

    def _run(self, args: list[str], **kw: Any) -> subprocess.CompletedProcess:
        if self.os_user:
            args = ["runuser", "-u", self.os_user, "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

    def start(self) -> PostgresServer:
        bindir = pg_bindir()
        self.datadir.mkdir(parents=True, exist_ok=True)
        pwfile = self.datadir.parent / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.os_user:
            shutil.chown(self.datadir.parent, self.os_user)
            shutil.chown(self.datadir, self.os_user)
            shutil.chown(pwfile, self.os_user)
        self._run([
            str(bindir / "initdb"), "-D", str(self.datadir), "-U", self.user,
            "--pwfile", str(pwfile), "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8",
        ])
        opts = (
            f"-h {self.host} -p {self.port} -k {self.datadir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run([
            str(bindir / "pg_ctl"), "-D", str(self.datadir), "-o", opts,
            "-l", str(self.datadir / "server.log"), "-w", "-t", "60", "start",
        ])
        self.create_database("footprint")
        return self

    def create_database(self, name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(**{**self.connect_kwargs("postgres")})
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (name,))
            if not cur.fetchone():
                cur.execute(f'create database "{name}"')
        conn.close()

    def connect_kwargs(self, database: str = "footprint") -> dict:
        return dict(host=self.host, port=self.port, user=self.user, password=self.password, dbname=database)

    def stop(self, remove: bool = True) -> None:
        try:
            self._run([str(pg_bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"])
        except subprocess.CalledProcessError:
            pass
        if remove:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_throwaway(base: Path | None = None) -> PostgresServer:
    """Start a fresh cluster in a new temporary folder; the caller stops it."""
    os_user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="footprint-pg-", dir=base))
    server = PostgresServer(datadir=root / "data", port=_free_port(), os_user=os_user)
    for attempt in range(3):
        try:
            return server.start()
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
            server.port = _free_port()
            time.sleep(0.5)
    return server
