"""Thematic schemas: each can pass and each check can fail."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from hljgis.core.schemas import SCHEMAS, THEMATIC, get_schema, validate

SQUARE = Polygon([(130, 47), (130.01, 47), (130.01, 47.01), (130, 47.01)])


def zone(**over):
    row = {"name": "Xing'an", "name_zh": "兴安", "city": "Hegang", "mining_area": "Xing'an",
           "mining_end_year": 2010, "stable_from_year": 2015, "area_km2": 1.0,
           "source": "illustrative", "accuracy_m": 5000.0, "as_of": "2016",
           "status": "stable", "illustrative": True}
    row.update(over)
    return gpd.GeoDataFrame([row], geometry=[SQUARE], crs="EPSG:4490")


def test_every_thematic_layer_has_a_schema_with_provenance():
    for name in THEMATIC:
        s = get_schema(name)
        assert {"source", "accuracy_m", "as_of", "status", "illustrative"} <= set(
            s.required_fields)
    assert set(THEMATIC) <= set(SCHEMAS)


def test_valid_layer_passes():
    assert validate(zone(), "subsidence_zones") == []


def test_missing_field_reported():
    problems = validate(zone().drop(columns=["as_of"]), "subsidence_zones")
    assert any("as_of" in p and "missing" in p for p in problems)


def test_stable_year_rule():
    problems = validate(zone(stable_from_year=2014), "subsidence_zones")
    assert problems == ["stable_from_year must equal mining_end_year + 5: broken in 1 feature(s)"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("city", "Harbin", "not in the allowed"),
    ("status", "sinking", "not in the allowed"),
    ("accuracy_m", -1.0, "below"),
    ("mining_end_year", 2010.5, "whole numbers"),
    ("as_of", "last year", "YYYY"),
    ("name", None, "empty"),
    ("area_km2", "big", "number"),
])
def test_bad_values_reported(field, value, words):
    problems = validate(zone(**{field: value}), "subsidence_zones")
    assert any(words in p for p in problems), problems


def test_wrong_geometry_reported():
    gdf = zone()
    gdf = gdf.set_geometry([LineString([(130, 47), (131, 47)])], crs="EPSG:4490")
    assert any("geometry should be Polygon" in p for p in validate(gdf, "subsidence_zones"))


def test_multi_valued_field():
    row = {"name": "Suifenhe", "name_zh": None, "prefecture": "Mudanjiang",
           "ru_counterpart": "Pogranichny", "mode": "road;rail", "source": "x",
           "accuracy_m": 1.0, "as_of": "2019", "status": "opened", "illustrative": False}
    gdf = gpd.GeoDataFrame([row], geometry=[Point(131.2, 44.4)], crs="EPSG:4490")
    assert validate(gdf, "border_crossings") == []
    gdf["mode"] = "road;hovercraft"
    assert any("hovercraft" in p for p in validate(gdf, "border_crossings"))


def test_unknown_schema():
    with pytest.raises(KeyError, match="known"):
        validate(zone(), "no_such_layer")
