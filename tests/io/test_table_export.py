"""Tables to CSV/XLSX with bilingual headers, and tab-separated copy text."""

import csv

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import write_layer
from hljgis.io.table_export import label_codes, table_text, with_location, write_table


@pytest.fixture
def ranked():
    return pd.DataFrame({"rank": [1, 2, None], "site_name": ["地块 1", "Parcel 2", "x"],
                         "score": [0.91, 0.5, float("nan")], "raw_rail": [1200.0, 80.0, 3.0],
                         "when": pd.to_datetime(["2024-01-02", None, "2025-03-04"])})


def test_csv_has_bom_and_bilingual_header(tmp_path, ranked):
    path = write_table(ranked, tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["rank 排名", "site_name 地块名称", "score 得分", "raw_rail 原始值 rail",
                       "when"]
    assert rows[1][:3] == ["1.0", "地块 1", "0.91"]
    assert rows[3][2] == "" and rows[2][4] == ""  # missing values stay empty


def test_xlsx_has_two_header_rows_and_values(tmp_path, ranked):
    path = write_table(ranked, tmp_path / "r.xlsx", sheet="ranking", notes=["示意数据 note"])
    wb = openpyxl.load_workbook(path)
    ws = wb["ranking"]
    rows = list(ws.values)
    assert rows[0] == ("rank", "site_name", "score", "raw_rail", "when")
    assert rows[1][:3] == ("排名", "地块名称", "得分")
    assert rows[2][1] == "地块 1" and rows[2][2] == pytest.approx(0.91)
    assert rows[4][2] is None
    assert ws.freeze_panes == "A3"
    assert list(wb["notes 说明"].values) == [("示意数据 note",)]


def test_other_extension_is_refused(tmp_path, ranked):
    with pytest.raises(InputError, match=".csv or .xlsx"):
        write_table(ranked, tmp_path / "r.txt")


def test_layer_to_xlsx_has_lon_lat_and_wkt(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["a", "b"]},
                           geometry=[shapely.box(130, 45, 131, 46), shapely.Point(131, 47)],
                           crs="EPSG:4490").to_crs("EPSG:4553")
    write_layer(gdf, tmp_path / "l.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "l.xlsx").active.values)
    assert rows[0] == ("名称", "lon", "lat", "wkt")
    assert rows[2][1:3] == pytest.approx((130.5, 45.5), abs=0.01)
    assert rows[2][3].startswith("POLYGON")


def test_with_location_and_table_text():
    gdf = gpd.GeoDataFrame({"name": ["鸡西", "tab\there"]},
                           geometry=[shapely.Point(130.969, 45.295), None], crs="EPSG:4490")
    frame = with_location(gdf)
    assert list(frame.columns) == ["name", "lon", "lat"]
    assert frame["lon"].iloc[0] == pytest.approx(130.969)
    assert pd.isna(frame["lon"].iloc[1])
    text = table_text(frame.iloc[:, :1])
    assert text == "name\n鸡西\ntab here\n"


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_progress_reports_and_a_raise_leaves_the_old_file(tmp_path, ext, monkeypatch):
    import hljgis.io.table_export as te

    monkeypatch.setattr(te, "PROGRESS_ROWS", 10)
    frame = pd.DataFrame({"score": range(35)})
    path = write_table(frame.iloc[:1], tmp_path / f"t{ext}")
    before = path.read_bytes()

    class Stop(Exception):
        pass

    def stop(fraction, message, cancellable):
        if fraction > 0:
            raise Stop

    with pytest.raises(Stop):
        write_table(frame, path, progress=stop)
    assert path.read_bytes() == before  # the planner's file is untouched
    assert not list(tmp_path.glob(".*tmp*"))
    calls = []
    write_table(frame, path, progress=lambda f, m, c: calls.append((f, c)))
    rows = [f for f, c in calls if c]
    assert len(rows) == 4 and rows == sorted(rows)  # rows 0, 10, 20, 30
    assert [c for _, c in calls[4:]] == ([] if ext == ".csv" else [False])  # the save


def test_label_codes_reads_codes_as_labels_in_the_language_asked():
    frame = pd.DataFrame({
        "level": ["provincial", "national", None, "not_a_code"],
        "lead_industries": ["coal_electricity_chemistry;green_food", None, "graphite", "x"],
        "excluded": [True, False, True, False],
        "name": ["provincial", "b", "c", "d"],  # a name is not a code
        "kind_n": [1, 2, 3, 4]})
    zh = label_codes(frame, "zh")
    assert zh["level"].tolist() == ["省级", "国家级", None, "not_a_code"]
    assert zh["lead_industries"][0] == "煤电化；绿色食品"
    assert zh["excluded"].tolist() == ["是", "否", "是", "否"]
    assert zh["name"].tolist() == frame["name"].tolist()
    en = label_codes(frame, "en")
    assert en["level"][0] == "Provincial" and en["excluded"][1] == "No"
    assert frame["level"][0] == "provincial"  # the caller's frame is untouched
    # a layer's own code list (made in hljgis) comes first
    specs = [{"name": "use", "codes": [["res", "Residential", "居住"]]}]
    own = label_codes(pd.DataFrame({"use": ["res", "res"]}), "zh", specs)
    assert own["use"].tolist() == ["居住", "居住"]
