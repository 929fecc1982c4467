"""The processing toolbox dialog: pick a tool, fill the form built from its specs, run it
on a plain Python thread with progress and cancel, and add the result through the session
(so Undo removes it).

The form is generated from :data:`hljgis.processing.TOOLS`: one editor per parameter kind
(:data:`EDITORS`), layer pickers listing the project's vector layers of the right geometry,
field pickers following their layer. Nothing here knows a particular tool.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.text import is_zh
from hljgis.gui.i18n import current_language
from hljgis.gui.messages import translate_message
from hljgis.processing import FAMILIES, TOOLS, Cancelled, run_tool
from hljgis.processing.specs import Param, Tool

POLL_MS = 50


class Editor:
    """One parameter's widget with a uniform ``value()`` / ``refresh(project)``."""

    def __init__(self, param: Param, widget: QWidget, get: Callable[[], Any],
                 refresh: Callable[[Any, dict], None] | None = None) -> None:
        self.param = param
        self.widget = widget
        self._get = get
        self._refresh = refresh

    def value(self) -> Any:
        return self._get()

    def refresh(self, project, editors: dict[str, Editor]) -> None:
        if self._refresh is not None:
            self._refresh(project, editors)


def _layer_editor(p: Param) -> Editor:
    box = QComboBox()
    box.setMinimumContentsLength(28)

    def refresh(project, editors) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        lang = current_language()
        for layer in project.layers:
            if not isinstance(layer, VectorLayer):
                continue
            if p.geometry and layer.geometry_type not in p.geometry:
                continue
            box.addItem(f"{layer.display_title(lang)}  ({layer.name})", layer.name)
        i = box.findData(current)
        if i < 0 and box.count():
            # a second layer parameter starts on another layer than the first one
            taken = {e.value() for e in editors.values()
                     if e.param.kind == "layer" and e.param is not p}
            free = [k for k in range(box.count()) if box.itemData(k) not in taken]
            i = free[0] if free else 0
        box.setCurrentIndex(i)
        box.blockSignals(False)

    return Editor(p, box, box.currentData, refresh)


def _fields_of(editors: dict[str, Editor], project, p: Param) -> list[str]:
    name = editors[p.layer].value() if p.layer in editors else None
    if not name or name not in project:
        return []
    gdf = project.layer(name).gdf
    return [c for c in gdf.columns if c != gdf.geometry.name]


def _field_editor(p: Param) -> Editor:
    box = QComboBox()

    def refresh(project, editors) -> None:
        current = box.currentData()
        box.clear()
        if not p.required:
            box.addItem("—", None)
        for f in _fields_of(editors, project, p):
            box.addItem(f, f)
        i = box.findData(current)
        box.setCurrentIndex(max(0, i))

    return Editor(p, box, box.currentData, refresh)


def _check_list(values: list[tuple[str, str]]) -> QListWidget:
    view = QListWidget()
    view.setMaximumHeight(96)
    for value, label in values:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        view.addItem(item)
    return view


def _checked(view: QListWidget) -> list[str]:
    return [view.item(i).data(Qt.ItemDataRole.UserRole) for i in range(view.count())
            if view.item(i).checkState() == Qt.CheckState.Checked]


def _fields_editor(p: Param) -> Editor:
    view = _check_list([])

    def refresh(project, editors) -> None:
        keep = set(_checked(view))
        view.clear()
        for f in _fields_of(editors, project, p):
            item = QListWidgetItem(f)
            item.setData(Qt.ItemDataRole.UserRole, f)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if f in keep else Qt.CheckState.Unchecked)
            view.addItem(item)

    return Editor(p, view, lambda: _checked(view), refresh)


def _choices_editor(p: Param) -> Editor:
    lang = current_language()
    view = _check_list([(c.value, c.label.get(lang)) for c in p.choices])
    view.setMaximumHeight(26 * max(1, len(p.choices)) + 8)
    return Editor(p, view, lambda: _checked(view))


def _number_editor(p: Param) -> Editor:
    spin = QDoubleSpinBox() if p.kind == "number" else QSpinBox()
    if p.kind == "number":
        spin.setDecimals(1)
    spin.setRange(p.minimum if p.minimum is not None else -1e9,
                  p.maximum if p.maximum is not None else 1e9)
    if p.unit:
        spin.setSuffix(f" {p.unit}")
    spin.setValue(p.default or 0)
    spin.setMinimumWidth(140)
    return Editor(p, spin, spin.value)


