"""Pre-flight check before an export: problems a reviewer at the bank would spot.

Checks the glyphs of every text on the page against the bundled font, layers without a CRS,
illustrative data shown without the note, a national border shown without a map review
number (审图号), legend rows that will not fit, and estimates the
file size (large translucent polygon layers make PDFs heavy and slow to open). Returns plain
strings so the CLI prints them and the layout dialog lists them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import shapely

from hljgis.core.style import default_style, hex_to_rgba
from hljgis.export.page import MapPage, footer_blocks, legend_content, title_lines
from hljgis.export.preflight_rankings import label_collisions, ranking_overlaps

#: Above this estimated size a warning suggests a lower dpi or fewer layers.
SIZE_WARN_BYTES = 25 * 1024 * 1024
#: Vertices of translucent fills above which PDF viewers slow down noticeably.
TRANSLUCENT_VERTEX_WARN = 300_000


@cache
def _font_characters() -> frozenset[int]:
    """Code points the bundled label font maps to a glyph, read from its cmap table.

    Read from the file rather than asked of QRawFont: QRawFont's answer for the same file
    changed once many widgets had drawn in the process (no CJK at all), and a check must
    not depend on that. The Unicode BMP subtable is read directly (2 ms; fontTools spent
    0.2 s of every first export importing itself and naming 30k glyphs); fontTools reads
    fonts without one.
    """
    from hljgis.render.fonts import FILES, font_dir

    path = font_dir() / FILES[0]
    chars = cmap_format4(path.read_bytes())
    if chars is not None:
        return chars
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def cmap_format4(data: bytes) -> frozenset[int] | None:
    """Code points with a glyph in the Unicode BMP (format 4) cmap subtable of an OpenType
    font file; None when it has no such subtable."""
    import struct

    num = struct.unpack_from(">H", data, 4)[0]
    cmap = None
    for i in range(num):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        return None
    n_sub = struct.unpack_from(">H", data, cmap + 2)[0]
    sub = None
    for i in range(n_sub):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) in ((3, 1), (0, 3)) and \
                struct.unpack_from(">H", data, cmap + offset)[0] == 4:
            sub = cmap + offset
            break
    if sub is None:
        return None
    seg = struct.unpack_from(">H", data, sub + 6)[0] // 2
    ends = struct.unpack_from(f">{seg}H", data, sub + 14)
    starts = struct.unpack_from(f">{seg}H", data, sub + 16 + 2 * seg)
    deltas = struct.unpack_from(f">{seg}h", data, sub + 16 + 4 * seg)
    range_at = sub + 16 + 6 * seg
    ranges = struct.unpack_from(f">{seg}H", data, range_at)
    out = set()
    for i in range(seg):
        start, end, delta, ro = starts[i], ends[i], deltas[i], ranges[i]
        if start == 0xFFFF:
            continue
        if ro == 0:
            out.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            continue
        base = range_at + 2 * i + ro
        ids = struct.unpack_from(f">{end - start + 1}H", data, base)
        out.update(start + k for k, g in enumerate(ids) if g and (g + delta) & 0xFFFF)
    return frozenset(out)


def missing_glyphs(texts) -> list[str]:
    """Characters of ``texts`` the bundled font cannot draw (sorted, unique)."""
    have = _font_characters()
    chars = {c for t in texts for c in str(t) if not c.isspace()}
    return sorted(c for c in chars if ord(c) not in have)


def page_texts(page: MapPage) -> list[str]:
    """Every text the page will show, without painting it."""
    texts = [t for t, *_ in title_lines(page.layout)]
    rows, base_line = legend_content(page)
    texts += [r.text for r in rows] + ([base_line] if base_line else [])
    texts += [t for t, *_ in footer_blocks(page)]
    return texts


def _vertices(layer, extent=None, crs=None) -> int:
    """Vertices of a vector layer; with ``extent`` (in ``crs``) only of the features whose
    box meets it, which is what a page zoomed to a city draws."""
    if layer.kind != "vector":
        return 0
    geoms = layer.gdf.geometry.values
    whole = layer.derived("vertices", lambda: int(shapely.get_num_coordinates(geoms).sum()))
    if extent is not None and len(geoms):
        from hljgis.core.crs import transform_bounds

        x0, y0, x1, y1 = transform_bounds(extent, crs, layer.crs)
        lb = layer.bounds  # the whole layer on the page (a ranking seen whole): no sums
        if lb[0] >= x0 and lb[2] <= x1 and lb[1] >= y0 and lb[3] <= y1:
            return whole
        b = shapely.bounds(geoms)
        geoms = geoms[(b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)]
        return int(shapely.get_num_coordinates(geoms).sum())
    return whole


def _translucent(layer) -> bool:
    style = layer.style or default_style(layer)
    text = str(style.get("renderer", {}))
    fills = [s for s in text.split("'fill': '")[1:]]
    for chunk in fills:
        colour = chunk.split("'")[0]
        if colour.startswith("#") and len(colour) == 9 and hex_to_rgba(colour)[3] < 255:
            return True
    return layer.opacity < 1.0


def _raster_pixels(layer, extent, crs) -> float:
    """The raster's own pixels inside ``extent``: a page embeds no more than those (a coarse
    DEM stays coarse however high the dpi)."""
    from hljgis.core.crs import transform_bounds

    try:
        x0, y0, x1, y1 = transform_bounds(extent, crs, layer.crs)
        b = layer.bounds
        share_x = max(0.0, min(x1, b[2]) - max(x0, b[0])) / max(b[2] - b[0], 1e-12)
        share_y = max(0.0, min(y1, b[3]) - max(y0, b[1])) / max(b[3] - b[1], 1e-12)
        return share_x * share_y * layer.info.width * layer.info.height
    except Exception:  # noqa: BLE001 - an estimate: an odd raster counts as a full page
        return float("inf")


def estimate_bytes(pages, suffix: str, dpi: float) -> int:
    """A rough output size: vertices for vector formats, pixels for PNG."""
    from hljgis.export.output import MIN_LAYOUT_DPI

    if suffix in (".pdf", ".svg"):  # the resolution their rasters are drawn at
        dpi = MIN_LAYOUT_DPI if suffix == ".svg" else max(dpi, MIN_LAYOUT_DPI)
    total = 0
    for page in pages:
        w_mm, h_mm = page.layout.page_size_mm()
        px = (w_mm / 25.4 * dpi) * (h_mm / 25.4 * dpi)
        if suffix == ".png":
            total += int(px * 0.45)
            continue
        verts = sum(_vertices(layer, page.extent, page.project.crs)
                    for layer in page.drawn_layers)
        raster_px = sum(min(px, _raster_pixels(layer, page.extent, page.project.crs))
                        for layer in page.drawn_layers if layer.kind == "raster")
        per_vertex = 9 if suffix == ".pdf" else 16
        total += verts * per_vertex + int(raster_px * 0.6) + 150_000
    return total


#: Schemas whose layers draw China's national border: the border line itself, or a
#: neighbouring country's outline.
BORDER_SCHEMAS = ("borders", "country")


def shows_national_border(page: MapPage) -> bool:
    """True when a drawn layer outlines a neighbouring country inside the page's extent (its
    edge is China's national border)."""
    from hljgis.core.crs import transform_bounds

    for layer in page.drawn_layers:
        if layer.kind != "vector" or getattr(layer, "schema", None) not in BORDER_SCHEMAS:
            continue
        if page.extent is None or not len(layer.gdf):
            return True
        x0, y0, x1, y1 = transform_bounds(page.extent, page.project.crs, layer.crs)
        if layer.gdf.geometry.intersects(shapely.box(x0, y0, x1, y1)).any():
            return True
    return False


