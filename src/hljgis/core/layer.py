"""Map layers: vector (a GeoDataFrame) and raster (a file read window by window).

Layers are plain models with psygnal events; they never call a view. A view subscribes to
``layer.events.<name>`` and redraws.

Events (``layer.events``)
-------------------------
name, title, visible, opacity, style, provenance : emitted with the new value when set.
data : emitted with no argument when the features of a vector layer are replaced.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from psygnal import Signal, SignalGroup
from pyproj import CRS

from hljgis.core.crs import parse_crs
from hljgis.core.errors import InputError
from hljgis.core.text import Text

#: Theme groups of the layer panel, in the order the panel shows them.
THEMES = ("analysis", "industry", "land", "transport", "boundaries", "base")

#: Provenance keys every bundled feature and layer carries.
PROVENANCE_FIELDS = ("source", "accuracy_m", "as_of")


class LayerEvents(SignalGroup):
    name = Signal(str)
    title = Signal(str)
    visible = Signal(bool)
    opacity = Signal(float)
    style = Signal(object)
    provenance = Signal(object)
    data = Signal()


def _safe_name(text: str) -> str:
    """A lowercase ascii identifier usable as a GeoPackage table name."""
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", text).strip("_").lower()
    if not name or name[0].isdigit():
        name = f"layer_{name}" if name else f"layer_{uuid.uuid4().hex[:8]}"
    return name


class Layer:
    """What every layer has: identity, display state, style and provenance."""

    kind: ClassVar[str] = "layer"

    def __init__(
        self,
        name: str,
        *,
        title: str | None = None,
        title_zh: str | None = None,
        source_path: str | Path | None = None,
        visible: bool = True,
        opacity: float = 1.0,
        style: dict | None = None,
        provenance: dict | None = None,
        theme: str = "analysis",
        schema: str | None = None,
        fields: list[dict] | None = None,
    ) -> None:
        self.events = LayerEvents(self)
        self._name = _safe_name(name)
        self._title = title or name
        self.title_zh = title_zh or ""
        self.source_path = str(source_path) if source_path is not None else None
        self._visible = bool(visible)
        self._opacity = _check_opacity(opacity)
        self._style = copy.deepcopy(style) if style else {}
        self._provenance = dict(provenance or {})
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
        self.theme = theme
        self.schema = schema
        #: Field specs a planner defined for an edited layer (plain data, see
        #: :mod:`hljgis.core.editing.fields`); None when the schema or columns say it all.
        self.fields = [dict(f) for f in fields] if fields else None
        self._notes: list[str] = []
        self._pending_notes: list[Callable[[], list[str]]] = []

    # -- read notes ---------------------------------------------------------------------------
    @property
    def notes(self) -> list[str]:
        """Messages about how the data was read (encoding guessed, geometry repaired, ...).

        Checks a reader deferred (:meth:`defer_notes`) run here, on first reading."""
        while self._pending_notes:
            self._notes.extend(self._pending_notes.pop(0)())
        return self._notes

    @notes.setter
    def notes(self, value: list[str]) -> None:
        self._notes = list(value)
        self._pending_notes = []

    def defer_notes(self, compute: Callable[[], list[str]]) -> None:
        """Append the notes ``compute()`` returns when :attr:`notes` is first read: a check
        whose result only a reader of the notes needs (the validity of a million polygons,
        about a second) is not paid for by a script that only draws the layer."""
        self._pending_notes.append(compute)

    # -- evented properties ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Unique identifier in a project (ascii; also the GeoPackage table name)."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        value = _safe_name(value)
        if value != self._name:
            self._name = value
            self.events.name.emit(value)

    @property
    def title(self) -> str:
        """Human-readable English title shown in the layer panel and legends."""
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        if value != self._title:
            self._title = value
            self.events.title.emit(value)

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        value = bool(value)
        if value != self._visible:
            self._visible = value
            self.events.visible.emit(value)

    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = _check_opacity(value)
        if value != self._opacity:
            self._opacity = value
            self.events.opacity.emit(value)

    @property
    def style(self) -> dict:
        """The layer's style as plain data (see :mod:`hljgis.core.style`)."""
        return self._style

    @style.setter
    def style(self, value: dict) -> None:
        self._style = copy.deepcopy(value) if value else {}
        self.events.style.emit(self._style)

    @property
    def provenance(self) -> dict:
        """Where the layer came from: source, licence, accuracy_m, as_of, illustrative, note."""
        return self._provenance

    @provenance.setter
    def provenance(self, value: dict) -> None:
        self._provenance = dict(value or {})
        self.events.provenance.emit(self._provenance)

    def display_title(self, lang: str = "en") -> str:
        """Title in the requested language, falling back to the other one."""
        return Text(self.title or self.title_zh or self.name, self.title_zh).get(lang)

    # -- persistence -------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """Everything but the data, as JSON-able plain data (for the project file)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "title": self.title,
            "title_zh": self.title_zh,
            "source_path": self.source_path,
            "visible": self.visible,
            "opacity": self.opacity,
            "style": copy.deepcopy(self.style),
            "provenance": dict(self.provenance),
            "theme": self.theme,
            "schema": self.schema,
            "fields": copy.deepcopy(self.fields),
        }

    @staticmethod
    def _settings_kwargs(settings: dict) -> dict:
        keys = ("title", "title_zh", "source_path", "visible", "opacity", "style", "provenance",
                "theme", "schema", "fields")
        return {k: settings[k] for k in keys if k in settings}

    @property
    def crs(self) -> CRS | None:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def bounds(self) -> tuple[float, float, float, float]:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def is_illustrative(self) -> bool:  # pragma: no cover - overridden
        return bool(self.provenance.get("illustrative"))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _check_opacity(value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"opacity must be between 0 and 1, not {value}")
    return value


