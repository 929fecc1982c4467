"""Text in PDFs written with the bundled font can be copied and searched, digits included."""

import pypdf
from PySide6.QtGui import QFont, QPageSize, QPainter, QPdfWriter

from hljgis.render.fonts import ensure_fonts


def test_pdf_text_round_trips_with_the_bundled_font(qapp, tmp_path):
    path = tmp_path / "t.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    font = QFont(ensure_fonts())
    font.setPointSize(20)
    painter.setFont(font)
    text = "Map A.3 EPSG:4490 1:750,000 鹤岗 七台河 2026"
    painter.drawText(200, 400, text)
    painter.end()
    extracted = pypdf.PdfReader(path).pages[0].extract_text()
    for word in text.split():
        assert word in extracted, (word, extracted)
