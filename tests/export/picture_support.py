"""Reading back the picture a project file keeps (io.project_preview): shared by the tests
of the save paths that write one."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.style import graduated_renderer
from hljgis.io import project_preview as pp


def graduated_project(gdf: gpd.GeoDataFrame, title: str) -> Project:
    """A project of one layer ``parcels`` drawn in five quantile classes of ``score``."""
    layer = VectorLayer(gdf, "parcels")
    layer.style = {"renderer": graduated_renderer(gdf["score"], "score", "quantiles", 5,
                                                  "YlOrRd")}
    project = Project(title)
    project.crs = gdf.crs
    project.add_layer(layer)
    return project


def picture_rgba(png: bytes) -> np.ndarray:
    """(h, w, 4) uint8 RGBA array of a PNG (straight alpha)."""
    from PySide6.QtGui import QImage

    image = QImage.fromData(png, "PNG")
    assert not image.isNull(), "the stored picture is not a PNG"
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4).copy()


def coloured_share(png: bytes) -> float:
    """Share of the picture's pixels drawn in a colour (opaque enough, not grey)."""
    arr = picture_rgba(png).astype(int)
    rgb = arr[..., :3]
    return float(((arr[..., 3] > 128) & (rgb.max(axis=2) - rgb.min(axis=2) > 40)).mean())


def stored_picture(path) -> pp.ProjectPreview:
    """The file's picture, checked: its fingerprint matches the file (read_preview refuses
    it otherwise) and it names the file's layers' current state."""
    import json
    import sqlite3

    preview = pp.read_preview(path)
    assert preview is not None, f"{path} holds no valid picture"
    with sqlite3.connect(path) as con:
        meta = json.loads(con.execute(f"SELECT meta FROM {pp.PREVIEW_TABLE}").fetchone()[0])
        assert meta["fingerprint"] == pp._fingerprint(con)
    return preview
