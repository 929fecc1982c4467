"""`hljgis db` against a real server: tables, pull/push/list/history, two CLI processes pushing
at once, a ranking that reads its layers from PostGIS and writes its results back."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hljgis.analysis.presets import SME_SPACE
from hljgis.cli import main
from hljgis.io import load_project, save_project
from hljgis.io.postgis import read_postgis, results_metadata, write_postgis
from hljgis.io.project_store import LINK_KEY, ProjectStore
from tests.analysis.test_presets import synthetic_project

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))


@pytest.fixture
def project_file(tmp_path, user_dir):
    project = synthetic_project()
    project.set_scenario("mine", {**copy.deepcopy(SME_SPACE), "name": "mine"})
    return str(save_project(project, tmp_path / "p.hljgis.gpkg"))


@pytest.fixture
def survey(bureau):
    import psycopg

    with psycopg.connect(bureau) as con:
        con.execute("CREATE SCHEMA survey")
    return bureau


def test_tables_and_bad_password(survey, pgpass, capsys):
    bureau = survey
    project = synthetic_project()
    write_postgis(project.layer("districts").gdf, f"PG:{bureau} tables=survey.districts")
    assert main(["db", "tables", "--db", bureau]) == 0
    out = capsys.readouterr().out
    assert "survey.districts  geom MULTIPOLYGON SRID 4490" in out or \
        "survey.districts  geom POLYGON SRID 4490" in out
    assert main(["info", f"PG:{bureau} tables=survey.districts"]) == 0  # any file command
    out = capsys.readouterr().out
    assert "layer districts" in out and "features: 2" in out and "read from PostGIS" in out
    pgpass.write_text("*:*:*:planner:wrong\n")
    assert main(["db", "tables", "--db", bureau]) == 2
    err = capsys.readouterr().err
    assert "wrong password for user planner" in err and "what to do:" in err


def test_push_pull_list_history(bureau, project_file, tmp_path, capsys):
    assert main(["db", "push", project_file, "--db", bureau, "--name", "jixi"]) == 0
    assert "saved" in capsys.readouterr().out
    copy_path = tmp_path / "copy.hljgis.gpkg"
    assert main(["db", "pull", "jixi", "--db", bureau, "--out", str(copy_path)]) == 0
    pulled = load_project(copy_path)
    assert pulled.metadata[LINK_KEY]["version"] == 1 and "mine" in pulled.scenarios
    pulled.set_scenario("offline", {**copy.deepcopy(SME_SPACE), "name": "offline"})
    save_project(pulled, copy_path)
    assert main(["db", "push", str(copy_path)]) == 0  # the copy knows where it belongs
    assert main(["db", "list", "--db", bureau]) == 0
    assert main(["db", "history", "jixi", "--db", bureau]) == 0
    out = capsys.readouterr().out
    assert "jixi  version 2" in out and "version 1" in out and "version 2" in out


def test_pulled_and_pushed_copies_keep_their_picture(bureau, project_file, tmp_path,
                                                   monkeypatch, capsys):
    """A large project's offline copy opens at once in the window, like any saved file."""
    from hljgis.io import project_preview as pp
    from tests.export.picture_support import coloured_share, stored_picture

    monkeypatch.setattr(pp, "MIN_FEATURES", 2)  # the synthetic layers hold 1-3 features
    assert main(["db", "push", project_file, "--db", bureau, "--name", "big"]) == 0
    assert coloured_share(stored_picture(project_file).png) > 0.01  # re-saved with its link
    copy_path = tmp_path / "copy.hljgis.gpkg"
    assert main(["db", "pull", "big", "--db", bureau, "--out", str(copy_path)]) == 0
    assert coloured_share(stored_picture(copy_path).png) > 0.01
    capsys.readouterr()


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "hljgis", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def _run_both(cmds):
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = [subprocess.Popen([sys.executable, "-m", "hljgis", *c], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for c in cmds]
    return [(p.wait(120), *p.communicate()) for p in procs]


def test_two_cli_processes_pushing_at_once_lose_nothing(bureau, project_file, tmp_path):
    assert main(["db", "push", project_file, "--db", bureau, "--name", "jixi"]) == 0
    copies = []
    for who in ("li", "wang"):
        path = tmp_path / f"{who}.hljgis.gpkg"
        assert main(["db", "pull", "jixi", "--db", bureau, "--out", str(path)]) == 0
        p = load_project(path)
        p.set_scenario(who, {**copy.deepcopy(SME_SPACE), "name": who})
        save_project(p, path)
        copies.append(str(path))
    results = _run_both([["db", "push", c] for c in copies])
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 2], results
    loser = next(err for code, _out, err in results if code == 2)
    assert "was not written over theirs" in loser and "--on-conflict merge" in loser
    assert len(ProjectStore(bureau).refused("jixi")) == 1
    # both push again with merge, at once: every planner's scenario is in the project
    results = _run_both([["db", "push", c, "--on-conflict", "merge"] for c in copies])
    assert [code for code, _o, _e in results] == [0, 0], results
    final = ProjectStore(bureau).load("jixi")
    assert {"li", "wang", "mine"} <= final.scenarios.keys()


