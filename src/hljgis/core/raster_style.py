"""Raster styling as plain data and numpy maths (no Qt): stretch, colour ramp, hillshade.

A raster layer's ``style["renderer"]`` is a dict of kind ``"raster"``::

    {"kind": "raster", "band": 1, "ramp": "relief", "reverse": false,
     "stretch": "percent" | "minmax" | "stddev" | "user",
     "percent": [2.0, 98.0],          # cut for "percent"
     "stddev": 2.0,                   # mean +- k standard deviations for "stddev"
     "min": null, "max": null,        # the user's range for "user"
     "hillshade": true, "azimuth": 315.0, "altitude": 45.0, "z_factor": 1.0,
     "blend": "multiply" | "only",    # shade the ramp, or show the grey shade alone
     "shade_strength": 0.45}          # 0..1: how dark a fully shaded cell gets (multiply)

Older files hold only ``band/ramp/min/max/hillshade``; :func:`normalize_raster` fills the
rest (a file with ``min`` or ``max`` set keeps them as a user stretch).

The renderer turns the values it read into RGBA here (:func:`colorize`), so every output (the
canvas, PNG, PDF, SVG) gets the same pixels and the maths is testable without Qt.
Hillshade slopes are taken in metres: on a geographic grid each row's cell size comes from its
latitude on the GRS80/CGCS2000 ellipsoid (a 0.2-degree cell is 22.2 km north-south but only
15.4 km east-west at 46 N; treating degrees as square would tilt every slope's aspect).
"""

from __future__ import annotations

import copy
import math
import os

import numpy as np
from psygnal import Signal, SignalGroup

from hljgis.core.style import RAMPS, ramp_colors, ramp_lut

STRETCHES = ("minmax", "percent", "stddev", "user")
BLENDS = ("multiply", "only")

RASTER_DEFAULTS: dict = {
    "kind": "raster", "band": 1, "ramp": "relief", "reverse": False,
    "stretch": "percent", "percent": [2.0, 98.0], "stddev": 2.0, "min": None, "max": None,
    "hillshade": True, "azimuth": 315.0, "altitude": 45.0, "z_factor": 1.0,
    "blend": "multiply", "shade_strength": 0.45,
}

# GRS80 (CGCS2000 and WGS84 differ from it by under a millimetre here).
_A = 6378137.0
_E2 = 0.00669438002290


def normalize_raster(renderer: dict | None) -> dict:
    """A complete, validated raster renderer dict (a fresh copy).

    Raises
    ------
    ValueError
        On an unknown ramp, stretch or blend, a percent cut outside 0..100 or not rising,
        a user range whose minimum is not below its maximum, or an altitude outside 0..90.
    """
    d = copy.deepcopy(RASTER_DEFAULTS)
    given = dict(renderer or {})
    if "stretch" not in given:
        user = given.get("min") is not None or given.get("max") is not None
        given["stretch"] = "user" if user else "percent"
    d.update({k: copy.deepcopy(v) for k, v in given.items()})
    d["kind"] = "raster"
    if d["ramp"] not in RAMPS:
        raise ValueError(f"unknown colour ramp {d['ramp']!r}; choose one of {', '.join(RAMPS)}")
    if d["stretch"] not in STRETCHES:
        raise ValueError(f"stretch must be one of {STRETCHES}, not {d['stretch']!r}")
    if d["blend"] not in BLENDS:
        raise ValueError(f"blend must be one of {BLENDS}, not {d['blend']!r}")
    lo, hi = (float(v) for v in d["percent"])
    if not 0.0 <= lo < hi <= 100.0:
        raise ValueError(f"percent cut must rise within 0..100, not {lo}..{hi}")
    d["percent"] = [lo, hi]
    d["band"] = int(d["band"])
    for key in ("stddev", "azimuth", "altitude", "z_factor", "shade_strength"):
        d[key] = float(d[key])
    if not 0.0 <= d["altitude"] <= 90.0:
        raise ValueError(f"sun altitude must be 0..90 degrees, not {d['altitude']}")
    d["azimuth"] %= 360.0
    d["shade_strength"] = min(1.0, max(0.0, d["shade_strength"]))
    d["reverse"] = bool(d["reverse"])
    d["hillshade"] = bool(d["hillshade"])
    for key in ("min", "max"):
        d[key] = None if d[key] is None else float(d[key])
    if d["stretch"] == "user" and d["min"] is not None and d["max"] is not None \
            and not d["min"] < d["max"]:
        raise ValueError(f"minimum {d['min']:g} must be below maximum {d['max']:g}")
    return d


