"""Errors a planner can act on: each says what is wrong and what to do about it."""

from __future__ import annotations


class HljgisError(Exception):
    """Base class of hljgis' own errors."""


class InputError(HljgisError):
    """Bad input: a file, a value or a setting that hljgis cannot use as it is.

    Parameters
    ----------
    what : str
        What is wrong, naming the file or field.
    todo : str
        What the planner can do about it.
    """

    def __init__(self, what: str, todo: str = "") -> None:
        super().__init__(what if not todo else f"{what} {todo}")
        self.what = what
        self.todo = todo


class MissingCRSError(InputError):
    """A file has no coordinate reference system (e.g. a Shapefile without .prj)."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} has no coordinate reference system (no .prj file or CRS in the data).",
            "Tell hljgis which CRS the coordinates are in, e.g. --assume-crs EPSG:4490 for "
            "CGCS2000 lon/lat, or EPSG:4553 for CGCS2000 / 3-degree Gauss-Kruger CM 132E.",
        )
        self.path = path


class EncodingError(InputError):
    """Attribute text whose character encoding cannot be told."""


class ProjectFormatError(InputError):
    """A project file that this version of hljgis cannot read without losing data."""
