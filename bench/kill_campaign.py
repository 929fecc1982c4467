"""kill -9 campaign: project save, ranking write (GPKG, CSV), export (PDF, SVG), autosave.

Usage::

    .venv/bin/python bench/kill_campaign.py [--trials 40] [--races 20]

Each campaign forks a writer per trial (see tests/faults/zygote.py) that writes one file in a
loop and kills it with SIGKILL at a random moment; the file is then opened as the next start
of hljgis would. Prints per campaign: trials, kills that cut a write, files lost or damaged,
temporaries the kills left and what remained after the next start's clean-up; then the
two-writer races (both processes save one project at once). Data: the synthetic 10-layer
project of the test suite (800 candidate cells).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--races", type=int, default=20)
    args = parser.parse_args()

    from hljgis.io import load_project, save_project
    from hljgis.io.atomic import clean_stale_temporaries
    from tests.analysis.test_presets import synthetic_project
    from tests.faults import harness as h

    work = Path(tempfile.mkdtemp(prefix="hljgis-campaign-"))
    user = work / "user"
    os.environ["HLJGIS_USER_DIR"] = str(user)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{args.trials} kills per campaign")
    source = save_project(synthetic_project(), work / "source.hljgis.gpkg")
    total_trials = total_losses = 0
    try:
        with h.Zygote(env={"HLJGIS_USER_DIR": str(user)}, rank_project=source) as z:
            campaigns = [
                ("project save", "save", "p.hljgis.gpkg", h.project_version),
                ("rank .gpkg", "rank", "r.gpkg", h.layer_version),
                ("rank .csv", "rank", "r.csv", h.layer_version),
                ("export .pdf", "export", "map.pdf", h.page_version),
                ("export .svg", "export", "map.svg", h.page_version),
            ]
            for name, mode, file, reader in campaigns:
                folder = work / mode / Path(file).suffix.lstrip(".")
                folder.mkdir(parents=True)
                target = folder / file
                if mode == "save":
                    shutil.copy(source, target)
                c = h.kill_campaign(name, z, mode, lambda t, p=target: {"target": str(p)},
                                    lambda t, p=target, r=reader: r(p), args.trials)
                left = h.temporaries(folder)
                clean_stale_temporaries(folder)
                print(f"{c.line()}  temporaries left {len(left)}, after restart "
                      f"{len(h.temporaries(folder))}")
                for loss in c.losses[:5]:
                    print("    " + loss)
                total_trials += c.trials
                total_losses += len(c.losses)
            c = h.kill_campaign("autosave+recover", z, "autosave",
                                lambda t: {"source": str(source)},
                                lambda t: h.recovered_version(), args.trials,
                                fresh=True)
            from hljgis.io import recovery

            left = h.temporaries(user)
            recovery.start()
            print(f"{c.line()}  temporaries left {len(left)}, after restart "
                  f"{len(h.temporaries(user))}")
            recovery.finish()
            total_trials += c.trials
            total_losses += len(c.losses)

            target = work / "race.hljgis.gpkg"
            shutil.copy(source, target)
            silent = 0
            t0 = time.monotonic()
            for race in range(args.races):
                go = work / f"go{race}"
                trials = {}
                for side in "ab":
                    t = z.new_trial()
                    trials[t] = (side, z.start(t, "race", {"target": str(target),
                                                            "name": f"{race}{side}",
                                                            "go": str(go)}))
                for t in trials:
                    z.expect(lambda s, t=t: s == f"{t} started")
                go.touch()
                results = {}
                while len(results) < 2:
                    line = z.expect(lambda s, ids=tuple(trials): " result " in s
                                    and int(s.split()[0]) in ids)
                    results[trials[int(line.split()[0])][0]] = line.split()[2]
                for _, pid in trials.values():
                    z.reap(pid)
                saved = [side for side, r in results.items() if r == "saved"]
                on_disk = load_project(target).metadata["title"]
                # a loss: both think they saved, or the file is not the one that saved
                if len(saved) != 1 or on_disk != f"{race}{saved[0]}":
                    silent += 1
            print(f"{'two writers':<16} races  {args.races:>4}  one saved + one told "
                  f"{args.races - silent:>4}  lost silently {silent:>3}  "
                  f"({time.monotonic() - t0:.1f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"total: {total_trials} kills, {total_losses} files lost or damaged")


if __name__ == "__main__":
    main()
