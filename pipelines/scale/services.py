"""The scale profile's services on this machine: PostgreSQL, PgBouncer, Redis and Celery workers.

Used by the `scale` tests and `make scale-demo`. Each service listens on 127.0.0.1 on a free port, keeps
its files under one folder and is stopped by its pid. PostgreSQL and PgBouncer refuse to run as root, so
under root they run as an unprivileged user (`SERVICE_USER`, created if missing). Nothing here is used by
the pipeline itself: it reads the same settings a cluster would give it (`Services.environment()`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.scale.profile import CELERY_YAML, write_instance_yaml

SERVICE_USER = "sentra-svc"
_START_TIMEOUT_S = 60.0


class ServiceError(RuntimeError):
    """A service did not start or stop; the message names it and its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str, *folders: str) -> str:
    """A server binary: in `folders`, Debian's PostgreSQL folders, or on PATH."""
    for folder in [*folders, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise ServiceError(f"{name}: not installed (Debian: apt-get install postgresql pgbouncer redis-server)")
    return found


def _service_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SERVICE_USER], check=True)
        return pwd.getpwnam(SERVICE_USER)


def _as_service_user() -> list[str]:
    """A command prefix that drops root to SERVICE_USER (PostgreSQL and PgBouncer refuse root)."""
    if os.geteuid() != 0:
        return []
    _service_user()
    return ["runuser", "-u", SERVICE_USER, "--"]


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        entry = _service_user()
        for p in [path, *path.rglob("*")]:
            os.chown(p, entry.pw_uid, entry.pw_gid)


