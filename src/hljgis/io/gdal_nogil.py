"""GDAL's Arrow writer called through ctypes, so other threads run while GDAL writes.

``pyogrio.write_arrow`` holds the GIL for the whole of ``OGR_L_WriteArrowBatch`` (a second
thread's Python loop ran 100 times slower meanwhile, and two writes on two threads took
as long as both in turn). ctypes releases the GIL around each foreign call, so the same
GDAL functions called here let two GeoPackages be written at once on two cores
(:mod:`hljgis.io.gpkg_split`). The library is the very GDAL pyogrio loaded (found among
the process's mapped files), so files are written by the same code either way.

Only what the split writer needs: create a GeoPackage with one layer from an Arrow table,
and append an Arrow table to that layer. :func:`available` says whether the
library was found (Linux wheels and system GDAL; elsewhere callers use pyogrio).
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["GdalError", "append_table", "available", "write_table"]

#: OGRwkbGeometryType codes of the geometry type names pyogrio takes.
_GEOMETRY_TYPES = {"Unknown": 0, "Point": 1, "LineString": 2, "Polygon": 3, "MultiPoint": 4,
                   "MultiLineString": 5, "MultiPolygon": 6}
_GDAL_OF_UPDATE, _GDAL_OF_VECTOR = 0x01, 0x04
_CE_FAILURE = 3
_OAMS_TRADITIONAL_GIS_ORDER = 0


class GdalError(RuntimeError):
    """GDAL refused or failed; the message is GDAL's last error."""


class _ArrowSchema(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_void_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p)]


class _ArrowArray(ctypes.Structure):
    _fields_ = [
        ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
        ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
        ("buffers", ctypes.c_void_p), ("children", ctypes.c_void_p),
        ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p),
        ("private_data", ctypes.c_void_p)]


_LOCK = threading.Lock()
_LIB: list = []  # [CDLL or None], filled once


def _library_path() -> str | None:
    """The libgdal this process has loaded (pyogrio's), from /proc/self/maps."""
    import pyogrio  # noqa: F401  (loads GDAL)

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(" ")[-1]
                if "/libgdal" in path and ".so" in path:
                    return path
    except OSError:
        return None
    return None


def _load():
    with _LOCK:
        if _LIB:
            return _LIB[0]
        lib = None
        path = _library_path()
        if path is not None:
            try:
                lib = _declare(ctypes.CDLL(path))
            except (OSError, AttributeError):
                lib = None
        _LIB.append(lib)
        return lib


