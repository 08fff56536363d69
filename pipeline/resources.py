"""Schemas of the resource files in configs/ (lexicons, gazetteers), checked at load.

``load_config`` calls ``check_resources`` before any document is read, so a typo in
a lexicon is one ConfigError line naming the file and the key, never a silently
empty rule or a record that breaks SPEC. Which schema a file gets:

* ``RESOURCES`` maps a config key (``section.key``) to its schema;
* any other resource path a config names is checked by its suffix
  (``.txt`` word list, ``.toml`` tables of values, ``.jsonl`` one object a line).

Strict and permissive schemas:

* The stages' own files are strict, with the schema defined beside the code that
  reads them and named here (``RESOURCES``): ``fact_triggers.toml`` (its tables are
  the SPEC fact types plus ``people``, ``grammar`` and ``breakdowns``; an unknown
  table is reported as "not a SPEC fact type"), ``dates.toml`` and
  ``timex_grammar.toml``, ``numbers.toml``, ``attribution.toml``, ``events.toml``, ``entity_fixes.toml``.
* ``entity_fixes.toml`` likewise (the entities stage's ``EntityFixes``).
* Any other ``.toml`` resource is accepted if it has the shape of a lexicon table
  (``Table``: keys to strings, numbers, booleans, lists of those, or lists of such
  lists, or small inline tables).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union, get_args

from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr,
                      StringConstraints, ValidationError, create_model)

from .errors import ConfigError
from .records import EntityLabel, FactType, NumberMod

Word = Annotated[StrictStr, StringConstraints(min_length=1)]
Words = list[Word]
Scalar = Union[StrictStr, StrictInt, StrictFloat, StrictBool]
# The shape every lexicon table has: word or key -> a value, a list, a list of lists
# ("fortnight" = ["week", 2]) or an inline table of values or lists
# (subunits = { "cent" = ["USD", 100] }).
Flat = Union[Scalar, list[Scalar]]
Value = Union[Scalar, list[Union[Scalar, list[Scalar]]], dict[str, Flat]]
Table = dict[str, Value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    """Known tables typed; other tables allowed when they have the ``Table`` shape."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Table] = Field(init=False)


# -- fact_triggers.toml (strict): the schema is the facts stage's TriggerFile ---------

FACT_TYPES: tuple[str, ...] = get_args(FactType)
FACT_TABLES = ("people", "grammar", "breakdowns")


# -- files other stages are still extending (typed where known, open otherwise) --

class TomlTables(_Open):
    """Any other .toml resource: top-level values or tables of values."""

    __pydantic_extra__: dict[str, Union[Value, Table]] = Field(init=False)


# -- line-based files ------------------------------------------------------------

class EntityPattern(_Strict):
    """One line of a spaCy span_ruler pattern file (parse stage); labels are SPEC's."""

    label: EntityLabel
    pattern: Union[Word, list[dict[str, Any]]]
    id: Optional[StrictStr] = None


class JsonObject(BaseModel):
    """A line of a .jsonl resource without a schema of its own: any JSON object."""

    model_config = ConfigDict(extra="allow")


Kind = Literal["toml", "words", "jsonl"]
# config key -> (file kind, schema); the schema of a word list is its line format. A
# schema given as "module:Class" is the one the stage that reads the file defines next
# to its reader (imported when a configuration is checked, so both always agree).
RESOURCES: dict[str, tuple[Kind, Union[None, str, type[BaseModel]]]] = {
    "normalise.joining_words": ("words", None),
    "entities.strip_words": ("words", None),
    "entities.label_fixes": ("toml", "pipeline.stages.entity_rules:EntityFixes"),
    "parse.entity_patterns": ("jsonl", EntityPattern),
    "dates.lexicon": ("toml", "pipeline.timex_rules:DatesLexicon"),
    "dates.grammar": ("toml", "pipeline.timex_rules:Grammar"),
    "dates.qualifiers": ("toml", "pipeline.timex_rules:QualifierTable"),
    "numbers.qualifiers": ("toml", "pipeline.timex_rules:QualifierTable"),
    "numbers.lexicon": ("toml", "pipeline.stages.numbers:NumbersLexicon"),
    "facts.triggers": ("toml", "pipeline.stages.facts:TriggerFile"),
    "attribution.cues": ("toml", "pipeline.stages.attribution:AttributionFile"),
    "events.lexicon": ("toml", "pipeline.stages.events:EventsFile"),
}


