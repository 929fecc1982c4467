"""The build step that draws the border rivers from the border line
(``scripts/border_rivers.py``) leaves land and lake stretches of the border out."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from hljgis.core.crs import metric_crs_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import border_rivers  # noqa: E402

CRS = "EPSG:4490"
METRIC = metric_crs_for((133.9, 47.8, 135.0, 48.2), CRS)


@pytest.fixture
def scene(monkeypatch):
    """A river border (lat 48.0) that leaves the river for an 11 km detour on land (like a
    line across an island) and then reaches a lake; the river line lies 550 m off it."""
    monkeypatch.setattr(border_rivers, "BORDER_RIVERS",
                        (("Upper", "上", (134.3, 48.0)), ("Lower", "下", None)))
    border = shapely.LineString([(134.0, 48.0), (134.3, 48.0), (134.3, 47.9), (134.45, 47.9),
                                 (134.45, 48.0), (134.8, 48.0)])
    borders = gpd.GeoDataFrame({"name": ["border"]}, geometry=[border], crs=CRS)
    wdb = gpd.GeoDataFrame({"name": [None]},
                           geometry=[shapely.LineString([(134.0, 48.005), (134.7, 48.005)])],
                           crs=CRS)
    lakes = gpd.GeoDataFrame({"name": [border_rivers.LAKE_KHANKA], "kind": ["lake"]},
                             geometry=[shapely.box(134.7, 47.95, 134.9, 48.05)], crs=CRS)
    return borders, lakes, wdb


def test_land_and_lake_stretches_are_not_river(scene):
    borders, lakes, wdb = scene
    reaches, lengths = border_rivers.classify_border(borders, lakes, wdb, METRIC)
    by_name = {n: shapely.union_all([g for rn, _z, g in reaches if rn == n])
               for n in ("Upper", "Lower")}
    # the river stretches are kept, on the border line itself
    assert by_name["Upper"].distance(shapely.Point(134.15, 48.0)) < 1e-9
    assert by_name["Lower"].distance(shapely.Point(134.6, 48.0)) < 1e-9
    # the middle of the land detour and the lake are not river
    everything = shapely.union_all(list(by_name.values()))
    assert everything.distance(shapely.Point(134.375, 47.9)) > 0.04
    assert everything.intersection(lakes.geometry.iloc[0]).length == 0
    assert lengths["Lower"]["land_km"] > 12
    assert lengths["Lower"]["land_stretches_lon_lat_km"]
    assert lengths["Upper"]["land_km"] == 0
