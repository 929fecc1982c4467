"""Where a candidate site lies and what to call it: city and district, and a display name.

A planner's parcel file rarely carries a city field, and a bare row number means nothing in
a report. So every candidate gets:

* ``city`` from its own city field, else from the boundaries it lies in;
* ``district`` / ``district_zh`` ("Taoshan District" / "桃山区") from the ``districts``
  boundary layer its centroid lies in (or its own ``district`` field);
* ``site_name`` / ``site_name_zh``: its own name or id plus its district
  ("Parcel 17, Taoshan District" / "Parcel 17（桃山区）"), which every result view, card
  and export shows.

The boundaries are the layers named ``districts`` (fields ``name``, ``name_zh``, ``city``,
``kind``) and ``cities`` (``city``) of the bundled project's schemas. Point-in-polygon is
vectorised: each boundary polygon (tens) tests the points in its box at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

__all__ = ["DISTRICT_SUFFIX", "Boundaries", "locate", "site_names"]

#: English suffix of a district name by the ``kind`` of the districts layer.
DISTRICT_SUFFIX = {"district": "District", "county": "County", "county_city": "City"}

DISTRICTS_LAYER = "districts"
CITIES_LAYER = "cities"


@dataclass(frozen=True)
class Boundaries:
    """Polygons with the city and district labels a site lying in them gets."""

    geoms: np.ndarray
    city: np.ndarray  # object: city name or ""
    district: np.ndarray  # object: "Taoshan District" or "" (city polygons)
    district_zh: np.ndarray

    @classmethod
    def from_store(cls, store) -> Boundaries | None:
        """Districts first, then cities (a site outside every district still gets a city);
        None when the store has neither with a ``city`` field."""
        parts = []
        for name in (DISTRICTS_LAYER, CITIES_LAYER):
            if name not in store:
                continue
            try:
                gdf = store.vector(name)
            except Exception:  # noqa: BLE001 - a raster or unusable layer named so: no boundary
                continue
            if "city" not in gdf.columns or not len(gdf):
                continue
            n = len(gdf)
            district = np.full(n, "", dtype=object)
            district_zh = np.full(n, "", dtype=object)
            if name == DISTRICTS_LAYER:
                district = _district_label(gdf)
                district_zh = _text(gdf, "name_zh")
            parts.append((gdf.geometry.values, _text(gdf, "city"), district, district_zh))
        if not parts:
            return None
        return cls(*(np.concatenate([p[i] for p in parts]) for i in range(4)))

    def lookup(self) -> dict[str, tuple[str, str]]:
        """District name (English, with or without suffix, or Chinese) -> (label, label_zh)."""
        out: dict[str, tuple[str, str]] = {}
        for en, zh in zip(self.district, self.district_zh, strict=True):
            if en or zh:
                for key in (en, zh, en.rsplit(" ", 1)[0]):
                    if key:
                        out.setdefault(key, (en, zh))
        return out


def _text(gdf: pd.DataFrame, col: str) -> np.ndarray:
    if col not in gdf.columns:
        return np.full(len(gdf), "", dtype=object)
    return gdf[col].fillna("").astype(str).to_numpy(dtype=object)


def _district_label(gdf: pd.DataFrame) -> np.ndarray:
    """"Taoshan District", "Boli County", "Hulin City" from ``name`` and ``kind``."""
    name = _text(gdf, "name")
    suffix = pd.Series(_text(gdf, "kind")).map(DISTRICT_SUFFIX).fillna("").to_numpy(dtype=object)
    return np.where((name != "") & (suffix != ""), name + " " + suffix, name)


def _point_in(xy: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Index of the first polygon holding each point, -1 for none."""
    hit = np.full(len(xy), -1, dtype=np.int64)
    if not len(xy):
        return hit
    boxes = shapely.bounds(geoms)
    shapely.prepare(geoms)
    for k, poly in enumerate(geoms):  # loop over boundary polygons (tens), not sites
        if poly is None or not np.isfinite(boxes[k]).all():
            continue
        x0, y0, x1, y1 = boxes[k]
        near = np.flatnonzero((hit < 0) & (xy[:, 0] >= x0) & (xy[:, 0] <= x1)
                              & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
        inside = near[shapely.intersects_xy(poly, xy[near, 0], xy[near, 1])]
        hit[inside] = k
    return hit


def locate(attrs: pd.DataFrame, xy: np.ndarray, boundaries: Boundaries | None) -> pd.DataFrame:
    """Fill in ``city`` and add ``district`` / ``district_zh`` from the boundaries.

    Parameters
    ----------
    attrs : pandas.DataFrame
        The sites' attributes with a ``city`` column ("" where unknown) and, optionally, the
        sites' own ``district`` field.
    xy : numpy.ndarray, shape (n, 2)
        A point of each site (centroid) in the boundaries' CRS.
    boundaries : Boundaries or None

    Returns
    -------
    pandas.DataFrame
        ``attrs`` with ``city`` filled where it was empty and a site lies in a boundary,
        and ``district`` / ``district_zh``: the site's own district field when it has one
        (shown in the boundaries' form when it names one of them), else the district it
        lies in, else "".
    """
    n = len(attrs)
    city: Any = None  # left as it is when it is text without gaps and no boundary fills it
    if "city" in attrs and not (attrs["city"].dtype == "str" and not attrs["city"].hasnans):
        city = attrs["city"].fillna("").astype(str).to_numpy(dtype=object)
    # district per site as a code into a few labels (taken, not built per row: a million
    # cells in 0.02 s instead of 0.4 s)
    labels_en, labels_zh = [""], [""]
    codes = np.zeros(n, dtype=np.int64)
    if boundaries is not None and n:
        if city is None:
            city = attrs["city"].to_numpy(dtype=object) if "city" in attrs \
                else np.full(n, "", dtype=object)
        hit = _point_in(np.asarray(xy, dtype=float), boundaries.geoms)
        found = hit >= 0
        safe = np.where(found, hit, 0)
        city = np.where((city == "") & found, boundaries.city[safe], city)
        codes = np.where(found, hit + 1, 0)
        labels_en += list(boundaries.district)
        labels_zh += list(boundaries.district_zh)
    if "district" in attrs.columns:  # the site's own field wins where it says something
        own_codes, uniq = pd.factorize(attrs["district"].fillna("").astype(str))
        table = boundaries.lookup() if boundaries is not None else {}
        given = np.asarray([u != "" for u in uniq], dtype=bool)
        codes = np.where((own_codes >= 0) & given[np.maximum(own_codes, 0)],
                         own_codes + len(labels_en), codes)
        labels_en += [table.get(u, (u, u))[0] for u in uniq]
        labels_zh += [table.get(u, (u, u))[1] for u in uniq]
    # a shallow copy: pandas copies on write, and the columns are replaced, not written in
    out = attrs.copy(deep=False) if "city" in attrs else attrs.assign(city="")
    if city is not None:
        out["city"] = city
    out["district"] = _take(labels_en, codes)
    out["district_zh"] = _take(labels_zh, codes)
    return out


def _take(labels: list[str], codes: np.ndarray) -> pd.Series:
    """``labels[codes]`` as a pyarrow-backed string column."""
    import pyarrow as pa

    return pd.Series(pa.array(labels, pa.string()).take(pa.array(codes)),
                     dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def site_names(own: pd.Series, own_zh: pd.Series, district: pd.Series,
               district_zh: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Display names: "<own>, <district>" and "<own zh>（<district zh>）".

    The district suffixes are made once per district and taken per site, then joined to
    the own names in one pyarrow operation: 0.05 s for a million cells. An empty district
    leaves the own name alone; a district without a Chinese name shows the English one.
    """
    cd, ud = pd.factorize(pd.Series(district).fillna("").astype(str))
    cz, uz = pd.factorize(pd.Series(district_zh).fillna("").astype(str))
    codes, pairs = pd.factorize(cd * max(len(uz), 1) + cz)
    en_suffix, zh_suffix = [], []
    for pair in pairs:
        e, z = str(ud[pair // max(len(uz), 1)]), str(uz[pair % max(len(uz), 1)])
        z = z or e
        en_suffix.append(f", {e}" if e else "")
        zh_suffix.append(f"（{z}）" if z else "")
    own = pd.Series(own).reset_index(drop=True).astype(str)
    own_zh = pd.Series(own_zh).reset_index(drop=True).astype(str)
    if en_suffix == zh_suffix == [""]:  # no site lies in a district: the names alone
        return own, own_zh
    return own + _take(en_suffix, codes), own_zh + _take(zh_suffix, codes)
