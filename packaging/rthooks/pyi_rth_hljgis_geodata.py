"""PyInstaller runtime hook: point GDAL and PROJ at the data inside the bundle.

Runs before any hljgis code. A bureau desktop may have ``PROJ_LIB``/``PROJ_DATA``/``GDAL_DATA``
set by another program (QGIS, PostGIS, ArcGIS) to a ``proj.db`` of another PROJ release, which
makes CRS look-ups fail ("proj.db ... comes from another PROJ installation"); or have none of
them. Either way the bundle sets them to its own copies, so EPSG:4490 and the metric CRS resolve
with no system PROJ and no network.

The bundle holds three PROJ builds (pyproj, rasterio and pyogrio each vendor their own libproj
and ``proj.db``). ``PROJ_DATA``/``PROJ_LIB`` name the bundled ``proj.db`` with the newest
database layout: PROJ accepts a layout of the same major and a minor >= its own, so that one
database serves every bundled libproj (pyproj prefers its own ``proj_dir`` anyway).
``GDAL_DATA`` names pyogrio's GDAL data (the newer GDAL, and the one doing all vector I/O),
else rasterio's. ``GDAL_PAM_ENABLED=NO`` unless set (no .aux.xml side files).
Set ``HLJGIS_KEEP_GEO_ENV=1`` to keep inherited PROJ/GDAL data paths.
"""

import os
import sqlite3
import sys


def _layout(db):
    """(major, minor, PROJ version tuple) of a proj.db, or None."""
    try:
        con = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM metadata").fetchall())
        finally:
            con.close()
        release = tuple(int(p) for p in meta.get("PROJ.VERSION", "0").split(".") if p.isdigit())
        return (int(meta["DATABASE.LAYOUT.VERSION.MAJOR"]),
                int(meta["DATABASE.LAYOUT.VERSION.MINOR"]), release)
    except Exception:
        return None


def _setup(root):
    if os.environ.get("HLJGIS_KEEP_GEO_ENV") == "1":
        return
    proj_dirs = [os.path.join(root, *p) for p in (("pyogrio", "proj_data"),
                                                   ("rasterio", "proj_data"),
                                                   ("pyproj", "proj_dir", "share", "proj"))]
    ranked = []
    for d in proj_dirs:
        layout = _layout(os.path.join(d, "proj.db"))
        if layout is not None:
            ranked.append((layout, d))
    if ranked:
        best = max(ranked)[1]
        os.environ["PROJ_DATA"] = best
        os.environ["PROJ_LIB"] = best
    for d in (os.path.join(root, "pyogrio", "gdal_data"),
              os.path.join(root, "rasterio", "gdal_data")):
        if os.path.isfile(os.path.join(d, "gdalvrt.xsd")):
            os.environ["GDAL_DATA"] = d
            break
    # Never fetch grids or anything else over the network (bureau PCs are offline anyway).
    os.environ["PROJ_NETWORK"] = "OFF"
    os.environ.setdefault("GDAL_HTTP_TIMEOUT", "1")
    # No GDAL .aux.xml side files: reading the bundled project's DEM would otherwise write
    # layers/east-heilongjiang.hljgis.gpkg.aux.xml into the install folder (read-only in
    # Program Files) and next to every planner's raster.
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")


_setup(getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable))))
