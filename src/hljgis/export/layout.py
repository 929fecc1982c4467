"""The print layout model: page, margins, resolution and the items on the page, as plain data.

A layout is a dict so it can live in ``project.layouts`` and in the project file as JSON;
:class:`Layout` reads it with defaults filled in and checks it, and :meth:`Layout.frames`
turns it into rectangles in millimetres. Built-in templates (``dfr-annex-a4``,
``dfr-annex-a3``) are JSON files in ``resources/templates/`` so a planner can copy one into
a project and change it without touching code.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from hljgis.core.errors import InputError
from hljgis.io.bundled import resources_dir

#: Paper sizes in mm, portrait (width, height).
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
}

#: Defaults of every layout key; a stored layout only needs the keys it changes.
DEFAULTS: dict[str, Any] = {
    "page": "A4",                 # "A4", "A3", "A2" or [width_mm, height_mm]
    "orientation": "landscape",   # or "portrait"
    "margins_mm": 10.0,
    "dpi": 300,
    "lang": "both",               # "en", "zh" or "both"
    "title": "",
    "title_zh": "",
    "subtitle": "",
    "subtitle_zh": "",
    "figure": "",                 # e.g. "Map A.1"
    "date": None,                 # ISO date; today when None
    "bookmark": "region",         # the extent, unless "extent" is given
    "extent": None,               # [minx, miny, maxx, maxy] in the project CRS
    "extent_choice": None,        # {"kind": "city"|"district"|"sites"|"view"|"custom", ...}
    "scale": None,                # fixed scale denominator (1:N); None fits the extent
    "layers": None,               # names that print, hidden or not (None: the visible ones)
    "base_size_pt": 8.0,          # body text size; titles scale from it
    "sidebar_mm": 70.0,
    # order: layer names top first (None: results first, then the draw order reversed)
    "legend": {"enabled": True, "layers": None, "exclude": [], "in_extent_only": True,
               "order": None},
    "scale_bar": True,
    "north_arrow": True,
    "inset": True,
    "graticule": False,
    "notes": "",                  # extra text for the notes block
    "notes_zh": "",
    "illustrative_note": True,    # the automatic "Illustrative data" wording
    "logo": None,                 # path to a PNG/JPEG/SVG, drawn at the title block's right
    "map_review_number": "",      # 审图号 of the reviewed base map, e.g. "GS(2024)0650号"
    "top_sites": 10,              # ranked sites numbered on atlas maps
    "atlas_extent": "sites",      # atlas maps fit the city's candidate sites, or "city"
}

TEMPLATE_NAMES = ("dfr-annex-a4", "dfr-annex-a3")


@dataclass
class Rect:
    """A rectangle in millimetres from the page's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Layout:
    """A checked layout: every key of :data:`DEFAULTS` is an attribute via :attr:`values`.

    Parameters
    ----------
    values : dict
        Layout keys (missing ones take :data:`DEFAULTS`).
    name : str
    """

    values: dict = field(default_factory=dict)
    name: str = "layout"

    def __post_init__(self):
        merged = copy.deepcopy(DEFAULTS)
        for key, val in (self.values or {}).items():
            if key not in DEFAULTS and key not in ("name", "description", "version"):
                raise InputError(f"layout '{self.name}': unknown key '{key}'.",
                                 f"Known keys: {', '.join(DEFAULTS)}.")
            if isinstance(val, dict) and isinstance(merged.get(key), dict):
                merged[key].update(val)
            else:
                merged[key] = copy.deepcopy(val)
        self.values = merged
        if self.lang not in ("en", "zh", "both"):
            raise InputError(f"layout '{self.name}': lang must be en, zh or both, "
                             f"not {self.lang!r}.")
        if self.atlas_extent not in ("sites", "city"):
            raise InputError(f"layout '{self.name}': atlas_extent must be sites or city, "
                             f"not {self.atlas_extent!r}.")
        if self.orientation not in ("landscape", "portrait"):
            raise InputError(f"layout '{self.name}': orientation must be landscape or "
                             f"portrait, not {self.orientation!r}.")
        if self.scale is not None and not (isinstance(self.scale, int | float)
                                           and 100 <= float(self.scale) <= 1e9):
            raise InputError(f"layout '{self.name}': scale must be a denominator from 100 "
                             f"to 1e9 (1:N), not {self.scale!r}.")
        self.page_size_mm()  # validates the page

    def __getattr__(self, key):
        values = self.__dict__.get("values")
        if values is not None and key in values:
            return values[key]
        raise AttributeError(key)

    def replace(self, **changes) -> Layout:
        """A copy with some keys changed (the atlas sets a title and extent per page)."""
        vals = copy.deepcopy(self.values)
        for k, v in changes.items():
            if isinstance(v, dict) and isinstance(vals.get(k), dict):
                vals[k].update(v)
            else:
                vals[k] = v
        return Layout(vals, self.name)

    def to_dict(self) -> dict:
        """Only the keys that differ from the defaults (what a project stores)."""
        return {k: copy.deepcopy(v) for k, v in self.values.items() if DEFAULTS.get(k) != v}

    # -- geometry --------------------------------------------------------------------------
    def page_size_mm(self) -> tuple[float, float]:
        """(width, height) of the page in mm, after orientation."""
        page = self.page
        if isinstance(page, str):
            if page.upper() not in PAGE_SIZES_MM:
                raise InputError(f"layout '{self.name}': unknown page size {page!r}.",
                                 f"Use one of {', '.join(PAGE_SIZES_MM)} or [width, height] "
                                 "in mm.")
            w, h = PAGE_SIZES_MM[page.upper()]
        else:
            try:
                w, h = (float(v) for v in page)
            except (TypeError, ValueError) as exc:
                raise InputError(f"layout '{self.name}': page must be a name or "
                                 "[width_mm, height_mm].") from exc
            if w < 50 or h < 50:
                raise InputError(f"layout '{self.name}': page {w} x {h} mm is too small.")
        short, long_ = sorted((w, h))
        return (long_, short) if self.orientation == "landscape" else (short, long_)

    def page_size_px(self, dpi: float | None = None) -> tuple[int, int]:
        dpi = float(dpi or self.dpi)
        w, h = self.page_size_mm()
        return round(w / 25.4 * dpi), round(h / 25.4 * dpi)

    def scale_factor(self) -> float:
        """Text and line sizes grow with the page: 1.0 on A4, about 1.41 on A3."""
        w, h = self.page_size_mm()
        return max(1.0, (min(w, h) / 210.0) ** 0.5 * 1.0) if min(w, h) > 210 else 1.0

    def frames(self, title_h: float, footer_h: float) -> dict[str, Rect]:
        """Rectangles (mm) of the title block, map, sidebar (inset, legend) and footer.

        The title and footer heights come from measuring their text, so long source notes
        take the room they need and the map takes what is left.
        """
        pw, ph = self.page_size_mm()
        m = float(self.margins_mm)
        gap = 3.0
        sidebar = float(self.sidebar_mm) * self.scale_factor()
        if self.orientation == "portrait":
            sidebar = 0.0
        title = Rect(m, m, pw - 2 * m, title_h)
        footer = Rect(m, ph - m - footer_h, pw - 2 * m, footer_h)
        top = title.bottom + gap
        body_h = footer.y - gap - top
        if sidebar:
            map_frame = Rect(m, top, pw - 2 * m - sidebar - gap, body_h)
            side = Rect(map_frame.right + gap, top, sidebar, body_h)
        else:
            legend_h = min(60.0, body_h * 0.3)
            map_frame = Rect(m, top, pw - 2 * m, body_h - legend_h - gap)
            side = Rect(m, map_frame.bottom + gap, pw - 2 * m, legend_h)
        return {"title": title, "map": map_frame, "side": side, "footer": footer}


