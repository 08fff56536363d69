"""Context rules for entities on names the model does not know (pure helpers).

Each rule finds a cue with a spaCy Matcher (patterns built once from the word
lists in configs/lexicons/entity_fixes.toml) and takes the capitalised name next
to it: "the village of X", "X district", "settlements such as X, Y and Z" (places),
"President X", `"…," X Y, a spokeswoman` (people), "X genocide" (events).
Rule spans are worked on token indices of the parsed (normalised) text and
returned as character spans of it.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Lower-case words that may stand inside a name between capitalised words.
NAME_INNER = frozenset({"and", "de", "du", "la", "le", "al", "el", "ad", "ash", "bin", "ibn",
                        "van", "von", "der", "den", "da", "do", "dos", "das", "di", "del", "y"})
JOINERS = frozenset({"-", "'", "’"})
MAX_NAME_TOKENS = 5


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonRules(_Section):
    title_cues: list[str] = Field(default_factory=list)
    appositive_starts: list[str] = Field(default_factory=list)
    speech_verbs: list[str] = Field(default_factory=list)
    closing_quotes: list[str] = Field(default_factory=list)
    byline_cues: list[str] = Field(default_factory=list)


class PlaceRules(_Section):
    heads: list[str] = Field(default_factory=list)
    list_heads: list[str] = Field(default_factory=list)
    list_cues: list[str] = Field(default_factory=list)
    prepositions: list[str] = Field(default_factory=list)
    locative_prepositions: list[str] = Field(default_factory=list)
    of_heads: list[str] = Field(default_factory=list)
    capitalised_heads: list[str] = Field(default_factory=list)


class EventRules(_Section):
    heads_any: list[str] = Field(default_factory=list)
    heads_place: list[str] = Field(default_factory=list)
    prefixes: list[str] = Field(default_factory=list)


class LanguageRules(_Section):
    names: list[str] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)
    nouns: list[str] = Field(default_factory=list)


class BoilerplateRules(_Section):
    phrases: list[str] = Field(default_factory=list)
    separators: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    paragraph_number: str = r"^\s*\(?\d{1,3}[.)](?=\s)"
    social_networks: list[str] = Field(default_factory=list)
    table_totals: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            re.compile(pattern)  # a bad pattern is a validation error at load
        return value

    @field_validator("paragraph_number")
    @classmethod
    def _compiles_one(cls, value: str) -> str:
        re.compile(value, re.M)
        return value


class TimeRules(_Section):
    words: list[str] = Field(default_factory=list)


class NameRules(_Section):
    inner_words: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)


class EntityFixes(_Section):
    """Schema of configs/lexicons/entity_fixes.toml (unknown keys are an error)."""

    not_entities: dict[str, list[str]] = Field(default_factory=dict)
    head_label: dict[str, list[str]] = Field(default_factory=dict)
    titles: dict[str, list[str]] = Field(default_factory=dict)
    force_label: dict[str, list[str]] = Field(default_factory=dict)
    names: NameRules = Field(default_factory=NameRules)
    time: TimeRules = Field(default_factory=TimeRules)
    languages: LanguageRules = Field(default_factory=LanguageRules)
    persons: PersonRules = Field(default_factory=PersonRules)
    places: PlaceRules = Field(default_factory=PlaceRules)
    events: EventRules = Field(default_factory=EventRules)
    boilerplate: BoilerplateRules = Field(default_factory=BoilerplateRules)


def is_name_word(text: str) -> bool:
    """A word that can be part of a proper name: starts with an upper-case letter."""
    return bool(text) and text[0].isupper()


def name_run(tokens, start: int, step: int) -> Optional[tuple[int, int]]:
    """The capitalised name next to token ``start`` going ``step`` (+1 right, -1 left).

    ``tokens``: a spaCy Doc (or list of objects with ``text``, ``is_stop``, ``whitespace_``).
    Returns (first, end) token indices, or None. A name is 1..MAX_NAME_TOKENS capitalised
    words (not stop words: "In", "The"), joined by hyphens/apostrophes written without
    spaces ("Centre-Nord") or by particles inside ("Bosnia and Herzegovina" is not
    joined: "and" ends it; "Dar es Salaam" is not either; "Abu al Khasib" is).
    """
    n = len(tokens)
    i, words, picked = start, 0, []
    while 0 <= i < n:
        tok = tokens[i]
        text = tok.text
        if is_name_word(text) and not tok.is_stop and "\n" not in text:
            picked.append(i)
            words += 1
        elif text in JOINERS and picked and _glued(tokens, i, step):
            picked.append(i)
        elif text.lower() in NAME_INNER and text.islower() and picked and 0 <= i + step < n \
                and is_name_word(tokens[i + step].text) and text != "and":
            picked.append(i)
        else:
            break
        if words >= MAX_NAME_TOKENS:
            break
        i += step
    while picked and not is_name_word(tokens[picked[-1]].text):
        picked.pop()  # never end on a joiner or a particle
    if not picked:
        return None
    lo, hi = min(picked), max(picked) + 1
    return lo, hi


def _glued(tokens, i: int, step: int) -> bool:
    """A joiner token written with no space on either side ("Centre-Nord")."""
    before = tokens[i - 1] if i > 0 else None
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if before is None or after is None or before.whitespace_ or tokens[i].whitespace_:
        return False
    return is_name_word(after.text) if step > 0 else is_name_word(before.text)


def comma_list(tokens, start: int) -> list[tuple[int, int]]:
    """Names of an enumeration starting at token ``start``: "X, Y, Z and W" / "X, Y, etc.".

    Returns the (first, end) token index pairs of each capitalised item, in order;
    the list ends at the first item that is not a capitalised name.
    """
    items, i, n = [], start, len(tokens)
    while i < n:
        run = name_run(tokens, i, +1)
        if run is None:
            break
        items.append(run)
        i = run[1]
        if i < n and tokens[i].text == ",":
            i += 1
        if i < n and tokens[i].lower_ in ("and", "or"):
            i += 1
        elif i < n and tokens[i].text != "," and (not items or tokens[i - 1].text != ","):
            break
    return items


def phrase_patterns(phrases: Iterable[str], lower: bool = True) -> list[list[dict]]:
    """Matcher token patterns for phrases split on spaces ("such as" -> two tokens)."""
    key = "LOWER" if lower else "ORTH"
    return [[{key: w.lower() if lower else w} for w in p.split()] for p in phrases if p.split()]


def boilerplate_line(line: str, phrases: frozenset[str], separators: "re.Pattern | str") -> bool:
    """Whether a line is page furniture: only boilerplate phrases between separators.

    ``phrases`` lower-cased; ``separators`` a compiled pattern (or a string of separator
    characters); "Home | News | Contact", "Share this", "Press Release".
    """
    if isinstance(separators, str):
        separators = re.compile("|".join(re.escape(s) for s in separators) or r"\|")
    pieces = [p.strip().lower() for p in separators.split(line)]
    pieces = [p for p in pieces if p]
    return bool(pieces) and all(p in phrases for p in pieces)
