"""Site names ("桃山117号地块, Taoshan District") in the atlas table, score cards and web map,
for a planner's own parcels ranked in a project made from plain files."""

from __future__ import annotations

import csv

import pytest

from hljgis.analysis.scenario import Scenario
from hljgis.io.project_build import add_data, base_project
from tests.fixtures import planner_parcels

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    files = planner_parcels.write_all(tmp_path_factory.mktemp("planner"))
    project = base_project()
    add_data(project, [str(files["parcels"]), str(files["stops"])])
    sc = Scenario.from_dict(planner_parcels.scenario())
    project.set_scenario(sc.name, sc.to_dict())
    return project


@pytest.fixture(scope="module")
def atlas(project, tmp_path_factory):
    from hljgis.export.atlas import build_atlas

    out = tmp_path_factory.mktemp("atlas") / "annex.pdf"
    _, infos = build_atlas(project, "dfr-annex-a4", "taoshan-parcels", out, cities=["Qitaihe"],
                           per_city=3, dpi=72, sensitivity={"runs": 10})
    return out, infos


def test_atlas_table_names_sites_with_their_district(atlas):
    out, infos = atlas
    text = " ".join(pypdf.PdfReader(out).pages[-1].extract_text().split())
    best = infos[0].top["site_name"].head(3).tolist()
    assert all(name.endswith(", Taoshan District") for name in best)
    for name in best:
        assert f"{name} 桃山区" in text


def test_score_cards_carry_both_names(project, atlas, tmp_path):
    from hljgis.export.scorecards import write_score_cards

    out = write_score_cards(project, atlas[1], tmp_path / "cards.pdf", per_city=2, dpi=60)
    with open(out["csv"], encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["site_name"] == f"桃山{rows[0]['site_id']}号地块, Taoshan District"
    assert rows[0]["site_name_zh"] == f"桃山{rows[0]['site_id']}号地块（桃山区）"
    text = " ".join(pypdf.PdfReader(out["pdf"].path).pages[0].extract_text().split())
    assert f"Site A.1-1: 桃山{rows[0]['site_id']}号地块, Taoshan District, Qitaihe" in text


def test_webmap_popups_show_site_names(project, tmp_path):
    from hljgis.export.webmap import build_webmap

    out = build_webmap(project, tmp_path / "m.html", scenario="taoshan-parcels",
                       city="Qitaihe", embed_font=False)
    html = out.read_text(encoding="utf-8")
    assert '"site_name"' in html and "Taoshan District" in html
    assert "\\u6843\\u5c71\\u533a" in html or "桃山区" in html
