"""Ranking results as files (GeoPackage, CSV) that say when they rest on illustrative data.

A results table travels without its map: the warning goes into the data itself, as an
``illustrative_inputs`` column naming the layers (every row, so a filtered copy keeps it),
and into the GeoPackage table's description, which QGIS shows in the layer properties.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hljgis.analysis.inputs import illustrative_inputs
from hljgis.export.sources import ranking_note
from hljgis.io.writers import write_layer


def describe_gpkg_table(path: str | Path, table: str, text: str) -> None:
    """Set a GeoPackage table's ``gpkg_contents.description``."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute("UPDATE gpkg_contents SET description = ? WHERE table_name = ?",
                        (text, table))
    finally:
        con.close()


def write_rank_files(project, result, layer, out, csv=None) -> str:
    """Write ``layer`` (the ranking's :meth:`~hljgis.analysis.run.RankingResult.layer`) to
    ``out`` and ``csv``; returns the warning ("" when no input layer is illustrative)."""
    ill = illustrative_inputs(project, result.scenario)
    note = ranking_note(ill, "en")
    gdf = layer.gdf
    if ill:  # a new column on a shallow copy (pandas copies on write): a deep copy of a
        # million ranked parcels took 0.8 s
        gdf = gdf.copy(deep=False)
        gdf["illustrative_inputs"] = "; ".join(lyr.name for lyr in ill)
    for path in (out, csv):
        if path:
            write_layer(gdf, path, layer_name=layer.name)
            if note and Path(path).suffix.lower() == ".gpkg":
                describe_gpkg_table(path, layer.name, ranking_note(ill, "both"))
    return note
