"""Tests of hljgis.export: layouts, PDF/SVG/PNG, atlas, score cards, pre-flight, webmap."""
