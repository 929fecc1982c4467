"""Qt item models of the ranking dock: criteria being edited, ranked results, small tables.

Each model reads plain data in place (scenario dicts, the result GeoDataFrame) so a 300,000
cell ranking opens instantly and the table never holds a second copy of the results.
"""

from __future__ import annotations

import json
import re
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
from hljgis.export.atlas import city_titles
from hljgis.gui.i18n import current_language, tr

#: Item-data role holding a 0..1 fraction that :class:`BarDelegate` draws as a bar.
BAR_ROLE = int(Qt.ItemDataRole.UserRole) + 7
DISPLAY = Qt.ItemDataRole.DisplayRole

#: Criterion units in Chinese (the presets use m, share and years; the rest are the units
#: of the thematic schemas and their usual neighbours). Others are shown as they are.
UNIT_ZH = {
    "m": "米", "km": "公里", "share": "比例", "years": "年", "year": "年", "ha": "公顷",
    "m2": "平方米", "km2": "平方公里",
}
TRANSFORM_NAMES = {
    "linear": "Linear", "minmax": "Min–max (data range)", "threshold": "Steps",
    "fuzzy_increasing": "Fuzzy increasing",
    "fuzzy_decreasing": "Fuzzy decreasing", "fuzzy_symmetric": "Fuzzy symmetric",
    "categorical": "Categories",
}


def params_to_text(params: dict) -> str:
    """``lo=0, hi=15000, benefit=false``: readable and editable in one table cell."""
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items())


def transform_params_text(spec: dict) -> str:
    """A transform's parameters as editable text: required ones first, defaults left out."""
    params = {k: v for k, v in spec.items() if k != "kind"}
    kind = TRANSFORMS.get(spec.get("kind"))
    if kind is not None:
        first = {k: params[k] for k in kind.required if k in params}
        rest = {k: v for k, v in params.items()
                if k not in first and kind.optional.get(k, object()) != v}
        params = {**first, **rest}
    return params_to_text(params)


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets and quotes."""
    parts, depth, quote, cur = [], 0, False, []
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "[{":
            depth += 1
        elif not quote and ch in "]}":
            depth -= 1
        if ch in ",，" and depth == 0 and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def text_to_params(text: str) -> dict:
    """Inverse of :func:`params_to_text`; raises ValueError naming the bad part."""
    out = {}
    for part in _split_top(text):
        if "=" not in part:
            raise ValueError(f"'{part}' should look like name=value")
        key, raw = (s.strip() for s in part.split("=", 1))
        low = raw.lower()
        if low in ("true", "false"):
            out[key] = low == "true"
            continue
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw  # a bare word such as shape=s
    return out


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

    def set_result(self, result) -> None:
        self.beginResetModel()
        self.result = result
        self.columns = []
        if result is None:
            self.order = np.zeros(0, dtype=np.int64)
            self.endResetModel()
            return
        g = result.gdf
        rank = g["rank"].to_numpy(dtype=float, na_value=np.nan)
        key = np.where(np.isnan(rank), np.inf, rank)
        self.order = np.argsort(key, kind="stable")
        site = g["site_id"].astype(str).to_numpy()
        if "name_zh" in g.columns or "name" in g.columns:
            nm = g["name_zh" if "name_zh" in g.columns else "name"].fillna("").astype(str)
            site = np.where(nm.to_numpy() != "", site + " " + nm.to_numpy(), site)
        score = g["score"].to_numpy(dtype=float)
        reason = g["exclusion_reason"].fillna("").astype(str).to_numpy()
        penalty = g["penalty"].fillna("").astype(str).to_numpy() if "penalty" in g else reason
        city = g["city"].fillna("").astype(str)
        stype = g["site_type"].fillna("").astype(str)
        if current_language() == "zh":
            # the results hold English reasons; each distinct text is translated once
            reason = localized_reasons(reason, result.scenario, "zh")
            penalty = localized_reasons(penalty, result.scenario, "zh")
            cities = {c: city_text(c, self.city_title) for c in city.unique()}
            city = city.map(cities)
            types = {t: site_type_text(t, self.layer_title) for t in stype.unique()}
            stype = stype.map(types)
        note = np.where(reason != "", reason, penalty)
        city = city.to_numpy()
        stype = stype.to_numpy()
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
        self.columns.append(("Excluded / note", lambda p: note[p], ""))
        self._excluded = g["excluded"].to_numpy(dtype=bool)
        self.endResetModel()

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


# ---------------------------------------------------------------------------- language


def criterion_title(c: dict) -> str:
    """A criterion's title in the interface language (Chinese when the preset has it)."""
    if current_language() == "zh" and c.get("title_zh"):
        return c["title_zh"]
    return c.get("title") or c["name"]


def layer_title_zh(project, name: str) -> str:
    """A project layer's Chinese title; its table name when it has none or is not there."""
    if project is not None and name in project:
        return project.layer(name).title_zh or name
    return name


_CELL_TYPE = re.compile(r"(hex|square) (\S+) m")


def site_type_text(site_type: str, layer_title: Callable[[str], str] | None = None) -> str:
    """A site's ``site_type`` in the interface language.

    Generated cells ("hex 500 m", "square 250 m") become "六边形 500 米" / "正方形 250 米";
    a layer's sites (``site_type`` is the layer's table name) its Chinese title from
    ``layer_title(name)``. English, and anything else, is returned as it is.
    """
    if current_language() != "zh" or not site_type:
        return site_type
    m = _CELL_TYPE.fullmatch(site_type)
    if m:
        return tr(f"{m[1]} {{size}} m").format(size=m[2])
    return (layer_title(site_type) if layer_title is not None else "") or site_type


