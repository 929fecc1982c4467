"""`--year` on export, atlas and webmap: the status, legend and ranking follow the chosen
year; the project file is never changed; a year out of range is exit 2."""

from __future__ import annotations

import hashlib

import pytest

from hljgis.cli import main
from hljgis.io.bundled import bundled_project_path

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def bundle():
    path = bundled_project_path()
    if not path.is_file():
        pytest.skip(f"bundled project {path} is missing in this checkout")
    return path


def _text(path) -> str:
    reader = pypdf.PdfReader(str(path))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_bundle_has_a_zone_mined_in_2020_and_stable_by_2035(bundle):
    from hljgis.core.subsidence import subsidence_status
    from hljgis.io import load_project

    z = load_project(bundle).layer("subsidence_zones").gdf
    at = {y: subsidence_status(z["mining_end_year"], z["stable_from_year"], y)
          for y in (2020, 2035)}
    assert ((at[2020] == "mining") & (at[2035] == "stable")).any()


def test_export_at_2020_and_2035_gives_each_years_legend(bundle, tmp_path, capsys):
    before = _digest(bundle)
    texts = {}
    for year in (2020, 2035):
        out = tmp_path / f"map-{year}.pdf"
        assert main(["export", str(bundle), "--out", str(out), "--dpi", "72",
                     "--city", "Qitaihe", "--year", str(year)]) == 0
        texts[year] = _text(out)
    for year, other in ((2020, 2035), (2035, 2020)):
        t = texts[year]
        assert f"Still mined in {year}" in t and f"Stable by {year}" in t
        assert f"{year}年仍在开采" in t
        assert f"Still mined in {other}" not in t
    assert _digest(bundle) == before  # the year is for this export only


def test_export_without_year_keeps_the_projects(bundle, tmp_path):
    from hljgis.core.subsidence import planning_year
    from hljgis.io import load_project

    year = planning_year(load_project(bundle))
    out = tmp_path / "map.pdf"
    assert main(["export", str(bundle), "--out", str(out), "--dpi", "72",
                 "--city", "Qitaihe"]) == 0
    assert f"Still mined in {year}" in _text(out)


def test_atlas_ranks_and_draws_for_the_year(bundle, tmp_path):
    out = tmp_path / "atlas.pdf"
    assert main(["atlas", str(bundle), "--scenario", "sme-space", "--out", str(out),
                 "--cities", "Qitaihe", "--no-table", "--dpi", "60", "--year", "2020"]) == 0
    text = _text(out)
    assert "Still mined in 2020" in text and "planning year 2020" in text


def test_webmap_legend_follows_the_year(bundle, tmp_path):
    out = tmp_path / "map.html"
    assert main(["webmap", str(bundle), "--out", str(out), "--no-font",
                 "--year", "2035"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Still mined in 2035" in html and "Still mined in 2026" not in html


@pytest.mark.parametrize("command", [["export", "--out", "x.pdf"],
                                     ["atlas", "--scenario", "sme-space", "--out", "x.pdf"],
                                     ["webmap", "--out", "x.html"]])
def test_a_year_out_of_range_is_refused_first(bundle, tmp_path, capsys, command):
    name, *rest = command
    rest = [str(tmp_path / r) if r.startswith("x.") else r for r in rest]
    assert main([name, str(bundle), *rest, "--year", "20350"]) == 2
    err = capsys.readouterr().err
    assert "--year 20350 is out of range" in err and "1,900 to 2,100" in err
    assert not list(tmp_path.iterdir())


def test_atlas_without_year_ranks_for_the_projects_year(bundle, tmp_path):
    """A stored scenario of another year ranks for the project's year, as in the dock."""
    from hljgis.core.subsidence import planning_year
    from hljgis.io import load_project, save_project

    p = load_project(bundle)
    p.scenarios["sme-space"]["planning_year"] = 2018
    path = save_project(p, tmp_path / "p.hljgis.gpkg")
    out = tmp_path / "atlas.pdf"
    assert main(["atlas", str(path), "--scenario", "sme-space", "--out", str(out),
                 "--cities", "Qitaihe", "--no-table", "--dpi", "60"]) == 0
    text = _text(out)
    year = planning_year(p)
    assert f"planning year {year}" in text and "planning year 2018" not in text