def _declare(lib):
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    sigs = {
        "GDALGetDriverByName": (p, [s]),
        "GDALCreate": (p, [p, s, i, i, i, i, p]),
        "GDALOpenEx": (p, [s, ctypes.c_uint, p, p, p]),
        "GDALClose": (i, [p]),
        "GDALDatasetCreateLayer": (p, [p, s, p, i, p]),
        "GDALDatasetGetLayerByName": (p, [p, s]),
        "OGR_L_GetFIDColumn": (s, [p]),
        "OGR_L_CreateFieldFromArrowSchema": (ctypes.c_bool, [p, p, p]),
        "OGR_L_WriteArrowBatch": (ctypes.c_bool, [p, p, p, p]),
        "OSRNewSpatialReference": (p, [s]),
        "OSRSetFromUserInput": (i, [p, s]),
        "OSRSetAxisMappingStrategy": (None, [p, i]),
        "OSRRelease": (None, [p]),
        "CPLErrorReset": (None, []),
        "CPLGetLastErrorMsg": (s, []),
        "CPLGetLastErrorType": (i, []),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


def available() -> bool:
    """Whether GDAL's C functions can be called here (the library was found)."""
    return _load() is not None


class _Options:
    """A NULL-terminated ``char **`` of ``KEY=VALUE`` strings, alive as long as this."""

    def __init__(self, options: Mapping[str, str] | None):
        self._strings = [f"{k}={v}".encode() for k, v in (options or {}).items()]
        self.array = (ctypes.c_char_p * (len(self._strings) + 1))(*self._strings, None)

    @property
    def pointer(self):
        return ctypes.cast(self.array, ctypes.c_void_p) if self._strings else None


def _fail(lib, what: str) -> GdalError:
    msg = lib.CPLGetLastErrorMsg()
    return GdalError(f"{what}: {msg.decode('utf-8', 'replace') if msg else 'GDAL gave no reason'}")


@contextlib.contextmanager
def _dataset(lib, path: Path, *, create: bool) -> Iterator[int]:
    lib.CPLErrorReset()
    if create:
        driver = lib.GDALGetDriverByName(b"GPKG")
        ds = lib.GDALCreate(driver, str(path).encode(), 0, 0, 0, 0, None)
    else:
        ds = lib.GDALOpenEx(str(path).encode(), _GDAL_OF_VECTOR | _GDAL_OF_UPDATE,
                            None, None, None)
    if not ds:
        raise _fail(lib, f"cannot {'create' if create else 'open'} {path}")
    closed = False
    try:
        yield ds
        lib.CPLErrorReset()
        closed = True
        lib.GDALClose(ds)  # flushes: the last pages and any deferred index are written here
        if lib.CPLGetLastErrorType() >= _CE_FAILURE:
            raise _fail(lib, f"cannot finish {path}")
    finally:
        if not closed:
            lib.GDALClose(ds)


def _release(struct) -> None:
    if struct.release:
        ctypes.CFUNCTYPE(None, ctypes.c_void_p)(struct.release)(ctypes.addressof(struct))


def _library():
    """The loaded library, or :class:`GdalError` when this process has none to call."""
    lib = _load()
    if lib is None:
        raise GdalError("GDAL's C library was not found in this process")
    return lib


@contextlib.contextmanager
def _exported_schema(table) -> Iterator[_ArrowSchema]:
    """``table``'s Arrow schema as a C struct, released when the block ends."""
    schema = _ArrowSchema()
    table.schema._export_to_c(ctypes.addressof(schema))
    try:
        yield schema
    finally:
        _release(schema)


def write_table(table, path: str | Path, *, layer: str, geometry_name: str,
                geometry_type: str, crs: str | None,
                layer_options: Mapping[str, str] | None = None) -> None:
    """Create the GeoPackage ``path`` holding ``table`` as ``layer``, as
    ``pyogrio.write_arrow(table, path, layer=layer, driver="GPKG", geometry_name=...,
    geometry_type=..., crs=..., layer_options=...)`` does, with the GIL released while
    GDAL works. A column named as the layer's FID column (``fid``) gives the features'
    ids. Raises :class:`GdalError` (the file may be left half written: callers write
    temporary files).
    """
    lib = _library()
    with _exported_schema(table) as schema, _dataset(lib, Path(path), create=True) as ds:
        srs = None
        if crs:
            srs = lib.OSRNewSpatialReference(None)
            if lib.OSRSetFromUserInput(srs, crs.encode()) != 0:
                lib.OSRRelease(srs)
                raise GdalError(f"GDAL does not know the CRS {crs!r}")
            lib.OSRSetAxisMappingStrategy(srs, _OAMS_TRADITIONAL_GIS_ORDER)
        try:
            opts = _Options(layer_options)
            lay = lib.GDALDatasetCreateLayer(ds, layer.encode(), srs,
                                             _GEOMETRY_TYPES[geometry_type], opts.pointer)
        finally:
            if srs:
                lib.OSRRelease(srs)
        if not lay:
            raise _fail(lib, f"cannot create the layer {layer!r}")
        fid = (lib.OGR_L_GetFIDColumn(lay) or b"").decode()
        for k in range(schema.n_children):
            child = schema.children[k]
            name = child.contents.name.decode()
            if name in (geometry_name, fid) and name:
                continue
            child_ptr = ctypes.cast(child, ctypes.c_void_p)
            if not lib.OGR_L_CreateFieldFromArrowSchema(lay, child_ptr, None):
                raise _fail(lib, f"cannot create the field {name!r}")
        _write_batches(lib, lay, table, schema, geometry_name, path)


def _write_batches(lib, lay, table, schema, geometry_name: str, path) -> None:
    write_opts = _Options({"GEOMETRY_NAME": geometry_name})
    for batch in table.to_batches():
        array = _ArrowArray()
        batch._export_to_c(ctypes.addressof(array))
        try:
            ok = lib.OGR_L_WriteArrowBatch(lay, ctypes.addressof(schema),
                                           ctypes.addressof(array), write_opts.pointer)
        finally:
            _release(array)
        if not ok:
            raise _fail(lib, f"cannot write features to {path}")


def append_table(table, path: str | Path, *, layer: str, geometry_name: str) -> None:
    """Append ``table``'s rows to the existing ``layer`` of the GeoPackage ``path`` (its
    fields already made, e.g. by :func:`write_table` of no rows), the GIL released while
    GDAL works. Raises :class:`GdalError`."""
    lib = _library()
    with _exported_schema(table) as schema, _dataset(lib, Path(path), create=False) as ds:
        lay = lib.GDALDatasetGetLayerByName(ds, layer.encode())
        if not lay:
            raise _fail(lib, f"{path} has no layer {layer!r}")
        _write_batches(lib, lay, table, schema, geometry_name, path)
