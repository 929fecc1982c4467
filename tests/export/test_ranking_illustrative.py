"""Ranking outputs name the illustrative layers a scenario reads, and stop naming a layer
once the bureau's survey has replaced it (PDF text read back with pypdf)."""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3

import pytest

from hljgis.analysis.inputs import illustrative_inputs, scenario_layer_names
from hljgis.core.session import Session
from hljgis.io.replace import read_source, replace_layer, suggest_spec
from tests.export._common import bundled
from tests.io.replace_support import SHANTY_PROVENANCE, write_shanty_csv

pypdf = pytest.importorskip("pypdf")

SHANTY = "Shanty-town redevelopment sites"
OTHERS = ("Coal-mining subsidence zones", "Pillar industries")


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """(bundled project, the same with shanty_sites replaced from a CSV survey)."""
    tmp = tmp_path_factory.mktemp("replaced")
    replaced = bundled()
    csv_path = write_shanty_csv(tmp / "survey.csv")
    spec = suggest_spec(read_source(csv_path), "shanty_sites")
    spec.provenance = dict(SHANTY_PROVENANCE)
    replace_layer(Session(replaced), "shanty_sites", csv_path, spec)
    return bundled(), replaced


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(path) -> str:
    return _clean(" ".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages))


def test_scenario_inputs(projects):
    original, replaced = projects
    from hljgis.analysis.presets import preset

    assert scenario_layer_names(preset("sme-space"))[:3] == ["districts", "towns",
                                                             "shanty_sites"]
    assert [lyr.name for lyr in illustrative_inputs(original, "sme-space")] == [
        "shanty_sites", "subsidence_zones", "pillar_industries"]
    assert [lyr.name for lyr in illustrative_inputs(replaced, "sme-space")] == [
        "subsidence_zones", "pillar_industries"]


@pytest.fixture(scope="module")
def atlases(projects, tmp_path_factory):
    from hljgis.export.atlas import build_atlas

    out = {}
    for key, project in zip(("original", "replaced"), projects, strict=True):
        path = tmp_path_factory.mktemp(key) / "annex.pdf"
        _, infos = build_atlas(project, "dfr-annex-a4", "sme-space", path, cities=["Jixi"],
                               dpi=72, sensitivity={"runs": 10})
        out[key] = (path, infos)
    return out


def test_atlas_table_page_carries_the_warning_for_the_layers_still_illustrative(atlases):
    for key, (path, _) in atlases.items():
        table = _clean(pypdf.PdfReader(str(path)).pages[-1].extract_text())
        assert "Top-ranked sites by city" in table
        assert "read illustrative layers" in table
        assert all(name in table for name in OTHERS)
        assert (SHANTY in table) == (key == "original")
        zh = table.replace(" ", "")
        assert "示意数据" in zh and "采煤沉陷区" in zh
        assert ("棚户区改造" in zh) == (key == "original")


def test_score_cards_pdf_csv_xlsx_name_the_illustrative_inputs(projects, atlases, tmp_path):
    from openpyxl import load_workbook

    from hljgis.export.scorecards import write_score_cards

    for key, project in zip(("original", "replaced"), projects, strict=True):
        out = write_score_cards(project, atlases[key][1], tmp_path / f"{key}.pdf", per_city=1,
                                dpi=72)
        text = _pdf_text(out["pdf"].path)
        assert "read illustrative layers" in text
        assert (SHANTY in text) == (key == "original")
        with open(out["csv"], encoding="utf-8-sig") as fh:
            row = next(csv.DictReader(fh))
        expected = ("shanty_sites; " if key == "original" else "") + \
            "subsidence_zones; pillar_industries"
        assert row["illustrative_inputs"] == expected
        wb = load_workbook(out["xlsx"])
        notes = " ".join(str(c.value) for r in wb["illustrative data 示意数据"].iter_rows()
                         for c in r)
        assert "Pillar industries" in notes and (SHANTY in notes) == (key == "original")


