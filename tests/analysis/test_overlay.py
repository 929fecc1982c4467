"""Overlap shares on the sites planners bring, invalid polygons included."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from hljgis.analysis.overlay import overlap_share


def _bow_tie(x0, y0, x1, y1):
    return shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])


@pytest.mark.parametrize("many", [False, True])
def test_bow_tie_sites_share_their_valid_area(many):
    zone = shapely.box(0, 0, 100, 100)
    sites = np.array([
        _bow_tie(80, 10, 120, 50),  # crosses the zone's edge: GEOS refused to intersect it
        _bow_tie(10, 10, 30, 30),  # wholly inside
        _bow_tie(200, 200, 220, 220),  # far away
        shapely.box(90, 60, 110, 70),  # a valid site beside them
    ] * (200 if many else 1))
    assert not shapely.is_valid(sites[0]) and shapely.area(sites[0]) == 0  # areas cancel
    got = overlap_share(sites, np.array([zone]))
    fixed = shapely.make_valid(sites)
    want = shapely.area(shapely.intersection(fixed, zone)) / shapely.area(fixed)
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(got[:4], [0.5, 1.0, 0.0, 0.5], atol=1e-12)
