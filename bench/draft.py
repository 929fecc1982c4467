"""Time what the scenario builder adds on top of a ranking, on the bundled project.

Usage::

    .venv/bin/python bench/draft.py [--city Qitaihe] [--repeat 3]

Prints, for the ``sme-space`` preset: one draft edit (snapshot before and after, the
undo command, the events), resolving the weights the dock shows after each edit (direct and
AHP), a one-criterion run ("Compute values" for the transform editor's histogram) and the
full ranking it stands beside. Fastest of ``--repeat`` runs; the machine is often shared,
so the load average is printed first.
"""

from __future__ import annotations

import argparse
import os
import time

from hljgis.analysis import run_scenario
from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.presets import preset
from hljgis.core.session import Session
from hljgis.io import load_project
from hljgis.io.bundled import bundled_project_path


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--city", default="Qitaihe")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    project = load_project(bundled_project_path())
    session = Session(project)
    draft = ScenarioDraft.from_scenario(preset("sme-space"))
    session.track_draft(draft)
    w = [1.0]

    def edit() -> None:
        w[0] = 3.0 - w[0]  # 1 <-> 2: every call is a real edit
        draft.set_weight(0, w[0])

    n = 200
    t_edit = best(lambda: [edit() for _ in range(n)], args.repeat) / n
    t_direct = best(lambda: [draft.weights() for _ in range(n)], args.repeat) / n
    draft.set_method("ahp")
    t_ahp = best(lambda: [draft.weights() for _ in range(n)], args.repeat) / n
    print(f"one draft edit (snapshots, undo command, events): {1e3 * t_edit:.3f} ms")
    print(f"weights after an edit: direct {1e3 * t_direct:.3f} ms, AHP {1e3 * t_ahp:.3f} ms "
          f"({len(draft.criteria)} criteria)")
    probe = draft.probe(0)
    t_probe = best(lambda: run_scenario(project, probe, city=args.city), args.repeat)
    full = draft.to_scenario().copy(sensitivity=None)
    res = run_scenario(project, full, city=args.city)
    t_full = best(lambda: run_scenario(project, full, city=args.city), args.repeat)
    print(f"{args.city}: {len(res.gdf):,} sites; compute values of "
          f"'{probe.criteria[0].name}' {t_probe:.2f} s; full ranking {t_full:.2f} s")


if __name__ == "__main__":
    main()
