"""Measuring: geodesic lengths and areas against known values."""

import pytest

from hljgis.core import measure


def test_one_degree_of_latitude_near_46n():
    # Meridian arc from 45.5N to 46.5N on GRS80 is 111,151 m (standard geodesy tables)
    assert measure.path_length_m([(131, 45.5), (131, 46.5)], "EPSG:4490") == pytest.approx(
        111_151, abs=15)


def test_length_in_projected_crs_equals_geographic():
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4490", "EPSG:4553", always_xy=True)
    pts = [(130.3, 47.35), (130.97, 45.3)]  # Hegang -> Jixi
    projected = [tr.transform(*p) for p in pts]
    a = measure.path_length_m(pts, "EPSG:4490")
    b = measure.path_length_m(projected, "EPSG:4553")
    assert a == pytest.approx(b, rel=1e-9)
    assert 230_000 < a < 240_000


def test_square_kilometre_in_gauss_kruger():
    sq = [(500_000, 5_000_000), (501_000, 5_000_000), (501_000, 5_001_000), (500_000, 5_001_000)]
    # on the central meridian the GK scale factor is 1, so 1 km x 1 km is 1 km² to ~1e-4
    assert measure.polygon_area_m2(sq, "EPSG:4553") == pytest.approx(1e6, rel=1e-3)
    text = measure.measure_text(sq, "EPSG:4553", area=True)
    assert text.startswith("1.00 km² (100 ha)") and "perimeter 4.00 km" in text


def test_formats():
    assert measure.format_length(950) == "950 m"
    assert measure.format_length(12_345) == "12.35 km"
    assert measure.format_area(25_000) == "2.50 ha (25,000 m²)"
    assert measure.format_area(500) == "500 m²"
