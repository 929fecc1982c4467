"""Spatial join and select by location against geopandas' sjoin."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from hljgis.processing import run_tool
from tests.processing._common import GK, repaired


def _pairs(gdf, a, b) -> list[tuple]:
    return sorted((x, None if pd.isna(y) else y) for x, y in zip(gdf[a], gdf[b], strict=True))


@pytest.mark.parametrize("predicate", ["intersects", "within", "contains"])
def test_one_to_many_matches_sjoin(project, parcels, points_lonlat, predicate):
    res = run_tool("spatial_join", {"layer": "stations", "join": "parcels",
                                    "predicate": predicate, "how": "one_to_many"}, project)
    expected = gpd.sjoin(points_lonlat.gdf, repaired(parcels).to_crs(points_lonlat.crs),
                         how="left", predicate=predicate)
    assert _pairs(res.layer.gdf, "sid", "pid") == _pairs(expected, "sid", "pid")
    assert res.layer.crs.equals(points_lonlat.crs)


def test_one_to_many_polygons_with_several_matches(project, parcels, zones_lonlat):
    res = run_tool("spatial_join", {"layer": "zones", "join": "parcels",
                                    "how": "one_to_many", "keep_all": False}, project)
    expected = gpd.sjoin(zones_lonlat.gdf, repaired(parcels).to_crs(zones_lonlat.crs),
                         how="inner", predicate="intersects")
    assert _pairs(res.layer.gdf, "zname", "pid") == _pairs(expected, "zname", "pid")
    assert len(res.layer.gdf) > len(zones_lonlat.gdf)  # one row per pair


def test_one_to_one_first_match_and_count(project, parcels, zones_lonlat):
    res = run_tool("spatial_join", {"layer": "zones", "join": "parcels"}, project)
    got = res.layer.gdf
    sj = gpd.sjoin(zones_lonlat.gdf, repaired(parcels).to_crs(zones_lonlat.crs),
                   how="left", predicate="intersects")
    counts = sj.groupby(level=0)["pid"].count()
    first = sj.sort_values("index_right").groupby(level=0)["pid"].first()
    assert list(got["join_count"]) == list(counts)
    assert list(got["pid"]) == list(first)
    assert len(got) == len(zones_lonlat.gdf)
    assert got.geometry.equals(zones_lonlat.gdf.geometry)  # the target's own geometry


def test_one_to_one_summaries_match_groupby(project, parcels, zones_lonlat):
    res = run_tool("spatial_join", {"layer": "zones", "join": "parcels", "fields": "value",
                                    "summaries": "sum,mean,max"}, project)
    got = res.layer.gdf
    sj = gpd.sjoin(zones_lonlat.gdf, repaired(parcels).to_crs(zones_lonlat.crs),
                   how="left", predicate="intersects")
    agg = sj.groupby(level=0)["value"].agg(["sum", "mean", "max"])
    assert np.allclose(got["value_sum"], agg["sum"])
    assert np.allclose(got["value_mean"], agg["mean"])
    assert np.allclose(got["value_max"], agg["max"])
    assert "pid_sum" not in got.columns  # only the fields asked for


def test_dwithin_join_is_in_metres(project, points_lonlat, parcels):
    res = run_tool("spatial_join", {"layer": "stations", "join": "parcels",
                                    "predicate": "dwithin", "distance_m": 1200,
                                    "fields": "pid"}, project)
    metric = points_lonlat.gdf.to_crs(GK)
    expected = gpd.sjoin(metric, repaired(parcels), how="left", predicate="dwithin",
                         distance=1200)
    got = res.layer.gdf
    assert list(got["join_count"]) == list(expected.groupby(level=0)["pid"].count())
    # s2 lies in square 2, 1100 m from square 1 and 500 m from square 3
    assert list(got["join_count"]) == [2, 3, 0, 0]


@pytest.mark.parametrize("predicate", ["intersects", "within", "disjoint", "touches"])
def test_select_by_location_matches_sjoin(project, points_lonlat, zones_lonlat, predicate):
    res = run_tool("select_by_location", {"layer": "stations", "by": "zones",
                                          "predicate": predicate}, project)
    if predicate == "disjoint":
        hit = gpd.sjoin(points_lonlat.gdf, zones_lonlat.gdf, predicate="intersects")
        expected = points_lonlat.gdf[~points_lonlat.gdf.index.isin(hit.index)]
    else:
        hit = gpd.sjoin(points_lonlat.gdf, zones_lonlat.gdf, predicate=predicate)
        expected = points_lonlat.gdf[points_lonlat.gdf.index.isin(hit.index)]
    assert list(res.layer.gdf["sid"]) == list(expected["sid"])
    assert res.layer.gdf.geometry.equals(expected.geometry.reset_index(drop=True))


def test_select_within_distance_across_crs(project, parcels, points_lonlat):
    """Parcels (metres) within 200 m of stations (lon/lat): measured on the ground."""
    res = run_tool("select_by_location", {"layer": "parcels", "by": "stations",
                                          "predicate": "dwithin", "distance_m": 200}, project)
    dist = repaired(parcels).geometry.apply(
        lambda g: points_lonlat.gdf.to_crs(GK).distance(g).min())
    expected = list(parcels.gdf.loc[dist <= 200, "pid"])
    assert list(res.layer.gdf["pid"]) == expected
    assert 4 not in expected and len(expected) >= 2
