"""How a layer looks, as plain JSON-able data (no Qt).

One module per job: :mod:`~.ramps` (colour ramps, colour text), :mod:`~.symbols` (symbol dicts),
:mod:`~.model` (the typed style: renderer, classes, labels; the schema is documented there),
:mod:`~.classify` (breaks, category lists, feature -> class), :mod:`~.legend` (legend rows),
:mod:`~.defaults` (the bundled layers' styles, read from ``resources/styles/``) and
:mod:`~.draft` (a style being edited, what the style dialog binds to). The names below are the
public API; ``from hljgis.core.style import X`` keeps working for each.
"""

from __future__ import annotations

from hljgis.core.style.classify import (
    categorized_renderer,
    classify,
    graduated_renderer,
    symbol_classes,
)
from hljgis.core.style.defaults import (
    PLANNING_YEAR,
    SCHEMA_ALIASES,
    bundled_styles,
    default_style,
    industry_colors,
)
from hljgis.core.style.draft import StyleDraft
from hljgis.core.style.legend import legend_entries
from hljgis.core.style.model import (
    METHODS,
    RENDERER_KINDS,
    STYLE_VERSION,
    Category,
    GradClass,
    Labels,
    Renderer,
    Style,
)
from hljgis.core.style.ramps import (
    QUALITATIVE_RAMPS,
    RAMPS,
    hex_to_rgba,
    ramp_colors,
    ramp_lut,
    rgba_to_hex,
)
from hljgis.core.style.symbols import (
    DASH_PATTERNS,
    DASHES,
    HATCHES,
    MARKERS,
    SYMBOL_TYPES,
    make_symbol,
    normalize_symbol,
    symbol_type_for,
)


def __getattr__(name: str):
    # INDUSTRY_COLORS comes from the pillar-industry style file, read on first use only.
    if name == "INDUSTRY_COLORS":
        return industry_colors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DASHES", "DASH_PATTERNS", "HATCHES", "INDUSTRY_COLORS", "MARKERS", "METHODS",
    "PLANNING_YEAR", "QUALITATIVE_RAMPS", "RAMPS", "RENDERER_KINDS", "SCHEMA_ALIASES",
    "STYLE_VERSION", "SYMBOL_TYPES", "Category", "GradClass", "Labels", "Renderer", "Style",
    "StyleDraft", "bundled_styles", "categorized_renderer", "classify", "default_style",
    "graduated_renderer", "hex_to_rgba", "industry_colors", "legend_entries", "make_symbol",
    "normalize_symbol", "ramp_colors", "ramp_lut", "rgba_to_hex", "symbol_classes",
    "symbol_type_for",
]
