"""Replacing an illustrative thematic layer with a bureau's CSV or XLSX survey list."""

import pandas as pd
import pytest

from hljgis.core.errors import InputError
from hljgis.core.schemas import validate
from hljgis.core.session import Session
from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project, save_project
from hljgis.io.replace import (
    ReplaceSpec,
    apply_spec,
    check_spec,
    read_source,
    replace_layer,
    suggest_spec,
)
from tests.io.replace_support import (
    SHANTY_PROVENANCE,
    write_pillar_xlsx,
    write_shanty_csv,
)


@pytest.fixture
def session():
    return Session(load_project(bundled_project_path()), loader=load_project,
                   saver=save_project)


@pytest.fixture
def shanty_csv(tmp_path):
    return write_shanty_csv(tmp_path / "jixi_shanty_survey.csv")


def _shanty_spec(path):
    spec = suggest_spec(read_source(path), "shanty_sites")
    spec.provenance = dict(SHANTY_PROVENANCE)
    return spec


def test_suggestion_maps_chinese_headers_units_and_statuses(shanty_csv):
    spec = suggest_spec(read_source(shanty_csv), "shanty_sites")
    assert spec.fields == {"name_zh": "名称", "city": "城市", "district": "所在区",
                           "status": "改造状态", "area_ha": "面积(亩)", "households": "户数"}
    assert spec.units == {"area_ha": "mu"}
    assert spec.values["status"] == {"已完成": "cleared", "在建": "under_redevelopment",
                                     "规划": "planned"}
    assert spec.values["city"] == {"鸡西": "Jixi", "鸡西市": "Jixi"}


def test_rows_are_mapped_converted_and_rejected_with_reasons(shanty_csv):
    out = apply_spec(read_source(shanty_csv), _shanty_spec(shanty_csv), crs="EPSG:4490",
                     first_row=2)
    assert (out.total, out.accepted, out.rejected) == (5, 3, 2)
    g = out.gdf
    assert list(g["status"]) == ["cleared", "under_redevelopment", "planned"]
    assert list(g["city"]) == ["Jixi"] * 3
    assert g["area_ha"].tolist() == pytest.approx([80.0, 40.0, 30.0])  # 1200 mu = 80 ha
    assert g["households"].tolist() == [2400, 800, 350]
    assert set(g["source"]) == {"Jixi housing bureau survey"}
    assert set(g["as_of"]) == {"2024-06"} and not g["illustrative"].any()
    assert validate(g, "shanty_sites") == []
    rep = out.report
    # spreadsheet rows: header is row 1, so the third data row is row 4
    assert rep.loc[rep["field"] == "area_ha", ["row", "value"]].values.tolist() == [[4, "abc"]]
    assert "is not a number" in rep.loc[rep["field"] == "area_ha", "reason"].iloc[0]
    assert rep.loc[rep["field"] == "area_ha", "reason_zh"].iloc[0] == "“abc”不是数字"
    assert out.notes_zh[0] == "area_ha：由 mu 换算为 ha"
    assert "'进行中?' has no mapping" in rep.loc[rep["field"] == "status", "reason"].iloc[0]
    assert rep.loc[rep["field"] == "geometry", "row"].tolist() == [5]
    assert out.unmapped_values() == {"status": {"进行中?": 1}}


def test_report_exports_to_csv_and_xlsx(shanty_csv, tmp_path):
    out = apply_spec(read_source(shanty_csv), _shanty_spec(shanty_csv), first_row=2)
    back = pd.read_csv(out.write_report(tmp_path / "rejected.csv"), encoding="utf-8-sig")
    assert list(back.columns) == ["row", "field", "value", "reason", "reason_zh"]
    assert sorted(set(back["row"])) == [4, 5]
    xl = pd.read_excel(out.write_report(tmp_path / "rejected.xlsx"))
    assert len(xl) == len(back)


def test_value_map_given_by_the_planner_takes_the_row(shanty_csv):
    spec = _shanty_spec(shanty_csv)
    spec.values["status"]["进行中?"] = "under_redevelopment"
    out = apply_spec(read_source(shanty_csv), spec)
    assert out.accepted == 3 and set(out.report["field"]) == {"area_ha", "geometry"}


def test_replacing_makes_the_layer_no_longer_illustrative_and_undo_restores(session,
                                                                             shanty_csv):
    project = session.project
    layer = project.layer("shanty_sites")
    old = layer.gdf
    assert layer.is_illustrative and layer in project.illustrative_layers
    project.dirty = False
    out = replace_layer(session, "shanty_sites", shanty_csv, _shanty_spec(shanty_csv))
    assert out.accepted == 3
    assert not layer.is_illustrative and layer not in project.illustrative_layers
    assert layer.feature_count == 3 and layer.crs.equals(old.crs)
    assert layer.provenance["source"] == "Jixi housing bureau survey"
    assert layer.provenance["illustrative"] is False
    assert "3 of 5 rows accepted, 2 rejected" in layer.provenance["note"]
    assert project.dirty
    assert session.undo_stack.undo_text == "Replace data of " + layer.title
    session.undo()
    assert layer.gdf is old and layer.is_illustrative
    session.redo()
    assert layer.feature_count == 3 and not layer.is_illustrative


