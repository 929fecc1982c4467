"""AHP matrix editor: published weights and CR from typed judgements, mirroring, red CR."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from hljgis.gui.dialogs.ahp_dialog import AHPDialog, parse_judgement, saaty_label
from tests.analysis.test_weights import DRINKS, HOUSE, HOUSE_NAMES


def make(qtbot, names, matrix=None) -> AHPDialog:
    dialog = AHPDialog(list(names), matrix=matrix)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_upper(dialog: AHPDialog, matrix: np.ndarray) -> None:
    """Type every upper-triangle judgement into the table as a planner would (as text)."""
    n = len(matrix)
    for i in range(n):
        for j in range(i + 1, n):
            index = dialog.model.index(i, j)
            assert dialog.model.flags(index) & Qt.ItemFlag.ItemIsEditable
            assert dialog.model.setData(index, saaty_label(matrix[i, j]), Qt.ItemDataRole.EditRole)


def test_saaty_drinks_matrix_gives_published_weights_and_cr(qtbot):
    """Saaty (2008) drinks: coffee .177 wine .019 tea .042 beer .116 soda .190 milk .129
    water .327, CR .022 - typed cell by cell, recomputed live."""
    names = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
    dialog = make(qtbot, names)
    seen = []
    dialog.result_changed.connect(seen.append)
    type_upper(dialog, DRINKS)
    assert len(seen) == 21  # one live update per judgement
    np.testing.assert_allclose(dialog.weights, [0.177, 0.019, 0.042, 0.116, 0.190, 0.129,
                                                0.327], atol=5e-4)
    assert dialog.ahp_result.cr == pytest.approx(0.022, abs=5e-4)
    assert dialog.consistent and dialog.ok_button.isEnabled()
    assert "0.022" in dialog.cr_label.text()
    # the weights table shows the same numbers
    shown = [dialog._weights_model.index(i, 1).data() for i in range(7)]
    assert shown[-1] == "32.7 %"


def test_lower_triangle_mirrors_and_is_read_only(qtbot):
    dialog = make(qtbot, ["a", "b", "c"])
    model = dialog.model
    model.setData(model.index(0, 2), "5")
    assert model.index(2, 0).data() == "1/5"
    assert model.index(2, 0).data(Qt.ItemDataRole.UserRole) == pytest.approx(0.2)
    assert not model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(1, 1)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(2, 0), "3")  # lower cells cannot be typed into
    model.setData(model.index(0, 1), "1/3")
    assert model.index(1, 0).data() == "3"
    assert dialog.matrix()[1][0] == pytest.approx(3.0)
    assert not model.setData(model.index(0, 1), "-2")  # refused, unchanged
    assert not model.setData(model.index(0, 1), "abc")
    assert model.index(0, 1).data() == "1/3"


def test_consistent_matrix_gives_exact_ratios(qtbot):
    dialog = make(qtbot, ["a", "b", "c"])
    dialog.set_judgement(0, 1, 2)
    dialog.set_judgement(0, 2, 4)
    dialog.set_judgement(1, 2, 2)
    np.testing.assert_allclose(dialog.weights, [4 / 7, 2 / 7, 1 / 7], rtol=1e-9)
    assert dialog.ahp_result.cr == pytest.approx(0.0, abs=1e-9)


def test_inconsistent_house_matrix_is_flagged_red_with_the_pair_named(qtbot):
    """Saaty (1990) house example: CR 0.169 > 0.10, worst pair neighbourhood vs condition."""
    dialog = make(qtbot, HOUSE_NAMES)
    type_upper(dialog, HOUSE)
    assert dialog.ahp_result.cr == pytest.approx(0.169, abs=5e-4)
    assert not dialog.consistent
    assert not dialog.ok_button.isEnabled()
    assert "0.169" in dialog.cr_label.text()
    assert "c62828" in dialog.cr_label.styleSheet()  # red
    pair_text = dialog.pair_label.text()
    assert "neighborhood" in pair_text and "general condition" in pair_text
    assert dialog.model.worst == (2, 6)
    assert dialog.model.index(2, 6).data(Qt.ItemDataRole.BackgroundRole) is not None
    dialog.accept()  # refused while inconsistent
    assert dialog.isVisible() and dialog.result() == AHPDialog.DialogCode.Rejected
    # revising the named judgement (6 -> 1) brings the CR under the limit
    dialog.set_judgement(2, 6, 1.0)
    assert dialog.ahp_result.cr < 0.169


def test_starting_matrix_and_reset(qtbot):
    m = np.array([[1, 3], [1 / 3, 1]])
    dialog = make(qtbot, ["x", "y"], m)
    np.testing.assert_allclose(dialog.weights, [0.75, 0.25])
    dialog.equal_button.click()
    np.testing.assert_allclose(dialog.weights, [0.5, 0.5])


@pytest.mark.parametrize(("text", "value"), [("3", 3.0), ("1/5", 0.2), (" ５ ", 5.0),
                                             ("0.5", 0.5), ("1／9", 1 / 9)])
def test_parse_judgement(text, value):
    assert parse_judgement(text) == pytest.approx(value)


def test_screenshot(qtbot):
    from tests.gui import pixels

    dialog = make(qtbot, HOUSE_NAMES)
    before = pixels.rgb(dialog)
    type_upper(dialog, HOUSE)
    image = dialog.grab()
    image.save("/tmp/ahp_dialog.png")
    after = pixels.rgb(image.toImage())
    # the typed judgements and their mirrored reciprocals are drawn in the matrix
    matrix = pixels.changed(pixels.crop(before, dialog, dialog.view),
                            pixels.crop(after, dialog, dialog.view))
    assert matrix > 40 * len(HOUSE) * (len(HOUSE) - 1), matrix
    # the weights are drawn as bars; the too-high CR (0.169) is written in red and the most
    # inconsistent pair is tinted in the matrix
    assert pixels.coloured(pixels.crop(after, dialog, dialog.weights_view)) > 1000
    cr = pixels.crop(after, dialog, dialog.cr_label)
    red = (cr[..., 0] > 150) & (cr[..., 1] < 100) & (cr[..., 2] < 100)
    assert red.sum() > 100, red.sum()
    tinted = pixels.crop(after, dialog, dialog.view)
    pink = (tinted[..., 0] > 230) & (tinted[..., 1] < 225) & (tinted[..., 2] < 235) & (
        tinted[..., 0] - tinted[..., 1] > 20)
    assert pink.sum() > 2 * 400, pink.sum()  # two cells of about 70 x 18 px
