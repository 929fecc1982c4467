"""Readers and writers (pyogrio, rasterio), encodings and the project file. Never imports Qt."""

from hljgis.io.project_file import load_project, save_project
from hljgis.io.readers import read_file, repair_geometries
from hljgis.io.writers import write_layer

__all__ = ["load_project", "read_file", "repair_geometries", "save_project", "write_layer"]
