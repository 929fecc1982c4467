"""Writing pages to files: multi-page PDF (vector, fonts embedded), SVG and PNG at any dpi.

A page is anything with ``size_mm`` (width, height) and ``paint(painter, dpi)``; map pages,
the atlas table and score cards all are. The writer is picked from the file extension.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from hljgis.core.errors import InputError
from hljgis.export._qt import ensure_gui_app
from hljgis.export.page import MapPage, paint_page

#: Pages are laid out at no less than this resolution. Qt sets fonts in whole device pixels,
#: so at 72 dpi a 5.5 pt legend line comes out 9 % wider than on paper and legend rows
#: were dropped; at 150 dpi the error is under 5 %. PDF and SVG use it as their resolution
#: (their text and lines are vectors anyway), PNG below it is drawn larger and scaled down.
MIN_LAYOUT_DPI = 150


@dataclass
class PaintedPage:
    """A page that paints itself: ``size_mm`` and a ``painter(painter, dpi)`` callable."""

    size_mm: tuple[float, float]
    painter: Callable
    title: str = ""

    def paint(self, painter: QPainter, dpi: float):
        return self.painter(painter, dpi)


class LayoutPage:
    """A :class:`MapPage` as a writable page."""

    def __init__(self, page: MapPage):
        self.page = page
        self.size_mm = page.layout.page_size_mm()
        self.title = page.layout.title

    def paint(self, painter: QPainter, dpi: float):
        return paint_page(painter, self.page, dpi)


@dataclass
class ExportResult:
    """What an export wrote: path, pages, bytes, and the page reports."""

    path: Path
    pages: int
    bytes: int
    reports: list = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.reports if r is not None for w in getattr(r, "warnings", [])]


def write_pdf(pages: Sequence, path, dpi: float = 300, title: str = "") -> ExportResult:
    """All ``pages`` into one PDF; map content stays vector, Qt embeds font subsets."""
    ensure_gui_app()
    path = Path(path)
    dpi = max(float(dpi), MIN_LAYOUT_DPI)
    writer = QPdfWriter(str(path))
    writer.setResolution(int(dpi))
    writer.setCreator("hljgis")
    writer.setTitle(title or (pages[0].title if pages else ""))
    writer.setPdfVersion(QPdfWriter.PdfVersion.PdfVersion_1_6)
    reports = []
    painter = None
    try:
        for i, page in enumerate(pages):
            _set_page(writer, page.size_mm)
            if i == 0:
                painter = QPainter(writer)
                if not painter.isActive():
                    raise InputError(f"cannot write {path}.", "Check the folder exists and is "
                                     "writable, and the file is not open in a PDF viewer.")
            else:
                writer.newPage()
            reports.append(page.paint(painter, dpi))
    finally:
        if painter is not None and painter.isActive():
            painter.end()
    return ExportResult(path, len(pages), path.stat().st_size, reports)


def _set_page(writer: QPdfWriter, size_mm) -> None:
    w, h = size_mm
    orient = QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
    size = QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Millimeter, "",
                     QPageSize.SizeMatchPolicy.ExactMatch)
    writer.setPageLayout(QPageLayout(size, orient, QMarginsF(0, 0, 0, 0)))


def write_png(page, path, dpi: float = 150) -> ExportResult:
    """One page as a PNG at ``dpi`` (white background, resolution stored in the file)."""
    ensure_gui_app()
    path = Path(path)
    w_mm, h_mm = page.size_mm
    w, h = round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)
    factor = math.ceil(MIN_LAYOUT_DPI / dpi) if dpi < MIN_LAYOUT_DPI else 1
    draw_dpi = dpi * factor
    img = QImage(round(w_mm / 25.4 * draw_dpi), round(h_mm / 25.4 * draw_dpi),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#ffffff"))
    painter = QPainter(img)
    try:
        report = page.paint(painter, draw_dpi)
    finally:
        painter.end()
    if factor > 1:
        img = img.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    img.setDotsPerMeterX(round(dpi / 0.0254))
    img.setDotsPerMeterY(round(dpi / 0.0254))
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    if not img.save(str(path), "PNG"):
        raise InputError(f"cannot write {path}.", "Check the folder exists and is writable.")
    return ExportResult(path, 1, path.stat().st_size, [report])


def write_svg(page, path, dpi: float = MIN_LAYOUT_DPI) -> ExportResult:
    """One page as SVG (vector paths and text; sizes in mm through the viewBox)."""
    ensure_gui_app()
    dpi = max(float(dpi), MIN_LAYOUT_DPI)
    from PySide6.QtSvg import QSvgGenerator

    path = Path(path)
    w_mm, h_mm = page.size_mm
    w, h = round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(w, h))
    gen.setViewBox(QRectF(0, 0, w, h))
    gen.setResolution(int(dpi))
    gen.setTitle(page.title or "hljgis map")
    gen.setDescription("hljgis print layout")
    painter = QPainter(gen)
    try:
        report = page.paint(painter, dpi)
    finally:
        painter.end()
    return ExportResult(path, 1, path.stat().st_size, [report])


WRITERS = {".pdf": "pdf", ".png": "png", ".svg": "svg"}


def write_pages(pages: Sequence, path, dpi: float = 300) -> ExportResult:
    """Write pages to ``path`` by extension; PNG and SVG take one page."""
    suffix = Path(path).suffix.lower()
    kind = WRITERS.get(suffix)
    if kind is None:
        raise InputError(f"cannot export to '{suffix or path}'.",
                         f"Use one of {', '.join(WRITERS)}.")
    if kind == "pdf":
        return write_pdf(pages, path, dpi)
    if len(pages) != 1:
        raise InputError(f"{suffix} holds one page, but there are {len(pages)}.",
                         "Export the atlas as PDF.")
    if kind == "png":
        return write_png(pages[0], path, dpi)
    return write_svg(pages[0], path, dpi=MIN_LAYOUT_DPI)
