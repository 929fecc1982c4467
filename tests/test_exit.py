"""At exit the cycle collector's shutdown passes find every object frozen, and exit
handlers, finalizers and file flushing still happen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

WATCHED = r"""
import gc, os, weakref
import hljgis

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
import hljgis

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
