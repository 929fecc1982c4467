"""Readers: every supported format, and every kind of bad input with a clear message."""

import shutil

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from hljgis.core.errors import EncodingError, InputError, MissingCRSError
from hljgis.core.layer import RasterLayer, VectorLayer
from hljgis.io import read_file, repair_geometries, write_layer


def _gdf(geoms, crs="EPSG:4490", **cols):
    n = len(geoms)
    cols = cols or {"id": list(range(n))}
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=crs)


CITY_POINTS = [shapely.Point(130.298, 47.350), shapely.Point(130.969, 45.295)]


# -- formats -------------------------------------------------------------------------------------

def test_gbk_shapefile_without_cpg_is_decoded(fixtures_dir):
    [layer] = read_file(fixtures_dir / "gbk_shapefile" / "city_seats_gbk.shp")
    assert list(layer.gdf["名称"]) == ["鹤岗市", "鸡西市", "七台河市", "双鸭山市"]
    assert layer.gdf["产业"].iloc[0] == "石墨、绿色食品"
    assert layer.encoding == "gb18030"
    assert any("detected" in n for n in layer.notes)


def test_cpg_file_is_honoured(tmp_path, fixtures_dir):
    src = fixtures_dir / "gbk_shapefile"
    for f in src.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "city_seats_gbk.cpg").write_text("936")
    [layer] = read_file(tmp_path / "city_seats_gbk.shp")
    assert layer.encoding == "gbk"
    assert layer.gdf["名称"].iloc[2] == "七台河市"
    assert any("city_seats_gbk.cpg" in n for n in layer.notes)


def test_utf8_shapefile(tmp_path):
    path = tmp_path / "utf8.shp"
    pyogrio.write_dataframe(_gdf(CITY_POINTS, name=["鹤岗", "鸡西"]), path, encoding="UTF-8")
    path.with_suffix(".cpg").unlink()
    [layer] = read_file(path)
    assert list(layer.gdf["name"]) == ["鹤岗", "鸡西"]
    assert layer.encoding == "utf-8"


def test_every_layer_of_a_geopackage(tmp_path):
    path = tmp_path / "multi.gpkg"
    pyogrio.write_dataframe(_gdf(CITY_POINTS), path, layer="seats")
    pyogrio.write_dataframe(_gdf([shapely.box(130, 45, 131, 46)]), path, layer="area")
    layers = read_file(path)
    assert [lyr.name for lyr in layers] == ["seats", "area"]
    assert [lyr.name for lyr in read_file(path, layer="area")] == ["area"]
    with pytest.raises(InputError, match="no layer 'nope'.*seats, area"):
        read_file(path, layer="nope")


def test_geojson_defaults_to_wgs84(tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    '{"名称":"七台河"},"geometry":{"type":"Point","coordinates":[131.0,45.77]}}]}',
                    encoding="utf-8")
    [layer] = read_file(path)
    assert layer.crs.to_epsg() == 4326
    assert layer.gdf["名称"].iloc[0] == "七台河"


def test_kml(tmp_path):
    path = tmp_path / "ports.kml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>ports</name>
