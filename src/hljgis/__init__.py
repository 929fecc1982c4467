"""hljgis: offline desktop GIS and site ranking for the coal cities of East Heilongjiang."""

__version__ = "0.1.0"