# -- stretch ---------------------------------------------------------------------------------
def stretch_range(values, renderer: dict) -> tuple[float, float]:
    """The value range a raster's colour ramp spans.

    Parameters
    ----------
    values : array-like
        Raster values (a masked array's mask and NaNs are ignored), usually a whole-raster
        sample from :func:`raster_sample`.
    renderer : dict
        A raster renderer; its ``stretch`` picks the rule: ``minmax`` (the data's extremes),
        ``percent`` (the ``percent`` percentiles, e.g. 2 and 98, so a few outliers do not
        wash out the rest), ``stddev`` (mean +- ``stddev`` standard deviations) or ``user``
        (``min``/``max``; a missing end falls back to the 2-98 % cut).

    Returns
    -------
    (float, float)
        Low and high ends, low < high (a constant raster gets a unit-wide range).

    Examples
    --------
    >>> stretch_range(np.arange(101.0), {"stretch": "percent", "percent": [10, 90]})
    (10.0, 90.0)
    """
    r = normalize_raster(renderer)
    v: np.ndarray = np.ma.compressed(np.ma.masked_invalid(np.ma.asarray(values, dtype=float)))
    if v.size == 0:
        lo, hi = 0.0, 1.0
    elif r["stretch"] == "minmax":
        lo, hi = float(v.min()), float(v.max())
    elif r["stretch"] == "stddev":
        mean, std = float(v.mean()), float(v.std())
        lo, hi = mean - r["stddev"] * std, mean + r["stddev"] * std
    else:
        cut = r["percent"] if r["stretch"] == "percent" else [2.0, 98.0]
        lo, hi = (float(x) for x in np.percentile(v, cut))
        if r["stretch"] == "user":
            lo = r["min"] if r["min"] is not None else lo
            hi = r["max"] if r["max"] is not None else hi
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    return lo, hi


_SAMPLES: dict[tuple[str, int, int], np.ndarray] = {}


