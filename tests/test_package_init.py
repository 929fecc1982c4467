"""Importing hljgis first keeps numpy's BLAS to one thread (no spinning pool at start-up),
unless the user chose a number."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")
SCRIPT = "import os, hljgis, numpy; print(os.environ['OPENBLAS_NUM_THREADS'], " \
         "len(os.listdir('/proc/self/task')))"


def _run(**env_extra) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env.update(PYTHONPATH=SRC, **env_extra)
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, check=True, timeout=120).stdout
    return out.split()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads counted in /proc")
def test_numpy_starts_no_blas_threads_after_hljgis():
    assert _run() == ["1", "1"]  # the interpreter's own thread only


def test_the_users_choice_stands():
    assert _run(OPENBLAS_NUM_THREADS="3")[0] == "3"
