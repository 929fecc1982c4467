"""The layout composer (issue #16 point 4): every choice made in the dialog reaches the
exported page (PDF text, PNG pixels), the preview zooms and redraws off the GUI thread, and
templates are kept in the project, undoable, through save and reopen."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from shapely.geometry import box

from hljgis.core.session import Session
from hljgis.io import load_project, save_project
from tests.gui.layout.composer_support import rgb, type_into
from tests.gui.test_main_window import make_main_window  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("user_dir")

pypdf = pytest.importorskip("pypdf")


def drawn(qtbot, dlg) -> None:
    """Ask for a preview now and wait until it is on screen."""
    rid = dlg.update_preview()
    qtbot.waitUntil(lambda: dlg.drawn_request >= rid, timeout=30_000)


def pdf_text(path) -> str:
    text = pypdf.PdfReader(str(path)).pages[0].extract_text()
    return re.sub(r"\s+", " ", text)


def pick(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_pdf_follows_layers_legend_order_texts_city_and_scale(project, make_composer,
                                                               qtbot, tmp_path):
    dlg = make_composer(project)
    t, m = dlg.text, dlg.map
    type_into(t.title_edit, "Composer acceptance map")
    type_into(t.title_zh_edit, "编排器验收图")
    pick(m.extent_box, "place")
    pick(m.place_box, "city:jixi")
    type_into(t.subtitle_edit, "Jixi urban districts")
    type_into(t.subtitle_zh_edit, "鸡西城区")
    type_into(t.review_edit, "GS(2024)0650号")
    t.dpi_box.setValue(150)
    # fitted to Jixi with airports printed, the legend and the notes name them
    first = pdf_text(dlg.export_to(str(tmp_path / "with_airports.pdf")).path)
    assert "Airports 机场" in first
    dlg.layers.set_checked("airports", False)
    dlg.legend.move("rivers", 0)
    dlg.legend.move("expressways", 1)
    m.fixed_radio.setChecked(True)
    m.scale_box.setValue(500_000)
    assert dlg.layout().scale == 500_000
    assert "airports" not in dlg.layout().layers
    result = dlg.export_to(str(tmp_path / "composed.pdf"))
    text = pdf_text(result.path)
    assert "Composer acceptance map" in text and "编排器验收图" in text
    assert "Jixi urban districts" in text and "鸡西城区" in text
    assert "GS(2024)0650" in text and "审图号" in text
    # legend follows the planner's order, top first
    legend = text[text.index("Legend"):]
    assert legend.index("Rivers") < legend.index("Expressways") < \
        legend.index("Coal-mining subsidence zones")
    # the excluded layer: no legend entry and no airport label
    assert "Airports" not in text and "机场" not in text
    # Jixi's extent at the fixed scale: Jixi on the map, Hegang (150 km north) off it
    assert "鸡西" in text and "鹤岗市" not in text
    assert "1:500,000" in text
    assert result.reports[0].scale_denominator == pytest.approx(500_000, rel=1e-3)


def _shares(path, box_frac) -> tuple[float, float]:
    """Shares of the locator's sea blue (#eaf1f6) and of strong red pixels in a box."""
    arr = rgb(QImage(str(path)))
    h, w, _ = arr.shape
    x0, y0, x1, y1 = (int(v) for v in (box_frac[0] * w, box_frac[1] * h, box_frac[2] * w,
                                         box_frac[3] * h))
    part = arr[y0:y1, x0:x1].astype(int)
    sea = (np.abs(part - np.array([234, 241, 246])).max(axis=2) <= 4).mean()
    red = ((part[..., 0] > 170) & (part[..., 1] < 90) & (part[..., 2] < 90)).mean()
    return float(sea), float(red)


def test_png_inset_on_and_off_and_city_extent(project, make_composer, tmp_path):
    dlg = make_composer(project)
    m = dlg.map
    pick(m.extent_box, "place")
    pick(m.place_box, "city:qitaihe")
    dlg.text.dpi_box.setValue(72)
    with_inset = dlg.export_to(str(tmp_path / "inset.png")).path
    m.inset_check.setChecked(False)
    assert dlg.layout().inset is False
    without = dlg.export_to(str(tmp_path / "no_inset.png")).path
    # the sidebar's top quarter: the locator with Qitaihe in red, or nothing red at all
    side = (0.74, 0.1, 0.99, 0.4)
    sea, red = _shares(with_inset, side)
    assert sea > 0.05 and red > 0.0002
    sea, red = _shares(without, side)
    assert sea < 0.001 and red < 0.0001
    # the map frame shows Qitaihe: the page's extent is the city's bookmark, padded
    from hljgis.export.page import page_for

    ext = page_for(project, dlg.layout()).extent
    mark = project.bookmarks["qitaihe"]["bounds"]
    assert ext[0] < mark[0] < mark[2] < ext[2] and ext[1] < mark[1] < mark[3] < ext[3]
    assert (ext[2] - ext[0]) < 1.1 * (mark[2] - mark[0])


