"""Writing pages to files: multi-page PDF (vector, fonts embedded), SVG and PNG at any dpi.

A page is anything with ``size_mm`` (width, height) and ``paint(painter, dpi)``; map pages,
the atlas table and score cards all are. The writer is picked from the file extension.
Every writer paints into a temporary file and renames it over the target (see
:mod:`hljgis.io.atomic`): an export killed mid-write leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from hljgis.core.errors import InputError
from hljgis.export._qt import ensure_gui_app
from hljgis.export.page import MapPage, paint_page
from hljgis.io.atomic import atomic_target
from hljgis.render.pdffill import SpliceError, attached, splice
from hljgis.render.png import save_png

#: Pages are laid out at no less than this resolution. Qt sets fonts in whole device pixels,
#: so at 72 dpi a 5.5 pt legend line comes out 9 % wider than on paper and legend rows
#: were dropped; at 150 dpi the error is under 5 %. PDF and SVG use it as their resolution
#: (their text and lines are vectors anyway), PNG below it is drawn larger and scaled down.
MIN_LAYOUT_DPI = 150


#: Resolutions an export accepts: 10 dpi makes a thumbnail PNG; above 1200 dpi no printer
#: gains detail while a page takes minutes and gigabytes (100000 dpi ran 48 s, then failed).
MIN_DPI, MAX_DPI = 10.0, 1200.0
#: Largest PNG: 150 million pixels (A0 at 300 dpi is 140 million) hold 600 MB in memory.
MAX_PNG_PIXELS = 150_000_000


def check_dpi(dpi) -> float:
    """``dpi`` as a float, or an InputError naming the range (NaN, negative, absurd)."""
    try:
        value = float(dpi)
    except (TypeError, ValueError):
        value = math.nan
    if not (MIN_DPI <= value <= MAX_DPI):  # also refuses NaN
        raise InputError(f"dpi {dpi} is not usable.",
                         f"Give a resolution from {MIN_DPI:g} to {MAX_DPI:g} dpi, e.g. 300.")
    return value


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


def write_pdf(pages: Sequence, path, dpi: float = 300, title: str = "", *,
              fill_sink: bool = True) -> ExportResult:
    """All ``pages`` into one PDF; map content stays vector, Qt embeds font subsets.

    Plain polygon fills are written by :mod:`hljgis.render.pdffill` (``fill_sink``); should
    its placeholders not be found in what Qt wrote, the pages are written again by Qt alone.
    """
    ensure_gui_app()
    path = Path(path)
    dpi = max(check_dpi(dpi), MIN_LAYOUT_DPI)
    try:
        with atomic_target(path) as tmp:
            writer = QPdfWriter(str(tmp))
            writer.setResolution(int(dpi))
            writer.setCreator("hljgis")
            writer.setTitle(title or (pages[0].title if pages else ""))
            writer.setPdfVersion(QPdfWriter.PdfVersion.PdfVersion_1_6)
            with attached(writer) if fill_sink else contextlib.nullcontext() as fills:
                reports = _paint_pages(writer, pages, dpi, path)
            del writer  # closes the file before it is renamed
            if fills is not None:
                splice(tmp, fills)  # the map fills, beside Qt's page (render.pdffill)
    except SpliceError:
        if not fill_sink:
            raise
        return write_pdf(pages, path, dpi, title, fill_sink=False)
    return ExportResult(path, len(pages), path.stat().st_size, reports)


def _paint_pages(writer: QPdfWriter, pages: Sequence, dpi: float, path) -> list:
    reports = []
    painter = None
    try:
        for i, page in enumerate(pages):
            _set_page(writer, page.size_mm)
            if i == 0:
                painter = QPainter(writer)
                if not painter.isActive():
                    raise InputError(f"cannot write {path}.", "Check the folder exists and "
                                     "is writable, and the file is not open in a PDF viewer.")
            else:
                writer.newPage()
            reports.append(page.paint(painter, dpi))
    finally:
        if painter is not None and painter.isActive():
            painter.end()
    return reports


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
    dpi = check_dpi(dpi)
    w_mm, h_mm = page.size_mm
    w, h = round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)
    if w * h > MAX_PNG_PIXELS:
        raise InputError(
            f"a {w_mm:.0f} x {h_mm:.0f} mm page at {dpi:g} dpi is {w} x {h} pixels, more than "
            f"the {MAX_PNG_PIXELS / 1e6:.0f} million a PNG export allows.",
            "Lower the dpi, or export PDF or SVG (vector, sharp at any zoom).")
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
    with atomic_target(path) as tmp:
        if not save_png(img, tmp):
            raise InputError(f"cannot write {path}.", "Check the disk has space left.")
    return ExportResult(path, 1, path.stat().st_size, [report])


def write_svg(page, path, dpi: float = MIN_LAYOUT_DPI) -> ExportResult:
    """One page as SVG (vector paths and text; sizes in mm through the viewBox)."""
    ensure_gui_app()
    dpi = max(float(dpi), MIN_LAYOUT_DPI)
    from PySide6.QtSvg import QSvgGenerator

    path = Path(path)
    w_mm, h_mm = page.size_mm
    w, h = round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)
    with atomic_target(path) as tmp:
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
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
        del gen  # closes the file before it is renamed
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
