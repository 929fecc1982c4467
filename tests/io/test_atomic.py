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


def test_a_big_replaced_backup_is_freed_behind_the_save(tmp_path, monkeypatch):
    """The old backup's blocks are freed on a worker thread: the save returns first, the
    backups are right meanwhile, and the freed file waits under a temporary name."""
    import threading

    from hljgis.io import atomic

    monkeypatch.setattr(atomic, "LATER_BYTES", 4)
    gate = threading.Event()
    seen = []

    def slow_unlink(path):
        seen.append(path.read_text())
        gate.wait(10)
        path.unlink()

    monkeypatch.setattr(atomic, "_unlink_quietly", slow_unlink)
    out = tmp_path / "r.html"
    for text in ("one--", "two--", "three"):
        write_text_atomic(out, text)
    assert out.read_text() == "three" and backup_path(out).read_text() == "two--"
    waiting = sorted(p.name for p in tmp_path.iterdir() if p.name not in {"r.html",
                                                                           "r.bak.html"})
    # the old "one--" backup and the old "two--" target (still the backup's inode) wait
    assert len(waiting) >= 1 and all(atomic._TEMP_NAME.match(n) for n in waiting)
    gate.set()
    atomic.settle()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.bak.html", "r.html"]
    assert "one--" in seen


def test_files_freed_later_are_gone_when_the_process_has_exited(tmp_path):
    import subprocess
    import sys

    code = ("import sys\n"
            "from pathlib import Path\n"
            "from hljgis.io import atomic\n"
            "atomic.LATER_BYTES = 1\n"
            "out = Path(sys.argv[1]) / 'r.bin'\n"
            "for k in range(4):\n"
            "    atomic.write_atomic(out, lambda t, k=k: t.write_bytes(bytes([k]) * 100_000))\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=60)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.bak.bin", "r.bin"]
    assert (tmp_path / "r.bin").read_bytes()[:1] == b"\x03"
    assert (tmp_path / "r.bak.bin").read_bytes()[:1] == b"\x02"


def test_without_hard_links_a_big_file_is_still_replaced(tmp_path, monkeypatch):
    from hljgis.io import atomic

    monkeypatch.setattr(atomic, "LATER_BYTES", 1)

    def no_links(*args):
        raise OSError("no links on this share")

    monkeypatch.setattr(atomic.os, "link", no_links)
    out = tmp_path / "r.txt"
    for text in ("a", "b", "c"):
        write_text_atomic(out, text)
    atomic.settle()
    assert out.read_text() == "c" and backup_path(out).read_text() == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.bak.txt", "r.txt"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_forked_child_frees_files_with_a_worker_of_its_own(tmp_path, monkeypatch):
    from hljgis.io import atomic

    monkeypatch.setattr(atomic, "LATER_BYTES", 1)
    (tmp_path / "a").write_bytes(b"xx")
    atomic.unlink_later(tmp_path / "a")  # the parent's worker exists from here
    atomic.settle()
    (tmp_path / "b").write_bytes(b"xx")
    pid = os.fork()
    if pid == 0:  # the child: its inherited worker thread does not exist
        import signal

        signal.alarm(20)  # waiting on the parent's worker would hang: killed instead
        try:
            atomic.unlink_later(tmp_path / "b")
            atomic.settle()
            os._exit(0 if not (tmp_path / "b").exists() else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
