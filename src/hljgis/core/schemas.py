"""Thematic layer schemas: the fields a layer of each kind must carry, and a validator.

A schema names the required fields of a thematic layer (subsidence zones, shanty-town sites,
industrial parks, transport, pillar industries, ...), their types, allowed values and ranges,
and the geometry family. :func:`validate` lists every way a GeoDataFrame falls short, in words
a planner can act on; importers use the same schema to map a user's columns onto it.

Every schema starts with the provenance fields of :data:`PROVENANCE`: ``source``,
``accuracy_m`` (metres), ``as_of`` (year or ISO date the information refers to), ``status``
and ``illustrative`` (true when position or attributes are a plausible stand-in, not a
record).

Pure Python/pandas: no Qt, no I/O.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(130, 46)], crs="EPSG:4490")
>>> validate(gdf, "rivers")[0]
"missing required field 'name_zh' (text: name in Chinese)"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Field types a schema can ask for, with the pandas kinds that satisfy them.
_KINDS = {
    "str": ("O", "U", "S", "T"),  # object / string dtypes
    "int": ("i", "u", "f"),  # a float column of whole numbers is fine (nulls force float)
    "float": ("f", "i", "u"),
    "bool": ("b",),
}

_AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Field:
    """One field of a schema.

    Parameters
    ----------
    name : str
        Column name.
    type : {"str", "int", "float", "bool"}
        Value type. Integer columns holding nulls may be float in pandas; "int" accepts a
        float column whose non-null values are whole numbers.
    description : str
        What it means, in one line.
    unit : str
        Unit of a number ("m", "km2", "ha", "year", ...); empty for text.
    required : bool
        The column must exist.
    nullable : bool
        Null values are allowed in the column.
    allowed : tuple
        Allowed values (for text; each part of a ``;``-separated list when ``multi``).
    multi : bool
        The value is a ``;``-separated list of allowed values.
    min, max : float, optional
        Inclusive range of a number.
    """

    name: str
    type: str
    description: str = ""
    unit: str = ""
    required: bool = True
    nullable: bool = False
    allowed: tuple = ()
    multi: bool = False
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Schema:
    """The declared shape of one thematic layer kind."""

    name: str
    title: str
    title_zh: str
    geometry: str  # "Point", "LineString" or "Polygon" (Multi- variants accepted)
    fields: tuple[Field, ...]
    #: Field an automatic style colours by (categorical), if any.
    category_field: str | None = None
    #: Field used for labels.
    label_field: str | None = "name"
    description: str = ""
    #: Extra row rules: (description, function(df) -> boolean Series of rows that break it).
    rules: tuple = field(default=(), compare=False)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"schema '{self.name}' has no field '{name}'")

    @property
    def required_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


# --- vocabularies -------------------------------------------------------------------------

CITIES = ("Hegang", "Jixi", "Qitaihe", "Shuangyashan")
#: Transport status of lines, stations, airports, crossings.
TRANSPORT_STATUS = ("opened", "under_construction", "planned", "closed")
#: Subsidence: still mined, settling (mining ended less than five years ago), stable.
SUBSIDENCE_STATUS = ("mining", "settling", "stable")
SHANTY_STATUS = ("cleared", "under_redevelopment", "planned")
PARK_LEVELS = ("national", "provincial", "municipal")
CROSSING_MODES = ("road", "rail", "river", "bridge", "ice_road", "pipeline")
#: Pillar industries of the four cities' 13th Five-Year Plans, one code each.
INDUSTRIES = (
    "coal",
    "coal_electricity",
    "coal_electricity_chemistry",
    "graphite",
    "green_food",
    "pharmaceuticals",
    "tourism",
    "wood_products",
    "machinery",
    "resource_recycling",
    "steel_metallurgy",
    "foreign_trade",
)
INDUSTRY_TITLES = {
    "coal": ("Coal", "煤炭"),
    "coal_electricity": ("Coal and electricity", "煤电"),
    "coal_electricity_chemistry": ("Coal-electricity-chemistry", "煤电化"),
    "graphite": ("Graphite", "石墨"),
    "green_food": ("Green food processing", "绿色食品"),
    "pharmaceuticals": ("Pharmaceuticals", "医药"),
    "tourism": ("Tourism", "旅游"),
    "wood_products": ("Wood products", "木制品"),
    "machinery": ("Machinery manufacturing", "装备制造"),
    "resource_recycling": ("Resource recycling", "资源循环利用"),
    "steel_metallurgy": ("Steel and metallurgy", "钢铁冶金"),
    "foreign_trade": ("Foreign trade and logistics", "对外贸易"),
}

PROVENANCE = (
    Field("source", "str", "where the feature comes from"),
    Field("accuracy_m", "float", "positional accuracy (about 1 sigma), metres", "m", min=0.0),
    Field("as_of", "str", "year or date the information refers to (YYYY, YYYY-MM or YYYY-MM-DD)"),
    Field("status", "str", "state of the feature (allowed values depend on the layer)"),
    Field("illustrative", "bool", "true when position or attributes are a plausible stand-in"),
)


def _prov(status: tuple = ()) -> tuple[Field, ...]:
    """Provenance fields, with the layer's own allowed values of ``status``."""
    out = []
    for f in PROVENANCE:
        if f.name == "status" and status:
            f = Field("status", "str", f.description, allowed=status)
        out.append(f)
    return tuple(out)


