"""Kill -9 campaigns on real child processes: the tests and bench/kill_campaign.py use it.

A campaign runs ``trials`` workers (forked by :mod:`tests.faults.zygote`), each writing one
file in a loop; each is killed with SIGKILL at a random moment. After each kill the file is
checked as the next start of hljgis would find it: it must open, and hold the last version
the worker completed or the one it was writing, never an older one, never a damaged one.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")
ROOT = Path(__file__).resolve().parents[2]


class Zygote:
    """The forking server process; ``with Zygote(...) as z``."""

    def __init__(self, env: dict | None = None, rank_project: Path | None = None):
        env = {**os.environ, **(env or {})}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT),
                                             env.get("PYTHONPATH", "")])
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        argv = [sys.executable, str(ZYGOTE)] + ([str(rank_project)] if rank_project else [])
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, bufsize=0)
        self._buf = b""
        self.lines: list[str] = []
        self._trials = 0
        self._running: set[int] = set()
        self._pending: list[str] = []  # lines read but not yet expected
        self.expect(lambda line: line == "zygote ready", timeout=120)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for pid in self._running:  # a failed test: no writer outlives it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.stdin.close()
        self.proc.wait(timeout=30)

    def send(self, text: str) -> None:
        self.proc.stdin.write((text + "\n").encode())

    def _readline(self, deadline: float) -> str | None:
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError("the zygote ended: " + " | ".join(self.lines[-5:]))
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        text = line.decode()
        self.lines.append(text)
        return text

    def expect(self, match: Callable[[str], bool], timeout: float = 60) -> str:
        """The first line, read or still to come, that ``match``es (taken off the queue)."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self._pending:
                if " error " in line:
                    raise RuntimeError(f"worker failed: {line}")
                if match(line):
                    self._pending.remove(line)
                    return line
            line = self._readline(deadline)
            if line is None:
                raise TimeoutError("waited for a line; last: " + " | ".join(self.lines[-5:]))
            self._pending.append(line)

    def new_trial(self) -> int:
        """A trial number never used before by this zygote (versions are named after it)."""
        self._trials += 1
        return self._trials

    def start(self, trial: int, mode: str, args: dict) -> int:
        self.send(f"run {trial} {mode} {json.dumps(args)}")
        line = self.expect(lambda s: s.startswith(f"{trial} pid "))
        pid = int(line.split()[2])
        self._running.add(pid)
        return pid

    def reap(self, pid: int) -> None:
        self.send(f"reap {pid}")
        self.expect(lambda s: s.startswith(f"{pid} reaped"))
        self._running.discard(pid)

    def done(self, trial: int) -> list[str]:
        """The versions whose write the worker reported complete."""
        return [s.split()[2] for s in self.lines if s.startswith(f"{trial} done ")]


@dataclass
class Campaign:
    """Figures of one campaign: trials, kills inside a write, losses and what they were."""

    name: str
    trials: int = 0
    kills_mid_write: int = 0  # kills that cut a write (the others fell just after one)
    losses: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.name:<16} trials {self.trials:>4}  killed mid-write "
                f"{self.kills_mid_write:>4}  lost or damaged {len(self.losses):>3}  "
                f"({self.seconds:.1f} s)")


def kill_campaign(name: str, zygote: Zygote, mode: str, args_for: Callable[[int], dict],
                  read_version: Callable[[int], str | None], trials: int,
                  seed: int = 12, fresh: bool = False) -> Campaign:
    """Start a looping writer per trial, SIGKILL it at a random moment, check the file.

    ``read_version(trial)`` opens the file as a restarted hljgis would and returns the
    version it holds (None: no file yet), raising if the file is damaged. ``fresh``: each
    trial starts from nothing (a recovery copy, consumed by the restart that read it).
    """
    rng = random.Random(seed)
    result = Campaign(name)
    t0 = time.monotonic()
    on_disk = None
    window = 0.3  # seconds; adapted so that a worker completes one to three writes
    for _ in range(trials):
        trial = zygote.new_trial()
        pid = zygote.start(trial, mode, args_for(trial))
        zygote.expect(lambda s, t=trial: s == f"{t} started")
        time.sleep(rng.uniform(0.0, window))
        os.kill(pid, signal.SIGKILL)
        zygote.reap(pid)
        versions = zygote.done(trial)
        window *= 1.3 if len(versions) < 1 else 0.8 if len(versions) > 3 else 1.0
        in_flight = f"{trial}.{len(versions)}"
        allowed = {versions[-1] if versions else on_disk, in_flight}
        result.trials += 1
        try:
            found = read_version(trial)
        except Exception as exc:  # noqa: BLE001 - a damaged file is a loss
            result.losses.append(f"trial {trial}: damaged ({exc})")
            continue
        if found not in allowed:
            result.losses.append(f"trial {trial}: holds {found}, expected one of {allowed}")
        elif found != in_flight:
            result.kills_mid_write += 1  # the write in progress was cut and discarded
        on_disk = None if fresh else found
    result.seconds = time.monotonic() - t0
    return result


# -- reading a file back as a restarted hljgis would: its version, or an error if damaged --

def project_version(target: Path) -> str | None:
    """The title of the project at ``target`` (its .bak must open too)."""
    from hljgis.io import load_project
    from hljgis.io.atomic import backup_path

    found = load_project(target).metadata["title"]
    if backup_path(target).exists():
        load_project(backup_path(target))
    return None if found == "synthetic" else found


def layer_version(target: Path) -> str | None:
    """The ``version`` of every row of a results layer (GeoPackage or CSV), all rows whole."""
    import pyogrio

    if not target.exists():
        return None
    gdf = pyogrio.read_dataframe(target)
    assert len(gdf) > 100 and gdf["version"].nunique() == 1
    return str(gdf["version"].iloc[0])


def page_version(target: Path) -> str | None:
    """The title of an exported PDF (both pages parse) or SVG (the XML parses)."""
    if not target.exists():
        return None
    if target.suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(target, strict=True)
        assert len(reader.pages) == 2
        return reader.metadata.title
    import xml.etree.ElementTree as ET

    return ET.parse(target).getroot().find("{http://www.w3.org/2000/svg}title").text


def recovered_version() -> str | None:
    """Restart: the copy of the dead app is offered and opens; then it is discarded."""
    from hljgis.io import recovery

    copy = recovery.pending_recovery()
    if copy is None:
        return None
    title = recovery.recover(copy).metadata["title"]
    recovery.discard()
    return title


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
