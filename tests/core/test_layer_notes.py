"""Layer.notes: read notes, some worked out only when first read (Layer.defer_notes)."""

import geopandas as gpd
import shapely

from hljgis.core.layer import VectorLayer


def _layer():
    return VectorLayer(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:4490"), "p")


def test_deferred_notes_run_on_first_read_in_order():
    layer = _layer()
    calls = []
    layer.notes.append("encoding gb18030")
    layer.defer_notes(lambda: calls.append(1) or ["2 invalid geometries"])
    layer.defer_notes(lambda: calls.append(2) or [])
    assert calls == []
    assert layer.notes == ["encoding gb18030", "2 invalid geometries"]
    assert calls == [1, 2]
    layer.notes.append("repaired")
    assert layer.notes[-1] == "repaired" and calls == [1, 2]  # each runs once


def test_assigning_notes_drops_pending_ones():
    layer = _layer()
    layer.defer_notes(lambda: ["never"])
    layer.notes = ["from the job"]
    assert layer.notes == ["from the job"]
