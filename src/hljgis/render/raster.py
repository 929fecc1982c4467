"""Drawing a raster layer: a decimated window read, a colour ramp and an optional hillshade."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from hljgis.core.style import ramp_lut
from hljgis.render.transform import MapTransform

_STATS: dict[str, tuple[float, float]] = {}


def _value_range(layer, band: int) -> tuple[float, float]:
    """2nd-98th percentile of the whole raster (from a small overview), cached per file,
    so colours do not jump while panning."""
    key = f"{layer.path}:{band}"
    if key not in _STATS:
        info = layer.info
        scale = max(1, max(info.width, info.height) // 512)
        data, _ = layer.read(None, out_shape=(max(1, info.height // scale),
                                              max(1, info.width // scale)), band=band)
        vals = np.ma.compressed(data).astype(float)
        vals = vals[np.isfinite(vals)]
        _STATS[key] = (float(np.percentile(vals, 2)), float(np.percentile(vals, 98))) \
            if vals.size else (0.0, 1.0)
    return _STATS[key]


def hillshade(z: np.ndarray, xres_m: float, yres_m: float, azimuth: float = 315.0,
              altitude: float = 45.0, z_factor: float = 1.0) -> np.ndarray:
    """Lambertian hillshade in 0..1 (light from the north-west by default)."""
    dzdy, dzdx = np.gradient(z * z_factor, yres_m, xres_m)
    slope = np.arctan(np.hypot(dzdx, dzdy))
    aspect = np.arctan2(dzdy, -dzdx)
    az = np.deg2rad(360.0 - azimuth + 90.0)
    alt = np.deg2rad(altitude)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(shade, 0.0, 1.0)


def draw_raster(painter: QPainter, layer, style: dict, mt: MapTransform) -> bool:
    """Draw the part of a raster layer in view; False when nothing of it is visible."""
    r = style.get("renderer") or {}
    band = int(r.get("band", 1))
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
    lo, hi = r.get("min"), r.get("max")
    if lo is None or hi is None:
        dlo, dhi = _value_range(layer, band)
        lo = dlo if lo is None else lo
        hi = dhi if hi is None else hi
    t = np.clip((z - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    lut = ramp_lut(r.get("ramp", "terrain"))
    idx = np.nan_to_num(t * 255.0, nan=0.0).astype(np.uint8)
    rgb = lut[idx, :3].astype(float)
    if r.get("hillshade") and min(z.shape) >= 3:
        h, w = z.shape
        xres = (ax1 - ax0) / max(w, 1)
        yres = (ay1 - ay0) / max(h, 1)
        if mt.crs is not None and mt.crs.is_geographic:
            lat = np.deg2rad((ay0 + ay1) / 2.0)
            xres, yres = xres * 111320.0 * np.cos(lat), yres * 110540.0
        zf = np.where(np.isfinite(z), z, np.nanmean(z) if np.isfinite(z).any() else 0.0)
        shade = hillshade(zf, xres, yres)
        rgb *= (0.55 + 0.45 * shade)[..., None]
    alpha = np.where(np.isfinite(z), 255, 0).astype(np.uint32)
    a = alpha / 255.0
    argb = (alpha << 24) | (np.round(rgb[..., 0] * a).astype(np.uint32) << 16) | \
        (np.round(rgb[..., 1] * a).astype(np.uint32) << 8) | np.round(rgb[..., 2] * a) \
        .astype(np.uint32)
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

