"""File > Export dialogs: each writes a real file through the exporter the CLI uses."""

from __future__ import annotations

import re

import pytest

from tests.export._common import bundled

pypdf = pytest.importorskip("pypdf")
openpyxl = pytest.importorskip("openpyxl")

#: A CDN or any http(s) link the browser would fetch (folium's defaults are jsdelivr etc.).
NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*https?:|"""
                     r"""cdn\.|jsdelivr|unpkg|cdnjs""", re.IGNORECASE)


@pytest.fixture(scope="module")
def project():
    return bundled()


def _one(dialog, box_name: str, keys) -> None:
    dialog.set_checked(getattr(dialog, box_name), keys)


def test_atlas_dialog_writes_a_pdf_page_per_city_and_a_table(qtbot, project, tmp_path):
    from hljgis.gui.dialogs.export_dialogs import AtlasDialog

    dialog = AtlasDialog(project)
    qtbot.addWidget(dialog)
    _one(dialog, "scenarios", ["sme-space"])
    _one(dialog, "cities", ["Qitaihe", "Jixi"])
    dialog.dpi_box.setValue(72)
    dialog.lang_box.setCurrentIndex(dialog.lang_box.findData("zh"))
    dialog.path_edit.setText(str(tmp_path / "annex"))  # the .pdf is added
    result = dialog.export()
    assert result is not None
    out = tmp_path / "annex.pdf"
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 2 + 1
    texts = [p.extract_text() for p in reader.pages]
    assert "七台河" in texts[1] and "鸡西" in texts[0]  # Jixi first: the list's order
    report = dialog.report.toPlainText()
    assert "Wrote" in report and "3 pages" in report and not dialog.report.isHidden()
    assert dialog.ranking_messages(["sme-space"], ["Jixi", "Qitaihe"]) == [
        "Ranking Jixi 鸡西 (sme-space), 1 of 2", "Ranking Qitaihe 七台河 (sme-space), 2 of 2"]


def test_atlas_dialog_without_a_city_explains_and_writes_nothing(qtbot, project, tmp_path,
                                                                monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from hljgis.gui.dialogs.export_dialogs import AtlasDialog

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    dialog = AtlasDialog(project)
    qtbot.addWidget(dialog)
    _one(dialog, "cities", [])
    dialog.path_edit.setText(str(tmp_path / "x.pdf"))
    assert dialog.export() is None
    assert shown and "no city is ticked" in shown[0] and "Tick at least one city" in shown[0]
    assert not (tmp_path / "x.pdf").exists()


def test_score_cards_dialog_writes_pdf_csv_xlsx(qtbot, project, tmp_path):
    from hljgis.gui.dialogs.export_dialogs import ScoreCardsDialog

    dialog = ScoreCardsDialog(project)
    qtbot.addWidget(dialog)
    _one(dialog, "scenarios", ["sme-space"])
    _one(dialog, "cities", ["Qitaihe"])
    dialog.per_city.setValue(2)
    dialog.dpi_box.setValue(72)
    dialog.path_edit.setText(str(tmp_path / "cards.pdf"))
    out = dialog.export()
    assert out is not None
    assert len(pypdf.PdfReader(str(tmp_path / "cards.pdf")).pages) == 2
    rows = list(openpyxl.load_workbook(tmp_path / "cards.xlsx").active.values)
    assert rows[0][0] == "map_ref" and rows[1][0] == "图号"
    assert [r[0] for r in rows[2:]] == ["A.1-1", "A.1-2"]
    assert (tmp_path / "cards.csv").is_file()


@pytest.mark.parametrize("kind", ["AtlasDialog", "ScoreCardsDialog"])
def test_ranking_exports_refuse_an_empty_scenario_list(qtbot, project, tmp_path, kind):
    from hljgis.core.errors import InputError
    from hljgis.gui.dialogs import export_dialogs

    dialog = getattr(export_dialogs, kind)(project)
    qtbot.addWidget(dialog)
    _one(dialog, "scenarios", [])
    dialog.path_edit.setText(str(tmp_path / "x.pdf"))
    with pytest.raises(InputError, match="no scenario is ticked"):
        dialog.check()
    _one(dialog, "scenarios", ["sme-space"])
    dialog.check()  # one scenario and the four cities: fine
    assert dialog.options()["cities"] == ["Hegang", "Jixi", "Qitaihe", "Shuangyashan"]


def test_webmap_dialog_writes_offline_html(qtbot, project, tmp_path):
    from hljgis.gui.dialogs.export_dialogs import WebMapDialog

    dialog = WebMapDialog(project)
    qtbot.addWidget(dialog)
    dialog.scenario_box.setCurrentIndex(dialog.scenario_box.findData("sme-space"))
    dialog.city_box.setCurrentIndex(dialog.city_box.findData("Qitaihe"))
    dialog.font_check.setChecked(False)
    dialog.path_edit.setText(str(tmp_path / "map.html"))
    out = dialog.export()
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert out == tmp_path / "map.html"
    assert "L.map" in text or "leaflet" in text.lower()
    assert "选址排序" in text  # the ranking layer's Chinese title
    assert not NETWORK.findall(text)


def test_progress_cancel_stops_between_cities_and_writes_nothing(qtbot, tmp_path):
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

    from hljgis.gui.background import Cancelled, run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    reached = threading.Event()
    out = tmp_path / "never.txt"

    def work(progress):
        for i in range(200):
            progress(i / 200, f"city {i}")
            reached.set()
            threading.Event().wait(0.02)
        out.write_text("done")

    def press_cancel():
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QProgressDialog) and w.isVisible()]
        if dialogs:
            dialogs[0].findChild(QPushButton).click()  # as the planner does
        else:
            QTimer.singleShot(50, press_cancel)

    QTimer.singleShot(100, press_cancel)
    with pytest.raises(Cancelled):
        run_with_progress(parent, "working", work, show_after_ms=0)
    assert reached.is_set() and not out.exists()


def test_project_menu_has_the_export_submenu(qtbot, tmp_path, monkeypatch):
    from hljgis.gui.dialogs.export_dialogs import WebMapDialog
    from hljgis.gui.i18n import set_language
    from hljgis.gui.main_window import MainWindow

    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    win = MainWindow(lang="en")
    qtbot.addWidget(win)
    texts = [a.text() for a in win.export_menu.actions()]
    assert texts == ["Atlas (PDF)...", "Site score cards (PDF, XLSX)...",
                     "Web map (offline HTML)...", "Save features as..."]
    assert win.export_menu.menuAction() in win.menuBar().actions()[0].menu().actions()
    set_language("zh")  # not switch_language: that writes the tester's QSettings
    win.retranslate()
    try:
        assert win.export_menu.title() == "导出"
        assert win.actions_by_key["export_atlas"].text() == "图集（PDF）..."
    finally:
        set_language("en")
    dialog = win.export_webmap()
    assert isinstance(dialog, WebMapDialog) and dialog.isVisible()
    dialog.close()


def test_an_engine_error_is_shown_not_raised(qtbot, project, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    import hljgis.export.webmap as webmap
    from hljgis.gui.dialogs.export_dialogs import WebMapDialog

    def broken(*a, **k):
        raise KeyError("layer 'parks' is missing")

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[1:3]))
    monkeypatch.setattr(webmap, "build_webmap", broken)
    dialog = WebMapDialog(project)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "m.html"))
    assert dialog.export() is None
    assert shown == [("Export failed", "\"layer 'parks' is missing\"")]
    assert not (tmp_path / "m.html").exists()
