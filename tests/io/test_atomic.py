"""io.atomic: every replacement keeps the old file until the new one is whole."""

import os
import time

import pytest

from hljgis.core.errors import InputError
from hljgis.io.atomic import (
    _host_tag,
    atomic_target,
    backup_path,
    clean_stale_temporaries,
    write_text_atomic,
)

DEAD_PID = 4_194_999


def test_replace_keeps_backup_and_failure_keeps_old(tmp_path):
    out = tmp_path / "map.html"
    write_text_atomic(out, "one")
    write_text_atomic(out, "two")
    assert out.read_text() == "two" and backup_path(out).read_text() == "one"
    with pytest.raises(RuntimeError), atomic_target(out) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert out.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.bak.html", "map.html"]


def test_temporary_names_carry_the_pid(tmp_path):
    with atomic_target(tmp_path / "r.gpkg") as tmp:
        assert f".{os.getpid()}-{_host_tag()}." in tmp.name and tmp.name.endswith(".tmp.gpkg")
        tmp.write_bytes(b"x")


def test_only_temporaries_of_dead_processes_are_removed(tmp_path):
    host = _host_tag()
    dead = tmp_path / f".r.{DEAD_PID}-{host}.abcd1234.tmp.gpkg"
    dead.write_bytes(b"x" * 10)
    live = tmp_path / f".r.{os.getppid()}-{host}.abcd1234.tmp.gpkg"  # the runner's parent
    live.write_bytes(b"y")
    # another computer writing into a shared folder: its pids mean nothing here
    remote = tmp_path / f".r.{DEAD_PID}-{'0' if host[0] != '0' else '1'}{host[1:]}.ab.tmp.gpkg"
    remote.write_bytes(b"r")
    mine = tmp_path / "r.gpkg"
    mine.write_bytes(b"z")
    assert clean_stale_temporaries(tmp_path) == (1, 10)
    assert not dead.exists() and live.exists() and remote.exists() and mine.exists()
    hour_ago = time.time() - 3700
    os.utime(remote, (hour_ago, hour_ago))
    assert clean_stale_temporaries(tmp_path) == (1, 1)


def test_a_folder_or_a_missing_folder_is_refused(tmp_path):
    (tmp_path / "d.pdf").mkdir()
    with pytest.raises(InputError, match="is a folder"), atomic_target(tmp_path / "d.pdf"):
        pass
    with pytest.raises(InputError, match="does not exist"), \
            atomic_target(tmp_path / "no" / "x.pdf"):
        pass
