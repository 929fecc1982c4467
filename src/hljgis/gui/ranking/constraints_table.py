"""The ranking dock's constraints box: the table sized so long names, rules and reasons
wrap instead of being cut off, and adding or removing a constraint.

A mixin of :class:`~hljgis.gui.ranking.panel.RankingPanel`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTextBoundaryFinder, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from hljgis.gui.i18n import tr
from hljgis.gui.ranking.constraint_editor import ConstraintEditor
from hljgis.gui.ranking.constraints_model import (
    ACTION_NAMES,
    ConstraintActionDelegate,
    ConstraintsModel,
)


def _widest_unbreakable(fm, text: str) -> int:
    """Width of the longest piece of ``text`` a word-wrapping cell cannot break (Qt's line
    breaking: between words, between any two Chinese characters, brackets kept on)."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    widest, start = 0, 0
    while (end := finder.toNextBoundary()) >= 0:
        widest = max(widest, fm.horizontalAdvance(text[start:end].rstrip()))
        start = end
    return widest


class ConstraintsTable:
    """Builds the constraints box and keeps its columns and rows fitted to their text."""

    def _build_constraints(self) -> None:
        """The constraints box: a table that wraps long texts, add and remove, the form."""
        # constraints: exclude the sites a rule hits, or keep them with a penalty
        self.constraints_group = QGroupBox()
        self.constraints = ConstraintsModel(self.draft, self)
        self.constraints.layer_title = self._layer_title_zh
        self.constraints_view = QTableView()
        self.constraints_view.setModel(self.constraints)
        self.constraints_view.verticalHeader().hide()
        # long names, rules and reasons wrap onto more lines instead of being cut off: the
        # action and penalty fit their text, the name and rule take what they need up to a
        # share of the width (_size_constraint_columns), the reason the rest
        self.constraints_view.setWordWrap(True)
        self.constraints_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.constraints_view.setItemDelegateForColumn(
            ConstraintsModel.ACTION, ConstraintActionDelegate(self.constraints_view))
        self.constraints_view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        ch = self.constraints_view.horizontalHeader()
        ch.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        ch.setSectionResizeMode(ConstraintsModel.REASON, QHeaderView.ResizeMode.Stretch)
        ch.moveSection(ConstraintsModel.ACTION, ConstraintsModel.RULE)  # action beside name
        ch.moveSection(ConstraintsModel.VALUE, ConstraintsModel.RULE + 1)
        # refits wait for the event loop: the header reports a stretched section's new size
        # before the section has it
        self._fit_rows_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_rows_timer.timeout.connect(self._fit_constraint_rows)
        self._fit_columns_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_columns_timer.timeout.connect(self._size_constraint_columns)
        ch.sectionResized.connect(lambda *_: self._fit_rows_timer.start())
        self.constraints.dataChanged.connect(lambda *_: self._fit_rows_timer.start())
        self.constraints_view.viewport().installEventFilter(self)
        self.constraints_note = QLabel()
        self.constraints_note.setWordWrap(True)
        self.constraints_note.setStyleSheet("color: #555555;")
        self.constraints_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.constraints_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.add_constraint_button = QPushButton()
        self.remove_constraint_button = QPushButton()
        self.constraint_editor = ConstraintEditor(self.draft, lambda: self.session.project)
        self.constraint_editor.setVisible(False)
        cbar = QHBoxLayout()
        cbar.addWidget(self.add_constraint_button)
        cbar.addWidget(self.remove_constraint_button)
        cbar.addStretch(1)
        cl = QVBoxLayout(self.constraints_group)
        cl.addWidget(self.constraints_view)
        cl.addLayout(cbar)
        cl.addWidget(self.constraint_editor)
        cl.addWidget(self.constraints_note)

    def _fit_constraints(self) -> None:
        """Show every constraint row (there are few); the table hides when there are none
        (the box stays, to add one)."""
        n = self.constraints.rowCount()
        self.constraints_view.setVisible(n > 0)
        self.remove_constraint_button.setEnabled(n > 0)
        row = self.constraint_editor.row
        if n and not 0 <= row < n:
            self.constraints_view.selectRow(min(max(row, 0), n - 1))
        elif not n:
            self._on_constraint_row_changed(-1)
        self._size_constraint_columns()

    def _size_constraint_columns(self) -> None:
        """Column widths of the constraints table: action and penalty fit their text (the
        action also its editor's combo); the name and the rule take their text's width (all
        of it when every text fits on one line, else up to 30 % and 38 % of the rest, the
        rule less to leave the reason a quarter, but none less than its longest word), the
        reason the rest; long texts wrap instead of being cut off. Then the rows fit their
        text."""
        view, m = self.constraints_view, self.constraints
        fm = view.fontMetrics()
        for col in (ConstraintsModel.ACTION, ConstraintsModel.VALUE):
            view.resizeColumnToContents(col)
        combo = max(fm.horizontalAdvance(tr(t)) for t in ACTION_NAMES.values()) + 32
        if view.columnWidth(ConstraintsModel.ACTION) < combo:  # room for the editor's combo
            view.setColumnWidth(ConstraintsModel.ACTION, combo)
        rest = view.viewport().width() - view.columnWidth(
            ConstraintsModel.ACTION) - view.columnWidth(ConstraintsModel.VALUE)
        header = view.horizontalHeader()
        need, least = {}, {}
        for col in (ConstraintsModel.NAME, ConstraintsModel.RULE, ConstraintsModel.REASON):
            texts = [str(m.index(r, col).data() or "") for r in range(m.rowCount())]
            need[col] = max([fm.horizontalAdvance(t) + 14 for t in texts] +
                            [header.sectionSizeFromContents(col).width()])
            least[col] = max([60] + [_widest_unbreakable(fm, t) + 14 for t in texts])
        name, rule, reason = ConstraintsModel.NAME, ConstraintsModel.RULE, ConstraintsModel.REASON
        if sum(need.values()) <= rest:  # every text on one line
            widths = {name: need[name], rule: need[rule]}
        else:  # the reason keeps a quarter of the width at least, the rule gives way first
            n = max(min(need[name], int(0.30 * rest)), least[name])
            r = min(need[rule], int(0.38 * rest),
                    rest - n - max(least[reason], int(0.25 * rest)))
            widths = {name: n, rule: max(r, least[rule])}
        for col, width in widths.items():
            view.setColumnWidth(col, width)
        self._fit_constraint_rows()

    def _fit_constraint_rows(self) -> None:
        """Rows as tall as their wrapped text, and the table as tall as its rows."""
        view = self.constraints_view
        view.resizeRowsToContents()
        rows = sum(view.rowHeight(r) for r in range(self.constraints.rowCount()))
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
                            + max(rows, view.verticalHeader().defaultSectionSize()) + 2)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Resize and watched is self.constraints_view.viewport()
                and event.size().width() != event.oldSize().width()):
            self._fit_columns_timer.start()
        return super().eventFilter(watched, event)

    def add_constraint(self, data: dict | None = None) -> int | None:
        """Add a constraint (by default: sites stay outside the first polygon layer's
        features; the form then edits it); returns its row."""
        if data is None:
            layers = [layer.name for layer in self.session.project.layers
                      if "polygon" in str(getattr(layer, "geometry_type", "")).lower()]
            if not layers:
                self._say(self.tr("The project has no polygon layer for a constraint"),
                          error=True)
                return None
            data = {"name": "constraint", "kind": "outside", "layer": layers[0],
                    "reason": f"overlaps {layers[0]}", "title": "New constraint",
                    "title_zh": "新约束"}
        row = self._draft_edit(lambda: self.draft.add_constraint(data))
        if row is not None:
            self.constraints_view.selectRow(row)
            self._on_constraint_row_changed(row)
        return row

    def remove_constraint(self, row: int | None = None) -> bool:
        row = self.constraint_editor.row if row is None else row
        return self._draft_edit(lambda: self.draft.remove_constraint(row)) is not None

    def _on_constraint_row_changed(self, row: int) -> None:
        self.constraint_editor.set_row(row)
        self.constraint_editor.setVisible(row >= 0)
