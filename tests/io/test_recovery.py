"""Recovery copies: one per running app, offered only when their app is gone, adopted."""

import os
import subprocess
import sys

import pytest

from hljgis.io import load_project, recovery, save_project
from tests.io.test_project_file import project  # noqa: F401 - fixture

DEAD_PID = 4_194_999  # above Linux's largest pid: never a running process


@pytest.fixture(autouse=True)
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    yield
    recovery.finish()


def _as_dead(copy):
    """Rename this app's copy as if a crashed app (no lock held) had left it."""
    dead = recovery.recovery_path(pid=DEAD_PID)
    copy.rename(dead)
    recovery._info_path(copy).rename(recovery._info_path(dead))
    return dead


def test_own_copy_is_never_offered_and_a_dead_apps_copy_is(project, tmp_path):  # noqa: F811
    project.path = str(tmp_path / "mine.hljgis.gpkg")
    copy = recovery.autosave(project)
    assert copy.name == f"recovery-{os.getpid()}.hljgis.gpkg"
    assert recovery.pending_recovery() is None
    dead = _as_dead(copy)
    assert recovery.pending_recovery() == dead


def test_a_running_apps_copy_is_not_offered_nor_deleted(tmp_path):
    """Another app (a child process holding its lock) autosaves; this app must not offer,
    restore or delete its copy, neither at start nor at its own clean exit."""
    user = tmp_path / "user"
    code = (
        "import sys\n"
        "import geopandas as gpd, shapely\n"
        "from hljgis.core.layer import VectorLayer\n"
        "from hljgis.core.project import Project\n"
        "from hljgis.io import recovery\n"
        "p = Project('other app', '另一个'); p.path = '/elsewhere/other.hljgis.gpkg'\n"
        "p.add_layer(VectorLayer(gpd.GeoDataFrame(geometry=[shapely.Point(130, 46)],\n"
        "                                         crs=4490), 'pts'))\n"
        "recovery.autosave(p)\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n")
    env = {**os.environ, "HLJGIS_USER_DIR": str(user)}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        theirs = recovery.recovery_path(pid=child.pid)
        assert theirs.exists()
        recovery.start()
        assert recovery.pending_recovery() is None
        recovery.finish()  # this app's clean exit
        assert theirs.exists()
        child.kill()  # the other app dies: now its copy is offered
        child.wait()
        assert recovery.pending_recovery() == theirs
        assert recovery.recover().metadata["title"] == "other app"
    finally:
        child.kill()
        child.wait()


def test_recovered_raster_is_taken_into_the_project_on_first_save(project, tmp_path):  # noqa: F811
    """The recovered DEM is read from the recovery file; after the first save it must come
    from the saved project, so deleting the recovery copy breaks nothing."""
    project.path = str(tmp_path / "mine.hljgis.gpkg")
    _as_dead(recovery.autosave(project))
    restored = recovery.recover()
    assert str(recovery.recovery_path()) in restored.layer("dem").path
    save_project(restored, restored.path)
    recovery.discard()  # what the window does after a save
    assert not recovery.recovery_path().exists()
    assert restored.layer("dem").read() is not None
    restored.dirty = True
    save_project(restored, restored.path)  # the second save
    recovery.autosave(restored)  # and an autosave
    assert load_project(restored.path).layer("dem").read()[0].shape == (30, 40)


def test_start_cleans_temporaries_of_killed_saves(tmp_path):
    from hljgis.io.atomic import _host_tag

    user = tmp_path / "user"
    user.mkdir()
    host = _host_tag()
    dead = user / f".recovery-1.hljgis.{DEAD_PID}-{host}.abcdefgh.tmp.gpkg"
    dead.write_bytes(b"x" * 1000)
    journal = user / f".recovery-1.hljgis.{DEAD_PID}-{host}.abcdefgh.tmp.gpkg-journal"
    journal.write_bytes(b"j")
    live = user / f".recovery-1.hljgis.{os.getpid()}-{host}.abcdefgh.tmp.gpkg"
    live.write_bytes(b"busy")
    assert recovery.start() == (2, 1001)
    assert not dead.exists() and not journal.exists() and live.exists()