def _n(name: str, desc: str, unit: str = "", **kw) -> Field:
    return Field(name, "float", desc, unit, **kw)


def _s(name: str, desc: str, **kw) -> Field:
    return Field(name, "str", desc, **kw)


def _i(name: str, desc: str, unit: str = "", **kw) -> Field:
    return Field(name, "int", desc, unit, **kw)


def _stable_rule(df: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(df["stable_from_year"], errors="coerce") != (
        pd.to_numeric(df["mining_end_year"], errors="coerce") + 5
    )


_NAMES = (
    _s("name", "name (English/pinyin)"),
    _s("name_zh", "name in Chinese", nullable=True),
)
_AREA = (
    _s("area_basis", "what area_km2 is: 'map' (area of the outline) or 'official'",
       allowed=("map", "official"), required=False),
    _n("area_official_km2", "officially published area, where a source was found", "km2",
       nullable=True, required=False, min=0.0),
    _s("area_official_source", "where area_official_km2 comes from", nullable=True,
       required=False),
)
_CITY = _s("city", "which of the four cities (or neighbour) it belongs to", allowed=CITIES)
_YEAR = {"min": 1900, "max": 2100}

STATISTIC_YEARS_POP = tuple(range(2005, 2016))
STATISTIC_YEARS_GDP = tuple(range(2008, 2016))
STATISTIC_YEARS_SECTOR = (2000, 2004, 2008, 2010, 2011, 2012, 2013, 2014, 2015)

_city_stats = (
    *(_n(f"pop_{y}", f"resident population {y}, thousand persons", "thousand")
      for y in STATISTIC_YEARS_POP),
    *(_n(f"gdp_{y}", f"GDP {y}, RMB billion (current prices)", "RMB bn")
      for y in STATISTIC_YEARS_GDP),
    *(_n(f"growth_{y}", f"real GDP growth {y}", "%") for y in STATISTIC_YEARS_GDP),
    *(_n(f"gdppc_{y}", f"GDP per capita {y}, RMB", "RMB", nullable=True)
      for y in STATISTIC_YEARS_GDP),
    *(
        _n(f"{sector}_pct_{y}", f"{sector} sector share of GDP {y}", "%")
        for y in STATISTIC_YEARS_SECTOR
        for sector in ("primary", "secondary", "tertiary")
    ),
)

SCHEMAS: dict[str, Schema] = {}


def _register(schema: Schema) -> Schema:
    SCHEMAS[schema.name] = schema
    return schema


_register(Schema(
    "cities", "Prefecture-level cities", "地级市", "Polygon",
    (
        _s("code", "administrative division code (GB/T 2260)"),
        *_NAMES,
        _CITY,
        _s("seat", "seat of government (town name)"),
        _n("area_km2", "area of the map outline, computed in a metric CRS", "km2", min=0.0),
        *_AREA,
        *_city_stats,
        *_prov(("official",)),
    ),
    category_field="city",
))
_register(Schema(
    "districts", "Districts and counties", "区县", "Polygon",
    (
        _s("code", "administrative division code (GB/T 2260)"),
        *_NAMES,
        _CITY,
        _s("city_code", "code of the prefecture-level city"),
        _s("kind", "district, county or county-level city",
           allowed=("district", "county", "county_city")),
        _n("area_km2", "area of the map outline, computed in a metric CRS", "km2", min=0.0),
        *_AREA,
        *_prov(("official",)),
    ),
    category_field="city",
))
_register(Schema(
    "prefectures", "Neighbouring prefectures", "相邻地市", "Polygon",
    (
        _s("code", "administrative division code (GB/T 2260)"),
        *_NAMES,
        _n("area_km2", "area of the map outline, computed in a metric CRS", "km2", min=0.0),
        *_AREA,
        _n("gdp_2014", "GDP 2014, RMB billion", "RMB bn", nullable=True),
        _n("growth_2014", "real GDP growth 2014", "%", nullable=True),
        _n("gdppc_2014", "GDP per capita 2014, RMB", "RMB", nullable=True),
        *_prov(("official",)),
    ),
))
_register(Schema(
    "province", "Province outline", "省界", "Polygon",
    (_s("code", "administrative division code"), *_NAMES, *_prov(("official",))),
))
_register(Schema(
    "country", "Neighbouring country", "邻国", "Polygon",
    (_s("iso3", "ISO 3166-1 alpha-3 code"), *_NAMES, *_prov(("official",))),
))
_register(Schema(
    "towns", "Towns", "城镇", "Point",
    (
        Field("geonameid", "int", "GeoNames identifier (empty for a hand-placed town)",
              nullable=True),
        *_NAMES,
        _s("country", "ISO 3166-1 alpha-2 code", allowed=("CN", "RU")),
        _n("population", "population as given by GeoNames", "persons", min=0.0),
        _s("role", "administrative role",
           allowed=("city_seat", "county_seat", "town", "foreign_city")),
        *_prov(("official",)),
    ),
    category_field="role",
))
_register(Schema(
    "rivers", "Rivers", "河流", "LineString",
    (
        _s("name", "name (English/pinyin), empty when unnamed", nullable=True),
        _s("name_zh", "name in Chinese", nullable=True),
        *_prov(("mapped",)),
    ),
    label_field="name",
))
_register(Schema(
    "borders", "National border", "国界", "LineString",
    (
        *_NAMES,
        _s("kind", "kind of boundary", allowed=("national",)),
        *_prov(("official",)),
    ),
))
_register(Schema(
    "lakes", "Lakes and reservoirs", "湖泊水库", "Polygon",
    (
        _s("name", "name (English/pinyin), empty when unnamed", nullable=True),
        _s("name_zh", "name in Chinese", nullable=True),
        _s("kind", "lake, reservoir or river (a river wide enough to be mapped as water)",
           allowed=("lake", "reservoir", "river")),
        _n("area_km2", "area of the map outline (whole water body within the map extent)",
           "km2", min=0.0),
        _AREA[0],
        _n("area_official_km2", "published area of the whole water body", "km2",
           nullable=True, required=False, min=0.0),
        *_prov(("mapped",)),
    ),
    label_field="name",
))
_register(Schema(
    "airports", "Airports", "机场", "Point",
    (
        _s("icao", "ICAO code (empty for planned airports)", nullable=True),
        _s("iata", "IATA code", nullable=True),
        *_NAMES,
        _s("served_city", "city served"),
        _s("country", "ISO 3166-1 alpha-2 code", allowed=("CN", "RU")),
        _n("elevation_m", "elevation of the field", "m", nullable=True),
        _i("opened_year", "year opened to civil flights (empty where no source was found)",
           "year", nullable=True, required=False, **_YEAR),
        *_prov(TRANSPORT_STATUS),
    ),
    category_field="status",
))
_register(Schema(
    "hsr_lines", "High-speed and fast railways", "高速铁路", "LineString",
    (
        *_NAMES,
        _n("design_speed_kmh", "design speed", "km/h", min=0.0),
        _s("stations", "stations served in order along the line, ';'-separated names of "
           "hsr_stations", required=False, nullable=True),
        _n("official_length_km", "published route length", "km", required=False,
           nullable=True, min=0.0),
        _i("opened_year", "year opened to passengers", "year", nullable=True, **_YEAR),
        *_prov(TRANSPORT_STATUS),
    ),
    category_field="status",
))
_register(Schema(
    "hsr_stations", "High-speed railway stations", "高铁站", "Point",
    (
        *_NAMES,
        _s("lines", "lines served, ';'-separated"),
        _i("opened_year", "year opened", "year", nullable=True, **_YEAR),
        *_prov(TRANSPORT_STATUS),
    ),
    category_field="status",
))
_register(Schema(
    "expressways", "Expressways", "高速公路", "LineString",
    (
        _s("route", "national (G) or provincial (S) route number"),
        *_NAMES,
        *_prov(TRANSPORT_STATUS),
    ),
    category_field="status",
    label_field="route",
))
_register(Schema(
    "border_crossings", "Border crossings (ports of entry)", "口岸", "Point",
    (
        *_NAMES,
        _s("prefecture", "Chinese prefecture-level city of the port"),
        _s("ru_counterpart", "Russian counterpart town or port"),
        _s("mode", "modes, ';'-separated", allowed=CROSSING_MODES, multi=True),
        *_prov(TRANSPORT_STATUS),
    ),
    category_field="mode",
))
_register(Schema(
    "industrial_parks", "Industrial parks and development zones", "产业园区", "Polygon",
    (
        *_NAMES,
        _CITY,
        _s("level", "approving level", allowed=PARK_LEVELS),
        _s("lead_industries", "lead industries, ';'-separated industry codes",
           allowed=INDUSTRIES, multi=True),
        _n("area_km2", "area of the outline", "km2", min=0.0),
        _AREA[0],
        *_prov(("operating", "planned")),
    ),
    category_field="city",
))
_register(Schema(
    "subsidence_zones", "Coal-mining subsidence zones", "采煤沉陷区", "Polygon",
    (
        *_NAMES,
        _CITY,
        _s("mining_area", "coal mining area (矿区) the zone lies over"),
        _i("mining_end_year", "year mining under the zone ended (or is planned to end)",
           "year", **_YEAR),
        _i("stable_from_year", "mining_end_year + 5: year the ground is taken as stable",
           "year", **_YEAR),
        _n("area_km2", "area of the zone's outline", "km2", min=0.0),
        _AREA[0],
        *_prov(SUBSIDENCE_STATUS),
    ),
    category_field="status",
    rules=(("stable_from_year must equal mining_end_year + 5", _stable_rule),),
))
_register(Schema(
    "shanty_sites", "Shanty-town redevelopment sites", "棚户区改造", "Polygon",
    (
        *_NAMES,
        _CITY,
        _s("district", "district the site lies in"),
        _n("area_ha", "site area", "ha", min=0.0),
        _i("households", "households to be rehoused", "households", nullable=True, min=0),
        *_prov(SHANTY_STATUS),
    ),
    category_field="status",
))
_register(Schema(
    "pillar_industries", "Pillar-industry locations", "支柱产业", "Point",
    (
        *_NAMES,
        _CITY,
        _s("industry", "industry code", allowed=INDUSTRIES),
        _s("kind", "what the point stands for", allowed=("cluster", "enterprise", "site")),
        *_prov(("operating", "planned")),
    ),
    category_field="industry",
))

#: Schemas of the thematic layers (the rest describe reference layers).
THEMATIC = (
    "airports", "hsr_lines", "hsr_stations", "expressways", "border_crossings",
    "industrial_parks", "subsidence_zones", "shanty_sites", "pillar_industries",
)

_GEOM_FAMILY = {
    "Point": "Point", "MultiPoint": "Point",
    "LineString": "LineString", "MultiLineString": "LineString", "LinearRing": "LineString",
    "Polygon": "Polygon", "MultiPolygon": "Polygon",
}


def get_schema(name: str) -> Schema:
    """The schema called ``name``; KeyError naming the known ones otherwise."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"no schema '{name}'; known: {', '.join(sorted(SCHEMAS))}") from None


def _type_problem(f: Field, col: pd.Series) -> str | None:
    values = col.dropna()
    if values.empty:
        return None
    kind = col.dtype.kind
    if f.type == "str":
        if kind in _KINDS["str"] and all(isinstance(v, str) for v in values):
            return None
        return f"field '{f.name}' should be text, found {col.dtype}"
    if f.type == "bool":
        if kind == "b" or (kind == "O" and all(isinstance(v, bool | np.bool_) for v in values)):
            return None
        return f"field '{f.name}' should be true/false, found {col.dtype}"
    if kind not in _KINDS[f.type]:
        return f"field '{f.name}' should be a number ({f.type}), found {col.dtype}"
    if f.type == "int" and kind == "f" and not np.all(np.equal(np.mod(values, 1), 0)):
        return f"field '{f.name}' should hold whole numbers"
    return None


def _split(values: Iterable, multi: bool) -> set:
    if not multi:
        return set(values)
    return {p.strip() for v in values for p in str(v).split(";")}


def validate(gdf: pd.DataFrame, schema_name: str) -> list[str]:
    """List what keeps ``gdf`` from matching the schema ``schema_name``.

    Checks that required fields exist, types match, nulls appear only where allowed, text
    values are among the allowed ones, numbers lie in range, ``as_of`` looks like a date,
    geometries are of the schema's family and valid, and the schema's row rules hold.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or pandas.DataFrame
        The features (a plain DataFrame skips the geometry checks).
    schema_name : str
        Key of :data:`SCHEMAS`.

    Returns
    -------
    list of str
        One sentence per problem; empty when the layer fits.
    """
    schema = get_schema(schema_name)
    problems: list[str] = []
    for f in schema.fields:
        if f.name not in gdf.columns:
            if f.required:
                problems.append(f"missing required field '{f.name}' ({f.type}: {f.description})"
                                .replace("(str:", "(text:"))
            continue
        col = gdf[f.name]
        if not f.nullable:
            n_null = int(col.isna().sum())
            if n_null:
                problems.append(f"field '{f.name}' is empty in {n_null} feature(s)")
        type_problem = _type_problem(f, col)
        if type_problem:
            problems.append(type_problem)
            continue
        values = col.dropna()
        if f.allowed and not values.empty:
            bad = sorted(map(str, _split(values, f.multi) - set(f.allowed)))
            if bad:
                problems.append(
                    f"field '{f.name}' has value(s) {', '.join(bad)} not in the allowed "
                    f"{', '.join(map(str, f.allowed))}"
                )
        if f.type in ("int", "float") and not values.empty:
            if f.min is not None and (values < f.min).any():
                problems.append(f"field '{f.name}' has values below {f.min:g}")
            if f.max is not None and (values > f.max).any():
                problems.append(f"field '{f.name}' has values above {f.max:g}")
        if f.name == "as_of" and not values.empty:
            bad = [v for v in values.astype(str) if not _AS_OF.match(v)]
            if bad:
                problems.append(f"field 'as_of' has {len(bad)} value(s) that are not YYYY, "
                                f"YYYY-MM or YYYY-MM-DD, e.g. '{bad[0]}'")
    if not problems:
        for description, rule in schema.rules:
            broken = np.asarray(rule(gdf), dtype=bool)
            if broken.any():
                problems.append(f"{description}: broken in {int(broken.sum())} feature(s)")
    geom = getattr(gdf, "geometry", None) if hasattr(gdf, "crs") else None
    if geom is not None:
        import shapely

        geoms = geom.values
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        if missing.any():
            problems.append(f"{int(missing.sum())} feature(s) have no geometry")
        types = {t for t in geom[~missing].geom_type.unique()}
        wrong = sorted(t for t in types if _GEOM_FAMILY.get(t) != schema.geometry)
        if wrong:
            problems.append(f"geometry should be {schema.geometry}, found {', '.join(wrong)}")
        invalid = int((~shapely.is_valid(geoms[~missing])).sum())
        if invalid:
            problems.append(f"{invalid} geometry(ies) are invalid (self-intersections?)")
        if gdf.crs is None:
            problems.append("the layer has no coordinate reference system")
    return problems
