"""Qt item models of the ranking dock's results: the ranked sites (read in place from the
result's frame, so a 300,000 cell ranking opens instantly) and the small explain and
comparison tables."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from hljgis.analysis.constraints import localized_reasons
from hljgis.gui.i18n import tr
from hljgis.gui.ranking.models import BAR_ROLE, DISPLAY
from hljgis.gui.ranking.texts import city_text, interface_zh, site_type_text

__all__ = ["FrameModel", "ResultsModel"]


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
        named = "site_name_zh" if interface_zh() else "site_name"
        if named in g.columns:  # "Parcel 17, Taoshan District" (older results: id + name)
            site = g[named].fillna("").astype(str).to_numpy()
        elif "name_zh" in g.columns or "name" in g.columns:
            nm = g["name_zh" if "name_zh" in g.columns else "name"].fillna("").astype(str)
            site = np.where(nm.to_numpy() != "", site + " " + nm.to_numpy(), site)
        city = g["city"].fillna("").astype(str)
        stype = g["site_type"].fillna("").astype(str)
        if interface_zh():
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
        zh = interface_zh()
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
