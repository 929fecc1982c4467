"""A throwaway PostgreSQL + PostGIS cluster for the tests in this folder.

The cluster lives in a temporary folder and listens only on a unix-domain socket in that
folder (``listen_addresses=''``), so the suite's socket guard (``--allow-unix-socket``) lets
the tests reach it and nothing on the network can. PostgreSQL refuses to run as root: as
root (CI) the server runs as the ``postgres`` user through ``runuser``.

Two roles: ``postgres`` (trusted, for setting up) and ``planner`` (password login, found by
libpq in a ``.pgpass`` file named by ``PGPASSFILE``), two databases: ``bureau`` with PostGIS
and ``plain`` without it. The server packages come from packaging/system-packages.txt
(``make test`` installs them); where they are missing the tests skip and say so.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "survey-2026"
PORT = 54329  # only names the socket file (.s.PGSQL.54329); no TCP port is opened
MISSING = ("PostgreSQL/PostGIS server not installed (Debian packages postgresql and "
           "postgresql-15-postgis-3, listed in packaging/system-packages.txt; `make test` "
           "installs them)")


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        exe = shutil.which("initdb")
        return Path(exe).parent if exe else None
    return Path(found[-1]).parent


def _has_postgis(bindir: Path) -> bool:
    version = bindir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


@dataclass
class Cluster:
    """A running test server: where it is and how to stop or restart it."""

    bindir: Path
    root: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, str(self.bindir / tool), *args], check=check,
                              capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                 "-o", f"-k {self.socket_dir} -c listen_addresses='' -p {PORT} -c fsync=off",
                 "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def sql(self, statement: str, db: str = "postgres") -> str:
        out = self.run("psql", "-h", str(self.socket_dir), "-p", str(PORT), "-U", "postgres",
                       "-d", db, "-v", "ON_ERROR_STOP=1", "-Atc", statement)
        return out.stdout.strip()

    def conninfo(self, db: str = "bureau", user: str = "planner") -> str:
        """A libpq connection string without a password (libpq finds it in PGPASSFILE)."""
        return f"host={self.socket_dir} port={PORT} dbname={db} user={user}"

    def url(self, db: str = "bureau", user: str = "planner") -> str:
        from urllib.parse import quote

        return f"postgresql://{user}@{quote(str(self.socket_dir), safe='')}:{PORT}/{db}"


@pytest.fixture(scope="session")
def pg_cluster():
    """Start the cluster once for the session; stop it and remove its folder at the end."""
    bindir = _bindir()
    if bindir is None or not _has_postgis(bindir):
        pytest.skip(MISSING)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]'; it is in "
                    "hljgis' dependencies)")
    _stop_orphans(bindir)
    root = Path(tempfile.mkdtemp(prefix="hljgis-pg-"))
    (root / "owner.pid").write_text(str(os.getpid()))
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: PostgreSQL will not run as root")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    (root / "sock").mkdir()
    if as_user:
        shutil.chown(root / "sock", "postgres")
    root.chmod(0o755)
    cluster = Cluster(bindir, root, as_user)
    hba = root / "hba.conf"
    try:
        cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C")
        # planner logs in with a password (scram); postgres stays trusted for set-up
        hba.write_text("local all planner scram-sha-256\nlocal all all trust\n")
        shutil.copy(hba, cluster.data / "pg_hba.conf")
        if as_user:
            shutil.chown(cluster.data / "pg_hba.conf", "postgres")
        cluster.start()
        cluster.sql(f"CREATE ROLE planner LOGIN PASSWORD '{PASSWORD}'")
        cluster.sql("CREATE ROLE planner2 LOGIN PASSWORD 'other' IN ROLE planner")
        for db in ("bureau", "plain"):
            cluster.sql(f"CREATE DATABASE {db} OWNER planner")
        cluster.sql("CREATE EXTENSION postgis", db="bureau")
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start the test PostgreSQL: {exc.stderr}\n{log}")
    yield cluster
    cluster.stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


def _stop_orphans(bindir: Path) -> None:
    """Stop and remove test clusters whose pytest run was killed before its teardown (a
    timeout, Ctrl+C twice): each folder names the pid of the run that made it."""
    for folder in Path(tempfile.gettempdir()).glob("hljgis-pg-*"):
        try:
            owner = int((folder / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # that run is still going
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (no pid file, or no permission)
        if (folder / "data" / "postmaster.pid").exists():
            as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(folder / "data"),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return any(loc.lower() in ("c.utf8", "c.utf-8") for loc in out.stdout.split())


@pytest.fixture
def pgpass(tmp_path, monkeypatch, pg_cluster):
    """A .pgpass with the planner's password, as libpq reads it (mode 0600)."""
    path = tmp_path / "pgpass"
    path.write_text(f"*:*:*:planner:{PASSWORD}\n*:*:*:planner2:other\n")
    path.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(path))
    for var in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGHOST", "PGDATABASE", "PGUSER"):
        monkeypatch.delenv(var, raising=False)
    return path


@pytest.fixture
def bureau(pg_cluster, pgpass):
    """The conninfo of the PostGIS database, emptied of the previous test's tables."""
    pg_cluster.sql(
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT schemaname, tablename FROM pg_tables "
        "WHERE tableowner = 'planner' LOOP EXECUTE format('DROP TABLE %I.%I CASCADE', "
        "r.schemaname, r.tablename); END LOOP; END $$", db="bureau")
    with contextlib.suppress(subprocess.CalledProcessError):
        pg_cluster.sql("DROP SCHEMA IF EXISTS survey CASCADE", db="bureau")
    return pg_cluster.conninfo()
