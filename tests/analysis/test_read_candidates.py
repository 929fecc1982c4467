"""Reading a candidate file through GDAL's Arrow stream."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.analysis.candidates import read_candidates
from hljgis.core.errors import InputError


def test_reads_geometry_and_chosen_fields(tmp_path):
    boxes = shapely.box(np.arange(5.0), 0, np.arange(5.0) + 1, 1)
    gdf = gpd.GeoDataFrame({"pid": list("abcde"), "use": ["x"] * 5, "area": np.arange(5.0)},
                           geometry=boxes, crs="EPSG:4553")
    path = tmp_path / "parcels.gpkg"
    gdf.to_file(path, layer="parcels")
    got = read_candidates(str(path), columns=["pid"])
    assert list(got.columns) == ["pid", "geometry"]
    assert got.crs.to_epsg() == 4553
    assert shapely.equals(np.asarray(got.geometry.values), boxes).all()
    assert list(got["pid"]) == list("abcde")


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_refuses_missing_file_and_missing_crs(tmp_path):
    with pytest.raises(InputError):
        read_candidates(str(tmp_path / "nope.gpkg"))
    path = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.box(0, 0, 1, 1)]).to_file(path)
    with pytest.raises(InputError, match="no CRS"):
        read_candidates(str(path))
