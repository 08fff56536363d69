"""Pydantic models that are exactly the SPEC record (../shared/SPEC.md, version 2).

One model serves output and gold: gold records may leave layers out (None means
"not labelled"), so the layer fields are optional here and the emitter always
fills them.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2"
# Version-1 gold files are still read: their missing v2 layers mean "not labelled".
READABLE_VERSIONS = ("1", "2")

EntityLabel = Literal[
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
]
DateMod = Literal["APPROX", "START", "MID", "END", "MORE_THAN", "LESS_THAN"]
NumberKind = Literal["cardinal", "ordinal", "percent", "money", "quantity"]
NumberMod = Literal["MORE_THAN", "LESS_THAN", "APPROX", "AT_LEAST", "AT_MOST"]
FactType = Literal["killed", "injured", "detained", "missing", "displaced", "deployed", "participants"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Offsets(_Strict):
    """A half-open character span [start, end) into the record's ``text``, in code points
    (SPEC "Offsets"); unknown keys are errors. That the span lies inside the text is
    checked by pipeline/validate.py, not here."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(_Strict):
    """Where the document came from (SPEC "Record" ``source``; v2 adds ``line``, ``name``,
    ``url``, ``title``, ``extra``); unknown keys are errors."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    line: Optional[int] = Field(default=None, ge=1)  # 1-based line in a .jsonl input, else null
    name: Optional[str] = None  # publisher, from metadata
    url: Optional[str] = None
    title: Optional[str] = None
    extra: dict = Field(default_factory=dict)  # other metadata keys, unchanged


class DocDate(_Strict):
    """Where the document's date came from: a span of the text, or the input's metadata."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    value: str
    start: Optional[int] = Field(default=None, ge=0)
    end: Optional[int] = Field(default=None, ge=0)
    from_: Literal["text", "metadata"] = Field(default="text", alias="from")


class Span(Offsets):
    """Offsets with the ``text`` they cover (SPEC "Offsets": the record's
    ``text[start:end]``; pipeline/validate.py checks it)."""

    text: str


class Sentence(Offsets):
    """One segment of the sentences layer (SPEC "sentences")."""


class Entity(Offsets):
    """One item of the entities layer: span and OntoNotes label (SPEC "entities")."""

    text: str
    label: EntityLabel


class DateItem(Offsets):
    """One item of the dates layer: span, TIMEX3 ``value`` (null when it cannot be told)
    and TIMEX3 ``mod`` (SPEC "dates")."""

    text: str
    value: Optional[str]
    mod: Optional[DateMod] = None


class NumberItem(Offsets):
    """One item of the numbers layer: span, ``value``, ``kind``, ``unit`` and ``mod``
    (SPEC "numbers")."""

    text: str
    value: Union[int, float]
    kind: NumberKind
    unit: Optional[str] = None
    mod: Optional[NumberMod] = None


class EventDate(Span):
    """An event's ``date``: the span of a dates-layer entry and its TIMEX3 ``value``
    (SPEC "events")."""

    value: Optional[str]


class Event(_Strict):
    """One real-world incident or episode the document gives figures about (SPEC: events)."""

    id: str = Field(pattern=r"^e[1-9][0-9]*$")
    name: Optional[Span] = None  # the EVENT entity that names it
    date: Optional[EventDate] = None  # the dates-layer entry saying when
    place: Optional[Span] = None  # the GPE/LOC/FAC entity saying where
    incident: Optional[str] = None  # gold only: the cross-document incident name


class Attribution(_Strict):
    """Who gives a fact's figure: ``source`` and ``cue`` spans, either may be null
    (SPEC "part_of and attribution"); unknown keys are errors."""

    source: Optional[Span] = None  # who gives the figure, without a leading "the"
    cue: Optional[Span] = None  # "according to", "said", ...


class Fact(_Strict):
    """One item of the facts layer: ``type``, ``value``/``mod`` as in numbers, ``number`` and
    ``trigger`` offsets, ``event`` id, ``part_of`` index and ``attribution`` (SPEC "facts",
    "part_of and attribution"); unknown keys are errors."""

    type: FactType
    value: Union[int, float]
    mod: Optional[NumberMod] = None
    number: Offsets
    trigger: Optional[Offsets] = None
    event: Optional[str] = None  # id of an entry in `events`
    part_of: Optional[int] = Field(default=None, ge=0)  # index in `facts` of the total
    attribution: Optional[Attribution] = None


class Record(_Strict):
    """One output or gold record (SPEC "Record"): a layer left as None is "not labelled"
    (gold only; the emitter fills every layer); ``schema_version`` "1" or "2". Unknown
    keys are errors (extra="forbid"), as in every model here."""

    schema_version: Literal["1", "2"] = SCHEMA_VERSION
    doc_id: str = Field(min_length=1)
    text: str
    source: Source
    doc_date: Optional[DocDate] = None
    sentences: Optional[list[Sentence]] = None
    entities: Optional[list[Entity]] = None
    dates: Optional[list[DateItem]] = None
    numbers: Optional[list[NumberItem]] = None
    events: Optional[list[Event]] = None
    facts: Optional[list[Fact]] = None
    errors: list[str] = Field(default_factory=list)
    meta: dict = Field(default_factory=dict)


LAYERS = ("sentences", "entities", "dates", "numbers", "events", "facts")


def json_schema() -> dict:
    """The JSON Schema committed as schema/record.schema.json and printed by `recount schema`."""
    return Record.model_json_schema(by_alias=True)