def test_district_sites_and_view_extents(project, make_composer):
    from hljgis.core.layer import VectorLayer
    from hljgis.export.page import page_for

    cells = gpd.GeoDataFrame({"score": [0.9, 0.4]},
                             geometry=[box(130.95, 45.75, 130.97, 45.77),
                                       box(131.00, 45.78, 131.02, 45.80)], crs=4490)
    project.add_layer(VectorLayer(cells, "rank_test", title="Ranking: test",
                                  title_zh="选址排序：测试", theme="analysis"))
    view = (130.0, 45.0, 131.0, 46.0)
    dlg = make_composer(project, view_extent=view)
    m = dlg.map
    pick(m.extent_box, "place")
    pick(m.place_box, "district:230902")  # Xinxing district of Qitaihe
    assert dlg.composition.get("extent_choice") == {"kind": "district", "key": "230902"}
    assert dlg.city() == "qitaihe"
    assert dlg.text.subtitle_zh_edit.text() == "新兴区"
    pick(m.extent_box, "sites")
    pick(m.sites_box, "rank_test")
    ext = page_for(project, dlg.layout()).extent
    assert ext[0] < 130.95 and ext[2] > 131.02 and ext[1] < 45.75 and ext[3] > 45.80
    assert ext[2] - ext[0] < 0.4  # fitted to the two sites (20 km at least), not the city
    pick(m.extent_box, "view")
    assert page_for(project, dlg.layout()).extent == view


def test_preview_zooms_pans_and_redraws_sharper(project, make_composer, qtbot):
    dlg = make_composer(project)
    drawn(qtbot, dlg)
    first = dlg.preview.pixmap()
    arr = rgb(first.toImage())
    assert (arr.sum(axis=2) < 600).sum() > 2000  # a page with a map on it, not blank
    width = first.width()
    view = dlg.preview.viewport()
    centre = QPointF(view.width() / 2, view.height() / 2)
    wheel = QWheelEvent(centre, dlg.preview.mapToGlobal(centre.toPoint()).toPointF(),
                        QPoint(0, 0), QPoint(0, 360), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, wheel)
    assert dlg.preview.zoom == pytest.approx(1.25 ** 3)
    assert dlg.preview.horizontalScrollBar().maximum() > 0  # pannable now
    qtbot.waitUntil(lambda: dlg.preview.pixmap().width() > width * 1.5, timeout=30_000)
    dlg.preview.fit()
    assert dlg.preview.zoom == 1.0


def test_typing_refreshes_once_debounced_off_the_gui_thread(project, make_composer, qtbot):
    dlg = make_composer(project)
    drawn(qtbot, dlg)
    before = dlg._request
    for text in ("A", "Ab", "Abc", "Abcd"):
        type_into(dlg.text.title_edit, text)
    assert dlg._request == before  # nothing drawn while typing
    qtbot.waitUntil(lambda: dlg.drawn_request == before + 1, timeout=30_000)
    assert dlg._request == before + 1
    assert "Abcd" in dlg.last_report.texts[0]


def test_templates_undoable_and_kept_through_save_and_reopen(project, make_composer,
                                                             tmp_path):
    session = Session(project)
    dlg = make_composer(session)
    type_into(dlg.text.title_edit, "Template title")
    type_into(dlg.text.review_edit, "GS(2024)0650号")
    pick(dlg.map.extent_box, "place")
    pick(dlg.map.place_box, "city:hegang")
    dlg.map.fixed_radio.setChecked(True)
    dlg.map.scale_box.setValue(400_000)
    dlg.legend.move("towns", 0)
    dlg.layers.set_checked("airports", False)
    assert dlg.save_template("hegang-annex") == "hegang-annex"
    stored = project.layouts["hegang-annex"]
    assert stored["title"] == "Template title" and stored["scale"] == 400_000
    assert stored["extent_choice"] == {"kind": "city", "key": "hegang"}
    assert stored["legend"]["order"][0] == "towns"
    assert dlg.text.template_box.findData("hegang-annex") >= 0
    session.undo()
    assert "hegang-annex" not in project.layouts
    assert dlg.text.template_box.findData("hegang-annex") < 0
    session.redo()
    path = save_project(project, tmp_path / "p.hljgis.gpkg")

    reopened = load_project(path)
    again = make_composer(Session(reopened), layout="hegang-annex")
    assert again.text.title_edit.text() == "Template title"
    assert again.text.review_edit.text() == "GS(2024)0650号"
    assert again.map.fixed_radio.isChecked() and again.map.scale_box.value() == 400_000
    assert again.map.place_box.currentData() == "city:hegang"
    assert again.legend.order()[0] == "towns"
    assert "airports" not in again.layers.printed()
    assert again.delete_template("hegang-annex")
    assert "hegang-annex" not in reopened.layouts
    again.session.undo()
    assert "hegang-annex" in reopened.layouts


