"""Candidate sites: the polygons a scenario ranks.

Two sources, as planners use them:

* the polygons of a layer (shanty-town sites, stable subsidence zones, parcels a bureau
  imports), optionally filtered by attribute (:func:`layer_candidates`);
* generated square or hexagonal cells of a chosen size inside a boundary (a city, its urban
  districts) when no parcels exist yet and the question is "where in the city"
  (:func:`grid_candidates`).

Every candidate frame has the columns ``site_id``, ``city`` and ``site_type`` (where it came
from) and is in a metric CRS, so criteria can measure metres and square metres directly.
Generation is vectorised: the cell lattice is a numpy grid, the inside-boundary test is a
prepared, vectorised ``shapely.intersects_xy`` of the cell centres, and the polygons are
built in one ``shapely.from_ragged_array`` / ``shapely.polygons`` call for the kept cells
only, when they are needed (:class:`GridCells`).

:func:`filter_mask` evaluates the plain-data attribute filters that scenarios use for
candidates, criteria and constraints (``{"field": "status", "in": ["opened"]}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from hljgis.core.cellgrid import CellGrid, cell_polygons, lattice_centres, lattice_shape
from hljgis.core.errors import InputError
from hljgis.core.hugepages import batch_memory

__all__ = [
    "CELL_SHAPES",
    "FILTER_OPS",
    "GridCells",
    "cell_polygons",
    "filter_mask",
    "grid_candidates",
    "grid_cells",
    "hex_cells",
    "layer_candidates",
    "read_candidates",
    "square_cells",
]

#: Cell shapes :func:`grid_candidates` can generate.
CELL_SHAPES = ("square", "hex")

#: Comparison operators a filter clause may use with ``"op"``.
FILTER_OPS = ("==", "!=", "<", "<=", ">", ">=")

#: Placeholder in a filter ``value`` replaced by the scenario's planning year.
YEAR_PLACEHOLDER = "$year"


# ------------------------------------------------------------------------------- filters


def _clauses(where: object) -> list[Mapping[str, Any]]:
    """Return the filter as a list of clauses (a single clause may be given bare)."""
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [where]
    if isinstance(where, Sequence) and not isinstance(where, str):
        return list(where)
    raise ValueError(f"a filter must be a clause or a list of clauses, got {where!r}")


def _resolve(value: Any, year: int | None) -> Any:
    """Replace the ``"$year"`` placeholder with the planning year."""
    if isinstance(value, str) and value == YEAR_PLACEHOLDER:
        if year is None:
            raise ValueError("the filter uses '$year' but no planning year is set")
        return year
    return value


def filter_mask(frame: pd.DataFrame, where: object, *, year: int | None = None) -> np.ndarray:
    """Evaluate an attribute filter: True for rows that pass every clause.

    A clause is plain data, so it can be saved in a scenario and typed in a dialog:

    * ``{"field": "status", "in": ["opened"]}``: value is one of the list;
    * ``{"field": "status", "not_in": ["planned"]}``;
    * ``{"field": "lead_industries", "contains": "graphite"}``: text contains the substring
      (how ``;``-separated lists such as lead industries are matched);
    * ``{"field": "stable_from_year", "op": ">", "value": "$year"}``: comparison with a
      number; ``"$year"`` stands for the scenario's planning year.

    Parameters
    ----------
    frame : pandas.DataFrame
    where : dict, list of dict or None
        One clause or a list of clauses combined with AND; None keeps every row.
    year : int, optional
        Planning year substituted for ``"$year"``.

    Returns
    -------
    numpy.ndarray of bool
        Rows with a missing value fail a clause (unknown data is never assumed to pass).

    Raises
    ------
    ValueError
        If a clause names a missing field or an unknown operator (the message names both).

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["opened", "planned"], "y": [2010, 2030]})
    >>> filter_mask(df, [{"field": "status", "in": ["opened"]}]).tolist()
    [True, False]
    >>> filter_mask(df, {"field": "y", "op": ">", "value": "$year"}, year=2025).tolist()
    [False, True]
    """
    mask = np.ones(len(frame), dtype=bool)
    for k, clause in enumerate(_clauses(where)):
        if not isinstance(clause, Mapping) or "field" not in clause:
            raise ValueError(f"filter clause {k + 1} must be a mapping with a 'field' key")
        name = clause["field"]
        if name not in frame.columns:
            fields = [str(c) for c in frame.columns if c != "geometry"]
            raise ValueError(
                f"filter clause {k + 1}: field '{name}' not found; fields: {', '.join(fields)}"
            )
        col = frame[name]
        present = col.notna().to_numpy().copy()
        if "in" in clause:
            ok = col.isin(list(clause["in"])).to_numpy()
        elif "not_in" in clause:
            ok = ~col.isin(list(clause["not_in"])).to_numpy()
        elif "contains" in clause:
            ok = col.astype(str).str.contains(str(clause["contains"]), regex=False).to_numpy()
        elif "op" in clause:
            op = clause["op"]
            if op not in FILTER_OPS:
                raise ValueError(
                    f"filter clause {k + 1}: op {op!r} is not one of {', '.join(FILTER_OPS)}"
                )
            value = _resolve(clause.get("value"), year)
            values = col.to_numpy()
            if isinstance(value, int | float) and not isinstance(value, bool):
                values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
                present = present & ~np.isnan(values)
            with np.errstate(invalid="ignore"):
                ok = np.asarray(
                    {
                        "==": values == value,
                        "!=": values != value,
                        "<": values < value,
                        "<=": values <= value,
                        ">": values > value,
                        ">=": values >= value,
                    }[op],
                    dtype=bool,
                )
        else:
            raise ValueError(
                f"filter clause {k + 1} on '{name}' needs one of 'in', 'not_in', 'contains' "
                "or 'op'"
            )
        mask &= ok & present
    return mask


# ---------------------------------------------------------------------------- candidates


def _metric(gdf: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """Return ``gdf`` in ``crs`` (no copy when it is already there)."""
    if gdf.crs is None:
        raise InputError("a layer used for candidates has no CRS.", "Set the layer's CRS first.")
    return gdf if gdf.crs.equals(crs) else gdf.to_crs(crs)


def layer_candidates(
    gdf: gpd.GeoDataFrame,
    *,
    crs: CRS,
    source: str = "layer",
    where: object = None,
    id_field: str | None = None,
    city_field: str = "city",
    year: int | None = None,
) -> gpd.GeoDataFrame:
    """Use the polygons (or points) of a layer as candidate sites.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygon or point features (a point site has no area: an overlap is 1 when it lies
        inside); lines are refused.
    crs : pyproj.CRS
        Metric CRS the candidates are returned in.
    source : str
        Layer name, written to ``site_type`` so mixed results say where each site came from.
    where : filter, optional
        See :func:`filter_mask`, e.g. ``{"field": "status", "in": ["cleared"]}``.
    id_field : str, optional
        Field holding a stable identifier; by default ``<source>:<row>``.
    city_field : str, default "city"
        Field naming the city; empty text when the layer has none.
    year : int, optional
        Planning year for ``"$year"`` in ``where``.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's attributes plus ``site_id``, ``city``, ``site_type``, in ``crs``,
        with a fresh 0..n-1 index.

    Raises
    ------
    InputError
        If the layer holds no polygons or points, or the id field is missing.
    """
    types = shapely.get_type_id(gdf.geometry.values)
    sites = np.isin(types, (0, 3, 4, 6))
    if not sites.any():
        found = ", ".join(sorted(set(shapely.GeometryType(t).name.lower() for t in types
                                     if t >= 0))) or "no geometries"
        raise InputError(
            f"candidate layer '{source}' holds no polygons or points ({found}).",
            "Candidates are sites: use a layer of parcel polygons or site points (buffer "
            "lines into areas first), or pick another layer of the file.",
        )
    if where:
        keep = filter_mask(gdf, where, year=year)
        gdf, sites, types = gdf[keep], sites[keep], types[keep]
    # a feature without geometry (NULL: type -1) is no line: it stays, unmeasured
    odd = ~(sites | (types < 0))
    if len(gdf) and odd.any():
        kinds = sorted({shapely.GeometryType(t).name.lower() for t in np.unique(types[odd])})
        lines = set(kinds) <= {"linestring", "linearring", "multilinestring"}
        rows = ", ".join(str(k + 1) for k in np.flatnonzero(odd)[:5])
        raise InputError(
            f"candidate layer '{source}' mixes lines with its polygons or points."
            if lines else f"candidate layer '{source}' holds {', '.join(kinds)} features "
            f"among its polygons or points (features {rows}"
            f"{', ...' if odd.sum() > 5 else ''}).",
            "Split the layer (hljgis info shows its geometry types) or buffer the lines."
            if lines else "Explode the collections into their polygons (QGIS: Multipart to "
            "singleparts, or Collect geometries) or remove those features.",
        )
    out = _metric(gdf, crs).reset_index(drop=True)
    if id_field is not None:
        if id_field not in out.columns:
            raise InputError(
                f"candidate layer '{source}' has no field '{id_field}' for site ids.",
                f"Pick one of: {', '.join(c for c in out.columns if c != out.geometry.name)}.",
            )
        ids = _site_ids(out[id_field], source)
    else:
        ids = np.char.add(f"{source}:", np.arange(len(out)).astype(str))
    out = out.drop(columns=[c for c in ("site_id", "site_type") if c in out.columns])
    out.insert(0, "site_id", ids)
    out["city"] = (out[city_field].fillna("").astype(str).array if city_field in out.columns
                   else _same_text("", len(out)))
    out["site_type"] = _same_text(source, len(out))
    return out


def _site_ids(col: pd.Series, source: str):
    """Site ids from the id field: the column's own array when it holds text (no million
    Python strings made). Whole numbers read as floats (an integer field with NULLs, as
    GDAL hands it over) keep their integer form ("10001", not "10001.0"); a site whose id
    is missing gets ``<source>:<row>``, as sites of a layer without an id field do."""
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=float, na_value=np.nan)
        known = values[~np.isnan(values)]
        if (known == np.round(known)).all() and (np.abs(known) < 2**53).all():
            col = col.astype("Int64")
    ids = col.astype(str)
    missing = col.isna().to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        ids = ids.copy()
        ids.iloc[rows] = np.char.add(f"{source}:", rows.astype(str))
    return ids.array


def _same_text(text: str, n: int) -> pd.api.extensions.ExtensionArray:
    """``n`` times ``text`` as a string column, laid out in Arrow's buffers directly (no
    ``n`` Python strings, no take or cast: a million rows in a millisecond for "")."""
    import pyarrow as pa

    data = text.encode()
    offsets = (np.zeros(n + 1, np.int64) if not data
               else np.arange(n + 1, dtype=np.int64) * len(data))
    column = pa.Array.from_buffers(pa.large_string(), n,
                                   [None, pa.py_buffer(offsets), pa.py_buffer(data * n)])
    return pd.array(column, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


@batch_memory()
def read_candidates(path: str, *, layer: str | None = None,
                    columns: Sequence[str] | None = None,
                    encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read a file of candidate polygons (parcels, cells from another tool) for ranking.

    Read by :func:`hljgis.io.gdal_frame.read_frame` (GDAL's Arrow stream, geometries from
    WKB straight to shapely). The WKB is kept with the geometries (:mod:`hljgis.io.source_wkb`)
    while the returned frame lives, so writing the ranked sites hands GDAL the file's own
    WKB for every geometry that was not changed. ``columns`` limits the fields read; the
    geometry always comes, as the ``geometry`` column.

    Parameters
    ----------
    path : str
        GeoPackage, Shapefile, GeoJSON or another vector file GDAL reads.
    layer : str, optional
        Layer of a multi-layer file (the first by default).
    columns : sequence of str, optional
        Fields to read (all by default).
    encoding : str, optional
        A Shapefile's attribute text encoding, e.g. GBK. By default its ``.cpg``, the
        ``.dbf``'s language driver id, then the bytes say (a bureau's GBK Shapefile often
        has no ``.cpg``: GDAL alone took its Chinese field names for UTF-8 and failed).

    Raises
    ------
    InputError
        If the file cannot be read, the layer has no geometry or no CRS, or a Shapefile's
        encoding cannot be told (:class:`~hljgis.core.errors.EncodingError`).
    """
    import os

    import pyogrio

    from hljgis.io.gdal_frame import read_frame

    if str(os.fspath(path)).lower().endswith(".shp"):
        from hljgis.io.encodings import shapefile_encoding

        encoding = shapefile_encoding(path, encoding)[0]
    options: dict[str, Any] = {"encoding": encoding} if encoding else {}
    try:
        gdf = read_frame(path, layer=layer, columns=columns, keep_wkb=True, **options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError) as exc:
        raise InputError(f"cannot read candidates from '{path}': {exc}",
                         "Check the file and layer name.") from exc
    except UnicodeDecodeError as exc:  # text in another encoding, e.g. a zipped Shapefile
        raise InputError(f"the field names or text of '{path}' are not "
                         f"{encoding or 'UTF-8'} ({exc.reason}).",
                         "Give their encoding, e.g. read_candidates(path, encoding='GBK'), "
                         "or unzip the Shapefile and read its .shp.") from exc
    if not isinstance(gdf, gpd.GeoDataFrame):  # a table without geometry
        raise InputError(f"the layer read from '{path}' holds no geometries.",
                         "Candidates are polygons or points: pick a layer that has them.")
    if gdf.crs is None:
        raise InputError(f"the candidates in '{path}' have no CRS.",
                         "Set the layer's CRS (e.g. with QGIS or ogr2ogr -a_srs) first.")
    return gdf


