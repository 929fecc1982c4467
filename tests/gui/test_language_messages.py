"""Core messages (progress, import notes, errors) and the status bar in the UI language,
and a runtime switch that re-renders the status bar, Identify and map labels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from hljgis.core.errors import MissingCRSError
from hljgis.gui.i18n import set_language
from hljgis.gui.messages import error_text, translate_message
from tests.gui.test_main_window import make_main_window  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("user_dir")


def test_core_messages_fill_the_chinese_template_with_their_parts(qapp):
    set_language("zh")
    try:
        assert translate_message("ranked 40 of 52 sites") == "已排序 40 个地块（共 52 个）"
        assert translate_message("criterion distance to rail") == "准则 distance to rail"
        assert translate_message("row 20,000 of 80,000") == "第 20,000 行，共 80,000 行"
        assert translate_message("Buffer: preparing the inputs") == "缓冲区：正在准备输入"
        assert translate_message("text encoding gb18030; points from columns x / y") == \
            "文本编码 gb18030；点位取自列 x / y"
        err = error_text(MissingCRSError("/data/parcels.shp"))
        assert err.startswith("/data/parcels.shp 没有坐标参考系") and "EPSG:4490" in err
        assert translate_message("something the catalogue never heard of") == \
            "something the catalogue never heard of"
    finally:
        set_language("en")
    assert translate_message("ranked 40 of 52 sites") == "ranked 40 of 52 sites"


def _identify_hegang(window, qtbot):
    window.set_tool("identify")
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton,
                     pos=window.canvas.to_pixel(130.4, 47.5).toPoint())


def test_status_bar_and_identify_follow_a_language_switch(make_main_window, qtbot):  # noqa: F811
    window = make_main_window()
    _identify_hegang(window, qtbot)
    bar = window.statusBar()
    assert bar.currentMessage().startswith("Identified features in")
    tree = window.identify_panel
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "Cities" in titles
    feature = tree.topLevelItem(titles.index("Cities")).child(0)
    assert feature.text(0) == "Hegang"
    fields = [feature.child(i).text(0) for i in range(feature.childCount())]
    assert "Population 2015 (thousand)" in fields

    window.switch_language("zh")
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("识别到要素"), timeout=3000)
    qtbot.waitUntil(lambda: tree.topLevelItem(0).text(0) != titles[0], timeout=3000)
    titles_zh = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    feature = tree.topLevelItem(titles_zh.index("城市")).child(0)
    assert feature.text(0) == "鹤岗"
    fields = [feature.child(i).text(0) for i in range(feature.childCount())]
    assert "2015年人口（千人）" in fields and "Population 2015 (thousand)" not in fields


def test_map_labels_follow_a_language_switch(make_main_window, qtbot):  # noqa: F811
    """The canvas labels a name_zh-styled layer in English in the English UI, in Chinese
    after a switch: the label pixels change."""
    window = make_main_window()
    cities = window.session.project.layer("cities")
    style = dict(cities.style)
    style["labels"] = {"enabled": True, "field": "name_zh", "size_pt": 14, "color": "#ff00ff",
                       "halo_width_mm": 0}
    window.session.set_layer_property("cities", "style", style)
    assert window.canvas.wait_for_render()

    def magenta():
        img = window.canvas.grab().toImage()
        w, h = img.width(), img.height()
        ptr = img.constBits()
        a = np.frombuffer(ptr, np.uint8, count=img.bytesPerLine() * h).reshape(h, -1)
        px = a[:, : w * 4].reshape(h, w, 4)  # BGRA
        mask = (px[..., 2] > 200) & (px[..., 0] > 200) & (px[..., 1] < 80)
        return mask

    en = magenta()
    assert en.sum() > 50
    window.switch_language("zh")
    qtbot.waitUntil(lambda: window.canvas.wait_for_render() and
                    (magenta() != en).sum() > 50, timeout=5000)
