"""The processing toolbox: buffer, overlay, join, select and measuring tools, Qt-free.

Each tool is declared as data in its family module (``geometry``, ``overlay``, ``join``,
``select``) and collected in :data:`~hljgis.processing.registry.TOOLS`; the GUI dialog and
``hljgis process`` build their forms and options from those declarations. Results are new
layers whose provenance records their lineage (:mod:`hljgis.processing.lineage`).
"""

from hljgis.processing.job import Cancelled
from hljgis.processing.lineage import lineage_text
from hljgis.processing.registry import FAMILIES, TOOLS, ToolResult, get_tool, run_tool

__all__ = ["FAMILIES", "TOOLS", "Cancelled", "ToolResult", "get_tool", "lineage_text",
           "run_tool"]
