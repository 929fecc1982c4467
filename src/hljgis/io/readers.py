"""Read any supported file into layers: one public function, private engines behind it.

``read_file(path)`` returns a list of layers (a GeoPackage or KML may hold several). Every
failure becomes an :class:`~hljgis.core.errors.InputError` that names the file, says what is
wrong and what to do; nothing is repaired or guessed silently. What the reader decided on the
planner's behalf (encoding, split of mixed geometry types) is recorded in ``layer.notes``;
the count of invalid geometries is worked out when the notes are first read (GEOS's check
of a million parcels takes over a second that a script drawing the layer does not need).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from hljgis.core.crs import WGS84, parse_crs, to_wgs84_from_offset
from hljgis.core.errors import InputError, MissingCRSError
from hljgis.core.layer import Layer, RasterLayer, VectorLayer
from hljgis.io.encodings import shapefile_encoding, text_file_encoding
from hljgis.io.gdal_frame import gc_paused, read_frame

# China with a margin wide enough for the Russian side of the border and the seas.
CHINA_BOX = (70.0, 15.0, 140.0, 56.0)


@dataclass
class ReadOptions:
    """How to read a file; every field is a choice the planner makes explicitly.

    layer : only this layer of a multi-layer file (the sheet of a workbook).
    encoding : attribute text encoding (overrides .cpg and detection).
    assume_crs : CRS to use when the file has none (never used when it has one).
    offset_datum : "gcj02" or "bd09" when lon/lat were digitised from a Chinese web map.
    x_field, y_field : coordinate columns of a CSV or XLSX (detected when omitted).
    split_mixed : split a layer holding points, lines and polygons into one layer each.
    check_location : refuse coordinates that are swapped or far outside China.
    columns : read only these attribute columns (vector files; e.g. the one a style maps);
        read through GDAL's Arrow stream, a million polygons in about a third of the time.
    """

    layer: str | None = None
    encoding: str | None = None
    assume_crs: object | None = None
    offset_datum: str | None = None
    x_field: str | None = None
    y_field: str | None = None
    split_mixed: bool = True
    check_location: bool = True
    columns: list[str] | None = None


def read_file(path: str | Path, **options) -> list[Layer]:
    """Read a GeoPackage, Shapefile, GeoJSON, KML, CSV, XLSX or GeoTIFF into layers.

    Parameters
    ----------
    path : path-like
        The file. The driver is chosen by extension (see ``ENGINES``).
    **options
        Fields of :class:`ReadOptions`.

    Returns
    -------
    list of Layer

    Raises
    ------
    InputError
        Missing or unreadable file, unsupported format, no CRS, undetectable encoding,
        implausible coordinates. The message says what to do.
    """
    opts = ReadOptions(**options)
    if isinstance(path, str) and path.startswith(("PG:", "postgresql://", "postgres://")):
        from hljgis.io.postgis import read_layers  # a PostGIS table or query (psycopg)

        return read_layers(path, opts)
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"{path} does not exist.",
            "Check the path and file name (Shapefiles need the .shp, .shx and .dbf together).",
        )
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file.", "Pick one data file inside it.")
    engine = ENGINES.get(path.suffix.lower())
    if engine is None:
        raise InputError(
            f"{path.name}: hljgis cannot read '{path.suffix}' files.",
            f"Supported: {', '.join(sorted(ENGINES))}. Convert the file to GeoPackage first.",
        )
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes).", "Copy the file again from its source.")
    layers = engine(path, opts)
    for layer in layers:
        layer.source_path = str(path)
    return layers


# -- vector engines ------------------------------------------------------------------------------

def _read_vector(path: Path, opts: ReadOptions, *, layer: str | None = None,
                 encoding: str | None = None, encoding_note: str | None = None,
                 default_crs: str | None = None) -> list[Layer]:
    """Read one vector layer with pyogrio and run the checks every vector layer gets."""
    kwargs: dict[str, Any] = {"layer": layer} if layer is not None else {}
    if encoding:
        kwargs["encoding"] = encoding
    if opts.columns is not None:
        kwargs["columns"] = list(opts.columns)
    try:
        if not encoding:  # GDAL's Arrow stream ignores an encoding
            # the frame pyogrio gives (with Arrow when only some columns are asked for);
            # the file's WKB is kept while the layer lives (io.source_wkb): a ranking of its
            # polygons reads their vertices from it, and writing them unchanged hands GDAL
            # those bytes and the file's R-tree (as project layers do)
            gdf = read_frame(path, use_arrow=opts.columns is not None, keep_wkb=True,
                             **kwargs)
        else:
            with gc_paused():
                gdf = pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # pyogrio raises several GDAL-derived types
        raise InputError(
            f"{path.name}{f' (layer {layer})' if layer else ''} cannot be read: {exc}.",
            "The file may be corrupt or truncated; copy it again from its source, or open it "
            "in QGIS and save it as a GeoPackage.",
        ) from exc
    missing = [c for c in opts.columns or () if c not in gdf.columns]
    if missing:
        have = pyogrio.read_info(path, **({"layer": layer} if layer else {}))["fields"]
        raise InputError(f"{path.name}{f' (layer {layer})' if layer else ''} has no column "
                         f"{', '.join(missing)}.", f"Its columns are: {', '.join(have)}.")
    if gdf.crs is None:
        gdf = _assume_crs(gdf, path, opts, default_crs)
    name = layer or path.stem
    result = _finish_vector(gdf, name, path, opts)
    for lyr in result:
        lyr.encoding = encoding
        if encoding_note:
            lyr.notes.append(f"attribute encoding {encoding} ({encoding_note})")
    return list(result)


def _assume_crs(gdf, path: Path, opts: ReadOptions, default_crs: str | None):
    if opts.assume_crs is not None:
        return gdf.set_crs(parse_crs(opts.assume_crs), allow_override=True)
    if default_crs is not None:
        return gdf.set_crs(default_crs)
    if len(gdf) == 0 or gdf.geometry.isna().all():
        return gdf.set_crs(WGS84)  # nothing to place; the empty-layer note tells the planner
    raise MissingCRSError(str(path))


def _finish_vector(gdf: gpd.GeoDataFrame, name: str, path: Path,
                   opts: ReadOptions) -> list[VectorLayer]:
    notes = []
    if opts.offset_datum:
        if not gdf.crs.is_geographic:
            raise InputError(
                f"{path.name}: the {opts.offset_datum.upper()} correction applies to lon/lat "
                f"from Chinese web maps, but this layer is in projected {gdf.crs.name}.",
                "Import without the offset-datum option.",
            )
        gdf = gdf.set_geometry(to_wgs84_from_offset(gdf.geometry.values, opts.offset_datum))
        gdf = gdf.set_crs(WGS84, allow_override=True)
        notes.append(f"vertices converted from {opts.offset_datum.upper()} to WGS84")
    bounds = check_location(gdf, path.name) if opts.check_location else None
    if len(gdf) == 0:
        notes.append("the layer is empty (no features)")
    parts = _split_by_family(gdf) if opts.split_mixed else {"": gdf}
    if len(parts) > 1:
        notes.append(f"mixed geometry types split into {len(parts)} layers: "
                     f"{', '.join(parts)}")
    layers = []
    for family, part in parts.items():
        lyr = VectorLayer(part, f"{name}_{family.lower()}s" if family else name,
                          title=f"{name} ({family.lower()}s)" if family else name)
        lyr.notes.extend(notes)
        layers.append(lyr)
    invalid_note = _invalid_note(gdf, layers[0] if len(layers) == 1 else None)
    for lyr in layers:
        lyr.defer_notes(invalid_note)
        if bounds is not None and len(parts) == 1:
            lyr.derived("bounds", lambda b=bounds: b)  # worked out by the location check
    return layers


def _invalid_note(gdf: gpd.GeoDataFrame,
                  layer: VectorLayer | None) -> Callable[[], list[str]]:
    """The note on the invalid geometries of the frame read, worked out when the layer's
    notes are first read (GEOS's validity check of a million parcels takes over a second; a
    script that only draws the layer never reads the notes). Computed once for the file,
    shared by the parts of a split layer; with the ``layer``'s own mask (which
    ``invalid_count`` and repair reuse) while the layer still holds that frame."""

    # the layer by weak reference: it holds this note, and a strong one made a cycle
    # that kept the read frame alive until a full garbage collection
    layer_ref = weakref.ref(layer) if layer is not None else None

    @cache
    def note() -> tuple[str, ...]:
        lyr = layer_ref() if layer_ref is not None else None
        if lyr is not None and lyr.gdf is gdf:
            mask = lyr.invalid_mask()
        else:
            geoms = gdf.geometry.values
            mask = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
        invalid = int(mask.sum())
        if not invalid:
            return ()
        return (f"{invalid} invalid geometries (repair with 'hljgis repair' or "
                "hljgis.io.repair_geometries; they are not changed on read)",)

    return lambda: list(note())


_FAMILY = {0: "Point", 4: "Point", 1: "Line", 2: "Line", 5: "Line", 3: "Polygon", 6: "Polygon",
           7: "Collection"}


def _split_by_family(gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """{family: part}; a single entry keyed "" when the layer holds one family only."""
    # family code per type id + 1 (missing geometry, -1, is no family): 0 point, 1 line,
    # 2 polygon, 3 collection, -1 none
    families = _FAMILY_CODE[shapely.get_type_id(gdf.geometry.values) + 1]
    present = [i for i, n in enumerate(np.bincount(families[families >= 0], minlength=4))
               if n]
    if len(present) <= 1:
        return {"": gdf}
    return {_FAMILIES[i]: gdf[families == i].reset_index(drop=True) for i in present}


_FAMILIES = ("Point", "Line", "Polygon", "Collection")
_FAMILY_CODE = np.array([-1] + [_FAMILIES.index(_FAMILY[t]) for t in range(8)], dtype=np.int8)


def check_location(gdf: gpd.GeoDataFrame,
                   what: str) -> tuple[float, float, float, float] | None:
    """Refuse coordinates that are plainly lon/lat swapped, not degrees, or outside China.

    Returns the layer's bounds (None when it has no coordinates), worked out on the way.
    """
    geoms = gdf.geometry.values
    coords = shapely.get_coordinates(geoms)  # none from missing or empty geometries
    if len(coords) == 0:
        return None
    # per column: min(axis=0) of a million parcels' vertices took 0.39 s, these 0.02 s;
    # a NaN carries through min and max, so finite bounds mean finite coordinates
    xs, ys = coords[:, 0], coords[:, 1]
    bounds = minx, miny, maxx, maxy = (float(xs.min()), float(ys.min()), float(xs.max()),
                                       float(ys.max()))
    if not np.isfinite(bounds).all():
        _, owner = shapely.get_coordinates(geoms, return_index=True)
        n = len(np.unique(owner[~np.isfinite(coords).all(axis=1)]))
        raise InputError(
            f"{what}: {n} feature(s) have coordinates that are not numbers (NaN or infinite).",
            "Fix or delete those features in the source (e.g. in QGIS), then import again.",
        )
    crs: CRS = gdf.crs
    bx0, by0, bx1, by1 = CHINA_BOX
    if crs.is_geographic and (by0 <= minx and maxx <= by1 and bx0 <= miny and maxy <= bx1):
        raise InputError(
            f"{what}: longitude and latitude look swapped (x runs {minx:.2f}..{maxx:.2f}, "
            f"y runs {miny:.2f}..{maxy:.2f}; in China longitude is 73-135 and latitude 18-54).",
            "Swap the coordinate columns (for a CSV, name them: x_field=<longitude column>, "
            "y_field=<latitude column>) and import again.",
        )
    if crs.is_geographic:
        if minx < -180 or maxx > 360 or miny < -90 or maxy > 90:
            raise InputError(
                f"{what}: coordinates ({minx:.0f}..{maxx:.0f}, {miny:.0f}..{maxy:.0f}) are not "
                f"degrees, but the layer says its CRS is {crs.name}.",
                "These look like projected metres: import again with the right projected CRS "
                "(e.g. EPSG:4553 for CGCS2000 / 3-degree Gauss-Kruger CM 132E).",
            )
        lonlat = (minx, miny, maxx, maxy)
    else:
        lonlat = _lonlat_bounds(crs, bounds)
        if not np.all(np.isfinite(lonlat)):
            raise InputError(
                f"{what}: coordinates do not fit the layer's CRS {crs.name}.",
                "Check the CRS (a wrong .prj is common) and import with the right one.",
            )
    inside = lonlat[0] <= bx1 and lonlat[2] >= bx0 and lonlat[1] <= by1 and lonlat[3] >= by0
    if inside:
        return bounds
    raise InputError(
        f"{what}: every feature lies outside China (lon {lonlat[0]:.2f}..{lonlat[2]:.2f}, "
        f"lat {lonlat[1]:.2f}..{lonlat[3]:.2f} after reading it as {crs.name}).",
        "The CRS is probably wrong: check the .prj / CRS choice. To load it anyway, turn off "
        "the location check (check_location=False).",
    )


def _lonlat_bounds(crs: CRS, bounds: tuple) -> tuple:
    """Lon/lat bounds of projected ``bounds`` for the location check, in the CRS's own
    geodetic datum (CGCS2000, Xi'an 80, ...: metres from WGS84, nothing at China's scale):
    the inverse projection is set up in under a millisecond, a transformation to WGS84 took
    70-120 ms, longer than reading 100 k parcels' attributes."""
    geodetic = crs.geodetic_crs
    target: str | CRS = WGS84
    if geodetic is not None and all(a.unit_name == "degree" for a in geodetic.axis_info):
        target = geodetic
    return Transformer.from_crs(crs, target, always_xy=True).transform_bounds(*bounds)


