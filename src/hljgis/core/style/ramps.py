"""Colour ramps and colour text: ``#rrggbb[aa]`` <-> RGBA, ramp sampling, raster lookup tables."""

from __future__ import annotations

import numpy as np

# -- colour ramps ----------------------------------------------------------------------------
#: A small set of ColorBrewer ramps (Cynthia Brewer, Apache-2.0), darkest class last, plus two
#: hypsometric ramps for DEMs: "terrain" (saturated) and "relief" (pale, for a base map under
#: thematic layers, where relief should be felt rather than seen). Sequential ramps suit
#: scores and densities, diverging ones change around a midpoint, qualitative ones are for
#: categories.
RAMPS: dict[str, list[str]] = {
    "YlOrRd": ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
               "#bd0026", "#800026"],
    "OrRd": ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f",
             "#b30000", "#7f0000"],
    "Reds": ["#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d",
             "#a50f15", "#67000d"],
    "Blues": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
              "#08519c", "#08306b"],
    "Greens": ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45",
               "#006d2c", "#00441b"],
    "Purples": ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3",
                "#54278f", "#3f007d"],
    "Greys": ["#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696", "#737373", "#525252",
              "#252525", "#000000"],
    "YlGnBu": ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
               "#253494", "#081d58"],
    "YlGn": ["#ffffe5", "#f7fcb9", "#d9f0a3", "#addd8e", "#78c679", "#41ab5d", "#238443",
             "#006837", "#004529"],
    "RdYlGn": ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#d9ef8b",
               "#a6d96a", "#66bd63", "#1a9850", "#006837"],
    "Spectral": ["#9e0142", "#d53e4f", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#e6f598",
                 "#abdda4", "#66c2a5", "#3288bd", "#5e4fa2"],
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0",
             "#92c5de", "#4393c3", "#2166ac", "#053061"],
    "Set2": ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494",
             "#b3b3b3"],
    "Dark2": ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
              "#666666"],
    "Paired": ["#a6cee3", "#1f78b4", "#b2df8a", "#33a02c", "#fb9a99", "#e31a1c", "#fdbf6f",
               "#ff7f00", "#cab2d6", "#6a3d9a", "#ffff99", "#b15928"],
    "relief": ["#dde8d3", "#e6ecd2", "#eeedd6", "#efe6cf", "#e8dcc6", "#e3d6c6", "#ece6df",
               "#f7f5f2"],
    "terrain": ["#4a7c45", "#7aa35a", "#b5c27a", "#e0d59a", "#d2b48c", "#b08d66", "#9a7d6b",
                "#c9c0bb", "#f5f3f0"],
}
QUALITATIVE_RAMPS = ("Set2", "Dark2", "Paired")


def hex_to_rgba(color: str) -> tuple[int, int, int, int]:
    """``#rgb``, ``#rrggbb`` or ``#rrggbbaa`` -> (r, g, b, a) in 0..255."""
    c = color.lstrip("#") if isinstance(color, str) and color.startswith("#") else ""
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) not in (6, 8) or any(ch not in "0123456789abcdefABCDEF" for ch in c):
        raise ValueError(f"not a colour: {color!r} (use #rrggbb or #rrggbbaa)")
    a = int(c[6:8], 16) if len(c) == 8 else 255
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), a


def rgba_to_hex(r: float, g: float, b: float, a: float = 255) -> str:
    """(r, g, b[, a]) -> ``#rrggbb`` (or ``#rrggbbaa`` when not opaque)."""
    vals = [round(min(255, max(0, v))) for v in (r, g, b, a)]
    text = "#{:02x}{:02x}{:02x}".format(*vals[:3])
    return text if vals[3] == 255 else text + f"{vals[3]:02x}"


def ramp_colors(name: str, k: int, *, reverse: bool = False) -> list[str]:
    """``k`` colours from a named ramp.

    Sequential and diverging ramps are sampled evenly end to end (interpolated in RGB), so
    the first and last class keep the ramp's extremes; qualitative ramps are taken in order
    (repeating past their length), because interpolating between unrelated hues makes
    muddy colours.
    """
    if name not in RAMPS:
        raise ValueError(f"unknown colour ramp {name!r}; choose one of {', '.join(RAMPS)}")
    stops = RAMPS[name]
    if k <= 0:
        return []
    if name in QUALITATIVE_RAMPS:
        out = [stops[i % len(stops)] for i in range(k)]
    else:
        rgb = np.array([hex_to_rgba(s)[:3] for s in stops], dtype=float)
        pos = np.linspace(0.0, 1.0, len(stops))
        at = np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5])
        out = [rgba_to_hex(*(np.interp(t, pos, rgb[:, j]) for j in range(3))) for t in at]
    return out[::-1] if reverse else out


def ramp_lut(name: str, n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA lookup table of a ramp, for rasters."""
    rgb = np.array([hex_to_rgba(s)[:3] for s in RAMPS[name]], dtype=float)
    pos = np.linspace(0.0, 1.0, len(rgb))
    t = np.linspace(0.0, 1.0, n)
    lut = np.empty((n, 4), dtype=np.uint8)
    for j in range(3):
        lut[:, j] = np.round(np.interp(t, pos, rgb[:, j]))
    lut[:, 3] = 255
    return lut


__all__ = ["QUALITATIVE_RAMPS", "RAMPS", "hex_to_rgba", "ramp_colors", "ramp_lut", "rgba_to_hex"]
