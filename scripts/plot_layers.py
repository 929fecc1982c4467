"""Draw every bundled layer together with matplotlib, for a visual check of layers/.

    python scripts/plot_layers.py /tmp/hljgis_layers.png [--zoom hegang]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import rasterio
from rasterio.plot import show

LAYERS = Path(__file__).resolve().parents[1] / "layers"
CITY_COLOURS = {"Hegang": "#e8c4a0", "Jixi": "#b9d7a8", "Qitaihe": "#c8b6e2",
                "Shuangyashan": "#a8c8e0"}


def read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / f"{name}.geojson")


def draw(out: Path, zoom: str | None) -> None:
    fig, ax = plt.subplots(figsize=(14, 12) if not zoom else (11, 11), dpi=110)
    with rasterio.open(LAYERS / "dem.tif") as src:
        show(src, ax=ax, cmap="Greys", alpha=0.35)
    read("province").plot(ax=ax, facecolor="#f6f4ee", edgecolor="k", lw=1.2)
    read("neighbours").plot(ax=ax, facecolor="#eeeeee", edgecolor="#888", lw=0.6)
    read("russia").plot(ax=ax, facecolor="#f4dede", edgecolor="#a33", lw=0.8)
    d = read("districts")
    d.plot(ax=ax, color=d["city"].map(CITY_COLOURS), edgecolor="#666", lw=0.3)
    read("cities").plot(ax=ax, facecolor="none", edgecolor="#222", lw=1.4)
    r = read("rivers")
    r[r["name"].isna()].plot(ax=ax, color="#7fb2e0", lw=0.5)
    r[r["name"].notna()].plot(ax=ax, color="#1f6fc0", lw=1.4)
    read("subsidence_zones").plot(ax=ax, facecolor="#c0392b", alpha=0.5, edgecolor="#7b241c")
    read("shanty_sites").plot(ax=ax, facecolor="#f39c12", edgecolor="#a04000", lw=0.5)
    read("industrial_parks").plot(ax=ax, facecolor="#8e44ad", alpha=0.5, edgecolor="#4a235a")
    e = read("expressways")
    e.plot(ax=ax, color="#d35400", lw=1.6, linestyle="-")
    h = read("hsr_lines")
    h.plot(ax=ax, color=h["status"].map({"opened": "#111", "under_construction": "#777",
                                         "planned": "#bbb"}), lw=2.2)
    read("hsr_stations").plot(ax=ax, color="white", edgecolor="k", markersize=22, zorder=5)
    read("border_crossings").plot(ax=ax, marker="D", color="#c0392b", markersize=30, zorder=6)
    a = read("airports")
    a.plot(ax=ax, marker="^", color=a["status"].map({"opened": "#2471a3", "planned": "#aed6f1"}),
           edgecolor="k", markersize=60, zorder=6)
    read("pillar_industries").plot(ax=ax, marker="s", color="#27ae60", markersize=14, zorder=6)
    t = read("towns")
    big = t[t["role"].isin(["city_seat", "county_seat", "foreign_city"])]
    big.plot(ax=ax, color="k", markersize=6, zorder=7)
    for _, row in big.iterrows():
        ax.annotate(row["name"], (row.geometry.x, row.geometry.y), fontsize=7,
                    xytext=(3, 3), textcoords="offset points", zorder=8)
    if zoom:
        c = read("cities")
        b = c[c["name"].str.lower() == zoom].total_bounds
        pad = 0.05
        ax.set_xlim(b[0] - pad, b[2] + pad)
        ax.set_ylim(b[1] - pad, b[3] + pad)
        for _, row in d[d["city"].str.lower() == zoom].iterrows():
            p = row.geometry.representative_point()
            ax.annotate(row["name"], (p.x, p.y), fontsize=8, color="#333", ha="center")
    else:
        ax.set_xlim(127.5, 136.0)
        ax.set_ylim(43.0, 49.6)
    ax.set_aspect(1 / 0.68)
    ax.set_title("hljgis bundled layers" + (f" — {zoom}" if zoom else ""))
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--zoom")
    args = ap.parse_args()
    draw(args.out, args.zoom)
