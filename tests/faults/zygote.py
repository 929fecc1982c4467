"""A process that imports hljgis once and forks a worker per fault trial.

Started by :class:`tests.faults.harness.Zygote`. Commands on stdin, one per line:

``run <trial> <mode> <json args>``
    fork a worker; print ``<trial> pid <pid>``. The worker prints ``<trial> started`` when it
    is ready, ``<trial> done <version>`` after each complete write, and ``<trial> result
    <word>`` when a mode ends by itself.
``reap <pid>``
    wait for that worker (killed or finished); print ``<pid> reaped <status>``.

Each mode writes in a loop until it is killed (SIGKILL at a random moment, by the test):
``save`` a project, ``rank`` a results layer (GeoPackage or CSV), ``export`` a page (PDF or
SVG), ``autosave`` the recovery copy, and ``race`` saves once after a start signal. Forking
keeps a trial at a few hundred milliseconds instead of the seconds an interpreter with
geopandas and Qt takes to start.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import geopandas  # noqa: F401 - imported before forking: the workers start warm
import pyogrio  # noqa: F401
from PySide6 import QtGui  # noqa: F401

from hljgis.io import load_project, recovery, save_project
from hljgis.io.project_file import ProjectChangedOnDisk
from hljgis.io.writers import write_layer


def say(text: str) -> None:
    os.write(1, (text + "\n").encode())  # one write per line: whole lines on the pipe


#: A worker stops by itself after this long (it is meant to be killed much sooner), so a
#: failed test never leaves writers running.
WORKER_LIFETIME_S = 60


def _versions(trial: int):
    i, end = 0, time.monotonic() + WORKER_LIFETIME_S
    while time.monotonic() < end:
        yield f"{trial}.{i}"
        i += 1


def mode_save(trial: int, args: dict) -> None:
    project = load_project(args["target"])
    say(f"{trial} started")
    for version in _versions(trial):
        project.metadata["title"] = version
        project.dirty = True
        save_project(project, args["target"])
        say(f"{trial} done {version}")


def mode_autosave(trial: int, args: dict) -> None:
    project = load_project(args["source"])
    say(f"{trial} started")
    for version in _versions(trial):
        project.metadata["title"] = version
        recovery.autosave(project)
        say(f"{trial} done {version}")


def mode_rank(trial: int, args: dict) -> None:
    layer = RANKED["layer"]
    say(f"{trial} started")
    for version in _versions(trial):
        layer.gdf["version"] = version
        write_layer(layer, args["target"])
        say(f"{trial} done {version}")


def mode_export(trial: int, args: dict) -> None:
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.output import PaintedPage, write_pdf, write_svg

    ensure_gui_app()
    target = Path(args["target"])
    say(f"{trial} started")
    for version in _versions(trial):
        page = PaintedPage((297, 210), _painter(version), title=version)
        if target.suffix == ".pdf":
            write_pdf([page, page], target, 150, title=version)
        else:
            write_svg(page, target)
        say(f"{trial} done {version}")


def _painter(version: str):
    def paint(painter, dpi):
        from PySide6.QtCore import QLineF, QPointF

        painter.drawText(QPointF(50, 50), f"hljgis fault trial {version} 故障试验")
        for k in range(4000):  # enough vector content that a write takes a while
            painter.drawLine(QLineF(k % 1700, 100 + k % 1100, 1700 - k % 900, 1200 - k % 700))
        return None
    return paint


def mode_race(trial: int, args: dict) -> None:
    project = load_project(args["target"])
    project.metadata["title"] = args["name"]
    project.dirty = True
    say(f"{trial} started")
    go, end = Path(args["go"]), time.monotonic() + WORKER_LIFETIME_S
    while not go.exists():
        if time.monotonic() > end:
            raise TimeoutError("no start signal")
        time.sleep(0.001)
    try:
        save_project(project, args["target"])
        say(f"{trial} result saved")
    except ProjectChangedOnDisk:
        say(f"{trial} result conflict")


MODES = {"save": mode_save, "autosave": mode_autosave, "rank": mode_rank,
         "export": mode_export, "race": mode_race}
RANKED: dict = {}


def prepare_rank(project_path: str) -> None:
    """Rank once in the zygote: every worker writes the same results."""
    from hljgis.analysis import run_scenario
    from hljgis.analysis.run import resolve_scenario

    project = load_project(project_path)
    RANKED["layer"] = run_scenario(project, resolve_scenario("sme-space", project)).layer()


def main() -> None:
    if len(sys.argv) > 1:
        prepare_rank(sys.argv[1])
    say("zygote ready")
    for line in sys.stdin:
        parts = line.split(maxsplit=3)
        if parts[0] == "reap":
            pid = int(parts[1])
            _, status = os.waitpid(pid, 0)
            say(f"{pid} reaped {status}")
            continue
        trial, mode, args = int(parts[1]), parts[2], json.loads(parts[3])
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                MODES[mode](trial, args)
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                say(f"{trial} error {type(exc).__name__}: {exc}".replace("\n", " "))
                code = 1
            finally:
                os._exit(code)
        say(f"{trial} pid {pid}")


if __name__ == "__main__":
    main()
