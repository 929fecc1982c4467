"""Qt item models of the ranking dock: criteria being edited, ranked results, small tables.

Each model reads plain data in place (scenario dicts, the result GeoDataFrame) so a 300,000
cell ranking opens instantly and the table never holds a second copy of the results.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate

from hljgis.analysis.constraints import localized_reasons
from hljgis.analysis.draft import CONSTRAINT_ACTIONS, ScenarioDraft
from hljgis.analysis.scenario import ScenarioError
from hljgis.analysis.transforms import TRANSFORMS
from hljgis.gui.i18n import current_language, tr
from hljgis.gui.ranking.texts import (
    TRANSFORM_NAMES,
    UNIT_ZH,
    city_text,
    constraint_label,
    constraint_reason,
    constraint_rule,
    criterion_rationale,
    criterion_title,
    layer_title_zh,
    listed,
    params_to_text,
    punct,
    site_type_text,
    text_to_params,
    transform_params_text,
    unit_text,
)

__all__ = [  # the texts are re-exported: the dock and its tests read them here
    "ACTION_NAMES",
    "BAR_ROLE",
    "DISPLAY",
    "TRANSFORM_NAMES",
    "UNIT_ZH",
    "BarDelegate",
    "ConstraintActionDelegate",
    "ConstraintsModel",
    "CriteriaModel",
    "DraftModel",
    "FixedColumnsModel",
    "FrameModel",
    "MembersModel",
    "ResultsModel",
    "TransformKindDelegate",
    "city_text",
    "constraint_label",
    "constraint_reason",
    "constraint_rule",
    "criterion_rationale",
    "criterion_title",
    "layer_title_zh",
    "listed",
    "params_to_text",
    "punct",
    "site_type_text",
    "text_to_params",
    "transform_params_text",
    "unit_text",
]

#: Item-data role holding a 0..1 fraction that :class:`BarDelegate` draws as a bar.
BAR_ROLE = int(Qt.ItemDataRole.UserRole) + 7
DISPLAY = Qt.ItemDataRole.DisplayRole


class BarDelegate(QStyledItemDelegate):
    """Draws ``BAR_ROLE`` (0..1) as a pale bar behind the cell text: weights at a glance."""

    color = QColor("#f6c28b")

    def paint(self, painter, option, index) -> None:
        value = index.data(BAR_ROLE)
        if value is not None and np.isfinite(value) and value > 0:
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(option.rect, option.palette.highlight())
            r = QRectF(option.rect).adjusted(1, 3, -1, -3)
            r.setWidth(r.width() * min(1.0, float(value)))
            painter.fillRect(r, self.color)
            option.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, option, index)


class TransformKindDelegate(QStyledItemDelegate):
    """Combo of transform kinds."""

    def createEditor(self, parent, option, index):  # noqa: N802
        box = QComboBox(parent)
        for kind in TRANSFORMS:
            box.addItem(tr(TRANSFORM_NAMES.get(kind, kind)), kind)
        return box

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


# ----------------------------------------------------------------------------- criteria


class FixedColumnsModel(QAbstractTableModel):
    """A flat table whose columns are fixed: ``HEADERS`` (translated when shown), optional
    header tooltips ``HEADER_TIPS`` (column -> text), and one row per item of :meth:`rows`."""

    HEADERS: tuple[str, ...] = ()
    HEADER_TIPS: dict[int, str] = {}  # noqa: RUF012 - read-only class data

    def rows(self):
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == DISPLAY:
                return tr(self.HEADERS[section])
            if role == Qt.ItemDataRole.ToolTipRole and section in self.HEADER_TIPS:
                return tr(self.HEADER_TIPS[section])
        return None


class DraftModel(FixedColumnsModel):
    """A table over part of a :class:`~hljgis.analysis.draft.ScenarioDraft`: it redraws
    when the draft says that part changed, and turns a refused edit into ``rejected``."""

    edited = Signal()
    rejected = Signal(str)
    PARTS: tuple[str, ...] = ()

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        super().__init__(parent)
        self.draft = draft
        self._count = len(self.rows())
        draft.events.changed.connect(self._on_draft_changed)

    def _on_draft_changed(self, what: str) -> None:
        if what != "all" and what not in self.PARTS:
            return
        if len(self.rows()) != self._count or what == "all":
            self.beginResetModel()
            self._count = len(self.rows())
            self.endResetModel()
        elif self._count:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._count - 1, len(self.HEADERS) - 1))

    def _try(self, edit, label: str = "") -> bool:
        """Run one draft edit; a refusal is reported (``rejected``) instead of raised."""
        try:
            edit()
        except ScenarioError as exc:
            self.rejected.emit(f"{label}{punct(': ') if label else ''}{exc}")
            return False
        self.edited.emit()
        return True


class CriteriaModel(DraftModel):
    """The draft's criteria: use, weight, share, transform, parameters, unit.

    With AHP or group AHP the weights come from the matrices and the weight column is
    read-only. Edits go to the draft (which checks them); a refused edit is reported.

    Signals
    -------
    edited()
        An edit was applied.
    rejected(str)
        An edit was refused; the message says why (e.g. bad transform parameters).
    """

    USE, WEIGHT, SHARE, TRANSFORM, PARAMS, UNIT = range(6)
    HEADERS = ("Criterion", "Weight", "Share", "Transform", "Parameters", "Unit")
    HEADER_TIPS = {  # noqa: RUF012 - read-only class data
        SHARE: "Normalised weight: the share of the score this criterion decides"}
    PARTS = ("criteria", "weights")

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        self._weights = None
        super().__init__(draft, parent)

    def _on_draft_changed(self, what: str) -> None:
        self._weights = None
        super()._on_draft_changed(what)

    @property
    def criteria(self) -> list[dict]:
        return self.draft.criteria

    @property
    def enabled(self) -> list[bool]:
        return self.draft.enabled

    def enabled_criteria(self) -> list[dict]:
        return [c for c, on in zip(self.criteria, self.enabled, strict=True) if on]

    def weights_state(self):
        """The draft's resolved weights (cached until the draft changes)."""
        if self._weights is None:
            self._weights = self.draft.weights()
        return self._weights

    def shares(self) -> np.ndarray:
        """Normalised weight of each criterion (0 for unused ones)."""
        return self.weights_state().shares

    def matrix_weights(self) -> bool:
        return self.draft.method != "direct"

    # -- Qt --------------------------------------------------------------------------------
    def rows(self):
        return self.draft.criteria

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        if col == self.USE:
            return f | Qt.ItemFlag.ItemIsUserCheckable
        if col == self.WEIGHT and not self.matrix_weights():
            return f | Qt.ItemFlag.ItemIsEditable
        if col in (self.TRANSFORM, self.PARAMS):
            return f | Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=DISPLAY):
        c = self.criteria[index.row()]
        col = index.column()
        on = self.enabled[index.row()]
        spec = c.get("transform", {})
        if role == DISPLAY or role == Qt.ItemDataRole.EditRole:
            if col == self.USE:
                return criterion_title(c)
            if col == self.WEIGHT:
                if self.matrix_weights():
                    return tr("AHP") if on else ""
                w = float(c.get("weight", 1.0))
                return w if role == Qt.ItemDataRole.EditRole else f"{w:g}"
            if col == self.SHARE:
                return f"{100 * self.shares()[index.row()]:.1f} %" if on else "–"
            if col == self.TRANSFORM:
                kind = spec.get("kind", "")
                return kind if role == Qt.ItemDataRole.EditRole else tr(
                    TRANSFORM_NAMES.get(kind, kind))
            if col == self.PARAMS:
                return transform_params_text(spec)
            if col == self.UNIT:
                return unit_text(c.get("unit", ""))
        if role == Qt.ItemDataRole.CheckStateRole and col == self.USE:
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == BAR_ROLE and col == self.SHARE and on:
            return float(self.shares()[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.USE:
                return (f"<b>{criterion_title(c)}</b>{punct(' (')}{c['name']}, {c.get('kind')}"
                        f"{', ' + c['layer'] if c.get('layer') else ''}{punct(')')}<br>"
                        f"{criterion_rationale(c)}")
            if col == self.PARAMS:
                hint = tr("Edit as name=value, separated by commas, e.g. lo=0, hi=15000, "
                          "benefit=false")
                return f"{self.data(index)}\n{hint}"
            if col == self.WEIGHT and self.matrix_weights():
                return tr("Weights come from the AHP matrix; switch to direct weights to type "
                          "them")
        if role == Qt.ItemDataRole.ForegroundRole and not on:
            return QBrush(QColor("#9e9e9e"))
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row, col = index.row(), index.column()
        c = self.criteria[row]
        draft = self.draft
        if role == Qt.ItemDataRole.CheckStateRole and col == self.USE:
            on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(
                value, bool) else value
            if not on and self.enabled[row] and sum(self.enabled) <= 1:
                self.rejected.emit(tr("At least one criterion must stay in use"))
                return False
            return self._try(lambda: draft.set_enabled(row, bool(on)))
        if role != Qt.ItemDataRole.EditRole:
            return False
        if col == self.WEIGHT:
            return self._try(lambda: draft.set_weight(row, value), tr("Weight"))
        if col == self.TRANSFORM:
            if str(value) == c["transform"].get("kind"):
                return False
            return self._try(lambda: draft.set_transform_kind(row, str(value)),
                             criterion_title(c))
        if col == self.PARAMS:
            try:
                params = text_to_params(str(value))
            except ValueError as exc:
                self.rejected.emit(f"{criterion_title(c)}{punct(': ')}{exc}")
                return False
            return self._try(lambda: draft.set_transform(
                row, {"kind": c["transform"]["kind"], **params}), criterion_title(c))
        return False


# ------------------------------------------------------------------------------ results


def _fmt_number(v, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA:
        return ""
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    if isinstance(v, float | np.floating):
        return f"{float(v):,.{digits}f}"
    return str(v)


class ResultsModel(QAbstractTableModel):
    """Ranked sites best first, then the excluded ones with their reason.

    ``position(row)`` gives the row's position in ``result.gdf`` (= in the result layer).
    """

    BASE = ("Rank", "Site", "City", "Type", "Score")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result = None
        #: A layer's Chinese title by its table name, for the "Type" of a layer's sites.
        self.layer_title: Callable[[str], str] | None = None
        #: A city's Chinese name by its English one (the panel gives the project's bookmark
        #: titles, 鸡西市; None: the catalogue's names, 鸡西).
        self.city_title: Callable[[str], str] | None = None
        self.order = np.zeros(0, dtype=np.int64)
        self.columns: list[tuple[str, Callable[[int], object], str]] = []

    def set_result(self, result, order: np.ndarray | None = None) -> None:
        """Show ``result``; ``order``: its sites in table order when the caller has it
        (:func:`~hljgis.analysis.aggregate.rank_order`), else sorted here."""
        self.beginResetModel()
        self.result = result
        self.columns = []
        if result is None:
            self.order = np.zeros(0, dtype=np.int64)
            self.endResetModel()
            return
        g = result.gdf
        site = g["site_id"].astype(str).to_numpy()
        named = "site_name_zh" if current_language() == "zh" else "site_name"
        if named in g.columns:  # "Parcel 17, Taoshan District" (older results: id + name)
            site = g[named].fillna("").astype(str).to_numpy()
        elif "name_zh" in g.columns or "name" in g.columns:
            nm = g["name_zh" if "name_zh" in g.columns else "name"].fillna("").astype(str)
            site = np.where(nm.to_numpy() != "", site + " " + nm.to_numpy(), site)
        city = g["city"].fillna("").astype(str)
        stype = g["site_type"].fillna("").astype(str)
        if current_language() == "zh":
            cities = {c: city_text(c, self.city_title) for c in city.unique()}
            city = city.map(cities)
            types = {t: site_type_text(t, self.layer_title) for t in stype.unique()}
            stype = stype.map(types)
        self._identity = (site, city.to_numpy(), stype.to_numpy())
        self._bind_scores(result, order)
        self.endResetModel()

    def update_scores(self, result, order: np.ndarray) -> None:
        """Show a re-score of the result on show (a live edit): its scores, ranks, notes
        and order, keeping the sites' names, cities and types (the same identity column,
        so nothing is rebuilt: at a million sites this costs a few ms, and the view only
        reads the rows it shows). Falls back to :meth:`set_result` for a result of
        another run."""
        inputs = getattr(result, "inputs", None)  # shared by the re-scores of one run
        if (self.result is None or inputs is None or inputs is not self.result.inputs
                or len(result.gdf) != len(self.result.gdf)):
            self.set_result(result, order)
            return
        self.beginResetModel()
        self.result = result
        self._bind_scores(result, order)
        self.endResetModel()

    def _bind_scores(self, result, order: np.ndarray | None) -> None:
        """The columns that follow the scores, read per shown row from the frame."""
        g = result.gdf
        site, city, stype = self._identity
        rank = g["rank"].to_numpy(dtype=float, na_value=np.nan)
        if order is None:
            key = np.where(np.isnan(rank), np.inf, rank)
            order = np.argsort(key, kind="stable")
        self.order = order
        score = g["score"].to_numpy(dtype=float)
        texts = [g[c].array for c in ("exclusion_reason", "penalty") if c in g.columns]
        zh = current_language() == "zh"
        localized: dict[str, str] = {}

        def note(p: int) -> str:
            # the results hold English reasons; each distinct text is translated once
            for column in texts:
                text = column[p]
                if isinstance(text, str) and text:
                    if not zh:
                        return text
                    if text not in localized:
                        localized[text] = localized_reasons(text, result.scenario, "zh")
                    return localized[text]
            return ""

        self.columns = [
            ("Rank", lambda p: "" if np.isnan(rank[p]) else f"{int(rank[p])}", ""),
            ("Site", lambda p: site[p], ""),
            ("City", lambda p: city[p], ""),
            ("Type", lambda p: stype[p], ""),
            ("Score", lambda p: _fmt_number(score[p]), ""),
        ]
        if "rank_min" in g.columns:
            lo = g["rank_min"].to_numpy(dtype=float)
            hi = g["rank_max"].to_numpy(dtype=float)
            ptop = [c for c in g.columns if c.startswith("p_top_")]
            self.columns.append(("Rank range", lambda p: "" if np.isnan(lo[p])
                                 else f"{int(lo[p])}–{int(hi[p])}",
                                 tr("Best and worst rank over the Monte Carlo weight runs")))
            if ptop:
                pk = g[ptop[0]].to_numpy(dtype=float)
                k = ptop[0].removeprefix("p_top_")
                self.columns.append((f"P(top {k})", lambda p: "" if np.isnan(pk[p])
                                     else f"{100 * pk[p]:.0f} %",
                                     tr("Share of weight runs in which the site stays in the "
                                        "top k")))
        self.columns.append(("Excluded / note", note, ""))
        self._excluded = g["excluded"].to_numpy(dtype=bool)

    def position(self, row: int) -> int:
        return int(self.order[row])

    def row_of(self, position: int) -> int:
        hits = np.flatnonzero(self.order == position)
        return int(hits[0]) if len(hits) else -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            name, _, tip = self.columns[section]
            if role == DISPLAY:
                if name.startswith("P(top "):
                    return tr("P(top k)").replace("k", name[6:-1])
                return tr(name)
            if role == Qt.ItemDataRole.ToolTipRole and tip:
                return tip
        elif role == DISPLAY:
            return str(section + 1)
        return None

    def data(self, index, role=DISPLAY):
        p = int(self.order[index.row()])
        if role == DISPLAY:
            return self.columns[index.column()][1](p)
        if role == Qt.ItemDataRole.ForegroundRole and self._excluded[p]:
            return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class FrameModel(QAbstractTableModel):
    """A small read-only DataFrame (explain and comparison tables) with formatted columns.

    ``columns`` is a list of (column, header, formatter or None); ``bar`` names a column whose
    value divided by ``bar_max`` is drawn as a bar.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.columns: list[tuple[str, str, Callable | None]] = []
        self.bar: str | None = None
        self.bar_max = 1.0
        self.tooltips: str | None = None

    def set_frame(self, frame: pd.DataFrame, columns, bar: str | None = None,
                  tooltips: str | None = None) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.columns = list(columns)
        self.bar = bar
        self.tooltips = tooltips
        if bar is not None and len(frame):
            m = np.nanmax(np.abs(pd.to_numeric(frame[bar], errors="coerce").to_numpy(float)))
            self.bar_max = float(m) if np.isfinite(m) and m > 0 else 1.0
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return tr(self.columns[section][1])
        return None

    def data(self, index, role=DISPLAY):
        col, _, fmt = self.columns[index.column()]
        v = self.frame.iloc[index.row()][col]
        if role == DISPLAY:
            return fmt(v) if fmt else _fmt_number(v)
        if role == Qt.ItemDataRole.UserRole:
            return v
        if role == BAR_ROLE and col == self.bar:
            try:
                return abs(float(v)) / self.bar_max
            except (TypeError, ValueError):
                return None
        if role == Qt.ItemDataRole.ToolTipRole and self.tooltips:
            tip = self.frame.iloc[index.row()][self.tooltips]
            return str(tip) if isinstance(tip, str) and tip else None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
                v, int | float | np.number):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


ACTION_NAMES = {"exclude": "Exclude", "multiply": "Penalty ×", "subtract": "Penalty −"}


class ConstraintActionDelegate(QStyledItemDelegate):
    """Combo: exclude the site, or keep it with a score × factor or score − amount."""

    def createEditor(self, parent, option, index):  # noqa: N802
        box = QComboBox(parent)
        for action in CONSTRAINT_ACTIONS:
            box.addItem(tr(ACTION_NAMES[action]), action)
        return box

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ConstraintsModel(DraftModel):
    """The draft's constraints: name, rule, reason, and exclude ↔ penalty per constraint.

    Shows ``draft.constraints`` (plain dicts); edits go to the draft. The "Reason" column
    shows and edits the reason in the interface language (``reason_zh`` in Chinese, which
    falls back to the English ``reason`` until one is typed). The "Constraint" column shows
    the constraint's short title (``title_zh`` in Chinese; the internal name when it has no
    title, and in the tooltip) and in Chinese the "Rule" names the layer by its Chinese
    title (``layer_title``). The "Action" column
    switches a constraint between excluding the sites it hits and keeping them with a
    penalty (score × factor, or score − amount); the "Penalty" column edits that factor or
    amount (read-only while the constraint excludes).

    Signals
    -------
    edited()
    rejected(str)
    """

    NAME, RULE, REASON, ACTION, VALUE = range(5)
    HEADERS = ("Constraint", "Rule", "Reason", "Action", "Penalty")
    HEADER_TIPS = {  # noqa: RUF012 - read-only class data
        ACTION: "Exclude the sites this rule hits, or keep them with a lower score"}

    PARTS = ("constraints",)

    def __init__(self, draft: ScenarioDraft, parent=None) -> None:
        super().__init__(draft, parent)
        #: A layer's Chinese title by its table name, for the rule in Chinese (the panel
        #: reads it from the project; None keeps the table names).
        self.layer_title: Callable[[str], str] | None = None

    @property
    def constraints(self) -> list[dict]:
        return self.draft.constraints

    @staticmethod
    def action(c: dict) -> str:
        return ScenarioDraft.constraint_action(c)

    def set_action(self, row: int, action: str, value: float | None = None) -> bool:
        """Exclude (``"exclude"``) or penalise (``"multiply"``/``"subtract"``) one constraint."""
        ok = self.setData(self.index(row, self.ACTION), action)
        if ok and value is not None and action != "exclude":
            ok = self.setData(self.index(row, self.VALUE), value)
        return ok

    def row_of(self, name: str) -> int:
        names = [c.get("name") for c in self.constraints]
        return names.index(name) if name in names else -1

    # -- Qt --------------------------------------------------------------------------------
    def rows(self):
        return self.draft.constraints

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        c = self.constraints[index.row()]
        if col in (self.REASON, self.ACTION):
            return f | Qt.ItemFlag.ItemIsEditable
        if col == self.VALUE and self.action(c) != "exclude":
            return f | Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=DISPLAY):
        c = self.constraints[index.row()]
        col = index.column()
        action = self.action(c)
        if role in (DISPLAY, Qt.ItemDataRole.EditRole):
            if col == self.NAME:
                return constraint_label(c)
            if col == self.RULE:
                return constraint_rule(c, self.layer_title)
            if col == self.REASON:
                return constraint_reason(c)
            if col == self.ACTION:
                return action if role == Qt.ItemDataRole.EditRole else tr(ACTION_NAMES[action])
            if col == self.VALUE:
                v = float(c.get("penalty_value", 0.5))
                if role == Qt.ItemDataRole.EditRole:
                    return v
                if action == "exclude":
                    return "–"
                return f"×{v:g}" if action == "multiply" else f"−{v:g}"
        if role == Qt.ItemDataRole.ToolTipRole:
            rule = constraint_rule(c, self.layer_title)
            label, name = constraint_label(c), c.get("name", "")
            head = f"<b>{label}</b>" + (punct(" (") + name + punct(")") if label != name
                                        else "")
            tip = f"{head}{punct(': ')}{rule}<br>{c.get('rationale', '')}"
            if col == self.REASON:
                tip += "".join(f"<br>{label}{colon}{c[key]}" for key, label, colon in (
                    ("reason", "English", ": "), ("reason_zh", "中文", "：")) if c.get(key))
            if col == self.VALUE:
                tip += "<br>" + tr("Factor 0..1 the score is multiplied by, or the amount "
                                   "subtracted from it")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION:
            return QBrush(QColor("#c62828" if action == "exclude" else "#b26a00"))
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        c = self.constraints[row]
        label = constraint_label(c)
        draft = self.draft
        if col == self.REASON:
            return self._try(lambda: draft.set_constraint_reason(row, str(value),
                                                                 current_language()), label)
        if col == self.ACTION:
            if str(value) not in CONSTRAINT_ACTIONS:
                self.rejected.emit(tr("Unknown constraint action") + punct(": ") + f"{value}")
                return False
            return self._try(lambda: draft.set_constraint_action(row, str(value)), label)
        if col == self.VALUE:
            try:
                v = float(str(value).replace(",", ".").lstrip("×x−-"))
            except ValueError:
                self.rejected.emit(tr("A penalty must be a number") + punct(": ") + f"{value}")
                return False
            return self._try(lambda: draft.set_constraint_action(row, self.action(c), v), label)
        return False


# ---------------------------------------------------------------------------- group AHP


class MembersModel(FixedColumnsModel):
    """Group AHP: each member's consistency ratio, then the combined (geometric mean) row.

    ``set_group(names, group, titles, max_cr)`` takes a
    :class:`~hljgis.analysis.weights.GroupAHPResult`; a member whose CR is above ``max_cr``
    is shown in red and flagged (``flagged()``), the combined row in bold.
    """

    NAME, CR, STATUS = range(3)
    HEADERS = ("Member", "CR", "Consistency")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.crs: list[float] = []
        self.weights: list[np.ndarray] = []
        self.titles: list[str] = []
        self.max_cr = 0.10

    def set_group(self, names, group, titles, max_cr: float) -> None:
        self.beginResetModel()
        if group is None:
            self.names, self.crs, self.weights = list(names), [np.nan] * len(names), []
        else:
            self.names = [*names, tr("Combined (geometric mean)")]
            self.crs = [float(r.cr) for r in group.members] + [float(group.cr)]
            self.weights = [np.asarray(r.weights) for r in group.members] + [
                np.asarray(group.weights)]
        self.titles = list(titles)
        self.max_cr = float(max_cr)
        self.endResetModel()

    def flagged(self) -> list[str]:
        """Members (not the combined row) whose CR is above the limit."""
        return [n for n, cr in zip(self.names[:-1], self.crs[:-1], strict=True)
                if cr > self.max_cr]

    def rows(self):
        return self.names

    def data(self, index, role=DISPLAY):
        r, col = index.row(), index.column()
        cr = self.crs[r] if r < len(self.crs) else np.nan
        combined = bool(self.weights) and r == len(self.names) - 1
        bad = np.isfinite(cr) and cr > self.max_cr
        if role == DISPLAY:
            if col == self.NAME:
                return self.names[r]
            if col == self.CR:
                return f"{cr:.3f}" if np.isfinite(cr) else "?"
            if col == self.STATUS:
                if not np.isfinite(cr):
                    return tr("invalid matrix")
                return (f"> {self.max_cr:.2f} " + tr("too inconsistent") if bad
                        else "≤ " + f"{self.max_cr:.2f} " + tr("consistent enough"))
        if role == Qt.ItemDataRole.ForegroundRole and bad:
            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.FontRole and combined:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and r < len(self.weights):
            w = self.weights[r]
            return "<br>".join(f"{t}: {100 * x:.1f} %" for t, x in zip(
                self.titles, w, strict=False))
        return None
