"""Raster styling maths without Qt: stretches, hillshade, colours, the draft, undo, files."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hljgis.core.raster_style import (
    RasterStyleDraft,
    cell_size_m,
    colorize,
    hillshade,
    metres_per_degree,
    normalize_raster,
    stretch_range,
)
from hljgis.core.style import ramp_lut


# -- stretch ---------------------------------------------------------------------------------
def test_percent_stretch_of_a_known_array():
    v = np.arange(1001.0)  # 0..1000: the p-th percentile is 10 p
    assert stretch_range(v, {"stretch": "percent", "percent": [2, 98]}) == (20.0, 980.0)
    assert stretch_range(v, {"stretch": "percent", "percent": [5, 95]}) == (50.0, 950.0)


def test_percent_stretch_ignores_outliers_that_minmax_keeps():
    v = np.concatenate([np.linspace(100, 200, 999), [-9000.0]])
    lo, hi = stretch_range(v, {"stretch": "percent"})
    assert 100 <= lo < 105 and 195 < hi <= 200
    assert stretch_range(v, {"stretch": "minmax"}) == (-9000.0, 200.0)


def test_stddev_stretch():
    v = np.array([1.0, 3.0] * 50)  # mean 2, population std 1
    assert stretch_range(v, {"stretch": "stddev", "stddev": 2.0}) == pytest.approx((0.0, 4.0))
    assert stretch_range(v, {"stretch": "stddev", "stddev": 1.0}) == pytest.approx((1.0, 3.0))


def test_user_stretch_and_nodata():
    v = np.ma.masked_array([1.0, 2.0, np.nan, 1e9], mask=[0, 0, 0, 1])
    assert stretch_range(v, {"stretch": "user", "min": -5, "max": 5}) == (-5.0, 5.0)
    assert stretch_range(v, {"stretch": "minmax"}) == (1.0, 2.0)  # mask and NaN ignored
    assert stretch_range(np.full(4, 7.0), {"stretch": "minmax"}) == (6.5, 7.5)


def test_normalize_fills_and_checks():
    old = normalize_raster({"kind": "raster", "ramp": "terrain", "min": 0, "max": 900,
                            "hillshade": False})
    assert old["stretch"] == "user" and old["azimuth"] == 315.0 and old["ramp"] == "terrain"
    assert normalize_raster(None)["stretch"] == "percent"
    for bad in ({"ramp": "nope"}, {"stretch": "log"}, {"percent": [98, 2]},
                {"stretch": "user", "min": 5, "max": 5}, {"altitude": 120}, {"blend": "screen"}):
        with pytest.raises(ValueError):
            normalize_raster(bad)


# -- hillshade -------------------------------------------------------------------------------
def _plane(slope_e, slope_n, shape=(20, 30), res=30.0):
    rows, cols = np.mgrid[0:shape[0], 0:shape[1]]
    east, north = cols * res, -rows * res  # row 0 is the north edge
    return slope_e * east + slope_n * north


@pytest.mark.parametrize("az,alt", [(315, 45), (270, 30), (90, 60), (180, 20), (0, 45)])
@pytest.mark.parametrize("se,sn", [(0.5, 0.0), (0.0, 0.5), (-0.3, 0.4), (1.2, -0.7)])
def test_plane_slope_gives_the_analytic_shade(az, alt, se, sn):
    shade = hillshade(_plane(se, sn), 30.0, 30.0, azimuth=az, altitude=alt)
    normal = np.array([-se, -sn, 1.0]) / math.sqrt(1 + se * se + sn * sn)
    a, h = math.radians(az), math.radians(alt)
    sun = np.array([math.cos(h) * math.sin(a), math.cos(h) * math.cos(a), math.sin(h)])
    expected = max(0.0, float(normal @ sun))
    assert np.allclose(shade, expected, atol=1e-12)


def test_flat_ground_is_sin_altitude_and_z_factor_steepens():
    assert np.allclose(hillshade(np.zeros((5, 5)), 10, 10, altitude=30), 0.5)
    z = _plane(0.2, 0.0)
    # A slope facing away from the sun gets darker with vertical exaggeration.
    one = hillshade(z, 30, 30, azimuth=90, z_factor=1)[5, 5]
    three = hillshade(z, 30, 30, azimuth=90, z_factor=3)[5, 5]
    assert three < one


def test_cell_size_in_metres_from_latitude():
    ew, ns = metres_per_degree(0.0)
    assert ew == pytest.approx(111319.49, abs=0.01) and ns == pytest.approx(110574.3, abs=0.5)
    dx, dy = cell_size_m((130.0, 44.0, 131.0, 48.0), (4, 5), geographic=True)
    # Row 0 is centred at 47.5 N, the last row at 44.5 N: narrower cells further north.
    lat = np.array([47.5, 46.5, 45.5, 44.5])
    assert dx == pytest.approx(0.2 * metres_per_degree(lat)[0])
    assert dx[0] < dx[-1] and dx[0] == pytest.approx(15069, abs=1)
    assert dy == pytest.approx(1.0 * metres_per_degree(lat)[1])
    px, py = cell_size_m((0, 0, 100, 50), (5, 10), geographic=False)
    assert np.all(px == 10) and np.all(py == 10)


def test_degree_grid_shade_matches_the_metric_plane():
    """A plane rising 30 m per 100 m east and north, stored on a 0.01-degree grid at ~46 N:
    with each row's cell size in metres the shade is the analytic one; taking the cells as
    square (111 km a degree both ways) flattens the east slope by cos(46 N) and shades wrong."""
    bounds = (130.0, 45.9, 130.3, 46.1)
    shape = (20, 30)
    dx, dy = cell_size_m(bounds, shape, geographic=True)
    east = np.cumsum(np.broadcast_to(dx[:, None], shape), axis=1)
    north = -np.cumsum(np.broadcast_to(dy[:, None], shape), axis=0)
    z = 0.3 * east + 0.3 * north
    normal = np.array([-0.3, -0.3, 1.0]) / math.sqrt(1.18)
    h = math.radians(30)
    sun = np.array([math.cos(h), 0.0, math.sin(h)])  # from the east
    expected = float(normal @ sun)
    shade = hillshade(z, dx, dy, azimuth=90, altitude=30)
    assert np.allclose(shade[1:-1], expected, atol=1e-3)  # rows differ by < 1 m in width
    square = hillshade(z, dy, dy, azimuth=90, altitude=30)
    assert abs(float(square[10, 10]) - expected) > 0.05


# -- colours ---------------------------------------------------------------------------------
def test_colorize_ramp_ends_nodata_and_reverse():
    z = np.array([[0.0, 50.0, 100.0, np.nan]])
    r = {"ramp": "Greys", "hillshade": False}
    img = colorize(z, r, (0.0, 100.0))
    lut = ramp_lut("Greys")
    assert tuple(img[0, 0, :3]) == tuple(lut[0, :3]) and tuple(img[0, 2, :3]) == tuple(lut[-1, :3])
    assert list(img[0, :, 3]) == [255, 255, 255, 0]
    rev = colorize(z, {**r, "reverse": True}, (0.0, 100.0))
    assert tuple(rev[0, 0, :3]) == tuple(lut[-1, :3])


def test_colorize_multiplies_the_shade_or_shows_it_alone():
    z = _plane(0.5, 0.0)  # faces west
    r = {"ramp": "Greys", "reverse": True, "stretch": "user", "min": -1e9, "max": -1e8,
         "hillshade": True, "azimuth": 270, "altitude": 45, "shade_strength": 1.0}
    cells = (np.full(20, 30.0), np.full(20, 30.0))
    img = colorize(z, r, (0.0, 1.0), cells)  # every value above the range: white ramp
    expected = hillshade(z, 30, 30, 270, 45)[5, 5] * 255
    assert abs(int(img[5, 5, 0]) - expected) <= 1
    soft = colorize(z, {**r, "shade_strength": 0.5}, (0.0, 1.0), cells)
    assert img[5, 5, 0] < soft[5, 5, 0] < 255
    only = colorize(z, {**r, "blend": "only", "ramp": "Reds"}, (0.0, 1.0), cells)
    assert only[5, 5, 0] == only[5, 5, 1] == only[5, 5, 2]  # grey, the ramp ignored
    flat = colorize(z, {**r, "hillshade": False}, (0.0, 1.0), cells)
    assert flat[5, 5, 0] == 255


# -- draft, session, project file -------------------------------------------------------------
@pytest.fixture
def dem(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from hljgis.core.layer import RasterLayer

    z = np.add.outer(np.arange(40.0), np.arange(60.0)) * 10.0
    z[:3, :3] = -9999
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="GTiff", width=60, height=40, count=1,
                       dtype="float32", crs="EPSG:4490", nodata=-9999,
                       transform=from_origin(130.0, 46.0, 0.01, 0.01)) as dst:
        dst.write(z.astype("float32"), 1)
    return RasterLayer(path, "dem")


def test_draft_edits_and_rejects(dem):
    draft = RasterStyleDraft(dem)
    seen = []
    draft.events.changed.connect(seen.append)
    draft.set("stretch", "minmax")
    assert draft.value_range() == (30.0, 980.0)  # nodata (z = -9999) excluded
    draft.set("opacity", 0.4)
    with pytest.raises(ValueError):
        draft.set("altitude", -3)
    assert draft.renderer["altitude"] == 45.0 and seen == ["stretch", "opacity"]
    with pytest.raises(KeyError):
        draft.set("colour", "red")
    assert draft.style()["renderer"]["stretch"] == "minmax"


def test_session_undo_restores_style_and_opacity(dem):
    from hljgis.core.project import Project
    from hljgis.core.session import Session

    project = Project()
    project.add_layer(dem)
    session = Session(project)
    before_style, before_opacity = dict(dem.style), dem.opacity
    draft = RasterStyleDraft(dem)
    draft.set("ramp", "Greys")
    draft.set("opacity", 0.3)
    session.set_layer_style("dem", draft.style(), draft.opacity)
    assert dem.style["renderer"]["ramp"] == "Greys" and dem.opacity == 0.3
    session.undo()
    assert dem.style == before_style and dem.opacity == before_opacity
    session.redo()
    assert dem.style["renderer"]["ramp"] == "Greys" and dem.opacity == 0.3


def test_project_round_trip_keeps_the_raster_style(dem, tmp_path):
    from hljgis.core.project import Project
    from hljgis.io import load_project, save_project

    project = Project()
    project.add_layer(dem)
    draft = RasterStyleDraft(dem)
    for key, value in (("ramp", "terrain"), ("stretch", "stddev"), ("stddev", 1.5),
                       ("azimuth", 200.0), ("altitude", 30.0), ("z_factor", 2.5),
                       ("blend", "only"), ("reverse", True)):
        draft.set(key, value)
    dem.style, dem.opacity = draft.style(), 0.6
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    back = load_project(path).layer("dem")
    assert back.opacity == 0.6
    assert normalize_raster(back.style["renderer"]) == draft.renderer


def test_a_rewritten_file_gets_a_fresh_range(dem):
    import os

    import rasterio

    from hljgis.core.raster_style import layer_range

    assert layer_range(dem, {"stretch": "minmax"}) == (30.0, 980.0)
    with rasterio.open(dem.path, "r+") as dst:
        dst.write(np.full((40, 60), 5.0, dtype="float32") + np.arange(60, dtype="float32"), 1)
    st = os.stat(dem.path)
    os.utime(dem.path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert layer_range(dem, {"stretch": "minmax"}) == (5.0, 64.0)


def test_legend_entries_of_a_raster_carry_its_range(dem):
    from hljgis.core.style import legend_entries, ramp_colors

    dem.style = {"renderer": {"kind": "raster", "ramp": "Blues", "reverse": True,
                              "stretch": "minmax", "hillshade": False}}
    (low, lo_sym), (high, hi_sym) = legend_entries(dem, "en")
    assert hi_sym["fill"] == ramp_colors("Blues", 2)[0]
    assert (low, high) == ("low 30", "high 980")
    assert lo_sym["fill"] == ramp_colors("Blues", 2)[1]  # reversed: dark end first
    assert legend_entries(dem, "zh")[0][0] == "低 30"