class VectorLayer(Layer):
    """A GeoDataFrame with a name, display state, style and provenance.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The features. Must have a CRS: data without one is refused at read time
        (:class:`hljgis.core.errors.MissingCRSError`), so analysis never guesses.
    encoding : str, optional
        The attribute encoding used when the data was read (reported by ``hljgis info``).
    """

    kind = "vector"

    def __init__(self, gdf: gpd.GeoDataFrame, name: str, *, encoding: str | None = None, **kw):
        super().__init__(name, **kw)
        self._gdf = self._checked(gdf)
        self._memo: dict = {}
        self.encoding = encoding
        self.selection: np.ndarray = np.zeros(0, dtype=np.int64)
        #: Where edits are written back, for a layer read from a PostGIS table for editing
        #: (:class:`hljgis.io.postgis_sync.DbLink`); None for every other layer.
        self.db_link: object | None = None
        self.postgis_read_at: str | None = None  # when the rows were read from PostGIS
        #: What a ranking's polygons were made from: a :class:`~hljgis.core.cellgrid.CellGrid`
        #: of generated cells, or the name of the candidate layer. The project file then
        #: stores the definition or a reference instead of the polygons, after checking
        #: that the geometry still is exactly that (:mod:`hljgis.io.compact_layers`).
        self.geometry_source: object | None = None
        #: Columns the project file may recompute instead of storing, e.g.
        #: ``{"norm_x": {"from": "raw_x", "transform": {...}}}`` (checked bit for bit first).
        self.column_recipes: dict[str, dict] | None = None

    @staticmethod
    def _checked(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise TypeError(f"VectorLayer needs a GeoDataFrame, not {type(gdf).__name__}")
        if gdf.crs is None:
            raise InputError(
                "the layer's features have no coordinate reference system.",
                "Set one with gdf.set_crs(...) or read the file with assume_crs.",
            )
        return gdf

    @property
    def gdf(self) -> gpd.GeoDataFrame:
        return self._gdf

    def set_data(self, gdf: gpd.GeoDataFrame) -> None:
        """Replace the features and tell views to redraw."""
        self._gdf = self._checked(gdf)
        self._memo = {}
        self.selection = np.zeros(0, dtype=np.int64)
        self.events.data.emit()

    @property
    def crs(self) -> CRS:
        return self._gdf.crs

    def derived(self, key: str, compute):
        """``compute()`` kept until the features are replaced, for values of the geometry:
        geometry is never edited in place (edits build a new frame and call
        :meth:`set_data`), so the bounds and geometry types of a million cells are worked
        out once, not on every preview. Attribute columns do change in place (the planning
        year rewrites "status"): nothing read from them is kept here."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        def compute():
            x0, y0, x1, y1 = (float(v) for v in self._gdf.total_bounds)
            return x0, y0, x1, y1

        return self.derived("bounds", compute)

    @property
    def feature_count(self) -> int:
        return len(self._gdf)

    @property
    def geometry_types(self) -> list[str]:
        """Distinct geometry types present (None/empty geometries ignored)."""
        def compute():
            geoms = np.asarray(self._gdf.geometry.values)
            ids = shapely.get_type_id(geoms)  # -1 for missing
            present = np.flatnonzero(np.bincount(ids + 1, minlength=9)[1:])
            return sorted(_TYPE_NAMES[int(t)] for t in present
                          if _any_non_empty(geoms[ids == t]))

        return list(self.derived("geometry_types", compute))

    @property
    def geometry_type(self) -> str:
        """Single geometry family ("Point", "LineString", "Polygon", with Multi- folded in),
        "mixed" when the layer holds several families, "none" when it has no geometry."""
        families = {_family(t) for t in self.geometry_types}
        if not families:
            return "none"
        return families.pop() if len(families) == 1 else "mixed"

    def invalid_mask(self) -> np.ndarray:
        """Boolean array: True where a geometry is invalid (self-intersection, ...); worked
        out once per geometry (GEOS takes over a second for a million parcels)."""
        def compute():
            geoms = self._gdf.geometry.values
            mask = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
            mask.flags.writeable = False
            return mask

        return self.derived("invalid_mask", compute)

    @property
    def invalid_count(self) -> int:
        return int(self.invalid_mask().sum())

    @property
    def is_illustrative(self) -> bool:
        """True when the layer or any of its features is marked illustrative."""
        if self.provenance.get("illustrative"):
            return True
        return bool(illustrative_mask(self._gdf).any())  # columns change in place

    def to_crs(self, crs) -> gpd.GeoDataFrame:
        """The features reprojected (a new GeoDataFrame; the layer is unchanged)."""
        return self._gdf.to_crs(parse_crs(crs))

    def settings(self) -> dict[str, Any]:
        s = super().settings()
        s["encoding"] = self.encoding
        return s

    @classmethod
    def from_settings(cls, gdf: gpd.GeoDataFrame, settings: dict) -> VectorLayer:
        layer = cls(gdf, settings["name"], encoding=settings.get("encoding"),
                    **cls._settings_kwargs(settings))
        return layer


def _any_non_empty(geoms: np.ndarray, first: int = 64) -> bool:
    """True when one of ``geoms`` is not empty: a glance at the first few, which settles it
    for nearly every layer, before asking GEOS about all of them."""
    return bool((~shapely.is_empty(geoms[:first])).any()
                or (~shapely.is_empty(geoms[first:])).any())


_TYPE_NAMES = {
    0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
    5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection",
}


def _family(type_name: str) -> str:
    name = type_name.removeprefix("Multi")
    return "LineString" if name == "LinearRing" else name


def illustrative_mask(gdf: pd.DataFrame) -> np.ndarray:
    """True for features whose ``illustrative`` field is true or whose ``status`` or
    ``source`` says "illustrative"."""
    mask = np.zeros(len(gdf), dtype=bool)
    if "illustrative" in gdf.columns:
        mask |= _per_value(gdf["illustrative"], lambda t: t in ("true", "1", "yes"))
    for field in ("status", "source"):
        if field in gdf.columns:
            mask |= _per_value(gdf[field], lambda t: "illustrative" in t)
    return mask


def _per_value(col: pd.Series, test) -> np.ndarray:
    """``test(lower-case text)`` per row, asked once per distinct value (a page footer asks
    this of every layer on every preview); missing values are False."""
    codes, uniques = pd.factorize(col)
    hit = np.array([bool(test(str(u).lower())) for u in uniques] + [False], dtype=bool)
    return hit[codes]  # code -1 (missing) takes the trailing False


@dataclass(frozen=True)
class RasterInfo:
    """What a raster file holds, read from its header only."""

    width: int
    height: int
    count: int
    dtype: str
    nodata: float | None
    crs: CRS | None
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]


class RasterLayer(Layer):
    """A raster read through rasterio, window by window.

    The file stays on disk: :meth:`read` reads only the window that covers the requested
    bounds, decimated by GDAL to the requested output size (using overviews when the file
    has them), so drawing a large DEM never loads it whole.
    """

    kind = "raster"

    def __init__(self, path: str | Path, name: str, *, assume_crs=None, **kw):
        kw.setdefault("source_path", str(path))
        kw.setdefault("theme", "base")
        super().__init__(name, **kw)
        self.path = str(path)
        self.info = _read_raster_info(self.path, assume_crs)

    @classmethod
    def from_path(cls, path: str | Path, name: str | None = None, **kw) -> RasterLayer:
        return cls(path, name or Path(str(path)).stem, **kw)

    @classmethod
    def from_settings(cls, path: str, settings: dict) -> RasterLayer:
        return cls(path, settings["name"], **cls._settings_kwargs(settings))

    @property
    def crs(self) -> CRS | None:
        return self.info.crs

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.info.bounds

    def read(self, bounds=None, out_shape: tuple[int, int] | None = None, band: int = 1):
        """Read one band as a masked array.

        Parameters
        ----------
        bounds : (minx, miny, maxx, maxy), optional
            Area to read, in the raster's CRS; the whole raster when omitted.
        out_shape : (rows, cols), optional
            Resample to this size while reading (nearest), so only what is displayed is read.

        Returns
        -------
        (numpy.ma.MaskedArray, (minx, miny, maxx, maxy))
            The data and the exact bounds the returned pixels cover.
        """
        import rasterio
        from rasterio.windows import Window, from_bounds

        with rasterio.open(self.path) as src:
            if bounds is None:
                window = Window(0, 0, src.width, src.height)
            else:
                window = from_bounds(*bounds, transform=src.transform)
                window = window.round_offsets().round_lengths().intersection(
                    Window(0, 0, src.width, src.height)
                )
            shape = out_shape or (int(window.height), int(window.width))
            data = src.read(band, window=window, out_shape=shape, masked=True)
            wb = rasterio.windows.bounds(window, src.transform)
        return data, tuple(float(v) for v in wb)

    def sample(self, xs, ys, band: int = 1) -> np.ndarray:
        """Values at points (in the raster's CRS); NaN at nodata or outside."""
        import rasterio

        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        with rasterio.open(self.path) as src:
            return sample_dataset(src, xs, ys, band)


def sample_dataset(src, xs, ys, band: int = 1) -> np.ndarray:
    """Values of an open rasterio dataset at points (in its CRS), reading only the window
    that holds them; NaN at nodata or outside."""
    import rasterio

    xs = np.asarray(xs, dtype=float)
    rows, cols = rasterio.transform.rowcol(src.transform, xs, np.asarray(ys, dtype=float))
    rows, cols = np.asarray(rows), np.asarray(cols)
    inside = (rows >= 0) & (rows < src.height) & (cols >= 0) & (cols < src.width)
    out = np.full(xs.shape, np.nan)
    if inside.any():
        r0, r1 = rows[inside].min(), rows[inside].max() + 1
        c0, c1 = cols[inside].min(), cols[inside].max() + 1
        block = src.read(band, window=((r0, r1), (c0, c1)), masked=True)
        vals = block[rows[inside] - r0, cols[inside] - c0]
        out[inside] = np.ma.filled(vals.astype(float), np.nan)
    return out


def _read_raster_info(path: str, assume_crs=None) -> RasterInfo:
    import rasterio
    from rasterio.errors import RasterioIOError

    try:
        with rasterio.open(path) as src:
            crs = CRS.from_wkt(src.crs.to_wkt()) if src.crs else None
            if crs is None and assume_crs is not None:
                crs = parse_crs(assume_crs)
            x0, y0, x1, y1 = (float(v) for v in src.bounds)
            rx, ry = (float(v) for v in src.res)
            return RasterInfo(
                width=src.width, height=src.height, count=src.count, dtype=src.dtypes[0],
                nodata=src.nodata, crs=crs, bounds=(x0, y0, x1, y1), res=(rx, ry),
            )
    except RasterioIOError as exc:
        raise InputError(
            f"{path} cannot be read as a raster ({exc}).",
            "Check that the file is a complete GeoTIFF (or other GDAL raster) and not truncated.",
        ) from exc