def _schema(schema: Union[None, str, type[BaseModel]]) -> Optional[type[BaseModel]]:
    if isinstance(schema, str):
        import importlib

        module, _, name = schema.partition(":")
        return getattr(importlib.import_module(module), name)
    return schema
BY_SUFFIX: dict[str, tuple[Kind, Optional[type[BaseModel]]]] = {
    ".txt": ("words", None), ".toml": ("toml", TomlTables), ".jsonl": ("jsonl", JsonObject),
}


# pydantic names the branch of a Union that failed in the error location ("int",
# "list[str]", "constrained-str"); a reader wants the key, so those parts are left out.
_UNION_TAG = re.compile(r"^(?:int|float|str|bool|constrained-str|[a-z-]+\[.*\])$")


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if not (isinstance(part, str) and _UNION_TAG.match(part)))


def _messages(schema: type[BaseModel], exc: ValidationError) -> list[str]:
    """One message per key: the branches of a Union that all failed are joined by 'or'."""
    by_key: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = error["loc"]
        if schema.__name__ == "TriggerFile" and len(loc) == 1 and error["type"] == "extra_forbidden":
            by_key.setdefault(f"[{loc[0]}]", []).append(
                f"not a SPEC fact type ({', '.join(FACT_TYPES)}) nor one of the tables {', '.join(FACT_TABLES)}")
            continue
        msg = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        found = by_key.setdefault(_where(loc), [])
        if msg not in found:
            found.append(msg)
    return [f"{key}: {' or '.join(msgs)}" if key else " or ".join(msgs) for key, msgs in by_key.items()]


def check_file(path: Path, kind: Kind, schema: Optional[type[BaseModel]]) -> list[str]:
    """Problems of one resource file (``[]`` when it fits its schema), each naming the key
    or line; the file is read as UTF-8 (TOML 1.0, JSON Lines with ``//`` comments, or
    a word list: one entry a line, ``#`` comments)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read as UTF-8: {exc}"]
    if kind == "words":
        return []  # any UTF-8 text is a word list; blank lines and comments are skipped
    if kind == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return [f"not valid TOML: {exc}"]
        try:
            schema.model_validate(data)
        except ValidationError as exc:
            return _messages(schema, exc)
        return []
    problems = []
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            schema.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"line {line_no}: not valid JSON: {exc.msg}")
        except ValidationError as exc:
            problems += [f"line {line_no}: {m}" for m in _messages(schema, exc)]
    return problems


def _paths(data: dict, where: str = "") -> list[tuple[str, Path]]:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += _paths(value, f"{where}{key}.")
        elif isinstance(value, str) and Path(value).is_absolute() and Path(value).suffix in BY_SUFFIX:
            out.append((f"{where}{key}", Path(value)))
    return out


def check_resources(data: dict, config_path: Path) -> None:
    """Check every resource file a configuration names (``data``: the parsed config
    with absolute paths); raise one ConfigError line listing every problem as
    ``FILE: key: message`` (the config key for a file of the wrong kind)."""
    problems = []
    for key, path in _paths(data):
        kind, schema = RESOURCES.get(key) or BY_SUFFIX[path.suffix]
        problems += [f"{path}: {p}" for p in check_file(path, kind, _schema(schema))]
    if problems:
        shown = problems[:5] + ([f"... and {len(problems) - 5} more"] if len(problems) > 5 else [])
        raise ConfigError(f"{config_path}: bad resource file: " + "; ".join(shown).replace("\n", " "))
