"""The ranking dock's choice delegates: the combo offers the codes by name, writes the code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

from hljgis.analysis.draft import CONSTRAINT_ACTIONS
from hljgis.core.transforms import TRANSFORMS
from hljgis.gui.ranking.constraints_model import ACTION_NAMES, ConstraintActionDelegate
from hljgis.gui.ranking.models import TransformKindDelegate


def _edit(delegate, codes, names, qtbot, start, choose):
    parent = QWidget()
    qtbot.addWidget(parent)
    model = QStandardItemModel(1, 1)
    index = model.index(0, 0)
    model.setData(index, start, Qt.ItemDataRole.EditRole)
    box = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert [box.itemData(i) for i in range(box.count())] == list(codes)
    assert [box.itemText(i) for i in range(box.count())] == [names.get(c, c) for c in codes]
    delegate.setEditorData(box, index)
    assert box.currentData() == start
    box.setCurrentIndex(box.findData(choose))
    delegate.setModelData(box, model, index)
    assert model.data(index, Qt.ItemDataRole.EditRole) == choose


def test_constraint_action_delegate(qtbot):
    _edit(ConstraintActionDelegate(), CONSTRAINT_ACTIONS, ACTION_NAMES, qtbot,
          "exclude", "multiply")


def test_transform_kind_delegate(qtbot):
    from hljgis.gui.ranking.texts import TRANSFORM_NAMES

    codes = list(TRANSFORMS)
    _edit(TransformKindDelegate(), codes, TRANSFORM_NAMES, qtbot, codes[0], codes[-1])
