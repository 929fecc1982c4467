"""Site score cards: one page per top-ranked site, plus the same numbers as CSV and XLSX.

A card lets a reviewer check one site without the software: where it is (a location map
drawn by the shared renderer), each criterion's measured value, its 0-1 score, weight and
contribution, the rank and how stable that rank was under perturbed weights. Cards are keyed
to the atlas map numbers ("A.3-1"), which :func:`hljgis.export.atlas.rank_cities` assigns.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from pyproj import Transformer
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

from hljgis.analysis.inputs import illustrative_inputs
from hljgis.core.layer import VectorLayer
from hljgis.core.style import make_symbol
from hljgis.export.i18n import both, zh
from hljgis.export.output import PaintedPage
from hljgis.export.sources import ranking_note
from hljgis.export.tables import paint_table
from hljgis.export.units import Units
from hljgis.io.atomic import atomic_target, write_atomic
from hljgis.render.renderer import MapRenderer

CARD_SIZE_MM = (210.0, 297.0)


def card_rows(info, per_city: int | None = None) -> list[dict]:
    """One dict per numbered site: identity, location, score, rank, stability, criteria."""
    result = info.result
    sc = result.scenario
    top = info.top if per_city is None else info.top.head(per_city)
    pts = top.geometry.representative_point()
    lon, lat = Transformer.from_crs(top.crs, "EPSG:4326", always_xy=True).transform(
        pts.x.to_numpy(), pts.y.to_numpy())
    n_ranked = int(result.gdf["rank"].notna().sum())
    rows = []
    for j, (_, rec) in enumerate(top.iterrows()):
        row = {"map_ref": rec["ref"], "city": info.city, "site_id": rec["site_id"],
               "site_name": rec.get("site_name", str(rec["site_id"])),
               "site_name_zh": rec.get("site_name_zh", str(rec["site_id"])),
               "rank": int(rec["rank"]), "of": n_ranked, "score": float(rec["score"]),
               "lon": round(float(lon[j]), 5), "lat": round(float(lat[j]), 5),
               "scenario": sc.name}
        for key in ("rank_min", "rank_max", "rank_median"):
            if key in rec.index:
                row[key] = float(rec[key])
        for key in rec.index:
            if str(key).startswith("p_top_"):
                row[key] = float(rec[key])
        for c in sc.criteria:
            raw = rec[f"raw_{c.name}"]
            row[f"raw_{c.name}"] = raw if isinstance(raw, str) else float(raw)
            row[f"norm_{c.name}"] = float(rec[f"norm_{c.name}"])
            row[f"weight_{c.name}"] = float(result.weights[c.name])
            row[f"contrib_{c.name}"] = float(rec[f"contrib_{c.name}"])
        rows.append(row)
    return rows


def _fmt_raw(v, unit: str) -> str:
    if isinstance(v, str):
        return v
    if not np.isfinite(v):
        return "n/a"
    if unit == "m":
        return f"{v / 1000:.1f} km" if v >= 1000 else f"{v:.0f} m"
    if unit == "share":
        return f"{v:.0%}"
    return f"{v:.1f} {unit}".strip()


def card_page(project, info, site: dict, base_layers, note: str = "") -> PaintedPage:
    """The PDF page of one site; ``note`` is the illustrative-inputs warning
    (:func:`hljgis.export.sources.ranking_note`), printed in bold at the foot."""
    result = info.result
    sc = result.scenario
    top = info.top.set_index("ref")
    geom = top.loc[site["map_ref"], "geometry"]
    site_layer = VectorLayer(top.loc[[site["map_ref"]]].reset_index()[["ref", "geometry"]]
                             .set_crs(info.top.crs, allow_override=True),
                             "site", style={"renderer": {"kind": "single", "symbol": make_symbol(
                                 "fill", fill=None, stroke="#d62728", stroke_width_mm=0.8)}})
    to_map = Transformer.from_crs(info.top.crs, project.crs, always_xy=True)
    cx, cy = geom.centroid.x, geom.centroid.y
    half = 4000.0
    extent = to_map.transform_bounds(cx - half * 1.6, cy - half, cx + half * 1.6, cy + half)
    layers = [*base_layers, site_layer]
    en_city, zh_city = info.city, zh(info.city)
    title = f"Site {site['map_ref']}: {site['site_name']}, {en_city}"
    title_zh = f"地块 {site['map_ref']}：{zh_city} · {site['site_name_zh']}"

    def paint(painter, dpi):
        u = Units(dpi)
        m = 14.0
        w = CARD_SIZE_MM[0] - 2 * m
        y = u.mm(m)
        for text, size, bold in ((both("Site score card"), 9, False), (title, 15, True),
                                 (title_zh, 12.5, True),
                                 (f"{sc.title.en}  {sc.title.zh}  ·  {info.figure}", 8.5, False)):
            painter.setFont(u.font(size, bold))
            painter.setPen(QColor("#111111"))
            fm = painter.fontMetrics()
            painter.drawText(QPointF(u.mm(m), y + fm.ascent()), text)
            y += fm.height() + u.mm(0.5)
        y += u.mm(2)
        frame = QRectF(u.mm(m), y, u.mm(w), u.mm(88))
        painter.save()
        painter.translate(frame.topLeft())
        painter.setClipRect(QRectF(0, 0, frame.width(), frame.height()))
        renderer = MapRenderer()
        renderer.render(painter, layers, extent, size=(int(frame.width()), int(frame.height())),
                        dpi=dpi, crs=project.crs, background="#eef3f6")
        from hljgis.export.decorations import draw_north_arrow, draw_scale_bar

        mt = renderer.transform
        draw_scale_bar(painter, mt, u, QPointF(u.mm(2), frame.height() - u.mm(14)),
                       frame.width() * 0.25, size_pt=7)
        draw_north_arrow(painter, u, QPointF(frame.width() - u.mm(8), u.mm(11)), 9, 7)
        painter.restore()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#222222"), max(1.0, u.mm(0.3))))
        painter.drawRect(frame)
        y = frame.bottom() + u.mm(4)
        stab = "-"
        if "rank_min" in site:
            stab = f"{int(site['rank_min'])}-{int(site['rank_max'])}"
        ptop = next((v for k, v in site.items() if k.startswith("p_top_")), None)
        facts = [
            [both("Score"), f"{site['score']:.3f}", both("Rank"),
             f"{site['rank']} / {site['of']:,}"],
            [both("Rank range in sensitivity runs"), stab,
             both("Share of runs in the top") + " 10", "-" if ptop is None else f"{ptop:.0%}"],
            ["Location 位置 (WGS84)", f"{site['lon']:.5f} E, {site['lat']:.5f} N",
             "Site id 地块编号", str(site["site_id"])],
        ]
        y = paint_table(painter, QRectF(u.mm(m), y, u.mm(w), u.mm(30)), u,
                        ["", "", "", ""], facts, [2.2, 1.3, 2.2, 1.3], size_pt=8) + u.mm(5)
        header = [both("Criterion", "\n"), both("Raw value", "\n"),
                  both("Normalised score", "\n"), both("Weight", "\n"),
                  both("Contribution", "\n")]
        rows = []
        for c in sorted(sc.criteria, key=lambda c: -site[f"contrib_{c.name}"]):
            label = c.title.en or c.name
            rows.append([f"{label}  {zh(label)}" if zh(label) != label else label,
                         _fmt_raw(site[f"raw_{c.name}"], c.unit),
                         f"{site[f'norm_{c.name}']:.3f}", f"{site[f'weight_{c.name}']:.2f}",
                         f"{site[f'contrib_{c.name}']:.3f}"])
        rows.append(["Total (weighted linear combination) 合计", "", "", "1.00",
                     f"{site['score']:.3f}"])
        bottom = paint_table(painter, QRectF(u.mm(m), y, u.mm(w), u.mm(80)), u, header, rows,
                             [4.2, 1.3, 1.3, 0.9, 1.2], size_pt=8, align_right={1, 2, 3, 4},
                             bold_rows={len(rows) - 1})
        # contribution bars
        y = bottom + u.mm(6)
        painter.setFont(u.font(8.5, True))
        painter.setPen(QColor("#111111"))
        painter.drawText(QPointF(u.mm(m), y), both("Contribution") + " (0-1)")
        y += u.mm(3)
        bar_w = u.mm(w - 70)
        painter.setFont(u.font(7.5))
        for c in sorted(sc.criteria, key=lambda c: -site[f"contrib_{c.name}"]):
            v = site[f"contrib_{c.name}"]
            wmax = site[f"weight_{c.name}"]
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(u.mm(m), y, u.mm(66), u.mm(4.5)),
                             int(Qt.AlignmentFlag.AlignVCenter), c.title.en or c.name)
            x0 = u.mm(m + 68)
            painter.fillRect(QRectF(x0, y + u.mm(0.8), bar_w * wmax, u.mm(3)), QColor("#e3e8ee"))
            painter.fillRect(QRectF(x0, y + u.mm(0.8), bar_w * max(0.0, v), u.mm(3)),
                             QColor("#225ea8"))
            y += u.mm(5)
        painter.setFont(u.font(6.5))
        painter.setPen(QColor("#444444"))
        legend_note = ("Grey bar: the criterion's weight (the most it can add); blue: what the "
                       "site earns. Rank range: lowest and highest rank over weight sensitivity "
                       "runs (±20%). 灰色为权重上限，蓝色为该地块得分贡献。")
        painter.drawText(QRectF(u.mm(m), y + u.mm(2), u.mm(w), u.mm(12)),
                         int(Qt.TextFlag.TextWordWrap), legend_note)
        if note:
            painter.setFont(u.font(7.0, True))
            painter.setPen(QColor("#b35806"))
            painter.drawText(QRectF(u.mm(m), y + u.mm(14), u.mm(w),
                                    u.mm(CARD_SIZE_MM[1] - 2 * m) - y - u.mm(14) + u.mm(m)),
                             int(Qt.TextFlag.TextWordWrap), note)
        return None

    return PaintedPage(CARD_SIZE_MM, paint, title)


def write_score_cards(project, infos, out_pdf, *, per_city: int = 5, xlsx=None, csv_path=None,
                      dpi: float = 200) -> dict:
    """Cards for the top ``per_city`` sites of each city: one PDF, a CSV and an XLSX.

    Returns
    -------
    dict
        ``{"pdf": ExportResult, "csv": Path, "xlsx": Path or None, "rows": list of dict}``;
        ``xlsx`` is None (with a ``warning``) when openpyxl is not installed.
    """
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.output import write_pdf

    ensure_gui_app()
    base = [layer for layer in project.layers if layer.visible and layer.kind == "vector"
            and layer.name not in ("towns",)]
    pages, rows, notes = [], [], {}
    for info in infos:
        cells = info.layers[0] if info.layers else None
        ill = illustrative_inputs(project, info.result.scenario)
        note = ranking_note(ill)
        if note:
            notes[info.result.scenario.name] = note
        for site in card_rows(info, per_city):
            site["illustrative_inputs"] = "; ".join(layer.name for layer in ill)
            rows.append(site)
            names = [layer.name for layer in base]
            at = names.index("rivers") + 1 if "rivers" in names else len(base)
            pages.append(card_page(project, info, site,
                                   [*base[:at], *([cells] if cells else []), *base[at:]],
                                   note=note))
    pdf = write_pdf(pages, out_pdf, dpi, title="Site score cards")
    out = {"pdf": pdf, "rows": rows, "xlsx": None}
    csv_path = Path(csv_path or Path(out_pdf).with_suffix(".csv"))
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with atomic_target(csv_path) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, keys)
        writer.writeheader()
        writer.writerows(rows)
    out["csv"] = csv_path
    xlsx = Path(xlsx or Path(out_pdf).with_suffix(".xlsx"))
    try:
        import openpyxl
    except ImportError:
        out["warning"] = "openpyxl is not installed: wrote CSV only (pip install openpyxl)"
        return out
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "score cards"
    ws.append(keys)
    ws.append([_heading_zh(k) for k in keys])
    for r in rows:
        ws.append([r.get(k) for k in keys])
    ws.freeze_panes = "B3"
    if notes:  # the warning in full, where a reader of the numbers will see the tab
        sheet = wb.create_sheet("illustrative data 示意数据")
        sheet.append(["scenario 情景", "warning 提示"])
        for name, text in notes.items():
            for line in text.split("\n"):
                sheet.append([name, line])
        sheet.column_dimensions["B"].width = 160
    write_atomic(xlsx, lambda tmp: wb.save(tmp))
    out["xlsx"] = xlsx
    return out


def _heading_zh(key: str) -> str:
    """Chinese second header row of the spreadsheet."""
    prefix = {"raw_": "原始值 ", "norm_": "标准化得分 ", "weight_": "权重 ",
              "contrib_": "贡献 "}
    for p, z in prefix.items():
        if key.startswith(p):
            return z + key[len(p):]
    return {"map_ref": "图号", "city": "城市", "site_id": "地块编号", "site_name": "地块名称",
            "site_name_zh": "地块名称（中文）", "rank": "排名",
            "of": "参评数", "score": "得分", "lon": "经度", "lat": "纬度", "scenario": "情景",
            "rank_min": "最高排名", "rank_max": "最低排名", "rank_median": "排名中位数",
            "illustrative_inputs": "示意数据图层"}.get(
        key, "前列概率" if key.startswith("p_top_") else key)
