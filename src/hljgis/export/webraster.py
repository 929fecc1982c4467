"""Raster layers of the offline HTML map: one PNG per layer, inlined as a data URI.

Leaflet stretches an image overlay linearly between its corners in Web Mercator, so the
layer is drawn by the map renderer itself (its stretch, colour ramp, hillshade and opacity:
the web map's DEM looks like the desktop's) onto a frame in EPSG:3857 covering the layer;
its corners in lon/lat are the overlay's bounds. No file beside the HTML, no URL.
"""

from __future__ import annotations

import base64

#: Longest side of an overlay in pixels: the bundled 0.2-degree DEM (42 x 33 cells) is
#: resampled smoothly to this, about 0.4 MB of PNG; the page stays one file to e-mail.
OVERLAY_PX = 1024
#: Web Mercator stops short of the poles.
_MAX_LAT = 85.0


def raster_overlay(layer, max_px: int = OVERLAY_PX) -> tuple[str, list[list[float]]] | None:
    """``(data URI of a PNG, [[south, west], [north, east]])`` of a raster layer, or None
    when it has no CRS or nothing to draw."""
    from pyproj import Transformer

    from hljgis.core.crs import transform_bounds
    from hljgis.export._qt import ensure_gui_app
    from hljgis.render import render_image

    if layer.crs is None:
        return None
    ensure_gui_app()
    west, south, east, north = transform_bounds(layer.bounds, layer.crs, "EPSG:4326")
    south, north = max(south, -_MAX_LAT), min(north, _MAX_LAT)
    if not (east > west and north > south):
        return None
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_merc.transform(west, south)
    x1, y1 = to_merc.transform(east, north)
    aspect = (x1 - x0) / (y1 - y0)
    size = ((max_px, max(1, round(max_px / aspect))) if aspect >= 1
            else (max(1, round(max_px * aspect)), max_px))
    image = render_image([layer], (x0, y0, x1, y1), size, background=None, crs="EPSG:3857",
                         labels=False)
    png = _png_bytes(image)
    if png is None:
        return None
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return uri, [[south, west], [north, east]]


def _png_bytes(image) -> bytes | None:
    from hljgis.render.png import encode_png

    try:
        return encode_png(image)
    except ValueError:  # a null image
        return None
