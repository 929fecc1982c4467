"""At exit of the hljgis command the cycle collector's shutdown passes find every object
frozen, and exit handlers, finalizers and file flushing still happen; a script that only
imports hljgis keeps Python's usual exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

WATCHED = r"""
import gc, os, weakref
from hljgis import _exit
_exit.install()  # as hljgis.__main__.run does

def watch(phase, info):
    if phase == "start" and info["generation"] == 2:
        os.write(1, f"collect frozen={gc.get_freeze_count()}\n".encode())

gc.callbacks.append(watch)

class Thing:
    pass

kept = Thing()
weakref.finalize(kept, os.write, 1, b"finalizer ran\n")
gc.collect()  # a collection while running: nothing frozen yet
"""

LEFT_OPEN = r"""
import sys
from hljgis import _exit
_exit.install()

class Node:
    pass

out = open(sys.argv[1], "w")
out.write("buffered text")  # flushed when the file object is freed at exit
loop = Node()
loop.me, loop.data = loop, list(range(1000))  # a cycle: left to the operating system
"""


def _run(script: str, *args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, env=env, check=True, timeout=120)
    return proc.stdout.splitlines()


def test_exit_collections_skip_frozen_objects_after_the_exit_handlers():
    lines = _run(WATCHED)
    assert lines[0] == "collect frozen=0"
    assert "finalizer ran" in lines  # weakref.finalize(atexit=True) still runs
    at_exit = [ln for ln in lines[lines.index("finalizer ran"):] if ln.startswith("collect")]
    assert at_exit and all(int(ln.split("=")[1]) > 1000 for ln in at_exit)


def test_a_file_left_open_is_still_written_at_exit(tmp_path):
    target = tmp_path / "left.txt"
    _run(LEFT_OPEN, str(target))
    assert target.read_text() == "buffered text"


PLAIN_IMPORT = r"""
import gc, os
import hljgis, hljgis.__main__

def watch(phase, info):
    if phase == "start" and info["generation"] == 2:
        os.write(1, f"collect frozen={gc.get_freeze_count()}\n".encode())

gc.callbacks.append(watch)
"""


def test_importing_hljgis_leaves_the_exit_alone():
    lines = _run(PLAIN_IMPORT)
    assert lines and all(ln == "collect frozen=0" for ln in lines)


def test_the_command_installs_the_freeze():
    install = "from hljgis import _exit\n_exit.install()  # as hljgis.__main__.run does\n"
    assert install in WATCHED
    script = WATCHED.replace(install, "") + (
        "import sys, hljgis.__main__\nsys.argv = ['hljgis', '--help']\n"
        "try:\n    hljgis.__main__.run()\nexcept SystemExit:\n    pass\n")
    lines = _run(script)
    at_exit = [ln for ln in lines[lines.index("finalizer ran"):] if ln.startswith("collect")]
    assert at_exit and all(int(ln.split("=")[1]) > 1000 for ln in at_exit)
