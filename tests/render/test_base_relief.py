"""The bundled base fills (province, neighbouring prefectures, Russia, the four cities) are
washes light enough for the DEM's hillshade to show through them: at 80-90 % opacity they
hid the relief everywhere but outside the province."""

from __future__ import annotations

import numpy as np

from hljgis.core.style import default_style
from tests.export._common import bundled
from tests.gui.pixels import rgb

BASE = ("province", "neighbours", "russia", "cities")


def _alpha(fill: str) -> int:
    return int(fill[7:9], 16) if len(fill) == 9 else 255


def test_base_fills_are_light_washes_in_the_defaults_and_the_bundled_project():
    project = bundled()
    for name in BASE:
        layer = project.layer(name)
        fill = layer.style["renderer"]["symbol"]["fill"]
        assert _alpha(fill) <= 0x66, (name, fill)
        assert fill == default_style(layer)["renderer"]["symbol"]["fill"], name


def test_hillshade_shows_through_the_base_fills(app):
    project = bundled()
    layers = [project.layer(n) for n in ("dem", *BASE)]
    extent = (129.5, 44.5, 134.5, 48.0)  # the four cities, inside the province
    for layer in layers[1:]:
        layer.style["labels"]["enabled"] = False
    flat = rgb(_render(layers[1:], extent)).astype(float).mean(axis=2)
    shaded = rgb(_render(layers, extent)).astype(float).mean(axis=2)
    # where the base map is a plain wash (away from outlines), the relief shades it
    plain = np.ones(flat.shape, bool)
    for axis in (0, 1):
        for step in (-2, 2):
            plain &= np.abs(flat - np.roll(flat, step, axis=axis)) < 1
    assert plain.mean() > 0.5
    shade = (shaded - flat)[plain]
    # measured: 36 grey levels on average with 20-40 % washes, 4.5 with the old 80-90 %
    assert np.abs(shade).mean() > 15, np.abs(shade).mean()
    assert shade.std() > 4, shade.std()  # shading varies with the slopes (3.4 before)


def _render(layers, extent):
    from hljgis.render import render_image

    return render_image(layers, extent, (400, 300), crs=layers[-1].crs)
