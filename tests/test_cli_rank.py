"""`hljgis rank`: writes GeoPackage and CSV, prints the top sites, exit 2 on bad scenarios."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pyogrio
import pytest

from hljgis.analysis.presets import SME_SPACE
from hljgis.cli import main
from hljgis.io import save_project
from tests.analysis.test_presets import synthetic_project


@pytest.fixture
def project_file(tmp_path):
    project = synthetic_project()
    project.set_scenario("mine", {**copy.deepcopy(SME_SPACE), "name": "mine"})
    return str(save_project(project, tmp_path / "p.hljgis.gpkg"))


def test_rank_writes_gpkg_and_csv(project_file, tmp_path, capsys):
    out, csv = tmp_path / "r.gpkg", tmp_path / "r.csv"
    code = main(["rank", project_file, "--scenario", "sme-space", "--city", "Jixi",
                 "--year", "2026", "--out", str(out), "--csv", str(csv), "--top", "5"])
    text = capsys.readouterr().out
    assert code == 0
    assert "scenario sme-space" in text and "planning year 2026" in text
    assert text.count("Jixi") >= 5 and "urban_centre" in text
    gdf = pyogrio.read_dataframe(out)
    table = pd.read_csv(csv)
    assert len(gdf) == len(table) > 0
    assert {"score", "rank", "excluded", "exclusion_reason", "raw_hsr_access",
            "norm_hsr_access", "contrib_hsr_access"} <= set(gdf.columns)
    assert gdf["rank"].min() == 1


def test_project_scenario_resolved_first(project_file, tmp_path, capsys):
    assert main(["rank", project_file, "--scenario", "mine", "--out",
                 str(tmp_path / "m.gpkg")]) == 0
    assert "scenario mine" in capsys.readouterr().out


def test_bad_scenario_file_exit_2_naming_field(project_file, tmp_path, capsys):
    bad = copy.deepcopy(SME_SPACE)
    bad["criteria"][2]["transform"]["a"] = "soon"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    code = main(["rank", project_file, "--scenario", str(path), "--out",
                 str(tmp_path / "x.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert "criteria[2].transform.a must be a number" in err
    assert not (tmp_path / "x.gpkg").exists()


def test_unknown_scenario_exit_2(project_file, tmp_path, capsys):
    code = main(["rank", project_file, "--scenario", "nope", "--out", str(tmp_path / "x.gpkg")])
    assert code == 2 and "sme-space" in capsys.readouterr().err


def test_rank_out_a_project_file_adds_the_ranking_and_a_rerun_replaces_it(
        project_file, tmp_path, monkeypatch):
    """``--out x.hljgis.gpkg``: the project with the ranking as a layer, stored as its grid
    definition; ranking that project again replaces the layer (no rank_x_2). The input
    project itself is never written (tests/test_cli_bad_inputs.py)."""
    import sqlite3

    from hljgis.io import compact_layers
    from hljgis.io.project_file import load_project

    monkeypatch.setattr(compact_layers, "COMPACT_FROM", 1)
    before = load_project(project_file).layer_names()
    first, second = tmp_path / "q.hljgis.gpkg", tmp_path / "r.hljgis.gpkg"
    assert main(["rank", project_file, "--scenario", "sme-space", "--city", "Jixi",
                 "--year", "2026", "--out", str(first)]) == 0
    assert main(["rank", str(first), "--scenario", "sme-space", "--city", "Jixi",
                 "--year", "2030", "--out", str(second)]) == 0
    assert load_project(project_file).layer_names() == before
    project = load_project(second)
    added = [n for n in project.layer_names() if n not in before]
    assert added == ["rank_sme_space_jixi"]
    layer = project.layer(added[0])
    assert layer.provenance["as_of"] == "2030"  # the second run's
    assert layer.style["renderer"]["kind"] == "graduated"
    with sqlite3.connect(second) as con:
        text = con.execute("SELECT json FROM hljgis_project").fetchone()[0]
    entry = next(e for e in json.loads(text)["layers"] if e["name"] == added[0])
    assert entry["storage"]["kind"] == "grid"
