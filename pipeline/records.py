"""Pydantic models that are exactly the SPEC record (../shared/SPEC.md, version 1).

One model serves output and gold: gold records may leave layers out (None means
"not labelled"), so the layer fields are optional here and the emitter always
fills them.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

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
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(_Strict):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class DocDate(Offsets):
    value: str


class Sentence(Offsets):
    pass


class Entity(Offsets):
    text: str
    label: EntityLabel


class DateItem(Offsets):
    text: str
    value: Optional[str]
    mod: Optional[DateMod] = None


class NumberItem(Offsets):
    text: str
    value: Union[int, float]
    kind: NumberKind
    unit: Optional[str] = None
    mod: Optional[NumberMod] = None


class Fact(_Strict):
    type: FactType
    value: Union[int, float]
    mod: Optional[NumberMod] = None
    number: Offsets
    trigger: Optional[Offsets] = None


class Record(_Strict):
    schema_version: Literal["1"] = SCHEMA_VERSION
    doc_id: str = Field(min_length=1)
    text: str
    source: Source
    doc_date: Optional[DocDate] = None
    sentences: Optional[list[Sentence]] = None
    entities: Optional[list[Entity]] = None
    dates: Optional[list[DateItem]] = None
    numbers: Optional[list[NumberItem]] = None
    facts: Optional[list[Fact]] = None
    errors: list[str] = Field(default_factory=list)
    meta: dict = Field(default_factory=dict)


LAYERS = ("sentences", "entities", "dates", "numbers", "facts")


def json_schema() -> dict:
    """The JSON Schema committed as schema/record.schema.json and printed by `recount schema`."""
    return Record.model_json_schema()
