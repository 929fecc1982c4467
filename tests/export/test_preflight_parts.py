"""Pre-flight warnings, layout model, scale-bar numbers, CLI commands."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from tests.export._common import bundled


@pytest.fixture(scope="module")
def project():
    return bundled()


def test_nice_scale_bar_lengths():
    from hljgis.export.decorations import nice_length

    assert nice_length(173_000) == 100_000
    assert nice_length(23_000) == 20_000
    assert nice_length(7_400) == 5_000
    assert nice_length(0) == 0


def test_layout_defaults_templates_and_errors(project):
    from hljgis.core.errors import InputError
    from hljgis.export.layout import Layout, resolve_layout

    a3 = resolve_layout("dfr-annex-a3", project)
    assert a3.page_size_mm() == (420.0, 297.0)
    project.set_layout("mine", {"template": "dfr-annex-a4", "title": "Custom"})
    mine = resolve_layout("mine", project)
    assert mine.title == "Custom" and mine.page_size_mm() == (297.0, 210.0)
    with pytest.raises(InputError):
        resolve_layout("no-such-layout", project)
    with pytest.raises(InputError):
        Layout({"colour": "red"})
    with pytest.raises(InputError):
        Layout({"page": "B7"})


def test_preflight_warns_on_glyphs_crs_and_missing_note(project):
    from hljgis.core.layer import VectorLayer
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import page_for
    from hljgis.export.preflight import missing_glyphs, preflight

    assert missing_glyphs(["鹤岗 Jixi"]) == []
    assert missing_glyphs(["\u2603 snow"]) == ["\u2603"]
    lay = resolve_layout("dfr-annex-a4").replace(title="Map \u2603", illustrative_note=False)
    class NoCRS(VectorLayer):
        """A layer whose CRS was lost (VectorLayer itself refuses to be built without one)."""

        @property
        def crs(self):
            return None

    nocrs = NoCRS(gpd.GeoDataFrame({"a": [1]}, geometry=[box(130, 45, 131, 46)],
                                   crs="EPSG:4490"), "no_crs")
    layers = [*project.layers, nocrs]
    page = page_for(project, lay, layers=layers)
    warnings = preflight(project, [page], "x.pdf", 300)
    text = "\n".join(warnings)
    assert "\u2603" in text and "font" in text
    assert "no_crs" in text and "coordinate system" in text
    assert "illustrative" in text
    reviewed = resolve_layout("dfr-annex-a4").replace(map_review_number="GS(2024)0650号")
    clean = preflight(project, [page_for(project, reviewed)], "x.pdf", 150)
    assert clean == []


def test_cli_export_and_bad_layout(tmp_path, capsys):
    from hljgis.cli import main
    from hljgis.io.bundled import bundled_project_path

    path = str(bundled_project_path())
    assert main(["export", path, "--layout", "dfr-annex-a4", "--out",
                 str(tmp_path / "m.png"), "--dpi", "30", "--city", "Jixi"]) == 0
    assert (tmp_path / "m.png").stat().st_size > 1000
    assert main(["export", path, "--layout", "nope", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "no layout 'nope'" in capsys.readouterr().err
    assert main(["export", path, "--out", str(tmp_path / "x.docx")]) == 2


def test_size_estimate_is_within_a_factor_of_the_real_file(tmp_path):
    """The estimate counted every vertex of every layer and a page-sized raster: an A3 PDF
    of 1.35 MB was announced as 6.9 MB. Now only what the page frames is counted."""
    from hljgis.export.api import export_layout
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import page_for
    from hljgis.export.preflight import estimate_bytes
    from tests.export._common import bundled

    project = bundled()
    for template, suffix, dpi in (("dfr-annex-a3", ".pdf", 300), ("dfr-annex-a4", ".png", 150)):
        page = page_for(project, resolve_layout(template, project))
        out = tmp_path / f"m{suffix}"
        export_layout(project, template, out, dpi=dpi)
        ratio = estimate_bytes([page], suffix, dpi) / out.stat().st_size
        assert 0.5 < ratio < 2.5, (template, suffix, ratio)


def test_font_characters_read_from_the_cmap_match_fonttools():
    """The glyph check reads the font's BMP cmap itself; fontTools gives the same set."""
    from fontTools.ttLib import TTFont

    from hljgis.export.preflight import cmap_format4
    from hljgis.render.fonts import FILES, font_dir

    for name in FILES:
        path = font_dir() / name
        with TTFont(str(path), lazy=True) as font:
            expected = frozenset(font.getBestCmap())
        got = cmap_format4(path.read_bytes())
        assert got == expected
        assert ord("鹤") in got and ord("A") in got and 0x2603 not in got
