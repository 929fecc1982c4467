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


def test_clip_lines_and_points_across_two_mask_polygons(project, zones_lonlat, points_lonlat):
    """A line crossing both zones keeps both pieces (one MultiLineString); points outside
    are dropped; same as geopandas.clip."""
    from shapely.geometry import LineString

    from hljgis.core.layer import VectorLayer
    from tests.processing.conftest import X0, Y0

    lines = gpd.GeoDataFrame({"lid": [1, 2, 3]}, geometry=[
        LineString([(X0, Y0 - 400), (X0 + 5000, Y0 + 3000)]),  # through north and east
        LineString([(X0 + 600, Y0 - 100), (X0 + 900, Y0 + 100)]),  # inside north
        LineString([(X0 + 10_000, Y0), (X0 + 11_000, Y0)]),  # outside
    ], crs=GK)
    project.add_layer(VectorLayer(lines, "lines"))
    mask = zones_lonlat.gdf.to_crs(GK)
    got = run_tool("clip", {"layer": "lines", "mask": "zones"}, project).layer.gdf
    expected = gpd.clip(lines, mask, keep_geom_type=True).sort_values("lid")
    assert list(got["lid"]) == list(expected["lid"]) == [1, 2]
    assert same_geoms(got.geometry, expected.geometry)
    assert got.geometry.iloc[0].geom_type == "MultiLineString"
    assert got.geometry.iloc[1].equals(lines.geometry.iloc[1])  # inside: kept whole
    pts = run_tool("clip", {"layer": "stations", "mask": "zones"}, project).layer.gdf
    exp = gpd.clip(points_lonlat.gdf, zones_lonlat.gdf).sort_values("sid")
    assert list(pts["sid"]) == list(exp["sid"])
    assert same_geoms(pts.geometry, exp.geometry)


def test_difference_of_features_meeting_several_overlay_polygons(project, zones_lonlat):
    """A polygon over both zones loses both (two rounds); lines too; as geopandas."""
    from shapely.geometry import LineString, box

    from hljgis.core.layer import VectorLayer
    from tests.processing.conftest import X0, Y0

    big = gpd.GeoDataFrame({"k": [1, 2]}, geometry=[
        box(X0, Y0 - 1000, X0 + 5000, Y0 + 4000),
        box(X0 + 700, Y0 - 300, X0 + 900, Y0 + 300),  # wholly inside north: vanishes
    ], crs=GK)
    project.add_layer(VectorLayer(big, "big"))
    mask = zones_lonlat.gdf.to_crs(GK)
    got = run_tool("difference", {"layer": "big", "overlay": "zones"}, project).layer.gdf
    expected = gpd.overlay(big, mask, how="difference", keep_geom_type=True)
    assert list(got["k"]) == list(expected["k"]) == [1]
    assert same_geoms(got.geometry, expected.geometry)
    assert got.area.iloc[0] == pytest.approx(5000 * 5000 - 1500 * 1000 - 1700 * 3300, rel=1e-6)
    lines = gpd.GeoDataFrame({"lid": [1]}, geometry=[
        LineString([(X0, Y0 - 400), (X0 + 5000, Y0 + 3000)])], crs=GK)
    project.add_layer(VectorLayer(lines, "lines"))
    got = run_tool("difference", {"layer": "lines", "overlay": "zones"}, project).layer.gdf
    expected = gpd.overlay(lines, mask, how="difference", keep_geom_type=True)
    assert same_geoms(got.geometry, expected.geometry)


def test_chunked_unions_equal_one_union(project, parcels, points_lonlat, monkeypatch):
    """Merging in Hilbert-ordered chunks (for cancel) gives the union of one call."""
    import hljgis.processing.job as job

    whole = run_tool("buffer", {"layer": "stations", "distance_m": 900, "dissolve": True},
                     project).layer.gdf
    monkeypatch.setattr(job, "CHUNK", 1)
    parts = run_tool("buffer", {"layer": "stations", "distance_m": 900, "dissolve": True},
                     project).layer.gdf
    assert same_geoms(whole.geometry, parts.geometry)
    diss = run_tool("dissolve", {"layer": "parcels", "field": "zone"}, project).layer.gdf
    expected = repaired(parcels).dissolve(by="zone").reset_index()
    assert same_geoms(diss.geometry, expected.geometry)


def test_points_and_lines_intersect_polygons(project, points_lonlat, roads, zones_lonlat):
    got = run_tool("intersect", {"layer": "stations", "overlay": "zones"}, project).layer.gdf
    assert list(got["sid"]) == ["s1", "s3"] and list(got["zname"]) == ["north", "east"]
    lines = run_tool("intersect", {"layer": "roads", "overlay": "zones"}, project).layer.gdf
    expected = gpd.overlay(roads.gdf, zones_lonlat.gdf.to_crs(GK), how="intersection",
                           keep_geom_type=True)
    assert same_geoms(_sorted(lines, ["rid", "zname"]).geometry,
                      _sorted(expected, ["rid", "zname"]).geometry)


def test_mixed_geometry_layer_is_refused_with_advice(project):
    from shapely.geometry import LineString, box

    from hljgis.core.layer import VectorLayer
    from tests.processing.conftest import X0, Y0

    mixed = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[
        box(X0, Y0, X0 + 3000, Y0 + 300), LineString([(X0, Y0), (X0 + 3000, Y0 + 3000)])],
        crs=GK)
    project.add_layer(VectorLayer(mixed, "mixed"))
    with pytest.raises(InputError, match="mixed geometry types.*one layer per geometry type"):
        run_tool("intersect", {"layer": "mixed", "overlay": "zones"}, project)
