"""Shapefile export: encoding choice with a .cpg, refusal of text the encoding lacks."""

import geopandas as gpd
import pyogrio
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import read_file, write_layer


@pytest.fixture
def seats():
    points = [shapely.Point(130.298, 47.35), shapely.Point(130.969, 45.295)]
    return gpd.GeoDataFrame({"名称": ["鹤岗市", "鸡西市"], "pop": [1, 2]}, geometry=points,
                            crs="EPSG:4490")


@pytest.mark.parametrize("encoding", ["GBK", "GB18030", "UTF-8"])
def test_shapefile_reads_back_in_its_encoding(tmp_path, seats, encoding):
    path = write_layer(seats, tmp_path / "seats.shp", encoding=encoding)
    assert (tmp_path / "seats.cpg").read_text().strip() == encoding
    codec = {"UTF-8": "utf-8", "GBK": "gbk", "GB18030": "gb18030"}[encoding]
    assert "鸡西市".encode(codec) in (tmp_path / "seats.dbf").read_bytes()
    [layer] = read_file(path)
    assert list(layer.gdf["名称"]) == ["鹤岗市", "鸡西市"]
    assert layer.gdf.crs.to_epsg() == 4490


def test_gbk_refuses_text_it_cannot_hold_and_keeps_the_old_file(tmp_path, seats):
    path = write_layer(seats, tmp_path / "s.shp", encoding="GBK")
    before = (tmp_path / "s.dbf").read_bytes()
    rare = seats.copy()
    rare.loc[1, "名称"] = "鸡西𠀀"  # CJK Extension B: in GB18030, not in GBK
    with pytest.raises(InputError, match="GBK cannot store"):
        write_layer(rare, path, encoding="GBK")
    assert (tmp_path / "s.dbf").read_bytes() == before
    write_layer(rare, path, encoding="GB18030")
    assert list(pyogrio.read_dataframe(path)["名称"]) == ["鹤岗市", "鸡西𠀀"]
    assert (tmp_path / "s.bak.dbf").read_bytes() == before  # the replaced file is kept
    assert not list(tmp_path.glob(".*tmp*"))


def test_mixed_geometries_are_refused(tmp_path, seats):
    mixed = seats.copy()
    mixed.loc[1, "geometry"] = shapely.box(130, 45, 131, 46)
    with pytest.raises(InputError, match="one geometry type"):
        write_layer(mixed, tmp_path / "m.shp")
    assert not (tmp_path / "m.shp").exists()