def raster_sample(layer, band: int = 1, size: int = 512) -> np.ndarray:
    """Valid values of the whole raster read at most ``size`` pixels a side (GDAL uses the
    overviews), cached per file and band, so a stretch stays put while panning and zooming."""
    path = str(layer.path)
    mtime = os.stat(path).st_mtime_ns if os.path.isfile(path) else 0  # a rewritten file
    key = (path, int(band), mtime)
    if key not in _SAMPLES:
        info = layer.info
        scale = max(1, math.ceil(max(info.width, info.height) / size))
        data, _ = layer.read(None, out_shape=(max(1, info.height // scale),
                                              max(1, info.width // scale)), band=band)
        vals = np.ma.compressed(data).astype(float)
        _SAMPLES[key] = vals[np.isfinite(vals)]
    return _SAMPLES[key]


def layer_range(layer, renderer: dict | None = None) -> tuple[float, float]:
    """The range a raster layer's ramp spans under ``renderer`` (its own style's by default)."""
    if renderer is None:
        renderer = (layer.style or {}).get("renderer") or {}
    r = normalize_raster(renderer)
    return stretch_range(raster_sample(layer, r["band"]), r)


# -- hillshade -------------------------------------------------------------------------------
def metres_per_degree(lat_deg) -> tuple[np.ndarray, np.ndarray]:
    """(east-west, north-south) metres per degree at latitude ``lat_deg`` on GRS80.

    Examples
    --------
    >>> ew, ns = metres_per_degree(0.0)
    >>> round(float(ew)), round(float(ns))
    (111319, 110574)
    """
    phi = np.deg2rad(np.asarray(lat_deg, dtype=float))
    w = 1.0 - _E2 * np.sin(phi) ** 2
    k = np.pi / 180.0
    return k * _A * np.cos(phi) / np.sqrt(w), k * _A * (1.0 - _E2) / w ** 1.5


def cell_size_m(bounds, shape, geographic: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-row cell width and height in metres of a north-up grid covering ``bounds``.

    A projected grid has the same cells everywhere; a geographic one has narrower cells
    towards the pole, so each row gets its own width from the latitude of its centre.
    """
    x0, y0, x1, y1 = bounds
    rows, cols = shape
    dx, dy = (x1 - x0) / max(cols, 1), (y1 - y0) / max(rows, 1)
    if not geographic:
        return np.full(rows, dx), np.full(rows, dy)
    lat = y1 - (np.arange(rows) + 0.5) * dy
    ew, ns = metres_per_degree(lat)
    return dx * ew, dy * ns


def hillshade(z, xres_m, yres_m, azimuth: float = 315.0, altitude: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Lambertian hillshade in 0..1 of a north-up elevation grid (row 0 is the north edge).

    Parameters
    ----------
    z : 2-D array
        Elevations; NaN cells and their neighbours get NaN.
    xres_m, yres_m : float or 1-D array (one value per row)
        Cell width and height in the units of ``z`` (metres for a DEM in metres).
    azimuth : float
        Compass direction the light comes from, degrees clockwise from north (315 = NW).
    altitude : float
        Sun height above the horizon, degrees.
    z_factor : float
        Vertical exaggeration (or unit conversion of ``z``).

    Returns
    -------
    ndarray
        cos of the angle between the surface normal and the sun, clipped at 0 (self-shadow);
        1 where the slope faces the sun squarely, sin(altitude) on flat ground.
    """
    z = np.asarray(z, dtype=float) * float(z_factor)
    rows = z.shape[0]
    xres = np.broadcast_to(np.asarray(xres_m, dtype=float), (rows,))[:, None]
    yres = np.broadcast_to(np.asarray(yres_m, dtype=float), (rows,))[:, None]
    dz_east = np.gradient(z, axis=1) / xres
    dz_north = -np.gradient(z, axis=0) / yres  # rows run south
    az, alt = np.deg2rad(azimuth), np.deg2rad(altitude)
    # Unit vector towards the sun (east, north, up) dotted with the normal (-dz_e, -dz_n, 1).
    sx, sy, sz = np.cos(alt) * np.sin(az), np.cos(alt) * np.cos(az), np.sin(alt)
    dot = (-dz_east * sx - dz_north * sy + sz) / np.sqrt(1.0 + dz_east ** 2 + dz_north ** 2)
    return np.clip(dot, 0.0, 1.0)


# -- colours ---------------------------------------------------------------------------------
def colorize(z, renderer: dict, value_range: tuple[float, float],
             cell_m: tuple | None = None) -> np.ndarray:
    """(rows, cols, 4) uint8 RGBA image of elevations ``z`` under a raster renderer.

    Parameters
    ----------
    z : 2-D array
        Values; NaN (or masked) cells come out transparent.
    renderer : dict
        A raster renderer (see the module docstring).
    value_range : (float, float)
        The stretch: values at or below the low end get the ramp's first colour, at or above
        the high end its last.
    cell_m : (xres, yres), optional
        Cell size for the hillshade (see :func:`cell_size_m`); no hillshade without it.
    """
    r = normalize_raster(renderer)
    z = np.ma.filled(np.ma.asarray(z, dtype=float), np.nan)
    valid = np.isfinite(z)
    lo, hi = value_range
    t = np.clip((z - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    lut = ramp_lut(r["ramp"])
    if r["reverse"]:
        lut = lut[::-1]
    idx = np.round(np.nan_to_num(t, nan=0.0) * (len(lut) - 1)).astype(np.intp)
    rgb = lut[idx, :3].astype(float)
    if r["hillshade"] and cell_m is not None and min(z.shape) >= 2:
        shade = hillshade(z, cell_m[0], cell_m[1], r["azimuth"], r["altitude"], r["z_factor"])
        if r["blend"] == "only":
            rgb = np.repeat(np.nan_to_num(shade, nan=1.0)[..., None] * 255.0, 3, axis=2)
        else:
            # Multiply by a shade softened towards white; cells beside nodata stay unshaded.
            factor = 1.0 - r["shade_strength"] * (1.0 - np.nan_to_num(shade, nan=1.0))
            rgb *= factor[..., None]
    out = np.empty((*z.shape, 4), dtype=np.uint8)
    out[..., :3] = np.clip(np.round(rgb), 0, 255)
    out[..., 3] = np.where(valid, 255, 0)
    return out


def format_value(v: float) -> str:
    """A legend number: thousands separated, no more digits than the range needs."""
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def legend_ramp(layer, lang: str = "en") -> tuple[str, dict]:
    """(label, swatch) of a raster layer's legend row: its range and its ramp's colours."""
    r = normalize_raster((layer.style or {}).get("renderer"))
    lo, hi = layer_range(layer, r)
    colors = ramp_colors(r["ramp"], 7, reverse=r["reverse"])
    if r["hillshade"] and r["blend"] == "only":
        colors = ["#000000", "#ffffff"]
    label = f"{format_value(lo)} – {format_value(hi)}"
    return label, {"type": "ramp", "colors": colors, "min": lo, "max": hi}


# -- the draft a dialog edits ----------------------------------------------------------------
class RasterStyleDraftEvents(SignalGroup):
    changed = Signal(str)  # the key that changed ("opacity" for the opacity)


class RasterStyleDraft:
    """A raster style being edited: the renderer dict and the layer opacity, Qt-free.

    A dialog binds its widgets to it; :meth:`style` and :attr:`opacity` are what an Apply
    hands to the session. Events: ``changed(key)`` after each edit.
    """

    def __init__(self, layer) -> None:
        self.layer = layer
        style = copy.deepcopy(layer.style or {})
        self._rest = {k: v for k, v in style.items() if k != "renderer"}
        self.renderer = normalize_raster(style.get("renderer"))
        self.opacity = float(layer.opacity)
        self.events = RasterStyleDraftEvents()

    def set(self, key: str, value) -> None:
        """Change one renderer key (or ``"opacity"``); invalid values raise ValueError and
        leave the draft as it was."""
        if key == "opacity":
            value = float(value)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"opacity must be between 0 and 1, not {value}")
            if value != self.opacity:
                self.opacity = value
                self.events.changed.emit(key)
            return
        if key not in RASTER_DEFAULTS or key == "kind":
            raise KeyError(f"{key!r} is not a raster style setting")
        trial = {**self.renderer, key: copy.deepcopy(value)}
        trial = normalize_raster(trial)
        if trial != self.renderer:
            self.renderer = trial
            self.events.changed.emit(key)

    def value_range(self) -> tuple[float, float]:
        """The range the ramp spans with the current stretch."""
        return layer_range(self.layer, self.renderer)

    def data_range(self) -> tuple[float, float]:
        """The raster's own minimum and maximum (from the cached sample)."""
        return stretch_range(raster_sample(self.layer, self.renderer["band"]),
                             {"stretch": "minmax"})

    def style(self) -> dict:
        """The edited style dict (a copy)."""
        out = copy.deepcopy(self._rest)
        out.setdefault("version", 1)
        out["renderer"] = copy.deepcopy(self.renderer)
        return out


__all__ = [
    "BLENDS", "RASTER_DEFAULTS", "STRETCHES", "RasterStyleDraft", "cell_size_m", "colorize",
    "format_value", "hillshade", "layer_range", "legend_ramp", "metres_per_degree",
    "normalize_raster", "raster_sample", "stretch_range",
]
