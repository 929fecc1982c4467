"""The print legend shows every label in full on A4 and A3 (no "…", no dropped rows)."""

from __future__ import annotations

import pytest

from tests.export._common import bundled

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def project():
    return bundled()


def _text(path) -> str:
    reader = pypdf.PdfReader(str(path))
    return "\n".join(p.extract_text() for p in reader.pages).replace("\t", " ")


def _flat(text: str) -> str:
    """PDF text with wrapped labels joined again (line breaks and hyphen breaks removed)."""
    return " ".join(text.replace("-\n", "-").split())


@pytest.fixture(scope="module")
def overview_a4(project, tmp_path_factory):
    from hljgis.export.api import export_layout

    out = tmp_path_factory.mktemp("legend") / "a4.pdf"
    return out, export_layout(project, "dfr-annex-a4", out, dpi=150)


@pytest.fixture(scope="module")
def atlas_a4(project, tmp_path_factory):
    from hljgis.export.atlas import build_atlas

    out = tmp_path_factory.mktemp("legend") / "atlas.pdf"
    result, _ = build_atlas(project, "dfr-annex-a4", "sme-space", out, dpi=150,
                            sensitivity={"runs": 10})
    return out, result


def _check(legend, warnings):
    from hljgis.export.legend import MIN_PT

    assert legend is not None
    assert legend.dropped == [], legend.dropped
    assert legend.elided == [], legend.elided
    assert legend.drawn == legend.rows
    assert legend.size_pt >= MIN_PT >= 5.5
    assert not [w for w in warnings if w.startswith("legend")], warnings


def test_a4_overview_legend_whole(overview_a4):
    out, result = overview_a4
    _check(result.reports[0].legend, result.preflight)
    text = _flat(_text(out))
    assert "…" not in text
    for label in ("Coal-electricity-chemistry", "Foreign trade and logistics",
                  "Machinery manufacturing", "Shanty-town redevelopment sites",
                  "Still settling in 2026", "Districts and counties", "Russian town",
                  "High-speed railway stations"):
        assert label in text, label


def test_a4_atlas_pages_legend_whole(atlas_a4):
    out, result = atlas_a4
    maps = [r for r in result.reports if r is not None and r.legend is not None]
    assert len(maps) == 4
    for rep in maps:
        _check(rep.legend, result.preflight)
        assert rep.legend.footer.startswith("Base map")
    reader = pypdf.PdfReader(str(out))
    for page in reader.pages[:4]:
        text = _flat(page.extract_text().replace("\t", " "))
        assert "…" not in text
        assert "score 0." in text  # the score classes drawn on the page
        for label in ("Top 10 sites (numbered)",
                      "Ranked sites: SME space", "Base map", "Towns", "Rivers",
                      "Districts and counties"):
            assert label in text, label
    assert "Coal-electricity-chemistry" in _flat(_text(out))


def test_a3_overview_legend_whole_and_larger(project, overview_a4, tmp_path):
    from hljgis.export.api import export_layout

    result = export_layout(project, "dfr-annex-a3", tmp_path / "a3.pdf", dpi=72)
    legend = result.reports[0].legend
    _check(legend, result.preflight)
    assert legend.size_pt >= overview_a4[1].reports[0].legend.size_pt
    assert "Coal-electricity-chemistry" in _flat(_text(tmp_path / "a3.pdf"))


def test_wrap_label_stacks_bilingual_and_breaks_hyphens():
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.legend import wrap_label
    from hljgis.export.units import Units

    ensure_gui_app()
    fm = Units(300).metrics(6.0)
    text = "Coal-electricity-chemistry  煤电化"
    lines, elided = wrap_label(text, fm, fm.horizontalAdvance("Coal-electricity-chemistry")
                               * 1.05)
    assert lines == ["Coal-electricity-chemistry", "煤电化"] and not elided
    lines, elided = wrap_label(text, fm, fm.horizontalAdvance("Coal-electricity-") * 1.05)
    assert "".join(lines[:2]) == "Coal-electricity-chemistry" and not elided
    lines, elided = wrap_label("Supercalifragilistic", fm, fm.horizontalAdvance("Super"))
    assert elided and len(lines) == 1


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_low_dpi_drafts_keep_every_legend_row(project, tmp_path, suffix):
    """At 72 dpi Qt's whole-pixel font sizes made legend text 9 % wider: rows were dropped
    (place-making, Shuangyashan, A4). Pages are now laid out at 150 dpi or more."""
    from PySide6.QtGui import QImage

    from hljgis.export.atlas import atlas_page, rank_cities
    from hljgis.export.layout import resolve_layout
    from hljgis.export.output import LayoutPage, write_pages

    layout = resolve_layout("dfr-annex-a4", project)
    [info] = rank_cities(project, "place-making", ["Shuangyashan"], sensitivity={"runs": 5})
    out = tmp_path / f"draft{suffix}"
    result = write_pages([LayoutPage(atlas_page(project, layout, info))], out, 72)
    assert not [w for w in result.warnings if w.startswith("legend")], result.warnings
    if suffix == ".png":
        img = QImage(str(out))
        assert (img.width(), img.height()) == (842, 595)  # A4 landscape at 72 dpi
        assert round(img.dotsPerMeterX() * 0.0254) == 72