_RASTER_KINDS = ("tiles", "2d-gridded-coverage")


def _read_gpkg(path: Path, opts: ReadOptions) -> list[Layer]:
    tables = [(t, k) for t, k in _gpkg_contents(path) if k in ("features", *_RASTER_KINDS)]
    if opts.layer:
        tables = [(t, k) for t, k in tables if t == opts.layer]
        if not tables:
            raise InputError(
                f"{path.name} has no layer '{opts.layer}'.",
                f"Its layers are: {', '.join(t for t, _ in _gpkg_contents(path)) or 'none'}.",
            )
    layers: list[Layer] = []
    for table, kind in tables:
        if kind in _RASTER_KINDS:
            layers.append(RasterLayer(f"GPKG:{path}:{table}", table, source_path=str(path)))
        else:
            layers.extend(_read_vector(path, opts, layer=table))
    if not layers:
        raise InputError(f"{path.name} holds no map layers.",
                         "Check that this is the right GeoPackage.")
    return layers


def _gpkg_contents(path: Path) -> list[tuple[str, str]]:
    """(table, data_type) pairs from gpkg_contents, read with sqlite3 to fail clearly."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute(
                "SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"{path.name} is not a readable GeoPackage ({exc}).",
            "The file is corrupt or truncated: copy it again, or restore the .bak file that "
            "hljgis keeps beside saved projects.",
        ) from exc
    return [(t, k) for t, k in rows]


def _read_shapefile(path: Path, opts: ReadOptions) -> list[Layer]:
    for ext in (".shx", ".dbf"):
        if not (path.with_suffix(ext).exists() or path.with_suffix(ext.upper()).exists()):
            raise InputError(
                f"{path.name}: the companion file {path.with_suffix(ext).name} is missing.",
                "A Shapefile is several files: copy .shp, .shx, .dbf, .prj (and .cpg) together.",
            )
    encoding, how = shapefile_encoding(path, opts.encoding)
    _check_dbf_size(path)
    return _read_vector(path, opts, encoding=encoding, encoding_note=how)


def _check_dbf_size(path: Path) -> None:
    """Refuse a .dbf shorter than its header says: GDAL reads one cut inside the field list
    as a file without attributes, and every attribute would be dropped without a word."""
    import struct

    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        dbf = path.with_suffix(".DBF")
    size = dbf.stat().st_size
    with dbf.open("rb") as fh:
        head = fh.read(12)
    if len(head) < 12:
        return  # the encoding check has reported it already
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    needed = header_len + records * record_len
    if size < needed:
        raise InputError(
            f"{dbf.name} is truncated: its header announces {records} records of "
            f"{record_len} bytes ({needed} bytes with the field list), but the file has "
            f"{size} bytes, so the attributes cannot be read.",
            "Copy the whole Shapefile again from its source (.shp, .shx, .dbf, .prj, .cpg "
            "together).",
        )


def _read_geojson(path: Path, opts: ReadOptions) -> list[Layer]:
    # RFC 7946: GeoJSON without a "crs" member is WGS84 lon/lat.
    layers = _read_vector(path, opts, default_crs=WGS84, encoding=opts.encoding)
    if any(lyr.gdf.geometry.isna().any() for lyr in layers if isinstance(lyr, VectorLayer)):
        _check_geojson_geometries(path)
    return layers


def _check_geojson_geometries(path: Path) -> None:
    """GDAL reads a geometry written as text (WKT in a string) as a missing geometry; say so
    instead of dropping the location. Run only when a geometry came back missing."""
    import json

    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        return
    features = data.get("features", []) if isinstance(data, dict) else []
    texts = [i for i, f in enumerate(features)
             if isinstance(f, dict) and isinstance(f.get("geometry"), str)]
    if texts:
        sample = str(features[texts[0]]["geometry"])[:40]
        raise InputError(
            f"{path.name}: {len(texts)} feature(s) have their geometry as text, not as a "
            f"GeoJSON geometry object (feature {texts[0]}: \"{sample}\").",
            "Write the geometry as {\"type\": \"Point\", \"coordinates\": [lon, lat]}, or "
            "put the WKT in a CSV column named wkt and convert it in QGIS.",
        )


def _read_kml(path: Path, opts: ReadOptions) -> list[Layer]:
    try:
        names = [n for n, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(f"{path.name} cannot be read as KML: {exc}.",
                         "Check that the file is complete KML (open it in Google Earth).") from exc
    if opts.layer:
        names = [opts.layer]
    layers: list[Layer] = []
    for name in names:
        layers.extend(_read_vector(path, opts, layer=name, default_crs=WGS84))
    return [lyr for lyr in layers if isinstance(lyr, VectorLayer) and lyr.gdf is not None]


# CSV coordinate columns, in order of preference (lowercased, spaces removed).
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "东经", "x", "x坐标", "横坐标",
             "easting", "point_x", "坐标x")
LAT_NAMES = ("lat", "latitude", "纬度", "北纬", "y", "y坐标", "纵坐标", "northing", "point_y",
             "坐标y")


def _find_column(columns, candidates) -> str | None:
    lookup = {str(c).strip().lower().replace(" ", ""): c for c in columns}
    for cand in candidates:
        if cand in lookup:
            return lookup[cand]
    return None


# WKT geometry columns of a table (what hljgis, QGIS and ArcGIS write for non-point layers).
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "空间信息")


def _read_csv(path: Path, opts: ReadOptions) -> list[Layer]:
    encoding = text_file_encoding(path, opts.encoding)
    try:
        df = pd.read_csv(path, encoding=encoding, sep=None, engine="python")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{path.name} cannot be read as CSV ({exc}).",
            "Check the delimiter and encoding, or save it again as UTF-8 CSV.",
        ) from exc
    layers = _table_layers(df, path, opts)
    for lyr in layers:
        lyr.encoding = encoding
        lyr.notes.append(f"text encoding {encoding}")
    return list(layers)


def _read_xlsx(path: Path, opts: ReadOptions) -> list[Layer]:
    """A spreadsheet (the bureau's survey list): the sheet ``opts.layer`` or the first one,
    read like a CSV (coordinate columns or a WKT column)."""
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputError(
            f"{path.name} cannot be read as an Excel workbook ({exc}).",
            "Open it in Excel or WPS and save it again as .xlsx (older .xls: save as .xlsx).",
        ) from exc
    names = list(sheets.sheet_names)
    sheet = opts.layer or names[0]
    if sheet not in names:
        raise InputError(f"{path.name} has no sheet '{sheet}'.",
                         f"Its sheets are: {', '.join(names)}.")
    df = pd.read_excel(sheets, sheet_name=sheet)
    df.columns = [str(c).strip() for c in df.columns]
    layers = _table_layers(df, path, opts)
    others = [n for n in names if n != sheet]
    for lyr in layers:
        lyr.notes.append(f"sheet '{sheet}'" + (f" (others: {', '.join(others)})" if others
                                               else ""))
    return list(layers)


def _table_layers(df: pd.DataFrame, path: Path, opts: ReadOptions) -> list[VectorLayer]:
    """Points from coordinate columns, else geometries from a WKT column."""
    xcol = opts.x_field or _find_column(df.columns, LON_NAMES)
    ycol = opts.y_field or _find_column(df.columns, LAT_NAMES)
    wkt = _find_column(df.columns, WKT_NAMES) if not (opts.x_field or opts.y_field) else None
    if wkt is not None and (xcol is None or ycol is None):
        return _wkt_layers(df, wkt, path, opts)
    if xcol is None or ycol is None or xcol not in df.columns or ycol not in df.columns:
        raise InputError(
            f"{path.name}: no coordinate columns found among {', '.join(map(str, df.columns))}.",
            "Name them lon/lat, longitude/latitude, x/y or 经度/纬度, or give x_field and "
            "y_field (CLI: --x-field, --y-field); outlines go in a WKT column named wkt.",
        )
    xs = pd.to_numeric(df[xcol], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(df[ycol], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    geoms = shapely.points(xs, ys)
    geoms[bad] = None
    _refuse_rows(path, np.isinf(xs) | np.isinf(ys), xs, ys, xcol, ycol,
                 "hold numbers too large to be coordinates")
    # Degrees (possibly swapped, which check_location reports) rather than metres.
    degrees = (np.abs(xs) <= 360) & (np.abs(ys) <= 360)
    if opts.assume_crs is not None:
        crs = parse_crs(opts.assume_crs)
    elif degrees[~bad].all():
        crs = CRS.from_user_input(WGS84)
    elif degrees[~bad].mean() >= 0.5:  # mostly degrees: the rest are typos, not metres
        _refuse_rows(path, ~bad & ~degrees, xs, ys, xcol, ycol,
                     f"are not degrees, while {int(degrees[~bad].sum())} other rows are")
    else:
        raise MissingCRSError(str(path))
    gdf = gpd.GeoDataFrame(df, geometry=geoms, crs=crs)
    layers = _finish_vector(gdf, path.stem, path, opts)
    for lyr in layers:
        lyr.notes.append(f"points from columns {xcol} / {ycol}")
        if bad.any():
            lyr.notes.append(f"{int(bad.sum())} rows without usable coordinates kept with no "
                             "geometry")
    return layers


def _table_crs(path: Path, opts: ReadOptions, looks_degrees: bool):
    if opts.assume_crs is not None:
        return parse_crs(opts.assume_crs)
    if looks_degrees:
        return CRS.from_user_input(WGS84)
    raise MissingCRSError(str(path))


def _wkt_layers(df: pd.DataFrame, column, path: Path,
                opts: ReadOptions) -> list[VectorLayer]:
    text = df[column].astype("object").where(df[column].notna(), None).to_numpy()
    geoms = shapely.from_wkt(text, on_invalid="ignore")  # unreadable WKT -> None
    bad = shapely.is_missing(geoms)
    b = shapely.bounds(geoms[~bad]) if (~bad).any() else np.zeros((0, 4))
    looks_degrees = bool(len(b)) and float(np.nanmax(np.abs(b))) <= 360
    gdf = gpd.GeoDataFrame(df.drop(columns=[column]), geometry=geoms,
                           crs=_table_crs(path, opts, looks_degrees or not len(b)))
    layers = _finish_vector(gdf, path.stem, path, opts)
    for lyr in layers:
        lyr.notes.append(f"geometries from the WKT column {column}")
        if bad.any():
            lyr.notes.append(f"{int(bad.sum())} rows without readable WKT kept with no geometry")
    return layers


def _refuse_rows(path: Path, mask: np.ndarray, xs, ys, xcol, ycol, why: str) -> None:
    """InputError naming the first CSV lines (header = line 1) whose coordinates are wrong."""
    rows = np.flatnonzero(mask)
    if not rows.size:
        return
    shown = ", ".join(f"line {i + 2} ({xcol} {xs[i]:g}, {ycol} {ys[i]:g})" for i in rows[:5])
    more = f" and {rows.size - 5} more" if rows.size > 5 else ""
    raise InputError(
        f"{path.name}: {rows.size} row(s) {why}: {shown}{more}.",
        "Correct those values (a typing error?), or empty them to load the rows without a "
        "location.",
    )


def _read_raster(path: Path, opts: ReadOptions) -> list[Layer]:
    layer = RasterLayer(path, path.stem, assume_crs=opts.assume_crs)
    if layer.crs is None:
        raise MissingCRSError(str(path))
    return [layer]


ENGINES: dict[str, Callable[[Path, ReadOptions], list[Layer]]] = {
    ".gpkg": _read_gpkg,
    ".shp": _read_shapefile,
    ".geojson": _read_geojson,
    ".json": _read_geojson,
    ".kml": _read_kml,
    ".kmz": _read_kml,
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".tif": _read_raster,
    ".tiff": _read_raster,
}


def repair_geometries(layer: VectorLayer) -> int:
    """Make invalid geometries valid with ``shapely.make_valid``; return how many changed.

    Only on request: reading never repairs silently. The repair is recorded in the layer's
    notes so exports and ``info`` can say so.
    """
    mask = layer.invalid_mask()
    n = int(mask.sum())
    if n:
        gdf = layer.gdf.copy()
        geoms = gdf.geometry.values.copy()
        geoms[mask] = shapely.make_valid(geoms[mask])
        gdf = gdf.set_geometry(geoms)
        layer.set_data(gdf)
        layer.notes.append(f"{n} invalid geometries repaired with make_valid")
    return n
