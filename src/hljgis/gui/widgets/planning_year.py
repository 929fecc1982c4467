"""The "Planning year" box of the main toolbar (issue #13): the one year the subsidence
status, the map, legend, attribute table, ranking and exports follow.

The box only binds to the session: a change calls ``Session.set_planning_year`` (one undo
step, project unsaved) and the box follows ``planning_year_changed`` (undo, redo, another
widget) and a newly opened project, with its signals blocked so nothing loops.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from hljgis.core.subsidence import planning_year

#: Years a planner may choose (the scenario reader accepts 1900-2100).
YEAR_RANGE = (1990, 2100)


class PlanningYearBox(QWidget):
    """A labelled year spin box bound to ``session``'s planning year."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.action: QAction | None = None  # the Project menu item, once installed
        self.label = QLabel()
        self.spin = QSpinBox()
        self.spin.setRange(*YEAR_RANGE)
        self.spin.setKeyboardTracking(False)  # typing 2035 is one change, not four
        self.spin.setAccelerated(True)
        self.label.setBuddy(self.spin)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 6, 0)
        row.addWidget(self.label)
        row.addWidget(self.spin)
        self.spin.valueChanged.connect(self._on_spin_changed)
        session.events.planning_year_changed.connect(self._on_year_changed)
        session.events.project_changed.connect(self._on_project_changed)
        self.retranslate()
        self._show(planning_year(session.project))

    @classmethod
    def install(cls, window) -> PlanningYearBox:
        """Put a box in ``window``'s status bar and a "Planning year..." item in its Project
        menu that jumps to it. The status bar, not the main toolbar: that toolbar already
        overflows at 1200 px (its last actions sit behind the >> button), and a year hidden
        there is a year the planner never finds; the status bar shows it at any width."""
        box = cls(window.session, window)
        window.statusBar().insertPermanentWidget(0, box)
        box.action = QAction(window)
        box.action.triggered.connect(box.focus_year)
        menu = next((m for m, title in getattr(window, "_menus", ()) if title == "&Project"),
                    None)
        if menu is not None:
            save = getattr(window, "actions_by_key", {}).get("save")
            menu.insertAction(save, box.action) if save else menu.addAction(box.action)
        box.retranslate()
        return box

    def focus_year(self) -> None:
        """Give the year box the keyboard, its year selected for typing over."""
        self.spin.setFocus()
        self.spin.selectAll()

    def retranslate(self) -> None:
        self.label.setText(self.tr("Planning year"))
        self.spin.setToolTip(self.tr(
            "Year the subsidence status is shown for: map, legend, attribute table, "
            "new ranking scenarios and exports follow it (undoable)"))
        if self.action is not None:
            self.action.setText(self.tr("Planning year..."))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show(self, year: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(int(year))
        self.spin.blockSignals(False)

    def _on_spin_changed(self, year: int) -> None:
        self.session.set_planning_year(int(year))

    def _on_year_changed(self, year: int) -> None:
        self._show(year)

    def _on_project_changed(self, project) -> None:
        self._show(planning_year(project))
