"""Plain polygon fills written straight into a PDF, as vector paths, without QPainterPaths.

Qt's PDF writer formats every vertex as text through QPainterPath and deflates the page at
zlib's default level when the page ends: a million parcels took 0.5 s to draw and 4.5 s in
``QPainter.end()``. Here the fills of a layer are written as a PDF content stream by numpy
(every coordinate a whole number of grid steps, fixed width, so a vertex is a row of a byte
array) and deflated at a fast level (ISA-L). In the page, Qt draws a one-row placeholder
image where the fills belong, so they keep their place between the layers, the map clip
and the decorations; :func:`splice` then appends an incremental update to the file that
turns each placeholder into a form XObject holding the fills (PDF 32000-1, 7.5.6 and
8.10). The file stays a plain vector PDF: the paths are filled by the viewer.

A :class:`FillSink` is attached to a paint device with :func:`attached`; the renderer asks
:func:`sink_for` whether its painter's device has one (PDF pages do, screens and SVG do not).
"""

from __future__ import annotations

import itertools
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

#: Fill vertices are written in whole steps of this many points (1/4 pt = 0.088 mm, a dot
#: of a 300 dpi printer): finer detail does not print, and snapping every vertex to one
#: grid keeps neighbouring parcels' shared edges shared.
SNAP_PT = 0.25
#: Vertices per fill operator: viewers rasterise one huge path slowly.
CHUNK_VERTICES = 60_000
#: Placeholder images are ``1`` pixel high and this wide plus their number: a width no
#: image of a page has, so :func:`splice` finds them.
_MAGIC_WIDTH = 7703
try:  # ISA-L deflates 64 MB of coordinate text in 0.3 s (zlib level 1: 1.5 s), 9 % smaller
    from isal import isal_zlib as _deflate

    _LEVEL = 2
except ImportError:  # pragma: no cover - an install without isal
    import zlib as _deflate

    _LEVEL = 1  # 5x faster than zlib's default 6 on this text, ~25 % larger

_SINKS: dict[int, FillSink] = {}
_LOCK = threading.Lock()


def _key(device) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(device)[0])


def sink_for(painter: QPainter) -> FillSink | None:
    """The sink attached to ``painter``'s device, if any (and the painter fully opaque)."""
    if not _SINKS:
        return None
    device = painter.device()
    if device is None:
        return None
    with _LOCK:
        sink = _SINKS.get(_key(device))
    if sink is None or painter.opacity() < 1.0:
        return None
    return sink


@contextmanager
def attached(device):
    """Attach a new :class:`FillSink` to ``device`` while the block runs."""
    sink = FillSink()
    key = _key(device)
    with _LOCK:
        _SINKS[key] = sink
    try:
        yield sink
    finally:
        with _LOCK:
            _SINKS.pop(key, None)


class SpliceError(RuntimeError):
    """A placeholder is not in the file Qt wrote (a Qt version that writes images
    differently): the caller writes the page without the sink."""


@dataclass
class _Form:
    """One placeholder's fills: deflated content in grid steps, offset, frame size."""

    width: int  # placeholder width in pixels (its identity in the file)
    content: bytes
    bbox: tuple[float, float, float, float]
    matrix: tuple[float, float, float, float, float, float]


@dataclass
class FillGroup:
    """Rings drawn with one fill and outline: ``gx``, ``gy`` in grid steps from the frame's
    top-left corner (y down), ``start`` marking each ring's first vertex; ``fill`` an
    opaque (r, g, b) or None; ``stroke`` ((r, g, b), width in grid steps) or None. Rings
    of outlined groups are closed by the writer, so they need no closing vertex.

    With ``wh`` (widths, heights in grid steps) the group holds rectangles instead: ``gx``,
    ``gy`` are their top-left corners, written as one ``re`` each (grid cells)."""

    gx: np.ndarray
    gy: np.ndarray
    start: np.ndarray | None
    fill: tuple | None = None
    stroke: tuple | None = None
    wh: tuple[np.ndarray, np.ndarray] | None = None

    def far_corner(self) -> tuple[int, int]:
        if self.wh is None:
            return int(self.gx.max()), int(self.gy.max())
        return int((self.gx + self.wh[0]).max()), int((self.gy + self.wh[1]).max())


