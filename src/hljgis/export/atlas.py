"""Atlas: one page per city (or city x scenario) with one template, one numbering, one PDF.

Each page fits the map to the city's bookmark, draws the scenario's ranked cells as a
graduated layer and numbers the top sites ("A.3-1", "A.3-2", ...), the keys that the table
page and the site score cards use, so a reader can go from the map to the card and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hljgis.export.i18n import zh

CITIES = ("Hegang", "Jixi", "Qitaihe", "Shuangyashan")


def city_titles(project, city: str) -> tuple[str, str]:
    """(English, Chinese) city names from the project's bookmark, else the catalogue."""
    bm = project.bookmarks.get(city.lower(), {}) if project is not None else {}
    en = bm.get("title") or city.title()
    return en, bm.get("title_zh") or zh(en)


@dataclass
class AtlasPageInfo:
    city: str
    figure: str
    title: str
    title_zh: str
    top: object = None  # GeoDataFrame of the numbered sites
    result: object = None
    refs: list[str] = field(default_factory=list)