#: ASCII punctuation that joins texts, and its full-width form in Chinese text.
_FULL_WIDTH = {": ": "：", ", ": "，", "; ": "；", ". ": "。", ".": "。", " (": "（", "(": "（",
               ")": "）"}


def punct(mark: str) -> str:
    """Punctuation joining texts in the interface language: ``punct(": ")`` is ": " in
    English and "：" in Chinese (likewise ", " "; " ". " " (" ")"; the full-width marks carry
    their own spacing)."""
    return _FULL_WIDTH.get(mark, mark) if current_language() == "zh" else mark


def listed(items) -> str:
    """Names listed in the interface language: "a, b" / "a、b"."""
    return ("、" if current_language() == "zh" else ", ").join(str(i) for i in items)


def unit_text(unit: str) -> str:
    """A criterion's unit in the interface language: 米, 比例, 年 ... in Chinese (a unit
    without a Chinese name as it is), English as it is."""
    if current_language() != "zh" or not unit:
        return unit
    return UNIT_ZH.get(unit, unit)


def city_text(city: str, city_title: Callable[[str], str] | None = None) -> str:
    """A site's city in the interface language: in Chinese ``city_title(city)`` (the panel
    gives the project's bookmark title, 鸡西市, as the Explain header shows it), else the
    catalogue's name; English, and an empty city, as they are."""
    if current_language() != "zh" or not city:
        return city
    if city_title is not None:
        return city_title(city) or city
    return city_titles(None, city)[1]


def constraint_reason(c: dict) -> str:
    """A constraint's reason in the interface language (English when no Chinese text)."""
    if current_language() == "zh" and c.get("reason_zh"):
        return c["reason_zh"]
    return c.get("reason", "")


def criterion_rationale(c: dict) -> str:
    """A criterion's rationale in the interface language (English when no Chinese text)."""
    if current_language() == "zh" and c.get("rationale_zh"):
        return c["rationale_zh"]
    return c.get("rationale", "")


# ---------------------------------------------------------------------------- constraints


def _where_text(where, zh: bool = False) -> str:
    """A layer or site filter as text; in Chinese the words around the field names are
    Chinese ("status 属于 opened、under_construction", "规划年", "且")."""
    if not where:
        return ""
    clauses = [where] if isinstance(where, dict) else list(where)
    parts = []
    for w in clauses:
        f = w.get("field", "?")
        if zh and ("in" in w or "not_in" in w):
            values = w["in"] if "in" in w else w["not_in"]
            listed = "、".join(str(v) for v in values) if isinstance(
                values, list | tuple) else str(values)
            parts.append(f"{f} {'属于' if 'in' in w else '不属于'} {listed}")
        elif "in" in w:
            parts.append(f"{f} ∈ {w['in']}")
        elif "not_in" in w:
            parts.append(f"{f} ∉ {w['not_in']}")
        elif "contains" in w:
            parts.append(f"{f} 包含“{w['contains']}”" if zh else f"{f} ∋ {w['contains']!r}")
        else:
            value = w.get("value")
            value = tr("planning year") if value == "$year" else value
            parts.append(f"{f} {w.get('op')} {value}")
    return (" 且 " if zh else " & ").join(parts)


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _between(text: str, name: str) -> str:
    """``text`` with ``name`` put at its "\\0", spaced from Chinese characters around it
    when the name is not Chinese itself ("压占 shanty_sites", "位于 towns 内"; "压占采煤沉陷区")."""
    left, _, right = text.partition("\0")
    if name and left and _cjk(left[-1]) and not _cjk(name[0]):
        left += " "
    if name and right and _cjk(right[0]) and not _cjk(name[-1]):
        right = " " + right
    return left + name + right


def constraint_rule(c: dict, layer_title: Callable[[str], str] | None = None) -> str:
    """Readable rule of a constraint in the interface language.

    English: 'overlaps subsidence_zones (stable_from_year > planning year)', with the
    layer's table name. Chinese: '压占采煤沉陷区（stable_from_year > 规划年）', with the
    layer's Chinese title from ``layer_title(name)`` (the table name when it gives none).
    """
    zh = current_language() == "zh"
    where = _where_text(c.get("where"), zh)
    kind = c.get("kind")
    if kind == "attribute":
        return tr("site attribute") + ("：" if zh else ": ") + where
    layer = c.get("layer") or ""
    if zh and layer_title is not None and layer:
        layer = layer_title(layer) or layer
    share = c.get("share")
    if share is None:
        share = 0.5 if kind == "inside" else 0.0
    p = f"{100 * share:.0f}"
    if kind == "inside":
        template = tr("at least {p} % inside {layer}")
    elif share == 0:
        template = tr("overlaps {layer}")
    else:
        template = tr("more than {p} % on {layer}")
    text = _between(template.format(p=p, layer="\0"), layer)
    if not where:
        return text
    return text + (f"（{where}）" if zh else f" ({where})")


def constraint_label(c: dict) -> str:
    """What the "Constraint" column shows: the constraint's short title in the interface
    language (``title_zh`` in Chinese, else ``title``), its internal name when it has none.
    Not the reason, which has a column of its own."""
    if current_language() == "zh" and c.get("title_zh"):
        return c["title_zh"]
    return c.get("title") or c.get("name", "")


#: The three things a constraint can do: exclude, or keep with a penalty of one kind.
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