def _bool_editor(p: Param) -> Editor:
    box = QCheckBox()
    box.setChecked(bool(p.default))
    return Editor(p, box, box.isChecked)


def _choice_editor(p: Param) -> Editor:
    box = QComboBox()
    for c in p.choices:
        box.addItem(c.label.get(current_language()), c.value)
    box.setCurrentIndex(max(0, box.findData(p.default)))
    return Editor(p, box, box.currentData)


def _crs_editor(p: Param) -> Editor:
    from hljgis.gui.dialogs.import_dialog import COMMON_CRS

    box = QComboBox()
    box.setEditable(True)
    for code, label in COMMON_CRS:
        box.addItem(f"{code}  {label}", code)
    box.setCurrentIndex(max(0, box.findData(p.default)))
    return Editor(p, box, lambda: box.currentText().split()[0] if box.currentText() else "")


def _text_editor(p: Param) -> Editor:
    edit = QLineEdit(str(p.default or ""))
    return Editor(p, edit, edit.text)


#: Parameter kind -> editor factory (a table, not an isinstance chain).
EDITORS: dict[str, Callable[[Param], Editor]] = {
    "layer": _layer_editor, "field": _field_editor, "fields": _fields_editor,
    "choices": _choices_editor, "number": _number_editor, "integer": _number_editor,
    "bool": _bool_editor, "choice": _choice_editor, "crs": _crs_editor, "text": _text_editor,
}


