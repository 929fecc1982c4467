"""SiteContext: the pairs of a few geometries and many sites, by either tree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS

from hljgis.analysis.context import LayerStore, SiteContext


def _context(geoms) -> SiteContext:
    return SiteContext(pd.DataFrame(index=range(len(geoms))), LayerStore({}, CRS.from_epsg(4553)),
                       geoms=np.asarray(geoms))


@pytest.mark.parametrize("predicate", ["intersects", "contains", "within", "covers",
                                       "covered_by", "touches", "overlaps"])
def test_a_tree_over_the_few_gives_the_sites_tree_pairs(predicate):
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 10_000, (4000, 2))
    sites = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 80, xy[:, 1] + 80)
    sites[7] = None  # a site without geometry is in no pair
    zones = np.concatenate([shapely.buffer(shapely.points(rng.uniform(0, 10_000, (5, 2))),
                                           rng.uniform(200, 900, 5)),
                            [shapely.box(xy[3, 0] + 10, xy[3, 1] + 10, xy[3, 0] + 20,
                                         xy[3, 1] + 20), sites[11],
                             shapely.box(xy[20, 0] + 80, xy[20, 1], xy[20, 0] + 90,
                                         xy[20, 1] + 80)]])  # touches site 20
    few = _context(sites)
    got = few.query(zones, predicate)
    assert few._tree is None  # no tree over the sites was built
    want_q, want_site = _context(sites).tree.query(zones, predicate=predicate)
    srt = np.lexsort((want_site, want_q))
    np.testing.assert_array_equal(got[0], want_q[srt])
    np.testing.assert_array_equal(got[1], want_site[srt])
    assert len(got[0]) > 0


def test_the_sites_tree_is_used_once_it_is_there():
    sites = shapely.box(np.arange(200.0), 0, np.arange(200.0) + 0.5, 1)
    ctx = _context(sites)
    tree = ctx.tree
    q, site = ctx.query(np.array([shapely.box(10.2, 0, 12.2, 1)]))
    assert ctx.tree is tree
    np.testing.assert_array_equal(site, [10, 11, 12])
    np.testing.assert_array_equal(q, [0, 0, 0])
