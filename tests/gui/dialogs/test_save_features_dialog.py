""""Save features as...": Shapefile in GBK with Chinese names, selected features only, XLSX."""

from __future__ import annotations

import openpyxl
import pytest

from hljgis.gui import context_menus
from hljgis.io import read_file


@pytest.fixture
def window(make_main_window):
    return make_main_window()


def _choose(monkeypatch, ext, path, encoding=None, selected=None):
    from hljgis.gui.dialogs.save_features_dialog import SaveFeaturesDialog

    def exec_(self):
        self.set_format(ext)
        if encoding:
            self.encoding_box.setCurrentIndex(self.encoding_box.findData(encoding))
        if selected is not None:
            self.selected_check.setChecked(selected)
        self.path_edit.setText(str(path))
        return True

    monkeypatch.setattr(SaveFeaturesDialog, "exec", exec_)


def test_selected_cities_as_gbk_shapefile_read_back_in_chinese(window, tmp_path, monkeypatch):
    layer = window.session.project.layer("cities")
    layer.selection = [1]
    _choose(monkeypatch, ".shp", tmp_path / "cities", encoding="GBK", selected=True)
    out = context_menus.save_layer_as(window, "cities")
    assert out == tmp_path / "cities.shp"
    assert (tmp_path / "cities.cpg").read_text().strip() == "GBK"
    raw = (tmp_path / "cities.dbf").read_bytes()
    expected = list(layer.gdf["name_zh"].iloc[[1]])
    assert all(name.encode("gbk") in raw for name in expected)
    [back] = read_file(out)
    assert list(back.gdf["name_zh"]) == expected


def test_whole_layer_as_xlsx(window, tmp_path, monkeypatch):
    _choose(monkeypatch, ".xlsx", tmp_path / "c.xlsx", selected=False)
    context_menus.save_layer_as(window, "cities")
    rows = list(openpyxl.load_workbook(tmp_path / "c.xlsx").active.values)
    cities = window.session.project.layer("cities").gdf
    assert len(rows) == 2 + len(cities)
    assert {"lon", "lat", "name_zh"} <= set(rows[0])


def test_dialog_offers_encoding_for_shapefiles_only(qtbot, window):
    from hljgis.gui.dialogs.save_features_dialog import SaveFeaturesDialog

    layer = window.session.project.layer("cities")
    layer.selection = []
    dialog = SaveFeaturesDialog(layer)
    qtbot.addWidget(dialog)
    assert not dialog.selected_check.isEnabled()
    assert not dialog.encoding_box.isEnabled()
    dialog.set_format(".shp")
    assert dialog.encoding_box.isEnabled()
    assert [dialog.encoding_box.itemData(i) for i in range(3)] == ["UTF-8", "GBK", "GB18030"]
    assert dialog.options()["path"].endswith("cities.shp")
    assert dialog.options()["selected_only"] is False