<Placemark><name>绥芬河</name><Point><coordinates>131.15,44.40,0</coordinates></Point></Placemark>
<Placemark><name>虎林</name><Point><coordinates>133.0,45.77,0</coordinates></Point></Placemark>
</Folder></Document></kml>""", encoding="utf-8")
    layers = read_file(path)
    assert len(layers) == 1
    assert sorted(layers[0].gdf["Name"]) == ["绥芬河", "虎林"]
    assert layers[0].crs.to_epsg() == 4326


@pytest.mark.parametrize(("header", "encoding"), [
    ("经度,纬度,名称", "gb18030"),
    ("lng,lat,名称", "utf-8"),
    ("Longitude,Latitude,名称", "utf-8-sig"),
    ("X,Y,名称", "utf-8"),
])
def test_csv_with_chinese_or_english_coordinate_columns(tmp_path, header, encoding):
    path = tmp_path / "pts.csv"
    text = f"{header}\n130.298,47.350,鹤岗\n130.969,45.295,鸡西\n"
    path.write_bytes(text.encode(encoding))
    [layer] = read_file(path)
    assert list(layer.gdf["名称"]) == ["鹤岗", "鸡西"]
    np.testing.assert_allclose(shapely.get_x(layer.gdf.geometry.values), [130.298, 130.969])
    assert layer.crs.to_epsg() == 4326


def test_csv_in_projected_metres_needs_a_crs(tmp_path):
    path = tmp_path / "gk.csv"
    path.write_text("x,y,name\n555000,5240000,a\n560000,5245000,b\n")
    with pytest.raises(MissingCRSError, match="gk.csv"):
        read_file(path)
    [layer] = read_file(path, assume_crs="EPSG:4553")
    assert layer.crs.to_epsg() == 4553


def test_geotiff_is_read_by_window(tmp_path):
    path = tmp_path / "dem.tif"
    data = np.arange(100 * 200, dtype="int16").reshape(100, 200)
    with rasterio.open(path, "w", driver="GTiff", width=200, height=100, count=1, dtype="int16",
                       crs="EPSG:4490", transform=from_origin(129.0, 48.0, 0.01, 0.01),
                       nodata=-32768) as dst:
        dst.write(data, 1)
    [layer] = read_file(path)
    assert isinstance(layer, RasterLayer)
    window, bounds = layer.read((129.5, 47.5, 129.6, 47.6))
    assert window.shape == (10, 10)
    assert window[0, 0] == data[40, 50]
    assert bounds == pytest.approx((129.5, 47.5, 129.6, 47.6))
    small, _ = layer.read(out_shape=(10, 20))
    assert small.shape == (10, 20)
    assert layer.sample([129.505], [47.995])[0] == data[0, 50]


def test_gcj02_offset_only_on_request(tmp_path):
    path = tmp_path / "amap.geojson"
    write_layer(_gdf(CITY_POINTS, crs="EPSG:4326"), path)
    [plain] = read_file(path)
    [fixed] = read_file(path, offset_datum="gcj02")
    np.testing.assert_allclose(shapely.get_x(plain.gdf.geometry.values), [130.298, 130.969])
    moved = shapely.distance(plain.gdf.geometry.values, fixed.gdf.geometry.values)
    assert (moved > 0.003).all()  # several hundred metres
    assert any("GCJ02" in n for n in fixed.notes)


# -- bad input -----------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_file(tmp_path / "nope.gpkg")


def test_unsupported_extension(tmp_path):
    path = tmp_path / "a.dwg"
    path.write_bytes(b"AC1027")
    with pytest.raises(InputError, match="cannot read '.dwg'"):
        read_file(path)


def test_corrupt_geopackage(tmp_path):
    path = tmp_path / "bad.gpkg"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="not a readable GeoPackage"):
        read_file(path)


def test_truncated_geopackage(tmp_path):
    good = tmp_path / "good.gpkg"
    pyogrio.write_dataframe(_gdf([shapely.box(130 + i * 0.01, 45, 130.005 + i * 0.01, 45.005)
                                  for i in range(2000)]), good, layer="cells")
    data = good.read_bytes()
    bad = tmp_path / "truncated.gpkg"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match="truncated|corrupt|not a readable"):
        read_file(bad)


def test_truncated_shapefile(tmp_path, fixtures_dir):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        shutil.copy(f, tmp_path / f.name)
    shp = tmp_path / "city_seats_gbk.shp"
    shp.write_bytes(shp.read_bytes()[:60])
    with pytest.raises(InputError, match="city_seats_gbk.shp.*cannot be read"):
        read_file(shp)


def test_shapefile_missing_companion(tmp_path, fixtures_dir):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        if f.suffix != ".dbf":
            shutil.copy(f, tmp_path / f.name)
    with pytest.raises(InputError, match=r"city_seats_gbk\.dbf is missing"):
        read_file(tmp_path / "city_seats_gbk.shp")


def test_shapefile_without_prj_names_the_file_and_asks_for_a_crs(tmp_path, fixtures_dir):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        if f.suffix != ".prj":
            shutil.copy(f, tmp_path / f.name)
    shp = tmp_path / "city_seats_gbk.shp"
    with pytest.raises(MissingCRSError) as err:
        read_file(shp)
    assert str(shp) in err.value.what
    assert "assume-crs" in err.value.todo
    [layer] = read_file(shp, assume_crs="EPSG:4490")
    assert layer.crs.to_epsg() == 4490


def test_unknown_encoding_name(tmp_path, fixtures_dir):
    for f in (fixtures_dir / "gbk_shapefile").iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "city_seats_gbk.cpg").write_text("KLINGON-7")
    with pytest.raises(EncodingError, match="KLINGON-7.*not a character encoding"):
        read_file(tmp_path / "city_seats_gbk.shp")


def test_undetectable_encoding_asks_for_one(monkeypatch):
    from hljgis.io import encodings

    class Nothing:
        def best(self):
            return None

    monkeypatch.setattr("charset_normalizer.from_bytes", lambda data: Nothing())
    with pytest.raises(EncodingError, match="--encoding"):
        encodings.detect_bytes_encoding(bytes([0x80, 0xFF, 0xFE, 0x81]) * 10, "x.dbf")


def test_invalid_geometries_are_counted_not_repaired_until_asked(tmp_path):
    bowtie = shapely.Polygon([(130, 45), (131, 46), (131, 45), (130, 46)])
    path = tmp_path / "bowtie.gpkg"
    pyogrio.write_dataframe(_gdf([bowtie, shapely.box(130, 45, 130.1, 45.1)]), path)
    [layer] = read_file(path)
    assert layer.invalid_count == 1
    assert any("1 invalid" in n for n in layer.notes)
    assert not shapely.is_valid(layer.gdf.geometry.iloc[0])
    assert repair_geometries(layer) == 1
    assert layer.invalid_count == 0
    assert shapely.area(layer.gdf.geometry.values).sum() == pytest.approx(0.5 + 0.01)


def test_empty_layer(tmp_path):
    path = tmp_path / "empty.gpkg"
    pyogrio.write_dataframe(_gdf([]).iloc[:0], path, layer="empty", geometry_type="Polygon")
    [layer] = read_file(path)
    assert layer.feature_count == 0
    assert any("empty" in n for n in layer.notes)


def test_mixed_geometry_types_are_split(tmp_path):
    path = tmp_path / "mixed.geojson"
    write_layer(_gdf([CITY_POINTS[0], shapely.box(130, 45, 131, 46),
                      shapely.LineString([(130, 45), (131, 46)])], crs="EPSG:4326"), path)
    layers = read_file(path)
    assert [lyr.name for lyr in layers] == ["mixed_points", "mixed_lines", "mixed_polygons"]
    assert all(lyr.feature_count == 1 for lyr in layers)
    assert "mixed geometry types split" in layers[0].notes[-1]
    [whole] = read_file(path, split_mixed=False)
    assert whole.geometry_type == "mixed"


def test_csv_without_coordinate_columns(tmp_path):
    path = tmp_path / "noxy.csv"
    path.write_text("城市,人口\n鹤岗,1056\n", encoding="utf-8")
    with pytest.raises(InputError, match="no coordinate columns.*经度/纬度"):
        read_file(path)


def test_swapped_lon_lat_is_refused(tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text("lon,lat\n47.35,130.298\n45.295,130.969\n")
    with pytest.raises(InputError, match="look swapped"):
        read_file(path)
    [layer] = read_file(path, x_field="lat", y_field="lon")
    assert shapely.get_x(layer.gdf.geometry.iloc[0]) == pytest.approx(130.298)


def test_coordinates_outside_china_are_refused(tmp_path):
    path = tmp_path / "paris.csv"
    path.write_text("lon,lat\n2.35,48.85\n")
    with pytest.raises(InputError, match="outside China"):
        read_file(path)
    assert read_file(path, check_location=False)[0].feature_count == 1


@pytest.mark.parametrize("crs, xy, inside", [
    ("EPSG:4553", (555000, 5240000), True),  # CGCS2000 GK CM 132E: Hegang
    ("EPSG:2436", (555000, 5240000), True),  # Beijing 1954 GK CM 117E: Inner Mongolia
    ("EPSG:2390", (500000, 5200000), True),  # Xi'an 1980 GK CM 135E: the Ussuri
    ("EPSG:32632", (500000, 5400000), False),  # UTM 32N: Europe
])
def test_projected_layers_are_placed_by_their_own_datum(tmp_path, crs, xy, inside):
    path = tmp_path / "p.gpkg"
    pyogrio.write_dataframe(_gdf([shapely.Point(*xy)], crs=crs), path)
    if inside:
        assert read_file(path)[0].feature_count == 1
    else:
        with pytest.raises(InputError, match=r"outside China \(lon"):
            read_file(path)


def test_projected_numbers_in_a_geographic_layer_are_refused(tmp_path):
    path = tmp_path / "wrongprj.gpkg"
    pyogrio.write_dataframe(_gdf([shapely.Point(555000, 5240000)], crs="EPSG:4490"), path)
    with pytest.raises(InputError, match="not degrees"):
        read_file(path)


def test_reader_result_is_a_vector_layer_with_the_source_path(tmp_path):
    path = tmp_path / "a.gpkg"
    pyogrio.write_dataframe(_gdf(CITY_POINTS), path)
    [layer] = read_file(path)
    assert isinstance(layer, VectorLayer)
    assert layer.source_path == str(path)


def test_columns_reads_only_the_named_attributes(tmp_path):
    polys = [shapely.box(130.0 + i * 0.01, 46.0, 130.005 + i * 0.01, 46.005) for i in range(5)]
    gdf = _gdf(polys, score=[0.5, 1.5, 2.5, np.nan, 4.5], name=list("abcde"),
               area=[1.0, 2.0, 3.0, 4.0, 5.0])
    path = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="parcels")
    [full] = read_file(path)
    [lean] = read_file(path, columns=["score"])
    assert list(lean.gdf.columns) == ["score", "geometry"]
    assert set(full.gdf.columns) == {"score", "name", "area", "geometry"}
    np.testing.assert_array_equal(lean.gdf["score"].to_numpy(), full.gdf["score"].to_numpy())
    assert shapely.equals_exact(lean.gdf.geometry.values, full.gdf.geometry.values, 0).all()
    assert lean.crs == full.crs
    with pytest.raises(InputError, match="no column no_such_column.*score, name, area"):
        read_file(path, columns=["no_such_column"])


# -- what a read costs: deferred validity, bounds, the cycle collector ----------------------------

def test_validity_note_waits_for_the_notes_and_is_worked_out_once(tmp_path, monkeypatch):
    bowtie = shapely.Polygon([(130, 45), (131, 46), (131, 45), (130, 46)])
    path = tmp_path / "mixed_bad.geojson"
    pyogrio.write_dataframe(_gdf([bowtie, *CITY_POINTS]), path)
    calls = []
    real = shapely.is_valid
    monkeypatch.setattr(shapely, "is_valid", lambda g: calls.append(len(g)) or real(g))
    points, polygons = read_file(path)
    assert calls == []  # reading alone does not check validity
    assert any("1 invalid" in n for n in polygons.notes)
    assert any("1 invalid" in n for n in points.notes)  # the note is the file's, as before
    assert calls == [3]  # once for the file, not once per split layer
    polygons.notes.append("later")  # the list stays the planner's to extend
    assert polygons.notes[-1] == "later" and len(polygons.notes) == len(points.notes) + 1


def test_read_bounds_are_the_layers_bounds(tmp_path):
    holed = shapely.Polygon([(130, 45), (131, 45), (131, 46), (130, 46)],
                            [[(130.2, 45.2), (130.8, 45.2), (130.5, 45.8)]])
    path = tmp_path / "b.gpkg"
    pyogrio.write_dataframe(_gdf([holed, None, shapely.box(129.5, 47, 129.7, 47.25)]), path)
    [layer] = read_file(path)
    assert layer.bounds == (129.5, 45.0, 131.0, 47.25)
    assert layer.bounds == tuple(layer.gdf.total_bounds)
    assert not layer.notes  # a valid layer, nothing to say


def test_nan_coordinates_are_counted_per_feature(tmp_path):
    bad = shapely.LineString([(130, 45), (np.nan, 46), (np.nan, 47)])
    path = tmp_path / "nan.gpkg"
    pyogrio.write_dataframe(_gdf([bad, *CITY_POINTS]), path)
    with pytest.raises(InputError, match=r"1 feature\(s\) have coordinates that are not numbers"):
        read_file(path)


def test_cycle_collector_is_back_on_after_a_read(tmp_path):
    import gc

    path = tmp_path / "p.gpkg"
    pyogrio.write_dataframe(_gdf(CITY_POINTS), path)
    read_file(path)
    assert gc.isenabled()
    (tmp_path / "broken.gpkg").write_bytes(b"SQLite format 3\0" + b"\0" * 200)
    with pytest.raises(InputError):
        read_file(tmp_path / "broken.gpkg")
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that turned it off keeps it off
        read_file(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_read_layer_is_freed_without_the_cycle_collector(tmp_path):
    import gc
    import weakref

    bowtie = shapely.Polygon([(130, 45), (131, 46), (131, 45), (130, 46)])
    path = tmp_path / "freed.gpkg"
    pyogrio.write_dataframe(_gdf([bowtie, shapely.box(130, 45, 130.1, 45.1)]), path)
    gc.disable()
    try:  # its deferred validity note held it in a cycle: only a full collection freed it
        [layer] = read_file(path)
        alive, frame = weakref.ref(layer), weakref.ref(layer.gdf)
        del layer
        assert alive() is None and frame() is None
        [layer] = read_file(path)
        assert any("1 invalid" in n for n in layer.notes)  # the note still works
    finally:
        gc.enable()


def test_validity_note_describes_the_file_even_after_a_repair(tmp_path, monkeypatch):
    bowtie = shapely.Polygon([(130, 45), (131, 46), (131, 45), (130, 46)])
    path = tmp_path / "bowtie.gpkg"
    pyogrio.write_dataframe(_gdf([bowtie, shapely.box(130, 45, 130.1, 45.1)]), path)
    [layer] = read_file(path)
    calls = []
    real = shapely.is_valid
    monkeypatch.setattr(shapely, "is_valid", lambda g: calls.append(len(g)) or real(g))
    assert layer.invalid_count == 1 and layer.invalid_count == 1
    assert any("1 invalid" in n for n in layer.notes)
    assert calls == [2]  # one GEOS pass for the count, again, and the note
    [again] = read_file(path)
    assert repair_geometries(again) == 1  # notes first read after the data changed
    assert any("1 invalid" in n for n in again.notes)
    assert any("1 invalid geometries repaired" in n for n in again.notes)
