"""layer_spec keeps data-source strings whole (PG:..., paths with '='); put_layer replaces
a layer of the same name in its place."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.io.project_build import layer_spec, put_layer


@pytest.mark.parametrize("text, expected", [
    ("stops=bus.geojson", ("stops", "bus.geojson")),
    ("公交站=bus.geojson", ("公交站", "bus.geojson")),
    ("bus.geojson", (None, "bus.geojson")),
    ("PG:dbname=gis host=db", (None, "PG:dbname=gis host=db")),
    (r"C:\data\a=b.shp", (None, r"C:\data\a=b.shp")),
    ("/data/x=1/parcels.shp", (None, "/data/x=1/parcels.shp")),
    ("2024=parcels.shp", (None, "2024=parcels.shp")),
])
def test_layer_spec(text, expected):
    assert layer_spec(text) == expected


def test_put_layer_replaces_in_place():
    def layer(name, n):
        return VectorLayer(gpd.GeoDataFrame(geometry=[Point(130, 46)] * n, crs="EPSG:4490"),
                           name)

    p = Project()
    for name in ("a", "b", "c"):
        put_layer(p, layer(name, 1))
    note = put_layer(p, layer("b", 5))
    assert "replaces the layer 'b'" in note
    assert p.layer_names() == ["a", "b", "c"] and p.layer("b").feature_count == 5