def test_layout_export_footer_drops_the_replaced_layer(projects, tmp_path):
    from hljgis.export.api import export_layout

    for key, project in zip(("original", "replaced"), projects, strict=True):
        result = export_layout(project, "dfr-annex-a4", tmp_path / f"{key}.pdf", dpi=72,
                               city="Jixi")
        text = _pdf_text(result.path)
        warned = re.search(r"Illustrative data: (.*?) contain illustrative", text).group(1)
        assert "Pillar industries" in warned
        assert (SHANTY in warned) == (key == "original"), key
        # the footer's sources name the bureau's survey for the replaced layer
        assert ("Jixi housing bureau survey (as of 2024-06)" in text) == (key == "replaced")


def test_webmap_note_names_the_ranking_inputs(projects, atlases, tmp_path):
    from hljgis.export.webmap import build_webmap

    for key, project in zip(("original", "replaced"), projects, strict=True):
        result = atlases[key][1][0].result
        html = build_webmap(project, tmp_path / f"{key}.html", result=result,
                            embed_font=False).read_text(encoding="utf-8")
        note = html[html.index("class='hljgis-note'"):][:3000]
        note = note.split("<details>")[0]  # the warning, not the folded sources list after it
        assert "read illustrative layers" in note and "Pillar industries" in note
        assert (SHANTY in note) == (key == "original")


def test_cli_rank_files_carry_the_inputs(projects, tmp_path, capsys):
    from hljgis.cli import main
    from hljgis.io.bundled import bundled_project_path

    proj = tmp_path / "p.hljgis.gpkg"
    shutil.copy(bundled_project_path(), proj)
    out, out_csv = tmp_path / "rank.gpkg", tmp_path / "rank.csv"
    assert main(["rank", str(proj), "--scenario", "sme-space", "--city", "Jixi", "--out",
                 str(out), "--csv", str(out_csv)]) == 0
    assert "read illustrative layers" in capsys.readouterr().err
    with open(out_csv, encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert row["illustrative_inputs"] == "shanty_sites; subsidence_zones; pillar_industries"
    con = sqlite3.connect(out)
    (desc,) = con.execute("SELECT description FROM gpkg_contents WHERE table_name LIKE "
                          "'rank_%'").fetchone()
    con.close()
    assert SHANTY in desc and "示意数据" in desc
    survey = write_shanty_csv(tmp_path / "survey.csv")
    assert main(["layer", "replace", str(proj), "shanty_sites", str(survey),
                 "--source", "Jixi housing bureau survey", "--as-of", "2024-06",
                 "--accuracy", "20"]) == 0
    assert main(["rank", str(proj), "--scenario", "sme-space", "--city", "Jixi", "--out",
                 str(out), "--csv", str(out_csv)]) == 0
    with open(out_csv, encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert row["illustrative_inputs"] == "subsidence_zones; pillar_industries"


def test_atlas_map_page_names_hidden_illustrative_inputs(tmp_path):
    from hljgis.export.atlas import build_atlas

    project = bundled()
    project.layer("pillar_industries").visible = False  # read by the scenario, not drawn
    path = tmp_path / "annex.pdf"
    build_atlas(project, "dfr-annex-a4", "sme-space", path, cities=["Jixi"], table=False,
                dpi=72, sensitivity={"runs": 10})
    text = _pdf_text(path)
    assert "read illustrative layers" in text
    read = text[text.index("read illustrative layers"):]
    assert "Pillar industries" in re.search(r"Illustrative data: (.*?) contain", read).group(1)


def test_rank_files_leave_the_result_layer_alone(projects, tmp_path):
    """The note column goes into the files only: the ranking layer the caller keeps (and
    shows in the window) gets no ``illustrative_inputs`` column."""
    import geopandas as gpd

    from hljgis.analysis import run_scenario
    from hljgis.export.rank_files import write_rank_files

    project = projects[0]
    result = run_scenario(project, "sme-space", city="Jixi")
    layer = result.layer()
    columns = list(layer.gdf.columns)
    note = write_rank_files(project, result, layer, tmp_path / "r.gpkg")
    assert note and list(layer.gdf.columns) == columns
    assert "illustrative_inputs" not in result.gdf.columns
    back = gpd.read_file(tmp_path / "r.gpkg")
    assert (back["illustrative_inputs"] != "").all() and len(back) == len(layer.gdf)
