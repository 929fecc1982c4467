"""Clip, intersect, difference and union against geopandas, with a bow-tie in the input and
the overlay layer stored in lon/lat while the input is in metres."""

from __future__ import annotations

import geopandas as gpd
import pytest

from hljgis.core.errors import InputError
from hljgis.processing import run_tool
from tests.processing._common import GK, repaired, same_geoms


def _sorted(gdf: gpd.GeoDataFrame, keys) -> gpd.GeoDataFrame:
    return gdf.sort_values(list(keys), kind="stable").reset_index(drop=True)


def test_clip_matches_geopandas(project, parcels, zones_lonlat):
    res = run_tool("clip", {"layer": "parcels", "mask": "zones"}, project)
    mask = zones_lonlat.gdf.to_crs(GK)
    expected = gpd.clip(repaired(parcels), mask, keep_geom_type=True)
    got = res.layer.gdf
    assert res.layer.crs.equals(parcels.crs)
    assert sorted(got["pid"]) == sorted(expected["pid"]) == [1, 2, 3]  # bow-tie lies outside
    assert same_geoms(_sorted(got, ["pid"]).geometry, _sorted(expected, ["pid"]).geometry)
    # the 1 km square 1 lies half inside zone "north": 500 x 500 m left
    assert _sorted(got, ["pid"]).area.iloc[0] == pytest.approx(500 * 500, rel=1e-6)
    notes = " ".join(res.notes)
    assert "1 invalid geometry repaired" in notes
    assert "Zones was in EPSG:4490; brought to EPSG:4553" in notes


def test_intersect_matches_geopandas(project, parcels, zones_lonlat):
    res = run_tool("intersect", {"layer": "parcels", "overlay": "zones"}, project)
    expected = gpd.overlay(repaired(parcels), zones_lonlat.gdf.to_crs(GK), how="intersection",
                           keep_geom_type=True)
    got = res.layer.gdf
    keys = ["pid", "zname"]
    assert list(_sorted(got, keys)[keys].itertuples(index=False)) == \
        list(_sorted(expected, keys)[keys].itertuples(index=False))
    assert same_geoms(_sorted(got, keys).geometry, _sorted(expected, keys).geometry)
    assert {"pid", "zone", "value", "zname", "level"} <= set(got.columns)


def test_difference_matches_geopandas(project, parcels, zones_lonlat):
    res = run_tool("difference", {"layer": "parcels", "overlay": "zones"}, project)
    expected = gpd.overlay(repaired(parcels), zones_lonlat.gdf.to_crs(GK), how="difference",
                           keep_geom_type=True)
    got = res.layer.gdf
    assert list(_sorted(got, ["pid"])["pid"]) == list(_sorted(expected, ["pid"])["pid"])
    assert same_geoms(_sorted(got, ["pid"]).geometry, _sorted(expected, ["pid"]).geometry)


def test_union_matches_geopandas(project, parcels, zones_lonlat):
    res = run_tool("union", {"layer": "parcels", "overlay": "zones"}, project)
    expected = gpd.overlay(repaired(parcels), zones_lonlat.gdf.to_crs(GK), how="union",
                           keep_geom_type=True)
    got = res.layer.gdf
    assert len(got) == len(expected)
    assert got.area.sum() == pytest.approx(expected.area.sum(), rel=1e-9)
    assert same_geoms(got.geometry, expected.geometry)


def test_overlay_in_lonlat_returns_lonlat(project, zones_lonlat, parcels):
    """The first input decides the result's CRS; the metric input is brought to it."""
    res = run_tool("intersect", {"layer": "zones", "overlay": "parcels"}, project)
    assert res.layer.crs.equals(zones_lonlat.crs)
    expected = gpd.overlay(zones_lonlat.gdf, repaired(parcels).to_crs(zones_lonlat.crs),
                           how="intersection", keep_geom_type=True)
    keys = ["zname", "pid"]
    assert same_geoms(_sorted(res.layer.gdf, keys).geometry, _sorted(expected, keys).geometry)


def test_overlay_needs_polygons(project):
    with pytest.raises(InputError, match="'stations' holds Point features.*Polygon"):
        run_tool("clip", {"layer": "parcels", "mask": "stations"}, project)


def test_chunked_overlay_equals_whole(project, parcels, zones_lonlat, monkeypatch):
    """Running clip over chunks (for cancel) gives what one call gives."""
    import hljgis.processing.overlay as overlay

    whole = run_tool("intersect", {"layer": "parcels", "overlay": "zones"}, project).layer.gdf
    monkeypatch.setattr(overlay, "CHUNK", 1)
    parts = run_tool("intersect", {"layer": "parcels", "overlay": "zones"}, project).layer.gdf
    keys = ["pid", "zname"]
    assert same_geoms(_sorted(whole, keys).geometry, _sorted(parts, keys).geometry)
