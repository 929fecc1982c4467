"""The processing toolbox: buffer, overlay, join, select and measuring tools, Qt-free.

Each tool is declared as data in its family module (``geometry``, ``overlay``, ``join``,
``select``) and collected in :data:`~hljgis.processing.registry.TOOLS`; the GUI dialog and
``hljgis process`` build their forms and options from those declarations. Results are new
layers whose provenance records their lineage (:mod:`hljgis.processing.lineage`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from hljgis.processing.lineage import lineage_text

if TYPE_CHECKING:
    from hljgis.processing.job import Cancelled
    from hljgis.processing.registry import FAMILIES, TOOLS, ToolResult, get_tool, run_tool

__all__ = ["FAMILIES", "TOOLS", "Cancelled", "ToolResult", "get_tool", "lineage_text",
           "run_tool"]

# The tool table loads its family modules and specs (~5 ms); a PDF export needs only
# ``lineage_text`` (for the sources note), so the rest is loaded on first use.
_LAZY = {"Cancelled": "job", "FAMILIES": "registry", "TOOLS": "registry",
         "ToolResult": "registry", "get_tool": "registry", "run_tool": "registry"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
