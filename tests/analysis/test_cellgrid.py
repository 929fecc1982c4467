"""core.cellgrid: the lattice arithmetic the generator and the project file share."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from hljgis.analysis.candidates import hex_cells, square_cells
from hljgis.core.cellgrid import CellGrid, cell_polygons, lattice_shape

BOUNDS = (400_123.25, 5_000_007.5, 403_456.75, 5_002_222.0)


@pytest.mark.parametrize(("shape", "make"), [("square", square_cells), ("hex", hex_cells)])
def test_centres_from_indices_are_the_generated_ones_bit_for_bit(shape, make):
    centres = make(BOUNDS, 137.0)
    nx, ny = lattice_shape(BOUNDS, 137.0, shape)
    col, row = np.meshgrid(np.arange(nx), np.arange(ny))
    keep = np.arange(len(centres))[::7]
    grid = CellGrid(BOUNDS[:2], 137.0, shape, col.ravel()[keep].astype(np.int32),
                    row.ravel()[keep].astype(np.int32))
    assert np.array_equal(grid.centres(), centres[keep])
    assert grid.matches(cell_polygons(centres[keep], 137.0, shape))


def test_squares_are_the_rings_shapely_box_makes():
    grid = CellGrid((0.0, 0.0), 10.0, "square", np.array([0, 3]), np.array([0, 2]))
    boxes = shapely.box([0, 30], [0, 20], [10, 40], [10, 30])
    assert np.array_equal(shapely.get_coordinates(grid.polygons()),
                          shapely.get_coordinates(boxes))


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_anything_but_the_exact_cells_does_not_match(shape):
    grid = CellGrid((0.0, 0.0), 100.0, shape, np.arange(6), np.zeros(6, dtype=int))
    cells = grid.polygons()
    assert grid.matches(cells)
    moved = cells.copy()
    moved[2] = shapely.affinity.translate(moved[2], 1e-9, 0)
    assert not grid.matches(moved)
    assert not grid.matches(cells[:5])  # a row fewer
    assert not grid.matches(cells[::-1])  # another order
    holed = cells.copy()
    holed[0] = shapely.Polygon(shapely.get_exterior_ring(cells[0]).coords,
                               [[(40, 40), (45, 40), (45, 45), (40, 40)]])
    assert not grid.matches(holed)
    assert not grid.matches(shapely.centroid(cells))  # points, not polygons
