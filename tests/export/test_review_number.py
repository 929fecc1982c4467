"""The map review number (审图号): layout key, title block line, pre-flight warning."""

from __future__ import annotations

import pytest

from tests.export._common import bundled


@pytest.fixture(scope="module")
def project():
    return bundled()


def test_title_block_prints_the_review_number():
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import title_lines

    lay = resolve_layout("dfr-annex-a3").replace(map_review_number="GS(2024)0650号")
    texts = [t for t, *_ in title_lines(lay)]
    assert texts[-1] == "审图号 Map review number: GS(2024)0650号"
    zh = [t for t, *_ in title_lines(lay.replace(lang="zh"))]
    assert zh[-1] == "审图号：GS(2024)0650号"
    none = [t for t, *_ in title_lines(resolve_layout("dfr-annex-a3"))]
    assert not any("审图号" in t for t in none)


def test_preflight_warns_when_the_border_shows_without_a_number(project):
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import page_for
    from hljgis.export.preflight import preflight, shows_national_border

    lay = resolve_layout("dfr-annex-a3")
    page = page_for(project, lay)
    assert shows_national_border(page)
    warnings = preflight(project, [page], "a3.pdf", 150)
    assert any("审图号" in w and "map_review_number" in w for w in warnings)
    numbered = page_for(project, lay.replace(map_review_number="GS(2024)0650号"))
    assert not any("审图号" in w for w in preflight(project, [numbered], "a3.pdf", 150))
    # a page without Russia and the border line does not show the national border
    inland = page_for(project, lay, layers=[x for x in project.layers
                                            if x.name not in ("russia", "borders")])
    assert not shows_national_border(inland)
    assert not any("审图号" in w for w in preflight(project, [inland], "a3.pdf", 150))


def test_review_number_is_drawn_on_the_pdf(tmp_path, project):
    pypdf = pytest.importorskip("pypdf")
    from hljgis.export.api import export_layout
    from hljgis.export.layout import resolve_layout

    lay = resolve_layout("dfr-annex-a4").replace(map_review_number="GS(2024)0650号")
    out = export_layout(project, lay, tmp_path / "a4.pdf", dpi=100).path
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages)
    assert "GS(2024)0650" in text
