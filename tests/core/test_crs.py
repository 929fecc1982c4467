"""CRS helpers: metric CRS choice and the GCJ-02 / BD-09 converters."""

import numpy as np
import prcoords
import pytest
from pyproj import Geod

from hljgis.core import crs
from hljgis.core.errors import InputError

# Published test vectors of eviltransform (googollee/eviltransform, used by its Go, Python,
# Haskell, C#, Ruby ports): WGS84 (lat, lon) -> GCJ-02 (lat, lon).
EVILTRANSFORM_VECTORS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]
# No BD-09 vectors are used: the pairs in eviltransform's Ruby port disagree with every public
# BD-09 formula (prcoords too) by 10-40 m, so they come from another method. BD-09 is checked
# against prcoords' published closed form and by round trip instead.
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_VECTORS)
def test_wgs84_to_gcj02_matches_published_vectors(wgs, gcj):
    lon, lat = crs.wgs84_to_gcj02(wgs[1], wgs[0])
    assert lat == pytest.approx(gcj[0], abs=1e-9)
    assert lon == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_VECTORS)
def test_gcj02_to_wgs84_inverts_published_vectors_below_a_centimetre(wgs, gcj):
    lon, lat = crs.gcj02_to_wgs84(gcj[1], gcj[0])
    _, _, dist = GEOD.inv(lon, lat, wgs[1], wgs[0])
    assert dist < 0.01


def test_bd09_agrees_with_prcoords_to_centimetres():
    for lon, lat in [(120.019809, 29.199786), (131.0, 46.6), (130.3, 47.35)]:
        ref = prcoords.bd_gcj((lat, lon))
        got_lon, got_lat = crs.bd09_to_gcj02(lon, lat)
        # prcoords inverts the shift in closed form (off by up to ~0.2 m); ours iterates the
        # exact forward formula (see the round-trip test), so agreement within 0.5 m is expected.
        assert GEOD.inv(got_lon, got_lat, ref.lon, ref.lat)[2] < 0.5


def test_round_trips_are_under_a_metre_over_the_study_area():
    rng = np.random.default_rng(42)
    lon = rng.uniform(128.0, 135.5, 20_000)
    lat = rng.uniform(44.0, 49.0, 20_000)
    back_lon, back_lat = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert GEOD.inv(lon, lat, back_lon, back_lat)[2].max() < 1.0
    back_lon, back_lat = crs.bd09_to_gcj02(*crs.gcj02_to_bd09(lon, lat))
    assert GEOD.inv(lon, lat, back_lon, back_lat)[2].max() < 1.0


def test_agrees_with_prcoords_independent_implementation():
    rng = np.random.default_rng(1)
    for lon, lat in zip(rng.uniform(129, 135, 50), rng.uniform(44, 49, 50), strict=True):
        ref = prcoords.wgs_gcj((lat, lon))
        got_lon, got_lat = crs.wgs84_to_gcj02(lon, lat)
        assert (got_lat, got_lon) == pytest.approx((ref.lat, ref.lon), abs=1e-9)
        ref_bd = prcoords.gcj_bd((lat, lon))
        got_lon, got_lat = crs.gcj02_to_bd09(lon, lat)
        assert (got_lat, got_lon) == pytest.approx((ref_bd.lat, ref_bd.lon), abs=1e-9)


def test_offset_in_east_heilongjiang_is_several_hundred_metres():
    lon, lat = 130.97, 45.30  # Jixi
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    assert 300 < GEOD.inv(lon, lat, glon, glat)[2] < 900


def test_no_offset_outside_china():
    lon, lat = crs.wgs84_to_gcj02(np.array([2.35]), np.array([48.85]))  # Paris
    assert lon[0] == 2.35 and lat[0] == 48.85


