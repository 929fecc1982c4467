"""Drawing a raster layer: a decimated window read, coloured by
:func:`hljgis.core.raster_style.colorize` (stretch, ramp, hillshade), painted as one image."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from hljgis.core.raster_style import cell_size_m, colorize, layer_range, normalize_raster
from hljgis.render.transform import MapTransform


def draw_raster(painter: QPainter, layer, style: dict, mt: MapTransform) -> bool:
    """Draw the part of a raster layer in view; False when nothing of it is visible."""
    r = normalize_raster(style.get("renderer"))
    band = r["band"]
    crs = layer.crs
    same = crs is None or mt.crs is None or crs.equals(mt.crs)
    if same:
        bx0, by0, bx1, by1 = layer.bounds
        resx, resy = layer.info.res
        if bx1 < mt.minx or bx0 > mt.maxx or by1 < mt.miny or by0 > mt.maxy:
            return False
        # Two source pixels of margin: smooth edges when zoomed in, room for the gradient.
        ix0, iy0 = max(bx0, mt.minx - 2 * resx), max(by0, mt.miny - 2 * resy)
        ix1, iy1 = min(bx1, mt.maxx + 2 * resx), min(by1, mt.maxy + 2 * resy)
        if ix1 <= ix0 or iy1 <= iy0:
            return False
        cols = max(1, round((ix1 - ix0) / mt.upp_x))
        rows = max(1, round((iy1 - iy0) / mt.upp_y))
        # Never read finer than the file's own pixels.
        cols = min(cols, max(1, round((ix1 - ix0) / resx)))
        rows = min(rows, max(1, round((iy1 - iy0) / resy)))
        data, (ax0, ay0, ax1, ay1) = layer.read((ix0, iy0, ix1, iy1), out_shape=(rows, cols),
                                                band=band)
    else:
        data, (ax0, ay0, ax1, ay1) = _warped(layer, mt, band)
        if data is None:
            return False
    z = np.ma.filled(data.astype(float), np.nan)
    grid_crs = mt.crs if mt.crs is not None else crs
    geographic = bool(grid_crs is not None and grid_crs.is_geographic)
    cells = cell_size_m((ax0, ay0, ax1, ay1), z.shape, geographic)
    rgba = colorize(z, r, layer_range(layer, r), cells)
    a = rgba[..., 3].astype(np.uint32)
    f = a / 255.0
    rgb = rgba[..., :3].astype(float) * f[..., None]
    argb = (a << 24) | (np.round(rgb[..., 0]).astype(np.uint32) << 16) | \
        (np.round(rgb[..., 1]).astype(np.uint32) << 8) | np.round(rgb[..., 2]).astype(np.uint32)
    argb = np.ascontiguousarray(argb, dtype=np.uint32)
    h, w = argb.shape
    img = QImage(argb.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
    px0, py0 = mt.to_pixels(ax0, ay1)
    px1, py1 = mt.to_pixels(ax1, ay0)
    tw, th = float(px1 - px0), float(py1 - py0)
    if w * 2 < tw or h * 2 < th:
        # Resample coarse rasters here: PDF viewers and printers scale embedded images with
        # nearest neighbour, which shows 0.2-degree DEM cells as blocks.
        sw = max(w, min(round(tw), 2 * mt.width))
        sh = max(h, min(round(th), 2 * mt.height))
        img = img.scaled(sw, sh, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(QRectF(float(px0), float(py0), tw, th), img)
    painter.restore()
    return True


def _warped(layer, mt: MapTransform, band: int):
    """Read and reproject a raster in another CRS onto the frame's pixel grid."""
    from rasterio.crs import CRS as RioCRS
    from rasterio.transform import Affine
    from rasterio.warp import Resampling, reproject, transform_bounds

    src_crs = RioCRS.from_wkt(layer.crs.to_wkt())
    dst_crs = RioCRS.from_wkt(mt.crs.to_wkt())
    sb = transform_bounds(dst_crs, src_crs, *mt.extent, densify_pts=21)
    bx0, by0, bx1, by1 = layer.bounds
    ib = (max(sb[0], bx0), max(sb[1], by0), min(sb[2], bx1), min(sb[3], by1))
    if ib[2] <= ib[0] or ib[3] <= ib[1]:
        return None, None
    rows = max(2, min(mt.height, round((ib[3] - ib[1]) / layer.info.res[1])))
    cols = max(2, min(mt.width, round((ib[2] - ib[0]) / layer.info.res[0])))
    data, (ax0, ay0, ax1, ay1) = layer.read(ib, out_shape=(rows, cols), band=band)
    src = np.ma.filled(data.astype("float32"), np.nan)
    src_tr = Affine((ax1 - ax0) / src.shape[1], 0, ax0, 0, -(ay1 - ay0) / src.shape[0], ay1)
    dst = np.full((mt.height, mt.width), np.nan, dtype="float32")
    dst_tr = Affine(mt.upp_x, 0, mt.minx, 0, -mt.upp_y, mt.maxy)
    reproject(src, dst, src_transform=src_tr, src_crs=src_crs, dst_transform=dst_tr,
              dst_crs=dst_crs, src_nodata=np.nan, dst_nodata=np.nan,
              resampling=Resampling.bilinear)
    return np.ma.masked_invalid(dst), mt.extent

