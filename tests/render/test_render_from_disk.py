"""Rendering from disk: the lean path (only the styled column read, numpy quantiles, ring
vertices without ring objects, geometry shared between renderers) draws what the full path
drew, and the A4 PDF stays vector with one colour per class."""

from __future__ import annotations

import re
import warnings
import zlib

import geopandas as gpd
import mapclassify
import numpy as np
import pyogrio
import pytest
import shapely
from PySide6.QtGui import QColor

from hljgis.core.layer import VectorLayer
from hljgis.core.style import graduated_renderer, ramp_colors
from hljgis.io.readers import read_file
from hljgis.render import MapRenderer, render_image
from hljgis.render import prepare as P

from ..gui.pixels import changed, near, rgb
from .parcels import courtyard_parcels


def _parcels(n: int = 2600, seed: int = 4) -> gpd.GeoDataFrame:
    """Irregular parcels (clipped Voronoi cells), every 7th with a courtyard, and a table."""
    vor, _, rng = courtyard_parcels(int(np.sqrt(n)), every=7, seed=seed)
    cx = shapely.get_coordinates(shapely.centroid(vor))[:, 0]
    m = len(vor)
    return gpd.GeoDataFrame({"score": np.sin(cx / 900.0) + rng.normal(0, 0.2, m),
                             "land_use": rng.choice(["residential", "mining"], m),
                             "area": rng.uniform(1, 9, m)}, geometry=vor, crs="EPSG:4552")


@pytest.fixture
def parcels_file(tmp_path):
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(_parcels(), path, layer="parcels")
    return path


def _old_path_style(gdf) -> dict:
    """The graduated style as before: mapclassify's quantile bins."""
    values = gdf["score"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bins = mapclassify.Quantiles(values, k=5).bins
    style = graduated_renderer(values, "score", "quantiles", 5, "YlOrRd")
    assert [c["upper"] for c in style["classes"]] == [float(b) for b in bins]
    return {"renderer": style}


def test_polygon_rings_equal_ring_objects():
    g = np.asarray(_parcels(400).geometry.values, dtype=object)
    many_holes = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)],
                                 [[(1, 1), (2, 1), (2, 2)], [(3, 3), (4, 3), (4, 4)],
                                  [(5, 5), (6, 5), (6, 6)]])
    g = np.r_[g[:3], [many_holes, shapely.Polygon()], g[3:]]
    xy, start, ext, counts = P._polygon_rings(g)
    rings, want_part = shapely.get_rings(g, return_index=True)
    want_xy, want_ring = shapely.get_coordinates(rings, return_index=True)
    np.testing.assert_array_equal(xy, want_xy)
    np.testing.assert_array_equal(start, np.r_[True, want_ring[1:] != want_ring[:-1]])
    exterior = np.r_[True, want_part[1:] != want_part[:-1]]
    np.testing.assert_array_equal(ext, exterior[want_ring])
    np.testing.assert_array_equal(np.repeat(np.arange(len(g)), counts), want_part[want_ring])
    holes = shapely.get_num_coordinates(g) - shapely.get_num_coordinates(
        shapely.get_exterior_ring(g))
    assert (~ext).sum() == holes.sum() >= 3 * 4  # the holes' vertices


def test_lean_frame_equals_full_read_frame(app, parcels_file):
    [full] = read_file(parcels_file)
    full.style = _old_path_style(full.gdf)
    [lean] = read_file(parcels_file, columns=["score"])
    lean.style = {"renderer": graduated_renderer(lean.gdf["score"], "score", "quantiles", 5,
                                                 "YlOrRd")}
    assert list(lean.gdf.columns) == ["score", "geometry"]
    extent = full.bounds
    few = 1500  # below MIN_SCAN_FEATURES: Qt fills the paths
    cases = [([full], [lean], (1500, 1000), len(lean.gdf)),
             ([full], [lean], (300, 200), len(lean.gdf)),
             ([VectorLayer(full.gdf.iloc[:few], "f", style=full.style)],
              [VectorLayer(lean.gdf.iloc[:few], "l", style=lean.style)], (900, 600), 0)]
    for old, new, size, scanned in cases:
        a = rgb(render_image(old, extent, size=size))
        renderer = MapRenderer()
        image = render_image([], extent, size=size)
        renderer.render(image, new, extent, size=size)
        assert renderer.last_stats["layers"][new[0].name]["raster"] == scanned
        b = rgb(image)
        assert changed(a, b, level=0) == 0
        colours = ramp_colors("YlOrRd", 5)
        assert all(near(b, c, tol=3) > 50 for c in colours)


def test_pdf_reuses_the_prepared_geometry(app, parcels_file, tmp_path, monkeypatch):
    from hljgis.core.project import Project
    from hljgis.export.api import export_layout

    [layer] = read_file(parcels_file, columns=["score"])
    layer.style = {"renderer": graduated_renderer(layer.gdf["score"], "score", "quantiles",
                                                  5, "YlOrRd")}
    render_image([layer], layer.bounds, size=(900, 600))
    calls = []
    real = P.PreparedLayer._extract

    def counting(self, *a, **kw):
        calls.append(a)
        return real(self, *a, **kw)

    monkeypatch.setattr(P.PreparedLayer, "_extract", counting)
    built = []
    monkeypatch.setattr(P, "LayerGeometry",
                        lambda *a, _real=P.LayerGeometry: built.append(a) or _real(*a))
    project = Project("pdf")
    project.crs = layer.crs
    project.add_layer(layer)
    out = tmp_path / "map.pdf"
    export_layout(project, "dfr-annex-a4", out, extent=layer.bounds)
    assert built == [] and calls == []  # same geometry array: nothing prepared again

    # vector: no image in the file larger than a logo, and one fill colour per class
    data = out.read_bytes()
    for m in re.finditer(rb"/Subtype\s*/Image.*?/Width\s+(\d+).*?/Height\s+(\d+)", data,
                         re.S):
        assert int(m.group(1)) * int(m.group(2)) < 200 * 200
    content = b"".join(zlib.decompressobj().decompress(data[m.end():])
                       for m in re.finditer(rb"stream\r?\n", data)
                       if data[m.end():m.end() + 1] == b"x")
    # Qt's colours (scn) and the fill sink's (rg, render.pdffill)
    fills = set(re.findall(rb"\n([0-9.]+) ([0-9.]+) ([0-9.]+) (?:scn|rg)\n", content))
    want = {tuple(round(c / 255, 2) for c in QColor(h).getRgb()[:3])
            for h in ramp_colors("YlOrRd", 5)}
    got = {tuple(round(float(v), 2) for v in f) for f in fills}
    assert want <= got, (want, got)
    # the parcels are paths: a move-to per parcel (a few collapse below 1/4 pt)
    assert content.count(b" m\n") >= 0.95 * len(layer.gdf)
    assert re.search(rb"\n\d+ \d+ m\n", content)


def test_two_renderers_share_one_layer_geometry(app, make_layer):
    layer = make_layer([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)], v=[1, 2])
    a, b = MapRenderer(), MapRenderer()
    pa = a._cache.get(layer, layer.crs)
    pb = b._cache.get(layer, layer.crs)
    assert pa is not pb and pa.geometry is pb.geometry
    layer.set_data(layer.gdf.copy())  # new geometry array: prepared again
    assert a._cache.get(layer, layer.crs).geometry is not pa.geometry
    layer2 = VectorLayer(layer.gdf, "same frame")  # same array, other layer: shared
    assert b._cache.get(layer2, layer.crs).geometry is a._cache.get(layer, layer.crs).geometry
