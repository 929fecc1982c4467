"""Edits to a PostGIS table: written in one transaction, and another planner's edit of the
same feature reported, never overwritten."""

from __future__ import annotations

import threading

import pandas as pd
import psycopg
import pytest
import shapely

from hljgis.io.postgis import read_postgis
from hljgis.io.postgis_edit import EditConflictError, apply_edits
from tests.postgis.test_postgis import X0, Y0, make_parcels


@pytest.fixture
def parcels(bureau):
    make_parcels(bureau, n=5)
    return f"PG:{bureau} tables=survey.parcels"


def _read(src):
    return read_postgis(src, row_versions=True).set_index("id", drop=False)


def test_update_delete_insert_in_one_batch(parcels):
    gdf = _read(parcels)
    upd = gdf.loc[[1, 2], ["id", "_row_version", "owner", "geometry"]].copy()
    upd["owner"] = ["鸡西市", None]
    upd.loc[2, "geometry"] = shapely.box(X0, Y0, X0 + 0.002, Y0 + 0.002)
    new = gdf.loc[[3], ["name", "area_ha", "geometry"]].assign(name="新地块")
    result = apply_edits(parcels, updates=upd, deletes=gdf.loc[[4], ["id", "_row_version"]],
                         inserts=new)
    assert (result.updated, result.deleted, result.inserted) == (2, 1, 1)
    after = _read(parcels)
    assert after.loc[1, "owner"] == "鸡西市" and pd.isna(after.loc[2, "owner"])
    assert shapely.equals(after.loc[2, "geometry"], shapely.box(X0, Y0, X0 + 0.002, Y0 + 0.002))
    assert 4 not in after.index and "新地块" in set(after["name"])
    assert after.loc[1, "_row_version"] == result.versions[1] != gdf.loc[1, "_row_version"]


def test_another_planners_edit_is_reported_not_overwritten(parcels):
    mine, theirs = _read(parcels), _read(parcels)
    t = theirs.loc[[1], ["id", "_row_version", "owner"]].assign(owner="王")
    apply_edits(parcels, updates=t)
    m = mine.loc[[1, 2], ["id", "_row_version", "owner"]].assign(owner="李")
    with pytest.raises(EditConflictError, match="1: changed by another planner") as err:
        apply_edits(parcels, updates=m)
    assert err.value.conflicts == {1: "changed by another planner"}
    after = _read(parcels)
    assert after.loc[1, "owner"] == "王"  # theirs stays
    assert after.loc[2, "owner"] == "七台河市"  # and none of mine in the batch was written
    # a feature they deleted is reported as deleted
    apply_edits(parcels, deletes=after.loc[[3], ["id", "_row_version"]])
    with pytest.raises(EditConflictError, match="3: deleted by another planner"):
        apply_edits(parcels, updates=mine.loc[[3], ["id", "_row_version", "owner"]])


def test_simultaneous_edits_of_one_feature(parcels, bureau):
    """Two planners update feature 1 at the same moment: one is written, the other reported
    (the second waits for the first's row lock, then finds the version changed)."""
    base = _read(parcels)
    barrier = threading.Barrier(2)
    outcome = {}

    def edit(who: str) -> None:
        frame = base.loc[[1], ["id", "_row_version", "owner"]].assign(owner=who)
        barrier.wait()
        try:
            outcome[who] = apply_edits(parcels, updates=frame).updated
        except EditConflictError as exc:
            outcome[who] = exc

    # hold a lock on the row so both edits queue behind it, then release it
    with psycopg.connect(bureau) as blocker:
        blocker.execute("SELECT 1 FROM survey.parcels WHERE id = 1 FOR UPDATE")
        threads = [threading.Thread(target=edit, args=(w,)) for w in ("li", "wang")]
        for th in threads:
            th.start()
        threading.Event().wait(0.5)
        blocker.rollback()
    for th in threads:
        th.join(30)
    wins = [w for w, v in outcome.items() if v == 1]
    lost = [w for w, v in outcome.items() if isinstance(v, EditConflictError)]
    assert len(wins) == 1 and len(lost) == 1
    assert _read(parcels).loc[1, "owner"] == wins[0]


def test_edits_without_versions_are_refused(parcels):
    gdf = read_postgis(parcels)
    with pytest.raises(Exception, match="_row_version"):
        apply_edits(parcels, updates=gdf.loc[[0], ["id", "owner"]])
