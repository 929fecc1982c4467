"""Ranking dock, group AHP: renaming a member (button, double-click in the CR list)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from hljgis.analysis import load_scenario
from tests.gui.ranking_support import chinese, open_panel

M1 = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
M2 = np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
BAD = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])  # CR far above 0.10


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


# ---------------------------------------------------------------------- group members


def group_of_two(panel) -> None:
    """First three criteria in use, group AHP with members M1 'member 1', M2 'Hegang bureau'."""
    from hljgis.gui.ranking.models import CriteriaModel

    for r in range(3, panel.criteria.rowCount()):
        assert panel.criteria.setData(panel.criteria.index(r, CriteriaModel.USE),
                                      Qt.CheckState.Unchecked.value,
                                      Qt.ItemDataRole.CheckStateRole)
    panel.weights_group.group_radio.setChecked(True)
    panel.draft.members[0]["matrix"][:3, :3] = M1
    assert panel.weights_group.add_member("Hegang bureau", M2) == 1
    assert panel.draft.member_names()[1] == "Hegang bureau"


def cr_names(panel) -> list[str]:
    m = panel.weights_group.members
    return [m.index(r, m.NAME).data() for r in range(m.rowCount())]


def no_dialog(monkeypatch, answer=None) -> list:
    """Patch QInputDialog.getText: record the call, answer ``(text, ok)`` (fail if None)."""
    asked = []

    def get_text(*args, **kwargs):
        asked.append((args, kwargs))
        assert answer is not None, "no dialog expected"
        return answer

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def test_rename_member_is_saved_and_shown(qtbot, panel, monkeypatch, tmp_path):
    from hljgis.analysis import group_ahp

    group_of_two(panel)
    assert panel.weights_group.rename_member(1, "  鹤岗市发改委 ")
    assert panel.draft.member_names() == ["member 1", "鹤岗市发改委"]
    assert panel.weights_group.member_box.itemText(1) == "鹤岗市发改委"
    assert panel.weights_group.member_box.currentIndex() == 1
    assert cr_names(panel)[:2] == ["member 1", "鹤岗市发改委"]
    assert "鹤岗市发改委" in panel.status.text() and "Hegang bureau" in panel.status.text()
    # the matrices stay with their members: same weights as before
    np.testing.assert_allclose(panel.draft.matrix_in_use(1), M2)
    np.testing.assert_allclose(panel.weights_group.group_result.weights,
                               group_ahp([M1, M2]).weights)

    sc = panel.edited_scenario()
    assert sc.weights.members == ["member 1", "鹤岗市发改委"]
    np.testing.assert_allclose(sc.weights.matrices[1], M2)
    assert list(sc.resolve_weights()[1]["member_cr"]) == ["member 1", "鹤岗市发改委"]
    assert panel.save_to_project("workshop") == "workshop"
    assert panel.session.project.scenarios["workshop"]["weights"]["members"] == [
        "member 1", "鹤岗市发改委"]
    back = load_scenario(panel.export_json(str(tmp_path / "workshop.json")))
    assert back.weights.members == ["member 1", "鹤岗市发改委"]
    np.testing.assert_allclose(back.weights.matrices[1], M2)
    panel.select_scenario("sme-space")
    panel.select_scenario("workshop")
    assert panel.draft.member_names() == ["member 1", "鹤岗市发改委"]

    # an inconsistent member is flagged under its new name
    assert panel.weights_group.add_member("outlier", BAD) == 2
    assert panel.weights_group.rename_member(2, "七台河专家")
    assert panel.weights_group.members.flagged() == ["七台河专家"]
    assert "七台河专家" in panel.weights_group.weight_report.text() and "outlier" not in (
        panel.weights_group.weight_report.text())


@pytest.mark.parametrize(("name", "message"), [
    ("", "cannot be empty"),
    ("   ", "cannot be empty"),
    ("member 1", "already has this name"),
    (" member 1 ", "already has this name"),
])
def test_rename_refuses_empty_and_taken_names(panel, name, message):
    group_of_two(panel)
    report = panel.weights_group.weight_report.text()
    assert not panel.weights_group.rename_member(1, name)
    assert message in panel.status.text()
    assert panel.status.styleSheet() == "color: #c62828;"
    assert panel.draft.member_names() == ["member 1", "Hegang bureau"]
    assert cr_names(panel)[:2] == ["member 1", "Hegang bureau"]
    assert panel.weights_group.weight_report.text() == report
    assert panel.edited_scenario().weights.members == ["member 1", "Hegang bureau"]
    assert panel.weights_group.rename_member(1, "Hegang bureau")  # its own name: nothing to do


def test_rename_button_asks_for_the_name(panel, monkeypatch):
    group_of_two(panel)
    panel.weights_group.member_box.setCurrentIndex(0)
    asked = no_dialog(monkeypatch, ("鹤岗市自然资源局", True))
    panel.weights_group.rename_member_button.click()
    assert len(asked) == 1 and asked[0][1].get("text") == "member 1"  # starts from the old name
    assert panel.draft.member_names() == ["鹤岗市自然资源局", "Hegang bureau"]
    # Cancel leaves the name; a taken name is refused with a message
    no_dialog(monkeypatch, ("anything", False))
    panel.weights_group.rename_member_button.click()
    no_dialog(monkeypatch, ("Hegang bureau", True))
    panel.weights_group.rename_member_button.click()
    assert panel.draft.member_names() == ["鹤岗市自然资源局", "Hegang bureau"]
    assert "already has this name" in panel.status.text()


def test_double_click_in_the_cr_list_renames(qtbot, panel, monkeypatch):
    group_of_two(panel)
    view = panel.weights_group.members_view

    def double_click(row: int) -> None:
        pos = view.visualRect(panel.weights_group.members.index(row, 0)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    asked = no_dialog(monkeypatch, ("鹤岗市发改委", True))
    double_click(1)
    assert len(asked) == 1 and asked[0][1].get("text") == "Hegang bureau"
    assert panel.draft.member_names() == ["member 1", "鹤岗市发改委"]
    assert cr_names(panel)[1] == "鹤岗市发改委"
    no_dialog(monkeypatch, None)  # the combined row is not a member: no dialog
    double_click(2)
    assert panel.draft.member_names() == ["member 1", "鹤岗市发改委"]


def test_rename_in_chinese_and_screenshot(qtbot, panel, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QApplication

    from hljgis.gui.app import use_bundled_font
    from tests.gui import pixels

    use_bundled_font(QApplication.instance())  # as the app does: Chinese, not boxes
    chinese(panel)
    panel.select_scenario("place-making")
    group_of_two(panel)
    assert panel.weights_group.rename_member_button.text() == "重命名..."
    assert not panel.weights_group.rename_member(0, "Hegang bureau")
    assert panel.status.text().startswith("已有成员使用此名称")
    panel.resize(560, 1100)
    panel.tabs.widget(0).ensureWidgetVisible(panel.weights_group.members_view)
    qtbot.wait(50)
    name = panel.weights_group.members.NAME
    before = pixels.cell(panel.weights_group.members_view, 1, name)
    assert panel.weights_group.rename_member(1, "鹤岗市发改委")
    assert panel.status.text().startswith("成员已重命名")
    assert cr_names(panel) == ["成员 1", "鹤岗市发改委", "综合（几何平均）"]
    qtbot.wait(50)
    path = tmp_path / "ranking_zh.png"
    assert panel.grab().save(str(path))
    # the member's cell shows the new name: redrawn, and written in full
    after = pixels.cell(panel.weights_group.members_view, 1, name)
    assert after.shape == before.shape and after.size
    assert pixels.changed(before, after) > 50, pixels.changed(before, after)
    assert pixels.ink(after) > 150, pixels.ink(after)