def square_cells(bounds: Sequence[float], size: float) -> np.ndarray:
    """Centres of square cells of side ``size`` tiling ``bounds`` from the lower-left corner.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        Build the polygons with :func:`cell_polygons` once the centres are filtered, so
        cells outside the boundary never cost a polygon.
    """
    return _lattice_cells(bounds, float(size), "square")[0]


def hex_cells(bounds: Sequence[float], size: float) -> np.ndarray:
    """Centres of pointy-top hexagons tiling ``bounds``; ``size`` is the centre spacing.

    ``size`` is the flat-to-flat width, i.e. the distance between neighbouring centres, so
    each cell has area ``sqrt(3) / 2 * size**2`` (about 0.866 of a square of the same size)
    and all six neighbours of a cell are ``size`` away, which is why hexagons suit
    distance-based suitability surfaces.
    """
    return _lattice_cells(bounds, float(size), "hex")[0]


def _lattice_cells(bounds: Sequence[float], size: float,
             shape: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centres, column, row) of every cell of the lattice over ``bounds`` (row-major)."""
    nx, ny = lattice_shape(bounds, size, shape)
    col2d, row2d = np.meshgrid(np.arange(nx), np.arange(ny))
    col, row = col2d.ravel(), row2d.ravel()
    origin = (float(bounds[0]), float(bounds[1]))
    return lattice_centres(origin, size, shape, col, row), col, row


def _box_centroids(centres: np.ndarray, size: float) -> np.ndarray:
    """``shapely.centroid`` of the :func:`cell_polygons` squares, bit for bit, in numpy.

    The generating centre itself can differ from GEOS's centroid in the last bit, so this
    repeats GEOS's ``Centroid`` arithmetic on the ``shapely.box`` ring (ccw, starting at
    the lower-right corner): signed triangle areas from the first vertex, the two non-empty
    triangles, sums divided by 3 and by the area. ``tests/analysis/test_fast_paths.py``
    checks the equality, so a GEOS that computed centroids differently would be noticed.
    """
    h = size / 2.0
    cx, cy = centres[:, 0], centres[:, 1]
    x0, y0, x1, y1 = cx - h, cy - h, cx + h, cy + h
    px, py = x1, y0  # first vertex of the ring
    s1 = -((x1 - px) * (y1 - py) - (x0 - px) * (y1 - py))  # ccw shell: sign -1
    s2 = -((x0 - px) * (y0 - py) - (x0 - px) * (y1 - py))
    gx = s1 * (px + x1 + x0) + s2 * (px + x0 + x0)
    gy = s1 * (py + y1 + y1) + s2 * (py + y1 + y0)
    area = s1 + s2
    return np.column_stack([gx / 3 / area, gy / 3 / area])


def grid_candidates(
    boundary: gpd.GeoDataFrame,
    size: float,
    *,
    crs: CRS,
    shape: str = "square",
    city_field: str = "city",
    where: object = None,
) -> gpd.GeoDataFrame:
    """Generate square or hexagonal cells inside boundary polygons.

    A cell belongs to the boundary polygon that contains its centre. The centre rule (and not
    "intersects") makes the cells inside a boundary add up to the boundary's area on
    average, and gives each cell exactly one city, so no cell is counted twice where two
    districts meet.

    Parameters
    ----------
    boundary : geopandas.GeoDataFrame
        Polygons (cities, urban districts), reprojected to ``crs`` here.
    size : float
        Cell size in metres: square side, or hexagon centre spacing (see :func:`hex_cells`).
    crs : pyproj.CRS
        Metric CRS.
    shape : {"square", "hex"}, default "square"
    city_field : str, default "city"
        Boundary field copied to each cell's ``city``.
    where : filter, optional
        Restrict the boundary polygons first (e.g. ``{"field": "kind", "in": ["district"]}``
        for urban districts only).

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id`` (int, 0..n-1), ``city``, ``site_type`` (``"square 500 m"``) and the cell
        geometry, in ``crs``.

    Raises
    ------
    InputError
        If ``size`` is not positive, ``shape`` is unknown, or the grid would exceed 20
        million cells (a typo such as 5 m instead of 500 m would exhaust memory).
    """
    return grid_cells(boundary, size, crs=crs, shape=shape, city_field=city_field,
                      where=where).frame()


@dataclass(frozen=True)
class GridCells:
    """Generated cells before their polygons exist: attributes, centres, size and shape.

    A run needs the polygons only for overlap and zonal criteria and for the result layer;
    distance criteria work on the centroids. Keeping the polygons apart lets the run build
    them on another core while the distances are measured (a million cells: ~0.4 s of
    GEOS allocation moved off the critical path).
    """

    attrs: pd.DataFrame  # site_id, city, site_type
    centres: np.ndarray  # (n, 2) generating centres
    size: float
    shape: str
    crs: CRS
    #: Each cell's place on its lattice, so a result can be stored as a grid definition.
    lattice: CellGrid | None = None

    def __len__(self) -> int:
        return len(self.attrs)

    def polygons(self, idx: np.ndarray | None = None) -> np.ndarray:
        """The cell polygons (of the cells ``idx`` only, when given: bit for bit the same)."""
        centres = self.centres if idx is None else self.centres[idx]
        return cell_polygons(centres, self.size, self.shape)

    def box_pairs(self, bounds: np.ndarray,
                  limit: int = 20_000_000) -> tuple[np.ndarray, np.ndarray] | None:
        """(query, cell) pairs whose boxes may meet, read off the square lattice.

        For each bounding box (``bounds``, (m, 4)) the cells of the rows and columns it
        spans (grown by a hair, so the float edges of the polygons cannot slip out): a
        superset of the cells the box touches, to be filtered with an exact predicate. No
        tree over the million cells is built. None for hexagons, or when the pairs would
        exceed ``limit`` (the caller then uses an STRtree).
        """
        if self.shape != "square" or not len(self.centres):
            return None
        col0, row0, index = self._lattice
        b = np.asarray(bounds, dtype=float).reshape(-1, 4)
        eps = 1e-6 * self.size
        ny, nx = index.shape
        c0 = np.clip(np.floor((b[:, 0] - eps - col0) / self.size), 0, nx).astype(np.int64)
        c1 = np.clip(np.floor((b[:, 2] + eps - col0) / self.size), -1, nx - 1).astype(np.int64)
        r0 = np.clip(np.floor((b[:, 1] - eps - row0) / self.size), 0, ny).astype(np.int64)
        r1 = np.clip(np.floor((b[:, 3] + eps - row0) / self.size), -1, ny - 1).astype(np.int64)
        ncol, nrow = np.maximum(c1 - c0 + 1, 0), np.maximum(r1 - r0 + 1, 0)
        count = ncol * nrow
        total = int(count.sum())
        if total > limit:
            return None
        query = np.repeat(np.arange(len(b)), count)
        local = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        width = ncol[query]  # >= 1 wherever a box has pairs
        cells = index[r0[query] + local // width, c0[query] + local % width]
        keep = cells >= 0
        return query[keep], cells[keep].astype(np.int64)

    @cached_property
    def _lattice(self) -> tuple[float, float, np.ndarray]:
        """(x of column 0's left edge, y of row 0's bottom edge, rows x columns -> cell or -1)."""
        x, y = self.centres[:, 0], self.centres[:, 1]
        h = self.size / 2.0
        col = np.rint((x - x.min()) / self.size).astype(np.int64)
        row = np.rint((y - y.min()) / self.size).astype(np.int64)
        index = np.full((int(row.max()) + 1, int(col.max()) + 1), -1, dtype=np.int64)
        index[row, col] = np.arange(len(x))
        return float(x.min() - h), float(y.min() - h), index

    def centroids(self) -> np.ndarray | None:
        """GEOS's centroids of the squares, computed in numpy (None for hexagons)."""
        return _box_centroids(self.centres, self.size) if self.shape == "square" else None

    def subset(self, keep: np.ndarray) -> GridCells:
        return replace(self, attrs=self.attrs[keep].reset_index(drop=True),
                       centres=self.centres[keep],
                       lattice=None if self.lattice is None else self.lattice.subset(keep))

    def frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(self.attrs, geometry=self.polygons(), crs=self.crs)