def _wait_port(port: int, what: str, log: Path, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text(errors="replace")[-800:] if log.exists() else "(no log)"
    raise ServiceError(f"{what} did not start on 127.0.0.1:{port} (log {log}): {tail}")


def _stop_pid(pid: int, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # our own child: reap it, or it stays a zombie that os.kill still finds
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies left to init do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":  # state, ppid, pgrp
                return True
    return False


@dataclass
class Postgres:
    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "pgdata"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _chown(self.folder)
        initdb = _tool("initdb", "/usr/local/bin")
        cmd = [*_as_service_user(), initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise ServiceError(f"initdb {self.data} failed: {done.stderr.strip()[-500:]}")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = ''\n"
                "max_connections = 200\nfsync = on\n"
            )

    def start(self) -> None:
        pg_ctl = _tool("pg_ctl", "/usr/local/bin")
        cmd = [*_as_service_user(), pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "start"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise ServiceError(f"PostgreSQL did not start (log {self.log}): {done.stderr.strip()[-500:]}")
        _wait_port(self.port, "PostgreSQL", self.log)

    @property
    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        return int(pidfile.read_text().split()[0]) if pidfile.exists() else None

    def stop(self) -> None:
        """Fast shutdown (SIGINT): sessions are ended, committed work is kept."""
        pid = self.pid
        if pid is not None:
            _stop_pid(pid, signal.SIGINT)

    def execute(self, *statements: str) -> None:
        """Statements of ours (no user input) as the superuser, each in its own transaction."""
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        con.autocommit = True
        try:
            with con.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            con.close()

    def create_databases(self, *names: str) -> None:
        self.execute(*(f'CREATE DATABASE "{name}"' for name in names))


@dataclass
class Service:
    """A foreground process we started: PgBouncer, Redis or a Celery worker."""

    name: str
    log: Path
    proc: subprocess.Popen | None = None

    def start(self, cmd: list[str], port: int | None, env: dict[str, str] | None = None) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        out.close()
        if port is not None:
            _wait_port(port, self.name, self.log, self.proc)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the whole process group (a Celery worker's `celery` and pool processes are children)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.proc.poll()
            if not group_alive(self.proc.pid):
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


# Opening the profile's instance creates its tables in PostgreSQL (dagster-postgres does it on first use).
_CREATE_INSTANCE = (
    "import os, dagster as dg; dg.DagsterInstance.from_config(os.environ['DAGSTER_HOME']).get_runs(limit=1)"
)


@dataclass
class Services:
    """All four, under `folder`; `profile()` gives the settings Sentra and Dagster read to use them."""

    folder: Path
    workers: int = 2
    postgres: Postgres = field(init=False)
    bouncer_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    bouncer: Service = field(init=False)
    redis: Service = field(init=False)
    celery: list[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # PostgreSQL's and PgBouncer's files sit where their unprivileged user can reach them (a test's
        # temporary folder is private to root); removed at stop.
        self.private = Path(tempfile.mkdtemp(prefix="sentra-services-"))
        os.chmod(self.private, 0o755)
        self.postgres = Postgres(self.private / "postgres")
        self.bouncer = Service("PgBouncer", self.folder / "pgbouncer.log")
        self.redis = Service("Redis", self.folder / "redis.log")

    def profile(self, data_dir: Path, dagster_home: Path, name: str = "sentra") -> dict[str, str]:
        """A new scale profile: its own databases (`<name>_dagster`, `<name>_lake`), instance folder and data
        folder; returns its settings (docs/DEPLOY.md lists them)."""
        self.postgres.create_databases(f"{name}_dagster", f"{name}_lake")
        write_instance_yaml(dagster_home)
        return {
            "DAGSTER_HOME": str(dagster_home),
            "SENTRA_DATA_DIR": str(data_dir),
            # Dagster's storage through PgBouncer; the lake's catalog straight to PostgreSQL (DuckLake holds
            # its catalog connection for the session, and PgBouncer adds nothing there).
            "SENTRA_DAGSTER_PG_URL": f"postgresql+psycopg2://postgres@127.0.0.1:{self.bouncer_port}/{name}_dagster",
            "SENTRA_WAREHOUSE": f"ducklake:postgres:dbname={name}_lake host=127.0.0.1 port={self.postgres.port} "
            "user=postgres",
            "SENTRA_LAKE_DATA_PATH": str(data_dir / "lake") + "/",
            "SENTRA_CELERY_BROKER": f"redis://127.0.0.1:{self.redis_port}/0",
        }

    def start_databases(self) -> None:
        """PostgreSQL, PgBouncer and Redis; when one fails to start, those already started are stopped before the
        error goes on (nothing is left running)."""
        try:
            self.postgres.init()
            self.postgres.start()
            self._start_bouncer()
            self._start_redis()
        except BaseException:
            self.stop()
            raise

    def _start_bouncer(self) -> None:
        folder = self.private / "pgbouncer"
        folder.mkdir(exist_ok=True)
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"[databases]\n* = host=127.0.0.1 port={self.postgres.port}\n\n[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.bouncer_port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\n"
            # Session pooling: Dagster's storage uses a connection per call, PgBouncer keeps them open.
            "pool_mode = session\nmax_client_conn = 1000\ndefault_pool_size = 40\n"
            # Check a server connection before handing it out: after PostgreSQL restarts, pooled connections
            # are dead, and the default (checked only after 30 s idle) hands them to Dagster.
            "server_check_delay = 0\n"
            # After a failed login (PostgreSQL down) PgBouncer refuses every client for server_login_retry
            # (15 s by default), so a rerun right after PostgreSQL is back failed; retry within a second.
            "server_login_retry = 1\n"
        )
        _chown(folder)
        cmd = [*_as_service_user(), _tool("pgbouncer", "/usr/sbin"), str(folder / "pgbouncer.ini")]
        self.bouncer.start(cmd, self.bouncer_port)

    def _start_redis(self) -> None:
        cmd = [
            _tool("redis-server", "/usr/bin"),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.redis.start(cmd, self.redis_port)

    def start_workers(self, env: dict[str, str]) -> None:
        """Two (or `workers`) Celery workers of Dagster's Celery executor, one step at a time each, reading
        the profile's settings `env` (a step's warehouse and data folder come from its worker)."""
        self.stop_workers()
        bin_dir = str(Path(sys.executable).parent)  # `dagster-celery worker start` shells out to `celery`
        worker_env = {**os.environ, **env, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
        # Each worker creates the instance's tables when it finds none, and two doing it at once race
        # (`type "secondary_indexes" already exists`, seen in a test run): create them first, here.
        subprocess.run([sys.executable, "-c", _CREATE_INSTANCE], env=worker_env, check=True, capture_output=True)
        try:
            self._start_workers(bin_dir, worker_env)
            self._wait_workers(env["SENTRA_CELERY_BROKER"])
        except BaseException:
            self.stop_workers()  # none left behind when one does not start or answer
            raise

    def _start_workers(self, bin_dir: str, worker_env: dict[str, str]) -> None:
        config = CELERY_YAML  # broker and backend from SENTRA_CELERY_BROKER in the worker's environment
        for n in range(1, self.workers + 1):
            worker = Service(f"Celery worker {n}", self.folder / f"worker{n}.log")
            cmd = [
                f"{bin_dir}/dagster-celery",
                "worker",
                "start",
                "-A",
                "dagster_celery.app",
                "-y",
                str(config),
                "-n",
                f"w{n}@%h",
                "--",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
            ]
            self.celery.append(worker)
            worker.start(cmd, None, worker_env)

    def _wait_workers(self, broker: str) -> None:
        from celery import Celery

        app = Celery(broker=broker, backend=broker)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if len(replies) >= len(self.celery):
                return
            if any(w.proc is not None and w.proc.poll() is not None for w in self.celery):
                break
        logs = ", ".join(str(w.log) for w in self.celery)
        raise ServiceError(f"the Celery workers did not answer within {_START_TIMEOUT_S:.0f} s (logs {logs})")

    def stop_workers(self) -> None:
        for worker in self.celery:
            worker.stop()
        self.celery = []

    def stop(self) -> None:
        self.stop_workers()
        self.bouncer.stop()
        self.redis.stop()
        self.postgres.stop()
        shutil.rmtree(self.private, ignore_errors=True)


@contextmanager
def running(folder: Path, data_dir: Path, dagster_home: Path, workers: int = 2) -> Iterator[tuple[Services, dict]]:
    """Start everything with one profile (instance folder `dagster_home`, data `data_dir`); stop all at the end."""
    services = Services(folder, workers)
    try:
        services.start_databases()
        env = services.profile(data_dir, dagster_home)
        services.start_workers(env)
        yield services, env
    finally:
        services.stop()