def load_template(name: str) -> dict:
    """A built-in template as a plain dict (a fresh copy each call)."""
    path = resources_dir() / "templates" / f"{name}.json"
    if not path.is_file():
        raise InputError(f"no layout template '{name}'.",
                         f"Built-in templates: {', '.join(TEMPLATE_NAMES)}.")
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("description", None)
    data.pop("name", None)
    return data


def resolve_layout(ref: Layout | dict | str, project=None) -> Layout:
    """A layout from a Layout, a dict, a project layout name or a template name.

    Project layouts come first, so a project can override a template of the same name.
    A project layout may name a ``template`` to start from.

    Raises
    ------
    InputError
        If the name is neither a layout of the project nor a template.
    """
    if isinstance(ref, Layout):
        return ref
    if isinstance(ref, dict):
        return Layout(dict(ref))
    layouts = getattr(project, "layouts", {}) or {}
    if ref in layouts:
        data = copy.deepcopy(layouts[ref])
        base = data.pop("template", None)
        merged = load_template(base) if base else {}
        for k, v in data.items():
            if isinstance(v, dict) and isinstance(merged.get(k), dict):
                merged[k].update(v)
            else:
                merged[k] = v
        return Layout(merged, ref)
    if ref in TEMPLATE_NAMES or (resources_dir() / "templates" / f"{ref}.json").is_file():
        return Layout(load_template(ref), ref)
    known = sorted(set(layouts) | set(TEMPLATE_NAMES))
    raise InputError(f"no layout '{ref}' in the project or among the templates.",
                     f"Known layouts: {', '.join(known)}.")