def grid_cells(
    boundary: gpd.GeoDataFrame,
    size: float,
    *,
    crs: CRS,
    shape: str = "square",
    city_field: str = "city",
    where: object = None,
) -> GridCells:
    """The cells of :func:`grid_candidates` as :class:`GridCells` (polygons not built yet)."""
    if not (isinstance(size, int | float) and size > 0):
        raise InputError(f"cell size {size!r} must be a positive number of metres.")
    if shape not in CELL_SHAPES:
        raise InputError(f"cell shape {shape!r} is unknown.", f"Use one of {CELL_SHAPES}.")
    if where:
        boundary = boundary[filter_mask(boundary, where)]
    bnd = _metric(boundary, crs).reset_index(drop=True)
    geoms = bnd.geometry.values
    if len(bnd) == 0:
        raise InputError("the boundary for grid cells holds no polygons.",
                         "Check the boundary layer and its filter.")
    bounds = shapely.total_bounds(geoms)
    expected = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1]) / (size * size)
    if expected > 20_000_000:
        raise InputError(
            f"{size:g} m cells would make about {expected:,.0f} cells over the boundary.",
            "Use a larger cell size (the limit is 20 million cells).",
        )
    from hljgis.analysis.memory import check_cells_fit

    cell_area = size * size * (1.0 if shape == "square" else 3 ** 0.5 / 2)
    check_cells_fit(min(float(shapely.area(geoms).sum()) / cell_area, expected), size)
    centres, lat_col, lat_row = _lattice_cells(bounds, float(size), shape)
    # Each boundary polygon (few) tests the centres in its bounding box with the prepared,
    # vectorised point-in-polygon of shapely.intersects_xy: faster than an STRtree query
    # because the polygon is prepared once, not once per centre.
    shapely.prepare(geoms)
    hits_cell, hits_bnd = [], []
    boxes = shapely.bounds(geoms)
    for k, poly in enumerate(geoms):  # loop over boundary polygons, not cells
        x0, y0, x1, y1 = boxes[k]
        near = np.flatnonzero((centres[:, 0] >= x0) & (centres[:, 0] <= x1)
                              & (centres[:, 1] >= y0) & (centres[:, 1] <= y1))
        inside = near[shapely.intersects_xy(poly, centres[near, 0], centres[near, 1])]
        hits_cell.append(inside)
        hits_bnd.append(np.full(inside.size, k))
    cell_idx, bnd_idx = np.concatenate(hits_cell), np.concatenate(hits_bnd)
    # A centre exactly on a shared edge falls in two polygons: keep the first.
    order = np.lexsort((bnd_idx, cell_idx))
    cell_idx, bnd_idx = cell_idx[order], bnd_idx[order]
    first = np.r_[True, cell_idx[1:] != cell_idx[:-1]]
    cell_idx, bnd_idx = cell_idx[first], bnd_idx[first]
    city = (
        bnd[city_field].astype(str).to_numpy()[bnd_idx]
        if city_field in bnd.columns
        else np.full(cell_idx.size, "", dtype=object)
    )
    attrs = pd.DataFrame({
        "site_id": np.arange(cell_idx.size, dtype=np.int64),
        "city": city,
        "site_type": f"{shape} {size:g} m",
    })
    lattice = CellGrid((float(bounds[0]), float(bounds[1])), float(size), shape,
                       lat_col[cell_idx].astype(np.int32), lat_row[cell_idx].astype(np.int32))
    return GridCells(attrs, centres[cell_idx], float(size), shape, crs, lattice)
