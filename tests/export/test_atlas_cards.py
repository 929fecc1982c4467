"""Atlas (page count, numbering, table page) and site score cards (PDF, CSV, XLSX)."""

from __future__ import annotations

import csv

import pytest

from tests.export._common import bundled

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def project():
    return bundled()


@pytest.fixture(scope="module")
def atlas(project, tmp_path_factory):
    from hljgis.export.atlas import build_atlas

    out = tmp_path_factory.mktemp("atlas") / "annex.pdf"
    result, infos = build_atlas(project, "dfr-annex-a4", "sme-space", out, dpi=72,
                                sensitivity={"runs": 20})
    return out, result, infos


def test_atlas_has_one_page_per_city_and_a_table(atlas):
    out, result, infos = atlas
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 4 + 1 == result.pages
    texts = [p.extract_text().replace("\t", " ") for p in reader.pages]
    assert "Map A.3" in texts[2] and "Qitaihe: ranked sites for SME space" in texts[2]
    assert "EPSG:4490" in texts[2]
    for text, zh in zip(texts[:4], ("鹤岗", "鸡西", "七台河", "双鸭山"), strict=True):
        assert zh in text
        assert "Ranked sites: SME space" in text  # ranking legend
        assert "Illustrative data" in text
    assert "Top-ranked sites by city" in texts[4]
    assert "Qitaihe" in texts[4] and "Shuangyashan" in texts[4]
    assert [i.figure for i in infos] == ["Map A.1", "Map A.2", "Map A.3", "Map A.4"]


def test_score_cards_pdf_csv_xlsx(project, atlas, tmp_path):
    from hljgis.export.scorecards import write_score_cards

    _, _, infos = atlas
    out = write_score_cards(project, infos[2:3], tmp_path / "cards.pdf", per_city=2, dpi=72)
    reader = pypdf.PdfReader(str(out["pdf"].path))
    assert len(reader.pages) == 2
    text = reader.pages[0].extract_text().replace("\t", " ")
    assert "Site score card" in text and "七台河" in text
    assert "Normalised score" in text and "标准化得分" in text and "Weight" in text
    with open(out["csv"], encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["map_ref"] for r in rows] == ["A.3-1", "A.3-2"]
    assert {"rank_min", "rank_max", "score", "weight_urban_centre"} <= set(rows[0])
    contrib = sum(float(v) for k, v in rows[0].items() if k.startswith("contrib_"))
    assert contrib == pytest.approx(float(rows[0]["score"]), abs=1e-6)
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(out["xlsx"]).active
    assert ws.cell(1, 1).value == "map_ref" and ws.cell(2, 1).value == "图号"
    assert ws.cell(3, 1).value == "A.3-1"


def test_atlas_pages_per_city_and_scenario(tmp_path):
    from hljgis.export.atlas import build_atlas
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    project = load_project(bundled_project_path())
    out = tmp_path / "two.pdf"
    result, infos = build_atlas(project, "dfr-annex-a4", ["sme-space", "place-making"], out,
                                cities=["Qitaihe"], dpi=72)
    assert [i.figure for i in infos] == ["Map A.1", "Map A.2"]
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 3 == result.pages
    texts = [p.extract_text().replace("\t", " ") for p in reader.pages]
    assert "SME space" in texts[0] and "SME space" not in texts[1]


def test_every_score_class_stands_out_from_a_white_page():
    """The lowest class used to be #ffffd9, invisible on the pale city fill."""
    from hljgis.analysis.ranking_vocab import ranking_style
    from hljgis.core.style import hex_to_rgba

    def luminance(color):
        r, g, b, _ = (c / 255 for c in hex_to_rgba(color))
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    fills = [c["symbol"]["fill"] for c in ranking_style()["renderer"]["classes"]]
    lum = [luminance(f) for f in fills]
    assert all((1.05 / (v + 0.05)) >= 1.15 for v in lum), fills  # contrast with white
    assert lum == sorted(lum, reverse=True)  # light = low score, darkest = best


def test_atlas_maps_fit_the_sites_not_the_whole_city(project, atlas):
    """SME cells cover the urban districts: on a whole-city map they filled a corner."""
    from hljgis.core.crs import transform_bounds
    from hljgis.export.atlas import atlas_page
    from hljgis.export.layout import resolve_layout

    _out, _result, infos = atlas
    layout = resolve_layout("dfr-annex-a4", project)

    def area(b):
        return (b[2] - b[0]) * (b[3] - b[1])

    zoomed = []
    for info in infos:
        page = atlas_page(project, layout, info)
        city = project.bookmarks[info.city.lower()]["bounds"]
        sites = transform_bounds(info.result.gdf.total_bounds, info.result.gdf.crs, project.crs)
        e = page.extent
        assert e[0] <= sites[0] and e[1] <= sites[1] and e[2] >= sites[2] and e[3] >= sites[3]
        assert area(e) < 1.7 * area(sites)  # the sites, padded, fill the frame
        zoomed.append(area(e) < 0.6 * area(city))
        whole = atlas_page(project, layout.replace(atlas_extent="city"), info)
        assert whole.extent[2] - whole.extent[0] > city[2] - city[0]  # bookmark + margin
    # Qitaihe's urban districts cover most of the city; the other three zoom in
    assert zoomed == [True, True, False, True]


@pytest.mark.parametrize("bad", [{"atlas_extent": "town"}, {"orientation": "sideways"},
                                 {"lang": "fr"}])
def test_bad_layout_values_are_refused_with_the_allowed_ones(bad):
    from hljgis.core.errors import InputError
    from hljgis.export.layout import Layout

    key = next(iter(bad))
    with pytest.raises(InputError, match=key):
        Layout(bad, name="draft")