def test_rank_reads_postgis_layers_and_writes_results_back(survey, project_file, capsys):
    bureau = survey
    project = load_project(project_file)
    for name in ("districts", "hsr_stations", "subsidence_zones"):
        write_postgis(project.layer(name).gdf, f"PG:{bureau} tables=survey.{name}")
    uses = []
    for name in ("districts", "hsr_stations", "subsidence_zones"):
        uses += ["--use-layer", f"{name}=PG:{bureau} tables=survey.{name}"]
    target = f"PG:{bureau} tables=survey.sme_sites"
    code = main(["db", "rank", project_file, "--scenario", "sme-space", "--city", "Jixi",
                 "--year", "2026", *uses, "--out", target])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "wrote" in out and "table survey.sme_sites" in out
    back = read_postgis(target)
    assert {"score", "rank", "excluded", "raw_hsr_access"} <= set(back.columns)
    assert back["rank"].min() == 1 and (back["city"] == "Jixi").all()
    meta = results_metadata(target)
    assert meta["scenario"][0] == "sme-space"
    assert meta["parameters"][0]["city"] == "Jixi"
    assert meta["parameters"][0]["planning_year"] == 2026
    assert set(meta["parameters"][0]["weights"]) >= {"hsr_access"}


def test_rank_project_from_the_store(bureau, project_file, capsys):
    assert main(["db", "push", project_file, "--db", bureau, "--name", "jixi"]) == 0
    target = f"PG:{bureau} tables=sites_from_store"
    assert main(["db", "rank", "jixi", "--db", bureau, "--scenario", "mine", "--out",
                 target]) == 0
    assert len(read_postgis(target)) > 0
    assert main(["db", "rank", "nosuch", "--db", bureau, "--scenario", "mine", "--out",
                 target]) == 2
    assert "no project 'nosuch'" in capsys.readouterr().err


def test_rank_with_a_missing_table(bureau, project_file, capsys):
    code = main(["db", "rank", project_file, "--scenario", "sme-space", "--use-layer",
                 f"districts=PG:{bureau} tables=survey.nope", "--out", "x.gpkg"])
    assert code == 2
    assert "no table or view called survey.nope" in capsys.readouterr().err


def test_cli_process_wrong_password(pg_cluster, pgpass):
    pgpass.write_text("*:*:*:planner:wrong\n")
    out = _cli("db", "list", "--db", pg_cluster.conninfo())
    assert out.returncode == 2 and "wrong password" in out.stderr


def test_plain_rank_writes_to_postgis(bureau, project_file):
    """`hljgis rank --out PG:...` writes the table and a metadata row with the scenario's
    name, city, planning year and weights, as `db rank` does; candidates can come from the
    database too."""
    target = f"PG:{bureau} tables=plain_rank"
    assert main(["rank", project_file, "--scenario", "sme-space", "--city", "Jixi",
                 "--out", target]) == 0
    ranked = read_postgis(target)
    assert len(ranked) > 0 and (ranked["city"] == "Jixi").all()
    meta = results_metadata(target)
    assert meta["scenario"][0] == "sme-space"
    assert meta["parameters"][0]["city"] == "Jixi"
    assert set(meta["parameters"][0]["weights"]) >= {"hsr_access"}

    parcels = ranked[ranked["rank"] <= 20][["site_id", "geometry"]].rename(
        columns={"site_id": "parcel_no"})
    write_postgis(parcels, f"PG:{bureau} tables=parcels")
    again = f"PG:{bureau} tables=parcel_rank"
    assert main(["rank", project_file, "--candidates", f"PG:{bureau} tables=parcels",
                 "--id-field", "parcel_no", "--scenario", "sme-space", "--out", again]) == 0
    back = read_postgis(again)
    assert len(back) == 20 and set(back["parcel_no"]) == set(parcels["parcel_no"])


def test_rank_warns_when_postgis_layers_are_the_stored_copy(survey, pg_cluster, tmp_path,
                                                            user_dir, capsys):
    """A project whose districts come from PostGIS ranks on the table read again; with the
    server away it ranks on the copy stored in the project and says so on stderr."""
    from hljgis.core.layer import VectorLayer
    from hljgis.io import read_file

    project = synthetic_project()
    old = project.layer("districts")
    write_postgis(old.gdf, f"PG:{survey} tables=survey.districts")
    [new] = read_file(f"PG:{survey} tables=survey.districts")
    layer = VectorLayer.from_settings(new.gdf, {**old.settings(),
                                                "source_path": new.source_path})
    layer.db_link = new.db_link
    project.remove_layer("districts")
    project.add_layer(layer, 0)
    path = str(save_project(project, tmp_path / "pg.hljgis.gpkg"))
    args = ["rank", path, "--scenario", "sme-space", "--city", "Jixi", "--out",
            str(tmp_path / "r.gpkg")]
    assert main(args) == 0
    assert "could not be read" not in capsys.readouterr().err
    pg_cluster.stop("immediate")
    try:
        assert main([*args[:-1], str(tmp_path / "r2.gpkg")]) == 0
    finally:
        pg_cluster.start()
    err = capsys.readouterr().err
    assert "warning: districts: the database could not be read (cannot reach" in err
    assert "showing the copy saved in the project" in err