class FillSink:
    """Collects fill groups per placeholder; :func:`splice` writes them into the file."""

    def __init__(self):
        self.forms: list[_Form] = []

    def draw(self, painter: QPainter, size: tuple[int, int], groups: list[FillGroup],
             step: float) -> int:
        """Place ``groups`` on the page now, on a grid of ``step`` device pixels, in a frame
        of ``size`` pixels at the painter's origin. Returns the vertices written."""
        groups = [g for g in groups if len(g.gx)]
        if not groups:
            return 0
        w, h = size
        x0 = min(int(g.gx.min()) for g in groups)
        y0 = min(int(g.gy.min()) for g in groups)
        far = [g.far_corner() for g in groups]
        span = max(max(f[0] for f in far) - x0, max(f[1] for f in far) - y0, 1)
        digits = max(4, len(str(span)))
        comp = _deflate.compressobj(_LEVEL)
        parts = []
        total = 0
        for g in groups:
            state = []
            if g.fill is not None:
                state.append("{:.4f} {:.4f} {:.4f} rg".format(*(c / 255.0 for c in g.fill)))
            if g.stroke is not None:
                rgb, width = g.stroke
                state.append("{:.4f} {:.4f} {:.4f} RG".format(*(c / 255.0 for c in rgb)))
                state.append(f"{_num(width)} w 1 j 0 J")
            op = b"B*\n" if g.fill is not None and g.stroke is not None else (
                b"f*\n" if g.fill is not None else b"S\n")
            parts.append(comp.compress(("\n".join(state) + "\n").encode()))
            total += len(g.gx)
            if g.wh is not None:  # rectangles close themselves; nonzero fills overlaps
                rows = _rect_rows(g.gx - x0, g.gy - y0, *g.wh, digits)
                for a in range(0, len(rows), CHUNK_VERTICES // 4):
                    parts.append(comp.compress(rows[a:a + CHUNK_VERTICES // 4].data))
                    parts.append(comp.compress(op.replace(b"*", b"")))
                continue
            close = g.stroke is not None
            rows = _rows(g.gx - x0, g.gy - y0, g.start, digits, close)
            cuts = _chunk_cuts(g.start)
            for a, z in itertools.pairwise(cuts):
                if close:
                    rows[a, :2] = 32  # no subpath to close before the first
                parts.append(comp.compress(rows[a:z].data))
                parts.append(comp.compress(b"h " + op if close else op))
        parts.append(comp.flush())
        number = len(self.forms)
        # the placeholder maps its unit square onto the frame; the form maps grid steps
        # (y down, from x0, y0) onto that square (y up)
        sx, sy = step / w, step / h
        matrix = (sx, 0.0, 0.0, -sy, x0 * sx, 1.0 - y0 * sy)
        bbox = (-x0 - 1.0, -y0 - 1.0, w / step - x0 + 1.0, h / step - y0 + 1.0)
        self.forms.append(_Form(_MAGIC_WIDTH + number, b"".join(parts), bbox, matrix))
        img = QImage(_MAGIC_WIDTH + number, 1, QImage.Format.Format_RGB32)
        img.fill(QColor("#ffffff"))
        painter.drawImage(QRectF(0, 0, w, h), img)
        return total


def _chunk_cuts(start: np.ndarray) -> list[int]:
    """Row offsets that split the rings into fill operators of about CHUNK_VERTICES."""
    n = len(start)
    firsts = np.flatnonzero(start)
    cuts = [0]
    while n - cuts[-1] > CHUNK_VERTICES:
        k = int(np.searchsorted(firsts, cuts[-1] + CHUNK_VERTICES))
        if k >= len(firsts):
            break
        cuts.append(int(firsts[k]))
    cuts.append(n)
    return cuts


@lru_cache(maxsize=1)
def _digit_table() -> np.ndarray:
    """ASCII of 0000..9999, (10000, 4) bytes."""
    v = np.arange(10_000)
    return np.stack([v // 1000, v // 100 % 10, v // 10 % 10, v % 10], axis=1).astype(
        np.uint8) + 48


def _put_digits(out: np.ndarray, col: int, digits: int, v: np.ndarray) -> None:
    """Write non-negative ``v`` zero-padded to ``digits`` into ``out[:, col:col+digits]``."""
    table = _digit_table()
    end = col + digits
    while digits > 0:
        take = min(4, digits)
        low = v % 10_000 if digits > 4 else v
        out[:, end - take:end] = table[low][:, 4 - take:]
        v = v // 10_000
        end -= take
        digits -= take


@lru_cache(maxsize=1)
def _word_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """uint32 words of a 12-byte row "XXXX YYYY l\n": X's four digits, " " and Y's first
    three, Y's last and " l\n" (+1 << 16 turns the "l" into "m")."""
    t = _digit_table()
    x = np.ascontiguousarray(t).view("<u4").ravel()
    hi = np.empty((10_000, 4), dtype=np.uint8)
    hi[:, 0] = 32
    hi[:, 1:] = t[:, :3]
    lo = np.empty((10_000, 4), dtype=np.uint8)
    lo[:, 0] = t[:, 3]
    lo[:, 1:] = np.frombuffer(b" l\n", dtype=np.uint8)
    return x, hi.view("<u4").ravel(), lo.view("<u4").ravel()


def _rect_rows(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray,
               digits: int) -> np.ndarray:
    """``x y w h re`` lines, every number zero-padded to ``digits``."""
    n = len(x)
    out = np.empty((n, 4 * (digits + 1) + 3), dtype=np.uint8)
    for k, v in enumerate((x, y, w, h)):
        col = k * (digits + 1)
        _put_digits(out, col, digits, np.asarray(v, dtype=np.int64))
        out[:, col + digits] = 32
    out[:, -3:] = np.frombuffer(b"re\n", dtype=np.uint8)
    return out


def _rows(x: np.ndarray, y: np.ndarray, start: np.ndarray, digits: int,
          close: bool = False) -> np.ndarray:
    """``x y m`` / ``x y l`` lines, numbers zero-padded to ``digits`` (PDF reads "0042" as
    42), as an (n, width) byte array; with ``close`` every line starting a ring begins
    with ``h``, closing the ring before it."""
    n = len(x)
    if digits == 4 and not close:  # the common case: three table look-ups per row
        wx, whi, wlo = _word_tables()
        words = np.empty((n, 3), dtype="<u4")
        np.take(wx, x, out=words[:, 0])
        np.take(whi, y, out=words[:, 1])
        lo = np.take(wlo, y)
        lo += start.astype("<u4") << 16
        words[:, 2] = lo
        return words.view(np.uint8)
    pre = 2 if close else 0
    width = pre + 2 * digits + 4
    out = np.empty((n, width), dtype=np.uint8)
    if close:
        out[:, 0] = np.where(start, ord("h"), 32)
        out[:, 1] = 32
    _put_digits(out, pre, digits, np.asarray(x, dtype=np.int64))
    _put_digits(out, pre + digits + 1, digits, np.asarray(y, dtype=np.int64))
    out[:, pre + digits] = 32
    out[:, pre + 2 * digits + 1] = 32
    out[:, pre + 2 * digits + 2] = np.where(start, ord("m"), ord("l"))
    out[:, pre + 2 * digits + 3] = 10
    return out


# -- the incremental update --------------------------------------------------------------------
def splice(path, sink: FillSink) -> None:
    """Turn the placeholders of ``sink`` in the PDF at ``path`` into their fills (an
    incremental update appended to the file)."""
    if not sink.forms:
        return
    with open(path, "rb") as fh:
        data = fh.read()
    found = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*<<\s*/Type /XObject\s*/Subtype /Image\s*"
                         rb"/Width (\d+)\s*/Height 1\b", data):
        found[int(m.group(2))] = int(m.group(1))
    tail = data[data.rfind(b"trailer"):]
    prev = int(re.search(rb"startxref\s+(\d+)", data[data.rfind(b"startxref"):]).group(1))
    size = int(re.search(rb"/Size (\d+)", tail).group(1))
    root = re.search(rb"/Root (\d+ \d+ R)", tail).group(1)
    info = re.search(rb"/Info (\d+ \d+ R)", tail)
    ident = re.search(rb"/ID \[[^\]]*\]", tail)
    out = bytearray()
    offsets = {}
    pos = len(data)
    if not data.endswith(b"\n"):
        out += b"\n"
    for form in sink.forms:
        obj = found.get(form.width)
        if obj is None:
            raise SpliceError(f"PDF fill placeholder {form.width} not found in {path}")
        offsets[obj] = pos + len(out)
        head = (f"{obj} 0 obj\n<< /Type /XObject /Subtype /Form /FormType 1 "
                f"/BBox [{' '.join(_num(v) for v in form.bbox)}] "
                f"/Matrix [{' '.join(_num(v) for v in form.matrix)}] "
                f"/Resources << >> /Filter /FlateDecode /Length {len(form.content)} >>\n"
                "stream\n")
        out += head.encode() + form.content + b"\nendstream\nendobj\n"
    xref = pos + len(out)
    out += b"xref\n"
    for obj in sorted(offsets):
        out += f"{obj} 1\n{offsets[obj]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root ".encode() + root
    if info:
        out += b" /Info " + info.group(1)
    if ident:
        out += b" " + ident.group(0)
    out += f" /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "ab") as fh:
        fh.write(out)


def _num(v: float) -> str:
    text = f"{v:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
