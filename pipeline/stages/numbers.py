"""Numbers stage: every numeric expression outside dates and identifiers.

A candidate is a digit numeral (with scale word, currency or unit), a spelled
number or ordinal, or a vague magnitude ("hundreds of thousands"); qualifiers in
front of it ("more than") join the extent and give ``mod``. quantulum3 (behind
its adapter) is asked only about candidates followed by a unit word.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..adapters.quantulum_adapter import parse_quantity
from ..document import Document
from ..identifiers import is_identifier_number
from ..lexicon import read_toml
from ..numwords import SPELLED, as_number, parse_numeral, words_to_number


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class NumbersStage:
    name = "numbers"
    requires = ("textmap", "parsed", "dates")
    assigns = ("numbers",)

    def __init__(self, lexicon: Path):
        lex = read_toml(lexicon)
        self.qualifiers = {k.lower(): v for k, v in lex["qualifiers"].items()}
        self.scales = {k.lower(): v for k, v in lex["scales"].items()}
        self.vague = {k.lower(): v for k, v in lex["vague"].items()}
        self.currencies = lex["currencies"]
        self.units = lex["units"]
        self.not_numbers = {w.lower() for w in lex["not_numbers"]["words"]}
        self.title_words = {w.lower() for w in lex["not_numbers"]["title_words"]}
        qual = _alternation(self.qualifiers)
        scale = _alternation(self.scales)
        cur_prefix = _alternation([c for c in self.currencies if not c.isalpha() or c.isupper()])
        self.digit_re = re.compile(
            rf"(?<![\w/.,-])(?:(?P<qual>{qual})\s+)?(?P<cur>{cur_prefix})?\s?"
            rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"(?P<ord>st|nd|rd|th|-th)?(?:\s*(?P<scale>{scale})\b)?(?P<pct>\s?%|\s+per\s?cent\b|\s+percent\b)?"
            rf"(?![\w/]|[.,]\d)",
            re.IGNORECASE,
        )
        self.vague_re = re.compile(rf"\b(?:(?P<qual>{qual})\s+)?(?P<vague>{_alternation(self.vague)})\b", re.IGNORECASE)
        self.qual_re = re.compile(rf"(?:^|(?<=\s))(?P<qual>{qual})\s+$", re.IGNORECASE)
        self.after_unit = re.compile(rf"^\s*(?P<unit>{_alternation(list(self.units) + [c for c in self.currencies if c.isalpha()])})\b", re.IGNORECASE)

    def _blocked(self, text: str, start: int, end: int, taken: list[tuple[int, int]]) -> bool:
        return any(s < end and start < e for s, e in taken) or is_identifier_number(text, start, end)

    def candidates(self, text: str, dates: list[tuple[int, int]]) -> list[dict]:
        """Numbers in normalised-text offsets (pure: no spaCy needed)."""
        taken = list(dates)
        out: list[dict] = []

        def add(item: dict) -> None:
            taken.append((item["start"], item["end"]))
            out.append(item)

        for m in self.vague_re.finditer(text):
            if self._blocked(text, m.start(), m.end(), taken):
                continue
            qual = (m.group("qual") or "").lower()
            add({"start": m.start(), "end": m.end(), "value": self.vague[m.group("vague").lower()],
                 "kind": "cardinal", "unit": None, "mod": self.qualifiers.get(qual, "AT_LEAST") if qual else "AT_LEAST"})
        for m in self.digit_re.finditer(text):
            start, end = m.start(), m.end()
            if m.group("qual") is None:
                start = m.start("cur") if m.group("cur") else m.start("num")
            if self._blocked(text, m.start("num"), m.end("num"), taken):
                continue
            value = parse_numeral(m.group("num"))
            if value is None:
                continue
            kind, unit = "cardinal", None
            if m.group("scale"):
                value *= self.scales[m.group("scale").lower()]
            if m.group("ord"):
                kind = "ordinal"
            elif m.group("pct"):
                kind = "percent"
            elif m.group("cur"):
                kind, unit = "money", self.currencies[m.group("cur")]
            else:
                after = self.after_unit.match(text[end:end + 30])
                if after:
                    word = after.group("unit")
                    code = self.currencies.get(word) or self.currencies.get(word.lower())
                    if code:
                        kind, unit = "money", code
                    else:
                        kind = "quantity"
                        unit = parse_quantity(text[start:end + after.end()]) or self.units.get(word.lower())
                    end += after.end()
            if unit == "USD/100":
                value, unit = value / 100, "USD"
            add({"start": start, "end": end, "value": as_number(value), "kind": kind, "unit": unit,
                 "mod": self.qualifiers.get((m.group("qual") or "").lower())})
        for m in SPELLED.finditer(text):
            phrase = m.group(0)
            if self._blocked(text, m.start(), m.end(), taken) or phrase.lower() in self.not_numbers:
                continue
            parsed = words_to_number(phrase)
            if parsed is None:
                continue
            value, ordinal = parsed
            start, end = m.start(), m.end()
            if not self._plausible(text, start, end, phrase, ordinal):
                continue
            scale = re.match(rf"\s+({_alternation(self.scales)})\b", text[end:], re.IGNORECASE)
            if scale and not ordinal:
                value *= self.scales[scale.group(1).lower()]
                end += scale.end()
            qual = self.qual_re.search(text[max(0, start - 25):start])
            mod = None
            if qual:
                start -= len(qual.group(0))
                mod = self.qualifiers[qual.group("qual").lower()]
            add({"start": start, "end": end, "value": value, "kind": "ordinal" if ordinal else "cardinal",
                 "unit": None, "mod": mod})
        return sorted(out, key=lambda item: item["start"])

    def _plausible(self, text: str, start: int, end: int, phrase: str, ordinal: bool) -> bool:
        """Spelled words that are numbers here, not pronouns or titles."""
        before = text[max(0, start - 12):start].lower()
        after = text[end:end + 20].lower()
        word = phrase.lower()
        if word == "one":
            if re.search(r"\b(no|any|every|each|some|this|that|the|little|loved)\s+$", before):
                return False
            if re.match(r"\s+(another|day|by one)\b", after) or re.match(r"['’]s", after):
                return False
        if ordinal and word in ("first", "second"):
            nxt = re.match(r"\s+(\w+)", after)
            if nxt and nxt.group(1) in self.title_words:
                return False
            if word == "second" and re.match(r"\s+(of|later)\b", after):
                return False
        return True

    def __call__(self, doc: Document) -> Document:
        tm = doc.textmap
        dates = [tm.span_to_normalised(d["start"], d["end"]) for d in doc.dates]
        doc.numbers = []
        for item in self.candidates(tm.text, dates):
            o_start, o_end = doc.from_normalised(item["start"], item["end"])
            doc.numbers.append({**doc.span(o_start, o_end), "value": item["value"], "kind": item["kind"],
                                "unit": item["unit"], "mod": item["mod"]})
        return doc
