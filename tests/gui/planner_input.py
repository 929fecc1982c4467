"""What a planner's hand does to a widget, for GUI tests: pick a combo entry, type a field.

Each emits the signal the real gesture emits (``activated``, ``editingFinished``), which
``setCurrentIndex`` / ``setText`` alone do not, so handlers run as they do for a person.
"""

from __future__ import annotations


def choose(box, data) -> None:
    """Pick an entry of a combo by its data, as a planner's click would."""
    i = box.findData(data)
    assert i >= 0, (data, [box.itemData(k) for k in range(box.count())])
    box.setCurrentIndex(i)
    box.activated.emit(i)


def type_into(edit, text: str) -> None:
    """Type ``text`` into a line edit and leave it (Enter or focus out)."""
    edit.setText(text)
    edit.editingFinished.emit()
