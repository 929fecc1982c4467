"""Typed descriptions of tools and their parameters, read by the runner, the dialog and the CLI.

A tool is declared once, as data: its parameters say what kind of value they take (a layer,
a number in metres, a choice, a field of another layer parameter), their English and Chinese
labels, defaults and limits. The processing dialog builds its form from these specs and the
CLI its ``--param`` parsing and help, so the three never disagree about what a tool needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hljgis.core.errors import InputError
from hljgis.core.text import Text

#: Parameter kinds: layer (a vector layer), number, integer, bool, choice (one of
#: ``choices``), choices (several of them), field / fields (of the layer parameter named by
#: ``layer``), crs (anything :func:`hljgis.core.crs.parse_crs` reads), text.
PARAM_KINDS = ("layer", "number", "integer", "bool", "choice", "choices", "field", "fields",
               "crs", "text")

_NO_TEXT = Text("")
_RESULT_TITLE = Text("{layer}: {title}", "{layer}：{title}")

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off", ""}


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice parameter, with its English and Chinese labels."""

    value: str
    label: Text


@dataclass(frozen=True)
class Param:
    """One parameter of a tool.

    Attributes
    ----------
    name : str
        Keyword passed to the tool function and used on the command line (``--param name=v``).
    kind : str
        One of :data:`PARAM_KINDS`.
    label : Text
        Form label in English and Chinese.
    default : Any
        Used when the parameter is not given; ``None`` with ``required`` makes it mandatory.
    unit : str
        Shown after the value (``m``); metric parameters are always in metres.
    minimum, maximum : float, optional
        Limits of numbers.
    choices : tuple of Choice
        Values of ``choice`` / ``choices`` parameters.
    layer : str
        For ``field`` / ``fields``: the layer parameter whose fields are offered.
    geometry : tuple of str
        For ``layer``: geometry families accepted ("Point", "LineString", "Polygon"); empty
        means any.
    help : Text
        One sentence for tooltips and ``--help``.
    enabled_when : (str, tuple of str), optional
        The parameter only matters when parameter ``[0]`` has one of the values ``[1]``.
    """

    name: str
    kind: str
    label: Text
    default: Any = None
    required: bool = True
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    layer: str = ""
    geometry: tuple[str, ...] = ()
    help: Text = _NO_TEXT
    #: (other parameter, values) for which this one matters, e.g. a distance only for the
    #: "dwithin" predicate; the dialog greys it out otherwise.
    enabled_when: tuple[str, tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in PARAM_KINDS:
            raise ValueError(f"parameter kind {self.kind!r} is not one of {PARAM_KINDS}")

    def display_label(self, lang: str = "en") -> str:
        return self.label.get(lang)

    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    def parse(self, value: Any, tool: str) -> Any:
        """Turn ``value`` (text from the CLI, or a Python value from the dialog) into the
        parameter's type; :class:`InputError` names the tool, the parameter and what fits."""
        where = f"{tool}: parameter '{self.name}'"
        if value is None:
            return None
        if self.kind in ("number", "integer"):
            try:
                number = float(value) if self.kind == "number" else int(str(value).strip())
            except (TypeError, ValueError):
                raise InputError(f"{where} must be a {self.kind}, not {value!r}.",
                                 f"Give e.g. {self.name}={self.default or 1:g}.") from None
            if self.kind == "integer" and isinstance(value, float) and value != int(value):
                raise InputError(f"{where} must be a whole number, not {value!r}.")
            if self.minimum is not None and number < self.minimum:
                raise InputError(f"{where} is {number:g}{self.unit}, below the minimum "
                                 f"{self.minimum:g}{self.unit}.", "Give a larger value.")
            if self.maximum is not None and number > self.maximum:
                raise InputError(f"{where} is {number:g}{self.unit}, above the maximum "
                                 f"{self.maximum:g}{self.unit}.", "Give a smaller value.")
            return number
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise InputError(f"{where} must be true or false, not {value!r}.")
        if self.kind == "choice":
            text = str(value).strip()
            if text not in self.choice_values():
                raise InputError(f"{where} is {text!r}.",
                                 f"Choose one of: {', '.join(self.choice_values())}.")
            return text
        if self.kind in ("choices", "fields"):
            items = _split(value)
            if self.kind == "choices":
                bad = [v for v in items if v not in self.choice_values()]
                if bad:
                    raise InputError(f"{where}: {', '.join(map(repr, bad))} not allowed.",
                                     f"Choose among: {', '.join(self.choice_values())}.")
            return items
        return value if self.kind == "layer" else str(value).strip()


def _split(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


@dataclass(frozen=True)
class Tool:
    """A processing tool: what it is called, what it needs, and the function that does it.

    ``func(job, **params)`` receives the layer parameters as GeoDataFrames (repaired, and
    secondary layers already in the first layer's CRS) and returns the result frame.
    ``metric`` says the tool measures distances or areas: the function then works in
    ``job.metric_crs`` (see :meth:`hljgis.processing.job.Job.to_metric`).
    """

    name: str
    family: str
    title: Text
    func: Callable[..., Any]
    params: tuple[Param, ...]
    description: Text = _NO_TEXT
    metric: bool = False
    #: Name of the result layer: ``{name_prefix}_{first input name}``.
    name_prefix: str = ""
    #: Extra fields the result carries, for the description.
    adds: Sequence[str] = field(default_factory=tuple)
    #: The result keeps the CRS the tool gave it (reproject) instead of the first input's.
    own_crs: bool = False
    #: Title of the result layer; ``{layer}`` is the first input's title, ``{title}`` the
    #: tool's, other fields are parameters.
    result_title: Text = _RESULT_TITLE

    def titles(self, layer: Text, params: Mapping[str, Any]) -> Text:
        """English and Chinese titles of the result layer, from the input layer's."""
        values = {k: v for k, v in params.items() if not hasattr(v, "geometry")}
        return Text(self.result_title.en.format(layer=layer.en, title=self.title.en, **values),
                    self.result_title.zh.format(layer=layer.zh or layer.en,
                                                title=self.title.zh, **values))

    def display_title(self, lang: str = "en") -> str:
        return self.title.get(lang)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise InputError(f"{self.name} has no parameter '{name}'.",
                         f"Its parameters: {', '.join(p.name for p in self.params)}.")

    @property
    def layer_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.kind == "layer")

    def parse(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters other than layers, typed and checked, defaults filled in."""
        unknown = [k for k in values if k not in {p.name for p in self.params}]
        if unknown:
            raise InputError(f"{self.name} has no parameter {', '.join(map(repr, unknown))}.",
                             f"Its parameters: {', '.join(p.name for p in self.params)}.")
        out: dict[str, Any] = {}
        for p in self.params:
            if p.kind == "layer":
                continue
            value = p.parse(values.get(p.name), self.name)
            if value is None or value == []:
                value = p.default
            if value is None and p.required:
                raise InputError(f"{self.name}: parameter '{p.name}' ({p.label}) is missing.",
                                 f"Give it, e.g. --param {p.name}=...")
            out[p.name] = list(value) if isinstance(value, tuple) else value
        return out