def preflight(project, pages, out, dpi: float) -> list[str]:
    """Warnings for exporting ``pages`` of ``project`` to ``out`` at ``dpi``; [] when clean.

    Examples
    --------
    >>> for w in preflight(project, [page], "map.pdf", 300):  # doctest: +SKIP
    ...     print("warning:", w)
    """
    warnings: list[str] = []
    texts = [t for page in pages for t in page_texts(page)]
    missing = missing_glyphs(texts)
    if missing:
        warnings.append(f"font: {len(missing)} characters are not in the bundled font and "
                        f"will show as boxes: {' '.join(missing[:20])}")
    seen = set()
    for page in pages:
        for layer in page.drawn_layers:
            if layer.name in seen:
                continue
            seen.add(layer.name)
            if layer.crs is None:
                warnings.append(f"CRS: layer '{layer.name}' has no coordinate system; it may be "
                                "drawn in the wrong place. Set its CRS before exporting.")
            if layer.is_illustrative and not page.layout.illustrative_note:
                warnings.append(f"illustrative: layer '{layer.name}' holds illustrative "
                                "features but the layout's illustrative_note is off; the "
                                "page would not say so.")
        verts = sum(_vertices(layer) for layer in page.drawn_layers if _translucent(layer))
        if verts > TRANSLUCENT_VERTEX_WARN and str(out).lower().endswith(".pdf"):
            warnings.append(f"size: {verts:,} vertices in semi-transparent fills; PDF viewers "
                            "may be slow. Make large fills opaque or simplify them.")
    if any(shows_national_border(page) for page in pages) and not any(
            str(page.layout.values.get("map_review_number") or "").strip() for page in pages):
        warnings.append("审图号: the page shows China's national border but the layout has no "
                        "map review number (map_review_number). A map of China published "
                        "with the border must carry the 审图号 of a reviewed standard base map "
                        "(标准地图); the bundled boundaries are not one (layers/README.md).")
    warnings += ranking_overlaps(pages) + label_collisions(pages)
    suffix = Path(str(out)).suffix.lower()
    est = estimate_bytes(pages, suffix, dpi)
    if est > SIZE_WARN_BYTES:
        warnings.append(f"size: the file will be about {est / 1e6:.0f} MB; lower the dpi or "
                        "hide detailed layers.")
    return warnings


def estimated_size_note(pages, out, dpi: float) -> str:
    """"about 1.2 MB" for the dialog's status line."""
    est = estimate_bytes(pages, Path(str(out)).suffix.lower(), dpi)
    return f"about {est / 1e6:.1f} MB" if est >= 1e5 else f"about {max(1, est // 1000)} kB"


__all__ = ["estimate_bytes", "estimated_size_note", "missing_glyphs", "page_texts", "preflight",
           "shows_national_border"]

