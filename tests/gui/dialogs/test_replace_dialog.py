"""The replace dialog: suggestions prefilled, live row report, provenance, one undo step."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project
from tests.io.replace_support import write_pillar_xlsx, write_shanty_csv


@pytest.fixture
def session():
    return Session(load_project(bundled_project_path()))


@pytest.fixture
def dialog(qtbot, session, tmp_path):
    from hljgis.gui.dialogs.replace_dialog import ReplaceDialog

    def make(path=None, layer="shanty_sites"):
        d = ReplaceDialog(session, layer, str(path) if path else None)
        qtbot.addWidget(d)
        return d

    yield make
    set_language("en")


def _fill_provenance(d) -> None:
    d.source_edit.setText("Jixi housing bureau survey")
    d.as_of_edit.setText("2024-06")
    d.accuracy_edit.setText("20")
    d.refresh()


def test_mapping_is_prefilled_and_the_report_is_live(dialog, tmp_path):
    d = dialog(write_shanty_csv(tmp_path / "survey.csv"))
    _, status_box, _, _ = d._field_rows["status"]
    _, area_box, area_unit, _ = d._field_rows["area_ha"]
    assert status_box.currentData() == "改造状态"
    assert area_box.currentData() == "面积(亩)" and area_unit.currentData() == "mu"
    # no provenance yet: the mapping is refused with the reason, nothing can be replaced
    assert "Fill in the source, as-of date, accuracy on the Provenance tab" in d.summary.text()
    assert not d.replace_button.isEnabled()
    _fill_provenance(d)
    assert "3 of 5 rows accepted, 2 rejected" in d.summary.text()
    assert d.replace_button.isEnabled()
    m = d.report_model
    rows = [m.index(r, 0).data() for r in range(m.rowCount())]
    reasons = [m.index(r, 3).data() for r in range(m.rowCount())]
    assert [str(r) for r in rows] == ["4", "4", "5"]
    assert any("'进行中?' has no mapping" in r for r in reasons)
    assert d.tabs.tabText(1) == "Values (1 without a code)"


def test_mapping_a_value_takes_the_rows(dialog, tmp_path):
    d = dialog(write_shanty_csv(tmp_path / "survey.csv"))
    _fill_provenance(d)
    box = d._value_boxes["status"]["进行中?"]
    assert box.currentData() == ""
    assert d._value_boxes["status"]["已完成"].currentData() == "cleared"
    box.setCurrentIndex(box.findData("under_redevelopment"))
    d.refresh()
    assert d.spec.values["status"]["进行中?"] == "under_redevelopment"
    assert d.tabs.tabText(1) == "Values"
    assert set(d.outcome.report["field"]) == {"area_ha", "geometry"}


def test_one_value_for_every_row_and_export(dialog, tmp_path):
    d = dialog(write_pillar_xlsx(tmp_path / "pillar.xlsx"), layer="pillar_industries")
    _fill_provenance(d)
    city_const = d._field_rows["city"][3]
    city_const.setCurrentIndex(city_const.findData("Jixi"))
    d.refresh()
    assert d.spec.constants == {"city": "Jixi"}
    assert (d.outcome.accepted, d.outcome.rejected) == (3, 1)
    out = d.export_report(str(tmp_path / "rejected.csv"))
    assert pd.read_csv(out, encoding="utf-8-sig")["row"].tolist() == [5]


def test_replace_is_one_undo_step_and_the_layer_is_no_longer_illustrative(dialog, session,
                                                                           tmp_path):
    layer = session.project.layer("shanty_sites")
    d = dialog(write_shanty_csv(tmp_path / "survey.csv"))
    _fill_provenance(d)
    d.replace_button.click()
    assert d.result() == d.DialogCode.Accepted
    assert layer.feature_count == 3 and not layer.is_illustrative
    assert layer.provenance["source"] == "Jixi housing bureau survey"
    session.undo()
    assert layer.feature_count == 15 and layer.is_illustrative


def test_dialog_speaks_chinese(dialog, tmp_path):
    set_language("zh")
    d = dialog(write_shanty_csv(tmp_path / "survey.csv"))
    _fill_provenance(d)
    assert d.replace_button.text() == "替换"
    assert d.tabs.tabText(2) == "数据来源"
    assert "共 5 行，接收 3 行，拒收 2 行" in d.summary.text()
    assert "需安置户数" in d._field_rows["households"][0].text()
    m = d.report_model
    reasons = [m.index(r, 3).data() for r in range(m.rowCount())]
    assert "“abc”不是数字" in reasons and any("未对应到字段 status" in r for r in reasons)
    assert "area_ha：由 mu 换算为 ha" in d.summary.text()
    image = d.grab().toImage()
    assert image.width() > 600 and image.height() > 500


def test_layer_panel_and_menu_open_it_and_the_tree_drops_the_warning(qtbot, tmp_path,
                                                                     monkeypatch):
    from hljgis.gui.dialogs.replace_dialog import ReplaceDialog
    from hljgis.gui.main_window import MainWindow

    window = MainWindow(lang="en")
    qtbot.addWidget(window)
    window.session.set_project(load_project(bundled_project_path()))
    assert "Replace layer data..." in [a.text() for a in window.actions_by_key.values()]
    csv = write_shanty_csv(tmp_path / "survey.csv")

    def fake_exec(self):  # the planner picks the file, fills the provenance, clicks Replace
        self.load(str(csv))
        _fill_provenance(self)
        self.replace()
        return self.result()

    monkeypatch.setattr(ReplaceDialog, "exec", fake_exec)
    model = window.layer_panel.model

    def title() -> str:
        return model.index_of_layer("shanty_sites").data(Qt.ItemDataRole.DisplayRole)

    assert title().endswith("(illustrative)")
    for layer in window.session.project.layers:  # only shanty_sites left to warn about
        if layer.is_illustrative and layer.name != "shanty_sites":
            layer.visible = False
    assert window.illustrative_label.text() == "Map contains illustrative data (not survey " \
                                               "records)"
    window.layer_panel.replace_requested.emit("shanty_sites")
    assert not title().endswith("(illustrative)")
    assert window.illustrative_label.text() == ""  # the status-bar warning follows
    assert "3 of 5 rows accepted" in window.statusBar().currentMessage()
    assert window.session.project.dirty
    window.session.project.dirty = False
    window.canvas.shutdown()


def test_a_required_field_without_column_is_said_in_dialog_terms(dialog, tmp_path):
    d = dialog(write_shanty_csv(tmp_path / "survey.csv"))
    _fill_provenance(d)
    _, city_box, _, _ = d._field_rows["city"]
    city_box.setCurrentIndex(0)  # "(not in the file)"
    d.refresh()
    assert "Field(s) city need a column of the file or one value for every row" in \
        d.summary.text()
    assert not d.replace_button.isEnabled()


def test_workbook_sheets_can_be_picked(dialog, tmp_path):
    from tests.io.replace_support import pillar_frame

    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"说明": ["2024年调查"]}).to_excel(xw, sheet_name="说明", index=False)
        pillar_frame().to_excel(xw, sheet_name="支柱产业", index=False)
    d = dialog(path, layer="pillar_industries")
    assert d.sheet_box.isVisibleTo(d) and d.sheet_box.count() == 2
    assert "no coordinate columns" in d.summary.text()  # the notes sheet comes first
    d.sheet_box.setCurrentIndex(1)
    _fill_provenance(d)
    assert d._field_rows["industry"][1].currentData() == "产业"
    assert "Field(s) city need a column" in d.summary.text()
    city = d._field_rows["city"][3]
    city.setCurrentIndex(city.findData("Jixi"))
    d.refresh()
    assert d.outcome is not None and (d.outcome.total, d.outcome.accepted) == (4, 3)


def test_a_file_in_metres_without_crs_asks_for_it(dialog, tmp_path, monkeypatch):
    from hljgis.gui.dialogs.import_dialog import ImportDialog

    path = tmp_path / "gk.csv"  # Gauss-Kruger metres, no CRS: never guessed
    pd.DataFrame({"名称": ["a"], "x": [500_000.0], "y": [5_000_000.0], "产业": ["石墨"],
                  "类型": ["企业"], "状态": ["运营"]}).to_csv(path, index=False)
    asked = []

    def fake_exec(self):
        asked.append(self.crs_box.isEnabled())
        self.crs_box.setCurrentIndex(self.crs_box.findData("EPSG:4553"))
        return ImportDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportDialog, "exec", fake_exec)
    d = dialog(path, layer="pillar_industries")
    assert asked == [True]
    assert d.read_options == {"assume_crs": "EPSG:4553"}
    assert d.source is not None and d.source.crs.to_epsg() == 4553


def test_declining_the_crs_question_shows_the_missing_crs(dialog, tmp_path, monkeypatch):
    from hljgis.gui.dialogs.import_dialog import ImportDialog

    path = tmp_path / "gk.csv"
    pd.DataFrame({"名称": ["a"], "x": [500_000.0], "y": [5_000_000.0]}).to_csv(path, index=False)
    asked = []
    monkeypatch.setattr(ImportDialog, "exec",
                        lambda self: asked.append(1) or ImportDialog.DialogCode.Rejected)
    d = dialog(path, layer="pillar_industries")
    assert asked == [1]  # asked once, not again after the refusal
    assert d.source is None and d.outcome is None
    assert "coordinate reference system" in d._problem
