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


def test_fields_read_as_pyogrio_reads_them(tmp_path):
    import pandas as pd
    import pyogrio

    gdf = gpd.GeoDataFrame({
        "i": pd.array([1, None, 3], dtype="Int64"), "j": [1, 2, 3], "f": [1.5, np.nan, 2.0],
        "b": [True, False, True], "s": ["a", None, "鹤岗"],
        "d": pd.to_datetime(["2024-01-01 08:00", None, "2025-02-03 00:00"]),
    }, geometry=shapely.box(np.arange(3.0), 0, np.arange(3.0) + 1, 1), crs="EPSG:4553")
    path = tmp_path / "types.gpkg"
    gdf.to_file(path)
    got = read_candidates(str(path))
    ref = pyogrio.read_dataframe(path, use_arrow=True)
    pd.testing.assert_frame_equal(got.drop(columns="geometry"), ref.drop(columns="geometry"))
    assert got.geometry.name == "geometry"
    assert list(shapely.to_wkb(got.geometry.values)) == list(shapely.to_wkb(gdf.geometry.values))


def test_refuses_a_table_without_geometry(tmp_path):
    import pandas as pd
    import pyogrio

    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1, 2]}), path, layer="t", driver="GPKG")
    with pytest.raises(InputError, match="no geometries"):
        read_candidates(str(path))


@pytest.mark.parametrize("cpg", [None, "GBK"], ids=["no-cpg", "cpg"])
def test_gbk_shapefile_with_chinese_field_names(tmp_path, cpg):
    """A bureau's Shapefile: GBK field names and text, often without a .cpg."""
    gdf = gpd.GeoDataFrame({"地块编号": ["双鸭山01", "七台河02"], "用途": ["工业", "居住"]},
                           geometry=shapely.box([0.0, 2.0], 0, [1.0, 3.0], 1), crs="EPSG:4553")
    path = tmp_path / "parcels.shp"
    gdf.to_file(path, encoding="GBK")
    (tmp_path / "parcels.cpg").unlink(missing_ok=True)
    if cpg:
        (tmp_path / "parcels.cpg").write_text(cpg)
    got = read_candidates(str(path))
    assert list(got.columns) == ["地块编号", "用途", "geometry"]
    assert got["地块编号"].tolist() == ["双鸭山01", "七台河02"]
    assert got["用途"].tolist() == ["工业", "居住"]
    assert read_candidates(str(path), encoding="gbk")["用途"].tolist() == ["工业", "居住"]
