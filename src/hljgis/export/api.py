"""Exporting a project's layout to a file: the one call the CLI, the GUI and scripts use."""

from __future__ import annotations

from pathlib import Path

from hljgis.core.hugepages import batch_memory
from hljgis.export._qt import ensure_gui_app
from hljgis.export.layout import Layout, resolve_layout
from hljgis.export.output import ExportResult, LayoutPage, write_pages
from hljgis.export.page import page_for
from hljgis.export.preflight import preflight


@batch_memory()
def export_layout(project, layout: Layout | dict | str, out, *, dpi: float | None = None,
                  city: str | None = None, lang: str | None = None, layers=None,
                  extent=None, notes=None) -> ExportResult:
    """Export one map page of ``project`` to PDF, SVG or PNG (by ``out``'s extension).

    Parameters
    ----------
    project : Project
    layout : Layout, dict or str
        A layout, or a name of a project layout or built-in template (``dfr-annex-a4``).
    out : path
    dpi : float, optional
        Output resolution (default: the layout's); PNG pixel size follows it.
    city : str, optional
        Fit the map to this city's bookmark and highlight it in the inset.
    lang : {"en", "zh", "both"}, optional
        Overrides the layout's language.
    layers, extent, notes
        Override what the map shows (see :class:`~hljgis.export.page.MapPage`).

    Returns
    -------
    ExportResult
        Path, size and page reports; ``result.preflight`` holds the pre-flight warnings.
    """
    ensure_gui_app()
    lay = resolve_layout(layout, project)
    if lang:
        lay = lay.replace(lang=lang)
    if city:
        from hljgis.analysis.ranking_vocab import city_title

        place = city_title(project, city)
        lay = lay.replace(subtitle=place.en, subtitle_zh=place.zh)
    page = page_for(project, lay, city=city, layers=layers, extent=extent, notes=notes)
    dpi = float(dpi or lay.dpi)
    warnings = preflight(project, [page], out, dpi)
    result = write_pages([LayoutPage(page)], Path(out), dpi)
    result.preflight = warnings + [w for w in result.warnings if w not in warnings]
    return result
