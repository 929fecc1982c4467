"""Write a Shapefile in the encoding a bureau's software expects (UTF-8, GBK or GB18030).

Older Chinese desktop GIS reads attribute text as GBK; newer tools want UTF-8. GDAL writes
the chosen encoding into a ``.cpg`` file, but it silently drops any character the encoding
lacks (it only warns once), so the text is checked here first and refused with the field
named. The five component files are written in a temporary folder beside the target and
then moved into place one by one, the ``.shp`` last, keeping each replaced file as
``.bak``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from hljgis.core.errors import InputError
from hljgis.io.atomic import _check_folder, _keep_backup

#: Encodings offered for Shapefiles: .cpg text -> Python codec.
SHAPEFILE_ENCODINGS = {"UTF-8": "utf-8", "GBK": "gbk", "GB18030": "gb18030"}
#: Component files written (in this order; the .shp last so a reader never finds a new
#: .shp with old attributes) and stale side files removed (old spatial indexes).
COMPONENTS = (".dbf", ".shx", ".prj", ".cpg", ".shp")
STALE = (".qix", ".sbn", ".sbx", ".qpj")


def unencodable(gdf: pd.DataFrame, encoding: str) -> tuple[str, str] | None:
    """(field, value) of the first text that ``encoding`` cannot hold, or None."""
    codec = SHAPEFILE_ENCODINGS.get(encoding.upper(), encoding)
    geom = getattr(getattr(gdf, "geometry", None), "name", None)
    for column in gdf.columns:
        if column == geom:
            continue
        texts = [str(column)]
        if gdf[column].dtype == object or pd.api.types.is_string_dtype(gdf[column]):
            texts += [v for v in pd.unique(gdf[column].dropna()) if isinstance(v, str)]
        for text in texts:
            try:
                text.encode(codec)
            except UnicodeEncodeError:
                return str(column), text
    return None


def write_shapefile(gdf: gpd.GeoDataFrame, path: str | Path, *,
                    encoding: str = "UTF-8") -> Path:
    """Write ``gdf`` as ``path`` (.shp with .shx, .dbf, .prj and a .cpg naming ``encoding``).

    Raises
    ------
    InputError
        An encoding not offered, text the encoding cannot hold, mixed geometry types, or a
        folder that cannot be written.
    """
    path = Path(path)
    encoding = encoding.upper()
    if encoding not in SHAPEFILE_ENCODINGS:
        raise InputError(f"Shapefile encoding '{encoding}' is not offered.",
                         f"Choose one of: {', '.join(SHAPEFILE_ENCODINGS)}.")
    _check_folder(path)
    bad = unencodable(gdf, encoding)
    if bad is not None:
        field, value = bad
        raise InputError(f"field '{field}' holds text that {encoding} cannot store: "
                         f"'{value[:40]}'.",
                         "Choose UTF-8 or GB18030 (both hold every Chinese character).")
    kinds = set(gdf.geometry.dropna().geom_type.str.removeprefix("Multi"))
    if len(kinds) > 1:
        raise InputError(f"a Shapefile holds one geometry type; this layer mixes "
                         f"{', '.join(sorted(kinds))}.",
                         "Save it as a GeoPackage, or select features of one type.")
    folder = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent))
    try:
        tmp = folder / path.name
        try:
            pyogrio.write_dataframe(gdf, tmp, driver="ESRI Shapefile", encoding=encoding)
        except Exception as exc:  # GDAL's reason (field types, sizes) for the planner
            raise InputError(f"cannot write {path.name} as a Shapefile: {exc}",
                             "Save it as a GeoPackage instead.") from exc
        for suffix in STALE:
            with contextlib.suppress(FileNotFoundError):
                path.with_suffix(suffix).unlink()
        for suffix in COMPONENTS:
            part = tmp.with_suffix(suffix)
            if not part.exists():
                continue
            target = path.with_suffix(suffix)
            if target.exists():
                _keep_backup(target)
            os.replace(part, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return path
