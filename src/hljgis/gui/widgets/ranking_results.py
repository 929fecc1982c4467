"""What a ranking shows after it ran: explain one site, rank stability, compare two scenarios.

* :class:`ExplainView`: why a site got its score, criterion by criterion (raw value in its
  unit, 0..1 score, weight, contribution), so every rank can be defended in a report.
* :class:`~hljgis.gui.widgets.ranking_sensitivity.SensitivityView` and
  :class:`~hljgis.gui.widgets.ranking_sensitivity.WeightSweepView`: how stable the ranks are.
* :class:`~hljgis.gui.widgets.ranking_compare.CompareView`: the same places ranked under two
  scenarios, with the top-k overlap.

This module holds the shared helpers (number format, site names, small tables) too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from hljgis.analysis.constraints import localized_reasons
from hljgis.analysis.ranking_vocab import city_title
from hljgis.core.text import is_zh
from hljgis.gui.i18n import current_language
from hljgis.gui.ranking.models import BarDelegate
from hljgis.gui.ranking.results_models import FrameModel
from hljgis.gui.ranking.texts import (
    criterion_rationale,
    criterion_title,
    interface_zh,
    layer_title_zh,
    punct,
    site_type_text,
    unit_text,
)

_GREY = "#666666"


def _num(v, digits=3, whole: bool = False) -> str:
    """A number for a table cell; ``whole`` drops the decimals of whole values (8 years)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "" if v is None else str(v)
    if not np.isfinite(f):
        return ""
    if abs(f) >= 100 or (whole and f.is_integer()):
        return f"{f:,.0f}"
    return f"{f:.{digits}f}"


def _finite(v) -> bool:
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- sensitivity


def site_label(gdf: pd.DataFrame, position: int) -> str:
    """The site's display name in the interface language ('Parcel 17, Taoshan District' /
    'Parcel 17（桃山区）'); for results made before names existed, the id and a name."""
    rec = gdf.iloc[position]
    col = "site_name_zh" if interface_zh() else "site_name"
    if col in gdf.columns and isinstance(rec[col], str) and rec[col]:
        return rec[col]
    label = str(rec["site_id"])
    for col in ("name_zh", "name"):
        if col in gdf.columns and isinstance(rec[col], str) and rec[col]:
            return f"{label} {rec[col]}"
    return label


def _table(bar_column: int | None = None) -> tuple[QTableView, FrameModel]:
    view = QTableView()
    model = FrameModel(view)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    if bar_column is not None:
        view.setItemDelegateForColumn(bar_column, BarDelegate(view))
    return view, model


# ------------------------------------------------------------------------------- explain


class ExplainView(QWidget):
    """One site's score taken apart: criterion, raw value, score, weight, contribution."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.view, self.model = _table(bar_column=4)
        self.footer = QLabel()
        self.footer.setWordWrap(True)
        self.footer.setStyleSheet(f"color: {_GREY};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.footer)
        self.clear()

    def clear(self) -> None:
        self.frame = pd.DataFrame()
        self.model.set_frame(pd.DataFrame(), [])
        self.header.setText(self.tr("Select a site in the results table to see why it "
                                    "ranks where it does."))
        self.footer.setText("")

    def set_site(self, result, position: int, project=None) -> None:
        """Show ``result.contributions(position)`` (the same numbers, formatted).

        ``project`` gives the Chinese names in the header: the city's bookmark title and the
        title of the layer a site came from.
        """
        g = result.gdf
        rec = g.iloc[position]
        self.frame = result.contributions(position)
        frame = self.frame.copy()
        frame["raw_text"] = [
            (_num(r, whole=True) + (f" {unit_text(u)}" if u and u != "share" else ""))
            if u != "share"
            else f"{100 * float(r):.0f} %" if _finite(r) else ""
            for r, u in zip(frame["raw"], frame["unit"], strict=True)]
        crit = {c.name: c for c in result.scenario.criteria}
        frame["title"] = [criterion_title(crit[n]) for n in frame["criterion"]]
        frame["rationale"] = [criterion_rationale(crit[n]) for n in frame["criterion"]]
        self.model.set_frame(frame, [
            ("title", "Criterion", str),
            ("raw_text", "Raw value", str),
            ("score", "Score (0–1)", lambda v: _num(v, 2)),
            ("weight", "Weight", lambda v: f"{100 * float(v):.1f} %"),
            ("contribution", "Contribution", lambda v: _num(v, 3)),
        ], bar="contribution", tooltips="rationale")
        rank = rec["rank"]
        total = int(g["rank"].notna().sum())
        name = site_label(g, position)
        lang = current_language()
        zh = is_zh(lang)
        if pd.isna(rank):
            reason = localized_reasons(str(rec["exclusion_reason"] or ""), result.scenario, lang)
            status = (f"<span style='color:#c62828'>{self.tr('Excluded')}{punct(': ')}"
                      f"{reason}</span>")
        else:
            status = (self.tr("Rank") + f" <b>{int(rank)}</b> / {total:,}{'，' if zh else ', '}"
                      + self.tr("score") + f" <b>{_num(rec['score'])}</b>")
        city, stype = rec["city"], rec["site_type"]
        if zh:
            city = city_title(project, city).zh if isinstance(city, str) and city else ""
            stype = site_type_text(str(stype or ""), lambda n: layer_title_zh(project, n))
            where = "，".join(t for t in (city, stype) if t)
            where = f"（{where}）" if where else ""
        else:
            where = f" ({city}, {stype})"
        self.header.setText(f"<b>{self.tr('Site')} {name}</b>{where}<br>{status}")
        # sentences: "... 0.741. Penalty: ... Hover ..." / "……0.741。扣分：……。将鼠标……"
        space = "" if zh else " "
        foot = (self.tr("Contributions add up to the weighted score") +
                f" {_num(rec['base_score'])}" + punct("."))
        if isinstance(rec.get("penalty"), str) and rec["penalty"]:
            penalty = localized_reasons(rec["penalty"], result.scenario, lang)
            foot += space + self.tr("Penalty") + punct(": ") + penalty + punct(".")
        self.footer.setText(foot + space + self.tr("Hover a criterion for its rationale."))