def test_provenance_round_trips_through_save_and_load(session, shanty_csv, tmp_path):
    replace_layer(session, "shanty_sites", shanty_csv, _shanty_spec(shanty_csv))
    path = session.save_project(tmp_path / "jixi.hljgis.gpkg")
    again = load_project(path).layer("shanty_sites")
    assert not again.is_illustrative
    assert again.provenance["as_of"] == "2024-06"
    assert again.provenance["accuracy_m"] == 20.0
    assert again.provenance["replaced_from"] == "jixi_shanty_survey.csv"
    assert list(again.gdf["status"]) == ["cleared", "under_redevelopment", "planned"]
    assert validate(again.gdf, "shanty_sites") == []


def test_xlsx_point_list_replaces_pillar_industries(session, tmp_path):
    path = write_pillar_xlsx(tmp_path / "pillar.xlsx")
    src = read_source(path)
    spec = suggest_spec(src, "pillar_industries")
    assert spec.fields["industry"] == "产业" and spec.fields["status"] == "状态"
    assert spec.values["industry"] == {"石墨": "graphite", "绿色食品": "green_food",
                                       "煤电化": "coal_electricity_chemistry"}
    spec.constants["city"] = "Jixi"
    spec.provenance = {"source": "Jixi industry bureau", "as_of": "2024", "accuracy_m": 50}
    out = replace_layer(session, "pillar_industries", path, spec, source=src)
    assert (out.accepted, out.rejected) == (3, 1)
    assert out.report["row"].tolist() == [5]
    layer = session.project.layer("pillar_industries")
    assert not layer.is_illustrative and set(layer.gdf["city"]) == {"Jixi"}
    assert list(layer.gdf["kind"]) == ["cluster", "enterprise", "enterprise"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.fields.update(colour="名称"), "'colour' is not a field of the shanty_sites"),
    (lambda s: s.fields.update(district="区名"), "the file has no column '区名'"),
    (lambda s: s.values["status"].update({"已完成": "done"}), "'done' is not a code of 'status'"),
    (lambda s: s.fields.pop("city"), r"needs field\(s\) city"),
    (lambda s: s.units.update(area_ha="km"), "'km' cannot be converted"),
    (lambda s: s.provenance.pop("source"), "needs 'source'.*--source TEXT"),
    (lambda s: s.provenance.pop("accuracy_m"), "--accuracy"),
    (lambda s: s.provenance.update(as_of="June"), "as-of date 'June'"),
])
def test_bad_mappings_are_refused_naming_what_is_wrong(shanty_csv, change, message):
    spec = _shanty_spec(shanty_csv)
    change(spec)
    with pytest.raises(InputError, match=message):
        check_spec(read_source(shanty_csv), spec)


def test_a_file_of_which_no_row_fits_leaves_the_layer_alone(session, tmp_path):
    path = tmp_path / "points.csv"
    pd.DataFrame({"名称": ["a"], "经度": [130.9], "纬度": [45.3], "状态": ["规划"],
                  "城市": ["鸡西"], "所在区": ["x"], "面积": [3]}).to_csv(path, index=False)
    layer = session.project.layer("shanty_sites")
    old = layer.gdf
    spec = suggest_spec(read_source(path), "shanty_sites")
    spec.provenance = dict(SHANTY_PROVENANCE)
    with pytest.raises(InputError, match="no row of points.csv fits.*a Point, but the layer "
                                         "holds Polygons"):
        replace_layer(session, "shanty_sites", path, spec)
    assert layer.gdf is old and not session.undo_stack.done


def test_subsidence_stable_year_is_derived_and_rule_checked(tmp_path):
    import shapely

    rows = pd.DataFrame({
        "名称": ["a", "b"], "城市": ["七台河", "七台河"], "矿区": ["新兴", "桃山"],
        "停采年份": ["2012年", "2015"], "稳定年份": [2017, 2019], "状态": ["稳定", "沉降中"],
        "wkt": [shapely.box(131.0, 45.7, 131.02, 45.72).wkt,
                shapely.box(131.05, 45.7, 131.07, 45.72).wkt]})
    rows.to_csv(tmp_path / "s.csv", index=False)
    src = read_source(tmp_path / "s.csv")
    spec = suggest_spec(src, "subsidence_zones")
    assert spec.fields["mining_end_year"] == "停采年份"
    spec.provenance = {"source": "s", "as_of": "2023", "accuracy_m": 100}
    out = apply_spec(src, spec, first_row=2)
    assert out.accepted == 1 and out.gdf["stable_from_year"].tolist() == [2017]
    assert "stable_from_year must equal mining_end_year + 5" in out.report["reason"].iloc[0]
    assert out.gdf["area_km2"].iloc[0] > 3  # computed from the outline (about 3.5 km2)
    spec.fields.pop("stable_from_year")
    out = apply_spec(src, spec)
    assert out.gdf["stable_from_year"].tolist() == [2017, 2020]


def test_spec_for_an_unknown_schema_field_in_constants_is_refused(shanty_csv):
    spec = ReplaceSpec("shanty_sites", constants={"town": "x"},
                       provenance=dict(SHANTY_PROVENANCE))
    with pytest.raises(InputError, match="--set: 'town'"):
        check_spec(read_source(shanty_csv), spec)
