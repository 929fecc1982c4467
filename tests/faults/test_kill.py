"""kill -9 of real processes while they save a project, write rankings, export pages and
autosave; two processes saving one project. Nothing may be lost or damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hljgis.io import load_project, recovery, save_project
from hljgis.io.atomic import clean_stale_temporaries
from tests.analysis.test_presets import synthetic_project
from tests.faults.harness import (
    Zygote,
    kill_campaign,
    layer_version,
    page_version,
    project_version,
    recovered_version,
    temporaries,
)

#: Kills per campaign (bench/kill_campaign.py runs more).
TRIALS = int(os.environ.get("HLJGIS_FAULT_TRIALS", "8"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


@pytest.fixture(scope="module")
def workdir():
    """Not under pytest's basetemp: another pytest run on the machine may rotate that away
    while the workers still write into it."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hljgis-faults-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def project_file(workdir):
    return save_project(synthetic_project(), workdir / "source.hljgis.gpkg")


@pytest.fixture(scope="module")
def zygote(workdir, project_file):
    with Zygote(env={"HLJGIS_USER_DIR": str(workdir / "user")},
                rank_project=project_file) as z:
        yield z


#: One row per writer killed mid-write: (campaign name, zygote mode, file it writes, how a
#: restarted hljgis reads that file's version, whether it starts from the project file).
WRITERS = [
    pytest.param("project save", "save", "p.hljgis.gpkg", project_version, True,
                 id="project-save"),
    pytest.param("rank .gpkg", "rank", "r.gpkg", layer_version, False, id="rank-gpkg"),
    pytest.param("rank .csv", "rank", "r.csv", layer_version, False, id="rank-csv"),
    pytest.param("export .pdf", "export", "map.pdf", page_version, False, id="export-pdf"),
    pytest.param("export .svg", "export", "map.svg", page_version, False, id="export-svg"),
]


@pytest.mark.parametrize(("name", "mode", "filename", "read_version", "from_project"),
                         WRITERS)
def test_kill_during_write(zygote, workdir, project_file, name, mode, filename, read_version,
                           from_project):
    """kill -9 the writer at random moments: the file holds the last or the in-flight
    version, never a damaged one; the next start removes every temporary it left."""
    folder = workdir / name.replace(" ", "-")
    folder.mkdir()
    target = folder / filename
    if from_project:
        target.write_bytes(project_file.read_bytes())

    campaign = kill_campaign(name, zygote, mode, lambda t: {"target": str(target)},
                             lambda t: read_version(target), TRIALS)
    print(campaign.line())
    assert not campaign.losses, campaign.losses
    assert campaign.trials == TRIALS and campaign.kills_mid_write > 0
    clean_stale_temporaries(folder)
    assert temporaries(folder) == []


def test_kill_during_autosave_then_restart_recovers(zygote, workdir, project_file,
                                                   monkeypatch):
    """Restart after each kill: the dead app's copy is offered, opens, and is the last
    autosave (or the one in progress); temporaries of the killed autosaves are cleaned."""
    user = workdir / "user"
    monkeypatch.setenv("HLJGIS_USER_DIR", str(user))

    try:
        campaign = kill_campaign("autosave+recover", zygote, "autosave",
                                 lambda t: {"source": str(project_file)},
                                 lambda t: recovered_version(), TRIALS,
                                 fresh=True)
        print(campaign.line())
        assert not campaign.losses, campaign.losses
        recovery.start()  # what the app does at start
        assert temporaries(user) == []
    finally:
        recovery.finish()


def test_two_processes_saving_one_project(zygote, workdir, project_file):
    """Both open the project, both save at once: one save wins, the other is told so (no
    save vanishes silently), and the file holds the winner's."""
    folder = workdir / "race"
    folder.mkdir()
    target = folder / "p.hljgis.gpkg"
    target.write_bytes(project_file.read_bytes())
    outcomes = []
    for race in range(max(4, TRIALS // 2)):
        go = folder / f"go{race}"
        sides = {}
        for side in ("a", "b"):
            trial = zygote.new_trial()
            sides[side] = (trial, zygote.start(trial, "race", {
                "target": str(target), "name": f"{race}{side}", "go": str(go)}))
        for trial, _ in sides.values():
            zygote.expect(lambda s, t=trial: s == f"{t} started")
        go.touch()
        results, by_trial = {}, {trial: side for side, (trial, _) in sides.items()}
        while len(results) < 2:  # in whichever order they finish
            line = zygote.expect(lambda s, ids=by_trial: s.split()[0] in {str(t) for t in ids}
                                 and " result " in s)
            results[by_trial[int(line.split()[0])]] = line.split()[2]
        for _, pid in sides.values():
            zygote.reap(pid)
        outcomes.append(results)
        assert sorted(results.values()) == ["conflict", "saved"], results
        winner = next(side for side, r in results.items() if r == "saved")
        assert load_project(target).metadata["title"] == f"{race}{winner}"
    print(f"two writers: {len(outcomes)} races, {len(outcomes)} saved once + told once")
