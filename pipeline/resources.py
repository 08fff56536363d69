"""Schemas of the resource files in configs/ (lexicons, gazetteers), checked at load.

``load_config`` calls ``check_resources`` before any document is read, so a typo in
a lexicon is one ConfigError line naming the file and the key, never a silently
empty rule or a record that breaks SPEC. Which schema a file gets:

* ``RESOURCES`` maps a config key (``section.key``) to its schema;
* any other resource path a config names is checked by its suffix
  (``.txt`` word list, ``.toml`` tables of values, ``.jsonl`` one object a line).

Strict and permissive schemas:

* ``fact_triggers.toml`` is strict: its tables are the SPEC fact types
  (``records.FactType``) plus ``people``, ``grammar`` and ``breakdowns``, and each
  table has a fixed set of keys. Anything else is an error.
* ``dates.toml``, ``numbers.toml`` and ``entity_fixes.toml`` change often: their
  known tables are typed (values that SPEC constrains are checked against it,
  e.g. number qualifiers must be SPEC ``mod`` values, entity labels SPEC labels),
  and further tables are accepted if they have the shape of a lexicon table
  (``Table``: keys to strings, numbers, booleans, lists of those, or lists of
  such lists, or small inline tables). To make a new table strict, add a field
  to the model (see each model's docstring).
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


# -- fact_triggers.toml (strict) -------------------------------------------------

class TriggerTable(_Strict):
    """One SPEC fact type's trigger words (spaCy lemmas); see the file's header."""

    verbs: Words = []
    subject_verbs: Words = []
    nouns: Words = []
    complements: Words = []
    forces_only: StrictBool = False


class PeopleTable(_Strict):
    nouns: Words = []
    suffixes: Words = []


class GrammarTable(_Strict):
    copulas: Words = []
    breakdown: Words = []
    containers: Words = []
    value_verbs: Words = []


class BreakdownsTable(_Strict):
    partial: Words = []
    complete: Words = []


FACT_TYPES: tuple[str, ...] = get_args(FactType)
FACT_TABLES = ("people", "grammar", "breakdowns")

FactTriggers = create_model(  # one optional table per SPEC fact type, nothing else
    "FactTriggers",
    __base__=_Strict,
    people=(PeopleTable, PeopleTable()),
    grammar=(GrammarTable, GrammarTable()),
    breakdowns=(BreakdownsTable, BreakdownsTable()),
    **{name: (Optional[TriggerTable], None) for name in FACT_TYPES},
)
FactTriggers.__doc__ = "fact_triggers.toml: a table per SPEC fact type, plus people, grammar, breakdowns."


# -- files other stages are still extending (typed where known, open otherwise) --

class DatesLexicon(_Open):
    """dates.toml. A new table is accepted as a ``Table``; to type it, add e.g.
    ``units: dict[str, list[Union[StrictStr, StrictInt]]] = {}`` here."""

    relative: dict[str, Word] = {}  # phrase -> TIMEX3 constant or shift rule
    holidays: dict[str, Word] = {}  # name -> when it falls (MM-DD or a rule the dates stage reads)
    anaphors: dict[str, Words] = {}
    event_heads: dict[str, Words] = {}
    recurring: dict[str, Words] = {}
    not_dates: dict[str, Words] = {}


Number = Union[StrictInt, StrictFloat]


class NumbersLexicon(_Open):
    """numbers.toml. Qualifiers give SPEC number mods and scales are numbers; the
    other tables (currencies, units, ...) are still changing shape and are accepted
    as ``Table``; to type one add a field here, e.g. ``fractions: dict[str, Number] = {}``."""

    qualifiers: dict[str, NumberMod] = {}
    scales: dict[str, Number] = {}
    vague: dict[str, Number] = {}


class EntityFixes(_Open):
    """entity_fixes.toml. Labels are SPEC entity labels; a new table is accepted as
    a ``Table``; to type it add a field here, e.g. ``suffix_label: dict[EntityLabel, Words] = {}``."""

    not_entities: dict[str, Words] = {}
    head_label: dict[EntityLabel, Words] = {}
    titles: dict[str, Words] = {}
    force_label: dict[EntityLabel, Words] = {}


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
# config key -> (file kind, schema); the schema of a word list is its line format.
RESOURCES: dict[str, tuple[Kind, Optional[type[BaseModel]]]] = {
    "normalise.joining_words": ("words", None),
    "entities.strip_words": ("words", None),
    "entities.label_fixes": ("toml", EntityFixes),
    "parse.entity_patterns": ("jsonl", EntityPattern),
    "dates.lexicon": ("toml", DatesLexicon),
    "numbers.lexicon": ("toml", NumbersLexicon),
    "facts.triggers": ("toml", FactTriggers),
}
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
        if schema is FactTriggers and len(loc) == 1 and error["type"] == "extra_forbidden":
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
        problems += [f"{path}: {p}" for p in check_file(path, kind, schema)]
    if problems:
        shown = problems[:5] + ([f"... and {len(problems) - 5} more"] if len(problems) > 5 else [])
        raise ConfigError(f"{config_path}: bad resource file: " + "; ".join(shown).replace("\n", " "))
