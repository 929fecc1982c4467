"""Survey lists as tables: XLSX with coordinate columns, and CSV/XLSX with a WKT column."""

import pandas as pd
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import read_file, write_layer


def _sites() -> pd.DataFrame:
    return pd.DataFrame({"名称": ["兴安", "南山", "无坐标"], "经度": [130.24, 130.28, None],
                         "纬度": [47.27, 47.31, None], "状态": ["已完成", "规划", "在建"]})


def test_xlsx_with_coordinate_columns(tmp_path):
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="说明", index=False)
        _sites().to_excel(xw, sheet_name="棚改", index=False)
    [layer] = read_file(path, layer="棚改")
    assert list(layer.gdf["名称"]) == ["兴安", "南山", "无坐标"]
    assert layer.gdf.geometry.iloc[0].equals(shapely.Point(130.24, 47.27))
    assert layer.gdf.geometry.iloc[2] is None
    assert layer.crs.to_epsg() == 4326
    assert any("sheet '棚改'" in n for n in layer.notes)
    assert any("1 rows without usable coordinates" in n for n in layer.notes)


def test_xlsx_first_sheet_by_default_and_unknown_sheet(tmp_path):
    path = tmp_path / "survey.xlsx"
    _sites().to_excel(path, index=False)
    [layer] = read_file(path)
    assert len(layer.gdf) == 3
    with pytest.raises(InputError, match="no sheet 'x'"):
        read_file(path, layer="x")


def test_broken_xlsx_says_how_to_fix(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match="save it again as .xlsx"):
        read_file(path)


def test_csv_with_wkt_polygons_round_trips_from_the_writer(tmp_path):
    poly = shapely.box(130.2, 47.2, 130.3, 47.3)
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[poly, poly.buffer(0.01)],
                           crs="EPSG:4490")
    write_layer(gdf, tmp_path / "outlines.csv")
    [layer] = read_file(tmp_path / "outlines.csv")
    assert layer.geometry_type == "Polygon"
    assert "wkt" not in layer.gdf.columns
    assert layer.gdf.geometry.iloc[0].equals_exact(poly, 1e-6)


def test_unreadable_wkt_row_is_kept_without_geometry(tmp_path):
    path = tmp_path / "outlines.xlsx"
    pd.DataFrame({"名称": ["a", "b"], "WKT": ["POLYGON ((130 47, 130.1 47, 130.1 47.1, 130 47))",
                                              "POLYGON ((broken"]}).to_excel(path, index=False)
    [layer] = read_file(path)
    assert layer.gdf.geometry.iloc[0].geom_type == "Polygon"
    assert layer.gdf.geometry.iloc[1] is None
    assert any("1 rows without readable WKT" in n for n in layer.notes)


def test_table_without_geometry_is_refused(tmp_path):
    path = tmp_path / "list.xlsx"
    pd.DataFrame({"名称": ["a"], "面积": [3]}).to_excel(path, index=False)
    with pytest.raises(InputError, match="no coordinate columns"):
        read_file(path)
