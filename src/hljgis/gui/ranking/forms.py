"""Small pieces the builder's forms share: a text box that reports when editing ends, a
layer picker over the project's layers, enumerated combos with translated labels, and the
binding of one form field to one draft edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from hljgis.analysis.scenario import ScenarioError
from hljgis.gui.i18n import current_language, tr


class TextBox(QPlainTextEdit):
    """A few lines of text (a rationale) that emit ``editingFinished`` on leaving."""

    editingFinished = Signal()  # noqa: N815 - Qt's spelling, as QLineEdit's

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(3 * self.fontMetrics().lineSpacing() + 12)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.editingFinished.emit()
        super().focusOutEvent(event)


class ChoiceBox(QComboBox):
    """A combo over fixed values, each shown by its translated label."""

    def __init__(self, choices: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.choices = dict(choices)
        for value in self.choices:
            self.addItem("", value)
        self.retranslate()

    def retranslate(self) -> None:
        for i in range(self.count()):
            self.setItemText(i, tr(self.choices[self.itemData(i)]))

    def set_value(self, value) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(value)))
        self.blockSignals(False)

    def value(self):
        return self.currentData()


def layer_label(project, name: str) -> str:
    """A layer's title in the interface language, with its table name when they differ."""
    if not name:
        return ""
    try:
        layer = project.layer(name)
    except KeyError:
        return f"{name} ({tr('missing')})"
    title = layer.display_title(current_language()) if hasattr(layer, "display_title") \
        else layer.title
    return title if title == name else f"{title} – {name}"


class LayerBox(QComboBox):
    """The project's layers of the kinds ``accept(layer)`` allows, by title; an empty first
    entry when ``empty`` names what no layer means (e.g. "the site itself")."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumContentsLength(14)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def fill(self, project, accept: Callable[[object], bool], current: str | None,
             empty: str | None = None) -> None:
        self.blockSignals(True)
        self.clear()
        if empty is not None:
            self.addItem(tr(empty), "")
        elif not current:  # a new criterion or rule: nothing chosen yet, and it shows
            self.addItem(tr("(choose a layer)"), "")
        for layer in project.layers:
            if accept(layer):
                self.addItem(layer_label(project, layer.name), layer.name)
        if current and self.findData(current) < 0:  # a layer the project lacks: say so
            self.addItem(layer_label(project, current), current)
        self.setCurrentIndex(max(0, self.findData(current or "")))
        self.blockSignals(False)

    def value(self) -> str:
        return self.currentData() or ""


def is_vector(layer) -> bool:
    return hasattr(layer, "gdf")


def is_raster(layer) -> bool:
    return not hasattr(layer, "gdf")


def is_area_or_point(layer) -> bool:
    """Polygon or point layers (what candidate sites can be)."""
    if not is_vector(layer):
        return False
    kind = str(getattr(layer, "geometry_type", "")).lower()
    return any(k in kind for k in ("polygon", "point"))


def apply(edit: Callable[[], None], report: Callable[[str], None]) -> bool:
    """Run one draft edit; a refusal is reported (the draft's message names the field)."""
    return attempt(edit, report) is not None


def attempt(edit: Callable[[], Any], report: Callable[[str], None]) -> Any:
    """Run one draft edit and give what it returns (True for None, e.g. the row of an
    added criterion); None when it was refused and reported."""
    try:
        out = edit()
    except (ScenarioError, ValueError) as exc:
        report(str(exc))
        return None
    return True if out is None else out