def test_fits_1280x720_with_the_page_in_view(project, make_composer, qtbot):
    dlg = make_composer(project)
    hint = dlg.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    drawn(qtbot, dlg)
    shot = rgb(dlg.grab().toImage())
    assert shot.shape[:2] == (720, 1280)
    view = dlg.preview.viewport()
    origin = view.mapTo(dlg, QPoint(0, 0))
    part = shot[origin.y():origin.y() + view.height(), origin.x():origin.x() + view.width()]
    white = (part.min(axis=2) > 245).mean()
    desk = (np.abs(part.astype(int) - 0x8a).max(axis=2) <= 3).mean()
    assert white > 0.35 and desk > 0.05  # the page fills the view, on its grey desk
    assert dlg.preview.horizontalScrollBar().isVisible() is False


def test_preflight_listed_after_the_page_and_follows_the_review_number(
        project, make_composer, qtbot):
    dlg = make_composer(project)
    rid = dlg.update_preview()
    qtbot.waitUntil(lambda: dlg.checked_request >= rid, timeout=30_000)
    lines = [dlg.warnings.item(i).text() for i in range(dlg.warnings.count())]
    assert any("审图号" in line for line in lines)
    type_into(dlg.text.review_edit, "GS(2024)0650号")
    rid = dlg.update_preview()
    qtbot.waitUntil(lambda: dlg.checked_request >= rid, timeout=30_000)
    lines = [dlg.warnings.item(i).text() for i in range(dlg.warnings.count())]
    assert not any("审图号" in line for line in lines)


def test_legend_drag_and_up_down_reorder_the_composition(project, make_composer):
    from PySide6.QtCore import QModelIndex

    dlg = make_composer(project)
    names = dlg.legend.order()
    model = dlg.legend.list.model()
    # what a drag inside the list does: the model moves a row
    assert model.moveRow(QModelIndex(), 3, QModelIndex(), 0)
    assert dlg.legend.order()[0] == names[3]
    assert dlg.composition.get("legend")["order"][0] == names[3]
    dlg.legend.list.setCurrentRow(0)
    dlg.legend.move_current(1)  # the Down button
    assert dlg.composition.get("legend")["order"][:2] == [names[0], names[3]]
    dlg.legend.set_checked(names[0], False)
    assert names[0] in dlg.layout().legend["exclude"]


def test_a_layer_hidden_on_the_map_can_be_chosen_to_print(project, make_composer):
    from hljgis.export.page import legend_layers, page_for

    project.layer("industrial_parks").visible = False
    dlg = make_composer(project)
    assert "industrial_parks" not in dlg.layers.printed()
    dlg.layers.set_checked("industrial_parks", True)
    page = page_for(project, dlg.layout())
    assert "industrial_parks" in [layer.name for layer in page.drawn_layers]
    assert "industrial_parks" in [layer.name for layer in legend_layers(page)]
    assert "industrial_parks" in dlg.legend.order()
    assert project.layer("industrial_parks").visible is False


def test_chinese_layout_lists_chinese_names_and_keeps_the_choices(project, make_composer):
    dlg = make_composer(project)
    dlg.layers.set_checked("airports", False)
    dlg.legend.move("rivers", 0)
    pick(dlg.text.lang_box, "zh")
    assert dlg.layout().lang == "zh"
    assert dlg.legend.list.item(0).text().startswith("河流")
    assert dlg.legend.order()[0] == "rivers"
    assert "airports" not in dlg.layers.printed()


def test_main_window_opens_the_composer_on_its_session_and_view(make_main_window,  # noqa: F811
                                                                monkeypatch):
    from hljgis.gui.layout.composer import LayoutComposer

    window = make_main_window()
    seen = {}

    def fake_exec(dlg):
        seen["view"], seen["session"] = dlg.view_extent, dlg.session
        dlg.save_template("from-window")
        dlg.reject()
        return 0

    monkeypatch.setattr(LayoutComposer, "exec", fake_exec)
    window.open_layout()
    assert seen["session"] is window.session
    assert seen["view"] == tuple(window.canvas.extent)
    assert "from-window" in window.session.project.layouts
    window.session.undo()  # Edit > Undo in the window takes the template back
    assert "from-window" not in window.session.project.layouts


def test_every_composer_string_has_a_chinese_translation():
    """Each literal the composer passes to tr() is in a zh_CN catalogue (issue 16, point 5)."""
    import ast
    import json
    from pathlib import Path

    import hljgis.gui.layout as pkg
    from hljgis.io.bundled import resources_dir

    catalogue = {}
    for path in sorted((resources_dir() / "i18n").glob("zh_CN*.json")):
        catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    literals = set()
    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if (isinstance(node, ast.Call) and getattr(func, "attr", None) == "tr"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                literals.add(node.args[0].value)
    assert len(literals) > 30
    assert sorted(s for s in literals if s not in catalogue) == []


def test_the_composer_speaks_chinese(project, make_composer):
    from hljgis.gui.i18n import set_language

    set_language("zh")
    try:
        dlg = make_composer(project)
        assert dlg.windowTitle() == "布局编辑器"
        tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
        assert tabs[:2] == ["文字与页面", "地图"], tabs
    finally:
        set_language("en")