class ProcessingDialog(QDialog):
    """Run processing tools on the session's project; results are added undoably.

    Signals
    -------
    layer_added(str) : the name of a result layer just added to the project.
    """

    layer_added = Signal(str)

    def __init__(self, session, parent=None, tool: str = "buffer") -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Processing toolbox"))
        self.resize(860, 560)
        self.tool: Tool = TOOLS[tool]
        self.editors: dict[str, Editor] = {}
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._progress: tuple[float, str] = (0.0, "")
        self._outcome: tuple[str, Any] | None = None
        self._project = None

        self.tool_tree = QTreeWidget()
        self.tool_tree.setHeaderHidden(True)
        self.tool_tree.setMinimumWidth(210)
        self._fill_tools()
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15px; font-weight: bold")
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"))

        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addWidget(self.description_label)
        right.addWidget(self.form_host)
        out_form = QFormLayout()
        self.name_label = QLabel(self.tr("New layer name:"))
        out_form.addRow(self.name_label, self.name_edit)
        right.addLayout(out_form)
        right.addStretch(1)
        right.addWidget(self.progress)
        right.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.run_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        right.addLayout(buttons)
        panel = QWidget()
        panel.setLayout(right)
        split = QSplitter()
        split.addWidget(self.tool_tree)
        split.addWidget(panel)
        split.setStretchFactor(1, 1)
        split.setSizes([230, 630])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._on_poll)
        self.tool_tree.currentItemChanged.connect(self._on_tool_changed)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.session.events.project_changed.connect(self._on_project_changed)
        self._watch(self.session.project)
        self.select_tool(tool)

    # -- tools and form ------------------------------------------------------------------------
    def _fill_tools(self) -> None:
        lang = current_language()
        self._tool_items: dict[str, QTreeWidgetItem] = {}
        self._family_items: dict[str, QTreeWidgetItem] = {}
        for family, title in FAMILIES.items():
            group = QTreeWidgetItem([title.get(lang)])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self._family_items[family] = group
            self.tool_tree.addTopLevelItem(group)
            for tool in (t for t in TOOLS.values() if t.family == family):
                item = QTreeWidgetItem([tool.title.get(lang)])
                item.setData(0, Qt.ItemDataRole.UserRole, tool.name)
                item.setToolTip(0, tool.description.get(lang))
                group.addChild(item)
                self._tool_items[tool.name] = item
        self.tool_tree.expandAll()

    def retranslate(self) -> None:
        """Re-read every text after a language switch, keeping the values entered."""
        lang = current_language()
        self.setWindowTitle(self.tr("Processing toolbox"))
        self.run_button.setText(self.tr("Run"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.close_button.setText(self.tr("Close"))
        self.name_label.setText(self.tr("New layer name:"))
        for family, title in FAMILIES.items():
            self._family_items[family].setText(0, title.get(lang))
        for name, item in self._tool_items.items():
            tool = TOOLS[name]
            item.setText(0, tool.title.get(lang))
            item.setToolTip(0, tool.description.get(lang))
        if self.is_running():
            return
        values = self.values()
        self._build_form(self.tool)
        for name, value in values.items():
            with contextlib.suppress(KeyError):
                self.set_value(name, value)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and self.editors:
            self.retranslate()
        super().changeEvent(event)

    def select_tool(self, name: str) -> None:
        """Show the form of tool ``name``."""
        self.tool_tree.setCurrentItem(self._tool_items[name])
        if self.tool.name != name or not self.editors:
            self._build_form(TOOLS[name])

    def _on_tool_changed(self, item, _previous) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if name and not self.is_running():
            self._build_form(TOOLS[name])

    def _build_form(self, tool: Tool) -> None:
        self.tool = tool
        lang = current_language()
        self.title_label.setText(tool.title.get(lang))
        text = tool.description.get(lang)
        if tool.metric:
            metric = self.session.project.metric_crs()
            text += " " + self.tr("Distances and areas are measured in {crs}.").format(
                crs=f"EPSG:{metric.to_epsg()}" if metric.to_epsg() else metric.name)
        self.description_label.setText(text)
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        for p in tool.params:
            editor = EDITORS[p.kind](p)
            tip = p.help.get(lang)
            if tip:
                editor.widget.setToolTip(tip)
            self.editors[p.name] = editor
            self.form.addRow(p.label.get(lang) + ("：" if is_zh(lang) else ":"),
                             editor.widget)
        for editor in self.editors.values():
            if editor.param.kind == "layer":
                editor.widget.currentIndexChanged.connect(self._on_layer_changed)
            elif editor.param.kind == "choice":
                editor.widget.currentIndexChanged.connect(self._update_enabled)
        self._refresh_editors()
        self._update_enabled()
        self.status.setText("")
        self.progress.setValue(0)

    def _update_enabled(self, *_args) -> None:
        """Grey out parameters that do not matter for the current choices."""
        for editor in self.editors.values():
            cond = editor.param.enabled_when
            if cond is not None and cond[0] in self.editors:
                on = self.editors[cond[0]].value() in cond[1]
                editor.widget.setEnabled(on)
                label = self.form.labelForField(editor.widget)
                if label is not None:
                    label.setEnabled(on)

    def _refresh_editors(self) -> None:
        project = self.session.project
        for editor in self.editors.values():  # layers first: fields follow them
            if editor.param.kind == "layer":
                editor.refresh(project, self.editors)
        for editor in self.editors.values():
            if editor.param.kind != "layer":
                editor.refresh(project, self.editors)
        self._suggest_name()

    def _on_layer_changed(self, *_args) -> None:
        project = self.session.project
        for editor in self.editors.values():
            if editor.param.kind in ("field", "fields"):
                editor.refresh(project, self.editors)
        self._suggest_name()

    def _suggest_name(self) -> None:
        first = self.editors[self.tool.layer_params[0].name].value()
        self.name_edit.setPlaceholderText(
            f"{self.tool.name_prefix or self.tool.name}_{first}" if first else "")

    def values(self) -> dict[str, Any]:
        """The form's values as :func:`hljgis.processing.run_tool` takes them."""
        out = {}
        for name, editor in self.editors.items():
            if not editor.widget.isEnabledTo(self.form_host):
                continue  # greyed out: the tool's default applies
            value = editor.value()
            if value in (None, "", []) and editor.param.kind not in ("number", "integer"):
                continue
            out[name] = value
        return out

    def set_value(self, name: str, value: Any) -> None:
        """Set one parameter's widget (for scripted use and tests)."""
        w = self.editors[name].widget
        if isinstance(w, QComboBox):
            i = w.findData(value)
            if i < 0:
                raise KeyError(f"{value!r} is not offered for {name}")
            w.setCurrentIndex(i)
        elif isinstance(w, QDoubleSpinBox | QSpinBox):
            w.setValue(value)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QListWidget):
            wanted = set(value)
            for i in range(w.count()):
                item = w.item(i)
                item.setCheckState(Qt.CheckState.Checked
                                   if item.data(Qt.ItemDataRole.UserRole) in wanted
                                   else Qt.CheckState.Unchecked)
        else:
            w.setText(str(value))

    # -- project -------------------------------------------------------------------------------
    def _watch(self, project) -> None:
        if self._project is not None:
            self._project.events.layer_added.disconnect(self._on_layers_changed)
            self._project.events.layer_removed.disconnect(self._on_layers_changed)
        self._project = project
        project.events.layer_added.connect(self._on_layers_changed)
        project.events.layer_removed.connect(self._on_layers_changed)

    def _on_project_changed(self, project) -> None:
        self._watch(project)
        self._refresh_editors()

    def _on_layers_changed(self, *_args) -> None:
        self._refresh_editors()

    # -- running -------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self) -> threading.Thread | None:
        """Start the tool on a plain Python thread; the result is added when it is done."""
        if self.is_running():
            return None
        tool, params = self.tool, self.values()
        name = self.name_edit.text().strip() or None
        project = self.session.project
        self._cancel.clear()
        self._outcome = None
        self._progress = (0.0, self.tr("Starting"))

        def progress(fraction: float, message: str) -> None:
            self._progress = (fraction, message)

        def work() -> None:
            try:
                result = run_tool(tool, params, project, name=name, progress=progress,
                                  cancel=self._cancel.is_set)
                self._outcome = ("ok", result)
            except Cancelled:
                self._outcome = ("cancelled", None)
            except InputError as exc:
                self._outcome = ("error", exc)
            except Exception as exc:  # noqa: BLE001 - shown to the planner, not lost
                self._outcome = ("bug", exc)

        self._thread = threading.Thread(target=work, name="hljgis-processing", daemon=True)
        self._set_running(True)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Running") + f" {tool.display_title(current_language())}")
        self._thread.start()
        self._poll.start()
        return self._thread

    def cancel(self) -> None:
        """Ask the running tool to stop at its next check (between chunks)."""
        self._cancel.set()
        self.status.setText(self.tr("Cancelling..."))

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.tool_tree.setEnabled(not running)
        self.form_host.setEnabled(not running)

    def _on_poll(self) -> None:
        fraction, message = self._progress
        self.progress.setValue(round(100 * fraction))
        if self.is_running():
            if not self._cancel.is_set():
                self.status.setText(translate_message(message))
            return
        self._poll.stop()
        self._set_running(False)
        kind, value = self._outcome or ("bug", RuntimeError("the tool ended without a result"))
        if kind == "ok":
            self._finish(value)
        elif kind == "cancelled":
            self.progress.setValue(0)
            self._show(self.tr("Cancelled; nothing was added to the project."), warn=True)
        else:
            self.progress.setValue(0)
            self._show(str(value), warn=True)

    def _finish(self, result) -> None:
        layer = result.layer
        self.session.add_layers([layer])
        lines = [self.tr("Added layer {title} ({n} features). Undo removes it.").format(
            title=layer.display_title(current_language()), n=layer.feature_count)]
        lines += [f"• {n}" for n in result.notes]
        self._show("\n".join(lines), warn=bool(result.notes))
        self.layer_added.emit(layer.name)

    def _show(self, text: str, warn: bool) -> None:
        self.status.setStyleSheet("color: #b35806" if warn else "color: #1a7f37")
        self.status.setText(text)

    def wait(self, timeout: float | None = None) -> None:
        """Block until a running tool ends and its result is handled (scripts, tests)."""
        if self._thread is not None:
            self._thread.join(timeout)
        self._on_poll()

    def done(self, code: int) -> None:
        """Closing (Close, Esc, the window's X) cancels a running tool and disconnects from
        the session."""
        self._cancel.set()
        self._poll.stop()
        if self._project is not None:
            self.session.events.project_changed.disconnect(self._on_project_changed)
            self._project.events.layer_added.disconnect(self._on_layers_changed)
            self._project.events.layer_removed.disconnect(self._on_layers_changed)
            self._project = None
        super().done(code)
