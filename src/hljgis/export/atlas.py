"""Atlas: one page per city (or city x scenario) with one template, one numbering, one PDF.

Each page fits the map to the city's candidate sites (or, with the layout's
``atlas_extent: "city"``, to the city's bookmark), draws the scenario's ranked cells as a
graduated layer and numbers the top sites ("A.3-1", "A.3-2", ...), the keys that the table
page and the site score cards use, so a reader can go from the map to the card and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hljgis.analysis.ranking_vocab import CITIES, city_title, scenario_title
from hljgis.core.text import Text

#: Context layers an atlas page names in one "Base map: ..." line under the legend instead
#: of listing their symbols (a layout's ``legend.atlas_base_map`` overrides it).
ATLAS_BASE_MAP = ("towns", "rivers", "lakes", "districts", "cities")


@dataclass
class AtlasPageInfo:
    city: str
    figure: str
    title: Text  # "Hegang: ranked sites for SME space" / "鹤岗市：中小企业发展空间选址排序"
    top: object = None  # GeoDataFrame of the numbered sites
    result: object = None
    refs: list[str] = field(default_factory=list)
    layers: tuple = ()


# -------------------------------------------------------------------------- ranking layers


def ranking_layers(result, figure: str, top_k: int = 10):
    """(cells layer, numbered top-sites layer, top GeoDataFrame with ``ref``)."""
    from hljgis.analysis.ranking_layer import MAP_FIELDS, ranking_layer
    from hljgis.core.layer import VectorLayer
    from hljgis.core.style import make_symbol

    sc = result.scenario
    t = scenario_title(sc)
    # the page numbers its top sites in a layer of their own: no "#rank" labels on the cells
    cells = ranking_layer(result, label_top=0, ranked_only=True, fields=MAP_FIELDS,
                          name=f"rank_{sc.name.replace('-', '_')}", opacity=1.0,
                          title=Text(f"Ranked sites: {t.en}", f"选址排序：{t.zh}"))
    cells.provenance = {"source": f"hljgis ranking, scenario '{sc.name}' "
                                  f"(planning year {sc.planning_year})",
                        "as_of": str(sc.planning_year or "")}
    top = result.top(top_k).copy()
    num = figure.replace("Map ", "")
    top["ref"] = [f"{num}-{i}" for i in range(1, len(top) + 1)]
    top["label"] = [str(i) for i in range(1, len(top) + 1)]
    top["order"] = list(range(len(top), 0, -1))  # labels placed best first
    pts = top[["ref", "label", "order", "site_id", "score", "rank"]].copy()
    pts = pts.set_geometry(top.geometry.representative_point().values, crs=top.crs)
    sym = make_symbol("marker", fill="#ffffff", stroke="#b2182b", stroke_width_mm=0.45,
                      marker="circle", size_mm=3.2)
    style = {"renderer": {"kind": "single", "symbol": sym},
             "labels": {"enabled": True, "field": "label", "size_pt": 8.0, "bold": True,
                        "color": "#b2182b", "halo_color": "#ffffff", "halo_width_mm": 0.6,
                        "priority": 10, "priority_field": "order", "callout": True}}
    sites = VectorLayer(pts, "top_sites", title=f"Top {len(top)} sites (numbered)",
                        title_zh=f"前{len(top)}名地块（编号）", style=style, theme="analysis",
                        provenance=cells.provenance)
    return cells, sites, top


def rank_cities(project, scenario, cities=CITIES, *, annex: str = "A", start: int = 1,
                top_k: int = 10, sensitivity: dict | None = None, year=None,
                progress=None) -> list[AtlasPageInfo]:
    """Run the scenario per city; number maps ``Map A.<start+i>`` and sites ``A.<n>-<k>``.

    The atlas, its table page and the score cards all take their numbers from here, so
    they agree.
    """
    from hljgis.analysis import run_scenario

    out = []
    for i, city in enumerate(cities):
        if progress:
            progress(i / max(1, len(cities)), f"ranking {city}")
        result = run_scenario(project, scenario, city=city, year=year,
                              sensitivity={"runs": 100} if sensitivity is None else sensitivity)
        figure = f"Map {annex}.{start + i}"
        place, t = city_title(project, city), scenario_title(result.scenario)
        info = AtlasPageInfo(city=city, figure=figure,
                             title=Text(f"{place.en}: ranked sites for {t.en}",
                                        f"{place.zh}：{t.zh}选址排序"), result=result)
        info.layers = ranking_layers(result, figure, top_k)
        info.top = info.layers[2]
        info.refs = list(info.top["ref"])
        out.append(info)
    return out


# ---------------------------------------------------------------------------- atlas pages


def atlas_page(project, layout, info: AtlasPageInfo, page_label: str = ""):
    """The :class:`~hljgis.export.page.MapPage` of one city."""
    from hljgis.export.page import page_for

    cells, sites, top = info.layers
    layers = list(project.layers)
    names = [layer.name for layer in layers]
    at = names.index("rivers") + 1 if "rivers" in names else len(layers)
    layers = [*layers[:at], cells, *layers[at:], sites]
    sc = info.result.scenario
    weights = ", ".join(f"{c.title.en or c.name} {info.result.weights[c.name]:.2f}"
                        for c in sc.criteria)
    n_ranked = int(info.result.gdf["rank"].notna().sum())
    n_excl = int(info.result.gdf["excluded"].sum())
    notes = [f"Scenario '{sc.name}' ({sc.title.en}), planning year {sc.planning_year}, "
             f"{sc.aggregation.upper()}; weights: {weights}. {n_ranked:,} sites ranked, "
             f"{n_excl:,} excluded by constraints. Numbers 1-{len(top)} mark the top sites "
             f"{info.refs[0] if info.refs else ''}... described in the site score cards. "
             f"情景：{sc.title.zh or sc.name}；编号为排名前{len(top)}的地块，详见地块评分卡。"]
    from hljgis.analysis.inputs import illustrative_inputs
    from hljgis.export.sources import ranking_note

    # the footer warns about the illustrative layers drawn; name the hidden ones read too
    hidden = [lyr for lyr in illustrative_inputs(project, sc) if not lyr.visible]
    if hidden:
        notes.append(ranking_note(hidden, layout.lang))
    lay = layout.replace(title=info.title.en, title_zh=info.title.zh, figure=info.figure,
                         subtitle=sc.title.en, subtitle_zh=sc.title.zh,
                         legend={"base_map": list(layout.legend.get("atlas_base_map",
                                                                    ATLAS_BASE_MAP))})
    extent = sites_extent(project, info.result) if layout.atlas_extent == "sites" else None
    page = page_for(project, lay, city=info.city, layers=layers, notes=notes, extent=extent)
    page.page_label = page_label
    return page


#: Smallest map frame side of an atlas page fitted to its sites, metres: enough to show the
#: sites' town, its stations and roads (the inset shows where in the city they are).
ATLAS_MIN_SIDE_M = 20_000.0


def sites_extent(project, result, pad: float = 0.12) -> tuple | None:
    """The extent (project CRS) of a city's candidate sites, padded, at least 20 km a side.

    SME cells cover the urban districts only: fitted to the whole city they would fill a
    corner of the page. Returns None (the city's bookmark then) when there are no sites.
    """
    from hljgis.core.crs import transform_bounds

    gdf = result.gdf
    if not len(gdf) or gdf.crs is None:
        return None
    x0, y0, x1, y1 = gdf.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * (1 + 2 * pad), ATLAS_MIN_SIDE_M) / 2
    half_h = max((y1 - y0) * (1 + 2 * pad), ATLAS_MIN_SIDE_M) / 2
    return transform_bounds((cx - half_w, cy - half_h, cx + half_w, cy + half_h), gdf.crs,
                            project.crs or gdf.crs)


def table_page(layout, infos: list[AtlasPageInfo], per_city: int = 5, label: str = "",
               note: str = ""):
    """A page listing each city's top sites with score, rank range and location; ``note``
    (the illustrative-inputs warning) is printed in bold under the table."""
    from pyproj import Transformer

    from hljgis.export.i18n import both
    from hljgis.export.output import PaintedPage
    from hljgis.export.tables import paint_table
    from hljgis.export.units import Units

    rows, bold = [], set()
    for info in infos:
        top = info.top.head(per_city)
        ll = Transformer.from_crs(top.crs, "EPSG:4326", always_xy=True)
        pts = top.geometry.representative_point()
        lon, lat = ll.transform(pts.x.to_numpy(), pts.y.to_numpy())
        sc = info.result.scenario
        for j, (_, rec) in enumerate(top.iterrows()):
            contrib = {c.name: rec[f"contrib_{c.name}"] for c in sc.criteria}
            best = sorted(contrib, key=contrib.get, reverse=True)[:2]
            rng = (f"{int(rec['rank_min'])}-{int(rec['rank_max'])}"
                   if "rank_min" in rec and rec["rank_min"] == rec["rank_min"] else "-")
            ptop = next((rec[k] for k in rec.index if str(k).startswith("p_top_")), None)
            name = str(rec.get("site_name", rec["site_id"]))  # "Cell 12, Jiguan District 鸡冠区"
            zh_district = str(rec.get("district_zh", "") or "")
            rows.append([rec["ref"], f"{name} {zh_district}".strip(),
                         f"{info.city} {city_title(None, info.city).zh}",
                         str(int(rec["rank"])), f"{rec['score']:.3f}", rng,
                         "-" if ptop is None else f"{ptop:.0%}", f"{lon[j]:.4f}",
                         f"{lat[j]:.4f}", ", ".join(best)])
        bold.add(len(rows) - len(top))
    header = [both("Map ref.", "\n"), both("Site", "\n"), both("City", "\n"),
              both("Rank", "\n"),
              both("Score", "\n"), "Rank range\n排名区间", "P(top 10)\n前10概率",
              both("Longitude", "\n"), both("Latitude", "\n"),
              "Largest contributions\n主要贡献因子"]
    title = "Table " + label + "  Top-ranked sites by city  各城市排名靠前地块"

    def paint(painter, dpi):
        from PySide6.QtCore import QPointF, QRectF
        from PySide6.QtGui import QColor

        u = Units(dpi)
        m = float(layout.margins_mm)
        w, h = layout.page_size_mm()
        base = float(layout.base_size_pt) * layout.scale_factor()
        painter.setFont(u.font(base * 1.9, True))
        painter.setPen(QColor("#111111"))
        fm = painter.fontMetrics()
        painter.drawText(QPointF(u.mm(m), u.mm(m) + fm.ascent()), title)
        sub = ("Score 0-1 (weighted linear combination); rank range and P(top 10) from weight "
               "sensitivity runs (±20%); lon/lat WGS84 of a point inside the site. "
               "得分0-1；排名区间与前10概率来自权重敏感性分析。")
        painter.setFont(u.font(base))
        painter.drawText(QPointF(u.mm(m), u.mm(m) + fm.height() + u.mm(4)), sub)
        rect = QRectF(u.mm(m), u.mm(m) + fm.height() + u.mm(8), u.mm(w - 2 * m),
                      u.mm(h - 2 * m) - fm.height() - u.mm(8))
        bottom = paint_table(painter, rect, u, header, rows,
                             [0.9, 3.0, 1.3, 0.6, 0.7, 0.9, 0.8, 0.9, 0.9, 2.4],
                             size_pt=base * 1.05, align_right={3, 4, 5, 6, 7, 8},
                             bold_rows=bold)
        if note:
            from PySide6.QtCore import Qt

            painter.setFont(u.font(base, True))
            painter.setPen(QColor("#b35806"))
            painter.drawText(QRectF(u.mm(m), bottom + u.mm(4), u.mm(w - 2 * m),
                                    u.mm(h - m) - bottom - u.mm(4)),
                             int(Qt.TextFlag.TextWordWrap), note)
        return None

    return PaintedPage(layout.page_size_mm(), paint, title)


def build_atlas(project, layout, scenario, out, *, cities=CITIES, table: bool = True,
                per_city: int = 5, annex: str = "A", start: int = 1, top_k: int | None = None,
                dpi: float | None = None, lang: str | None = None, sensitivity=None,
                year=None, progress=None):
    """One PDF: a map page per city (same template and numbering) and a table page.

    Parameters
    ----------
    project : Project
    layout : Layout, dict or str
        Template for every page (e.g. ``dfr-annex-a4``).
    scenario : str, dict or Scenario, or a list of them
        With several scenarios the atlas has a page per city x scenario, numbered on.
    out : path of the PDF
    cities : sequence of str
    table : bool
        Add a page listing the top ``per_city`` sites of each city.
    annex, start : str, int
        Numbering: ``Map A.1`` ... and site keys ``A.1-1`` ...

    Returns
    -------
    (ExportResult, list of AtlasPageInfo)
        ``result.preflight`` holds the warnings.
    """
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.layout import resolve_layout
    from hljgis.export.output import LayoutPage, write_pdf
    from hljgis.export.preflight import preflight

    ensure_gui_app()
    lay = resolve_layout(layout, project)
    if lang:
        lay = lay.replace(lang=lang)
    top_k = int(top_k or lay.top_sites)
    scenarios = list(scenario) if isinstance(scenario, list | tuple) else [scenario]
    infos = []
    for sc in scenarios:
        infos += rank_cities(project, sc, cities, annex=annex, start=start + len(infos),
                             top_k=top_k, sensitivity=sensitivity, year=year,
                             progress=progress)
    n_pages = len(infos) + (1 if table else 0)
    pages = [atlas_page(project, lay, info, f"Page {i + 1} of {n_pages}")
             for i, info in enumerate(infos)]
    warnings = preflight(project, pages, out, float(dpi or lay.dpi))
    writable = [LayoutPage(p) for p in pages]
    if table:
        from hljgis.analysis.inputs import illustrative_inputs
        from hljgis.export.sources import ranking_note

        ill = list({layer.name: layer for info in infos
                    for layer in illustrative_inputs(project, info.result.scenario)}.values())
        writable.append(table_page(lay, infos, per_city, f"{annex}.{start + len(infos)}",
                                   note=ranking_note(ill, lay.lang)))
    result = write_pdf(writable, out, float(dpi or lay.dpi),
                       title=f"Annex {annex}: {infos[0].title.en if infos else ''}")
    result.preflight = warnings + [w for w in result.warnings if w not in warnings]
    return result, infos