def test_vectorised_keeps_shapes_and_scalars_stay_floats():
    lon, lat = crs.wgs84_to_gcj02(np.full((3, 4), 131.0), np.full((3, 4), 46.0))
    assert lon.shape == (3, 4) and lat.shape == (3, 4)
    assert isinstance(crs.gcj02_to_wgs84(131.0, 46.0)[0], float)
    with pytest.raises(ValueError, match="shape"):
        crs.wgs84_to_gcj02(np.zeros(2), np.zeros(3))


def test_metric_crs_for_the_four_cities_is_cgcs2000_gauss_kruger():
    chosen = crs.metric_crs_for((129.5, 44.5, 134.5, 48.5))
    assert chosen.to_epsg() == 4553  # CGCS2000 / 3-degree Gauss-Kruger CM 132E
    assert chosen.axis_info[0].unit_name == "metre"


def test_metric_crs_for_a_single_city_picks_the_nearest_zone():
    assert crs.metric_crs_for((128.5, 45.0, 130.0, 46.0)).to_epsg() == 4552  # CM 129E
    assert crs.metric_crs_for((130.5, 45.0, 131.0, 46.0)).to_epsg() == 4553  # CM 132E
    assert crs.metric_crs_for((127.0, 45.0, 127.5, 45.5)).to_epsg() == 4551  # CM 126E


def test_metric_crs_for_a_wide_or_foreign_extent_is_equal_area():
    wide = crs.metric_crs_for((110.0, 30.0, 135.0, 50.0))
    assert wide.to_epsg() is None
    assert wide.coordinate_operation.method_name == "Lambert Azimuthal Equal Area"
    assert crs.metric_crs_for((2.0, 48.0, 3.0, 49.0)).to_epsg() is None


def test_metric_crs_from_projected_bounds():
    chosen = crs.metric_crs_for((500000, 5000000, 560000, 5100000), "EPSG:4553")
    assert chosen.to_epsg() == 4553


def test_metric_crs_refuses_empty_bounds():
    with pytest.raises(InputError, match="empty or invalid"):
        crs.metric_crs_for((np.nan, np.nan, np.nan, np.nan))


def test_parse_crs_accepts_codes_and_wkt_and_explains_failures():
    assert crs.parse_crs(4490).to_epsg() == 4490
    assert crs.parse_crs("4490").to_epsg() == 4490
    assert crs.parse_crs(crs.parse_crs("EPSG:4553").to_wkt()).to_epsg() == 4553
    assert crs.gauss_kruger_6deg(22).to_epsg() == 4500
    with pytest.raises(InputError, match="EPSG:4490"):
        crs.parse_crs("not a crs")


def test_to_wgs84_from_offset_moves_every_vertex():
    import shapely

    square = shapely.box(131.0, 46.0, 131.1, 46.1)
    moved = crs.to_wgs84_from_offset(np.array([square]), "gcj02")[0]
    expected = crs.gcj02_to_wgs84(*shapely.get_coordinates(square).T)
    np.testing.assert_allclose(shapely.get_coordinates(moved), np.column_stack(expected))
    with pytest.raises(InputError, match="gcj02"):
        crs.to_wgs84_from_offset(np.array([square]), "mars")


def test_transform_bounds_between_crs_and_passthrough():
    gk = crs.transform_bounds((130.0, 45.0, 131.0, 46.0), "EPSG:4490", "EPSG:4553")
    assert 300_000 < gk[0] < gk[2] < 500_000 and 4_900_000 < gk[1] < gk[3] < 5_200_000
    back = crs.transform_bounds(gk, "EPSG:4553", "EPSG:4490")
    assert back[0] <= 130.0 + 1e-6 and back[2] >= 131.0 - 1e-6  # densified: still covers it
    assert crs.transform_bounds((1, 2, 3, 4), "EPSG:4490", "EPSG:4490") == (1.0, 2.0, 3.0, 4.0)
    assert crs.transform_bounds((1, 2, 3, 4), None, "EPSG:4490") == (1.0, 2.0, 3.0, 4.0)
