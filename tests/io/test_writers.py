"""Writers: GeoPackage, GeoJSON (always WGS84), CSV (Excel-friendly UTF-8)."""

import geopandas as gpd
import pyogrio
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import read_file, write_layer


@pytest.fixture
def seats():
    points = [shapely.Point(130.298, 47.35), shapely.Point(130.969, 45.295)]
    gdf = gpd.GeoDataFrame({"名称": ["鹤岗", "鸡西"]}, geometry=points, crs="EPSG:4490")
    return gdf.to_crs("EPSG:4553")


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".csv"])
def test_written_files_read_back(tmp_path, seats, ext):
    path = write_layer(seats, tmp_path / f"seats{ext}")
    [layer] = read_file(path, assume_crs="EPSG:4490")
    assert list(layer.gdf["名称"]) == ["鹤岗", "鸡西"]
    back = layer.gdf.to_crs("EPSG:4490").geometry
    assert shapely.get_x(back.values) == pytest.approx([130.298, 130.969], abs=1e-6)


def test_geojson_is_wgs84_and_csv_has_a_bom(tmp_path, seats):
    write_layer(seats, tmp_path / "s.geojson")
    assert pyogrio.read_info(tmp_path / "s.geojson")["crs"] == "EPSG:4326"
    write_layer(seats, tmp_path / "s.csv")
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "鹤岗".encode() in raw


def test_overwrite_keeps_backup_and_unknown_format_is_refused(tmp_path, seats):
    path = tmp_path / "s.gpkg"
    write_layer(seats, path)
    write_layer(seats.iloc[:1], path)
    assert len(pyogrio.read_dataframe(path)) == 1
    assert len(pyogrio.read_dataframe(tmp_path / "s.bak.gpkg")) == 2
    with pytest.raises(InputError, match="cannot write '.xlsx'"):
        write_layer(seats, tmp_path / "s.xlsx")
