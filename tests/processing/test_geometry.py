"""Geometry tools against geopandas done by hand: buffer, dissolve, centroids, reproject,
area/length fields; with a bow-tie polygon and layers in lon/lat."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from hljgis.core.errors import InputError
from hljgis.processing import run_tool
from tests.processing._common import GK, repaired, same_geoms


def test_buffer_points_in_lonlat_is_measured_in_metres(project, points_lonlat):
    res = run_tool("buffer", {"layer": "stations", "distance_m": "2000"}, project)
    layer = res.layer
    assert layer.crs.equals(points_lonlat.crs)  # back in the input's lon/lat
    expected = points_lonlat.gdf.to_crs(GK).buffer(2000).to_crs(points_lonlat.crs)
    assert same_geoms(layer.gdf.geometry, expected)
    # a 2 km circle has about pi * 2000^2 m2 on the ground (polygon of 64 segments)
    areas = layer.gdf.to_crs(GK).area.to_numpy()
    assert np.allclose(areas, np.pi * 2000**2, rtol=0.01)
    assert list(layer.gdf["sid"]) == ["s1", "s2", "s3", "s4"]
    assert res.notes == []


def test_buffer_repairs_the_bowtie_and_says_so(project, parcels):
    res = run_tool("buffer", {"layer": "parcels", "distance_m": 10}, project)
    expected = repaired(parcels).buffer(10)
    assert same_geoms(res.layer.gdf.geometry, expected)
    # both triangles of the bow-tie are buffered, not one (what buffer(0) would keep)
    bowtie = res.layer.gdf.geometry.iloc[3]
    assert bowtie.area == pytest.approx(expected.iloc[3].area)
    assert bowtie.area > 2 * 0.5 * 400 * 200
    assert any("1 invalid geometry repaired with make_valid" in n for n in res.notes)
    assert "Parcels" in res.notes[0]


def test_buffer_dissolved_is_one_feature(project, points_lonlat):
    res = run_tool("buffer", {"layer": "stations", "distance_m": 1000, "dissolve": "true"},
                   project)
    expected = points_lonlat.gdf.to_crs(GK).buffer(1000).union_all()
    assert len(res.layer.gdf) == 1
    assert res.layer.gdf["n_features"].iloc[0] == 4
    assert same_geoms(res.layer.gdf.geometry, gpd.GeoSeries([expected], crs=GK))


def test_dissolve_by_field_matches_geopandas(project, parcels):
    res = run_tool("dissolve", {"layer": "parcels", "field": "zone"}, project)
    expected = repaired(parcels).dissolve(by="zone", aggfunc="first").reset_index()
    got = res.layer.gdf
    assert list(got["zone"]) == list(expected["zone"])
    assert list(got["pid"]) == list(expected["pid"])
    assert list(got["n_features"]) == [2, 2]
    assert same_geoms(got.geometry, expected.geometry)


def test_dissolve_without_field_merges_all(project, parcels):
    res = run_tool("dissolve", {"layer": "parcels"}, project)
    assert len(res.layer.gdf) == 1
    assert res.layer.gdf["n_features"].iloc[0] == 4
    assert same_geoms(res.layer.gdf.geometry,
                      gpd.GeoSeries([repaired(parcels).union_all()], crs=GK))


def test_dissolve_unknown_field_names_the_fields(project):
    with pytest.raises(InputError, match="no field 'kind'.*pid, zone, value"):
        run_tool("dissolve", {"layer": "parcels", "field": "kind"}, project)


@pytest.mark.parametrize("method", ["centroid", "inside"])
def test_centroids_match_geopandas(project, zones_lonlat, method):
    res = run_tool("centroids", {"layer": "zones", "method": method}, project)
    metric = zones_lonlat.gdf.to_crs(GK)
    pts = metric.centroid if method == "centroid" else metric.representative_point()
    assert same_geoms(res.layer.gdf.geometry, pts.to_crs(zones_lonlat.crs))
    assert res.layer.crs.equals(zones_lonlat.crs)
    assert set(res.layer.geometry_types) == {"Point"}


def test_reproject_gives_the_target_crs(project, zones_lonlat):
    res = run_tool("reproject", {"layer": "zones", "crs": "4553"}, project)
    assert res.layer.crs.to_epsg() == 4553
    assert same_geoms(res.layer.gdf.geometry, zones_lonlat.gdf.to_crs(GK).geometry, 1e-6)


def test_reproject_refuses_an_unknown_crs(project):
    with pytest.raises(InputError, match="not a coordinate reference system"):
        run_tool("reproject", {"layer": "zones", "crs": "EPSG:999999"}, project)


def test_measure_areas_in_metres_keeps_geometry(project, zones_lonlat, parcels):
    res = run_tool("measure", {"layer": "zones"}, project)
    got = res.layer.gdf
    expected = zones_lonlat.gdf.to_crs(GK)
    assert np.allclose(got["area_m2"], expected.area)
    assert np.allclose(got["area_m2"], [1500 * 1000, 1700 * 3300], rtol=1e-6)
    assert np.allclose(got["area_ha"], expected.area / 1e4)
    assert np.allclose(got["perimeter_m"], expected.length)
    # geometries are the input's own, untouched
    assert got.geometry.equals(zones_lonlat.gdf.geometry)
    bowtie = run_tool("measure", {"layer": "parcels"}, project).layer.gdf
    assert bowtie["area_m2"].iloc[3] == pytest.approx(repaired(parcels).area.iloc[3])
    assert bowtie["area_m2"].iloc[3] == pytest.approx(2 * 0.5 * 400 * 200)


def test_measure_lines_gives_length(project, roads):
    got = run_tool("measure", {"layer": "roads", "prefix": "r_"}, project).layer.gdf
    assert list(got["r_length_m"]) == pytest.approx([5000.0, 5000.0])
    assert "r_area_m2" not in got.columns


def test_measure_refuses_points(project):
    with pytest.raises(InputError, match="holds Point features.*LineString or Polygon"):
        run_tool("measure", {"layer": "stations"}, project)


def test_bad_numbers_name_the_parameter(project):
    with pytest.raises(InputError, match="buffer: parameter 'distance_m' must be a number"):
        run_tool("buffer", {"layer": "stations", "distance_m": "two km"}, project)
    with pytest.raises(InputError, match="above the maximum"):
        run_tool("buffer", {"layer": "stations", "distance_m": 5e6}, project)
    with pytest.raises(InputError, match="no parameter 'radius'"):
        run_tool("buffer", {"layer": "stations", "radius": 5}, project)
    with pytest.raises(InputError, match="no layer 'nowhere'.*parcels"):
        run_tool("buffer", {"layer": "nowhere"}, project)
    with pytest.raises(InputError, match="no processing tool 'buffr'.*buffer"):
        run_tool("buffr", {}, project)
