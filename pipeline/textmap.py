"""Normalised text plus a map back to the original, so no stage ever loses offsets.

Statements arrive hard-wrapped, PDF-extracted (a blank line after every wrapped
line), with trailing spaces, glued sentences (``reports.“It``) and soft hyphens.
The models work better on an unwrapped copy, but SPEC offsets always point into
the original. ``normalise`` returns that copy with, for every character of it,
the index of the original character it stands for.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Characters dropped from the normalised copy (they only confuse tokenizers).
INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
# A run of white space (invisible characters inside it belong to it), or one invisible
# character elsewhere. A lone " " inside the text is left out: it stays as it is, and
# matching each one would cost a step per word. (\s is str.isspace() in Python's engine.)
_INVISIBLE_CLASS = "".join(sorted(INVISIBLE))
GAP = re.compile(f"\\s[\\s{_INVISIBLE_CLASS}]+|[^\\S ]|\\A |(?<=.) \\Z|[{_INVISIBLE_CLASS}]", re.S)
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
# How the last line of a block of running text ends: a sentence end, or a colon or
# semicolon before a list.
PROSE_END = re.compile(r"[.!?:;][\"”’')\]]*$")
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# A line that starts with a paragraph number or a bullet starts a new block
# ("1. The Government ...", "(a) ...", "iv) ...", "• ...", "- ...").
LIST_MARKER = re.compile(r"^(?:\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\)|\(?[ivxlc]{1,6}[.)]|[•●▪◦‣∙·*\-–—])\s+\S")
OPENING = "“‘\"«"
# "reports.“It", "added.Aliyeva", "said.”“The": a lower-case word, final punctuation,
# then a capitalised word or opening quote with no space. "News.Az" is a name.
GLUED_BOUNDARY = re.compile(r"(?:\b[a-z]{2,}[.!?]|[.!?][”’])(?=[“‘\"]?[A-Z][a-z]|[“‘][A-Z])")


@dataclass(frozen=True)
class TextMap:
    """``text`` is the normalised copy; ``to_original[i]`` is where its char i came from."""

    original: str
    text: str
    to_original: tuple[int, ...]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Half-open normalised span -> half-open original span (end > start assumed)."""
        if end <= start:
            o = self.to_original[start] if start < len(self.text) else len(self.original)
            return o, o
        return self.to_original[start], self.to_original[end - 1] + 1

    def span_to_normalised(self, start: int, end: int) -> tuple[int, int]:
        """Original span -> the smallest normalised span covering the same characters."""
        n_start = bisect.bisect_left(self.to_original, start)
        n_end = bisect.bisect_left(self.to_original, end)
        return n_start, max(n_start, n_end)


def _line_breaks(original: str) -> list[re.Match[str]]:
    return list(re.finditer(r"[^\S\n]*\n\s*", original))


def _double_spaced(original: str) -> bool:
    """Whether the text puts a blank line after (nearly) every line (PDF extraction):
    then a blank line may be a wrap. Else blank lines separate blocks."""
    single = len(re.findall(r"\S[^\S\n]*\n[^\S\n]*\S", original))
    double = len(re.findall(r"\S[^\S\n]*\n[^\S\n]*\n\s*\S", original))
    return double > 2 * single


def _wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or None if it is not wrapped."""
    lengths = sorted(len(line) for line in lines if len(line) >= 40)
    if len(lengths) < 4:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width if width <= 150 else None


def starts_list_item(before: str, after: str) -> bool:
    """Whether the line ``after`` opens a numbered paragraph or a bullet.

    A dash or star is a bullet only after a line ending in ":" or ";" or another
    line with the same bullet (in wrapped prose a line may start with a dash).
    """
    if not LIST_MARKER.match(after):
        return False
    if after[0] in "*-–—":
        return before.endswith((":", ";")) or before.startswith(after[0])
    return True


def is_soft_break(before: str, after: str, width: int | None, joining_words: frozenset[str],
                  block_is_prose: bool = True) -> bool:
    """Whether the line break between two lines is a wrap inside running text.

    ``block_is_prose``: whether the block of lines the break is in (up to the next
    blank line) ends like running text (:data:`PROSE_END`). A long line before a
    capitalised one is a wrap by the text's line width only then: headlines, standfirsts,
    datelines and contact lines are blocks of lines with no final punctuation."""
    before, after = before.strip(), after.strip()
    if not before or not after or SENTENCE_END.search(before) or starts_list_item(before, after):
        return False
    if after[0].islower():
        return True
    last_word = before.split()[-1].lower()
    if last_word in joining_words or before[-1] in ",;(–—-":
        return True
    if width is not None and block_is_prose:
        return len(before) + 1 + len(after.split()[0]) > 0.9 * width
    return False


def normalise(original: str, joining_words: frozenset[str] = frozenset()) -> TextMap:
    """Unwrap soft line breaks, keep hard ones as one ``\\n``, fold other whitespace."""
    lines = original.split("\n")
    width = _wrap_width([line.rstrip() for line in lines])
    blank_is_paragraph = not _double_spaced(original)
    n = len(original)
    block_ends = [m.start() for m in BLANK_LINE.finditer(original)] + [n]
    prose: dict[int, bool] = {}  # block end -> whether the block ends like running text
    out: list[str] = []
    index: list[int] = []
    last = 0  # characters before it are done
    for gap in GAP.finditer(original):
        pos, end = gap.span()
        if pos > last:  # copied as they are
            out.append(original[last:pos])
            index.extend(range(last, pos))
        last = end
        if not original[pos].isspace() or pos == 0 or end == n:
            continue  # an invisible character, or white space at either end: dropped
        run = original[pos:end]
        if "\n" in run:
            before = original[original.rfind("\n", 0, pos) + 1:pos]
            after_end = original.find("\n", end)
            after = original[end:after_end if after_end >= 0 else n]
            block_end = block_ends[bisect.bisect_left(block_ends, end)]
            if block_end not in prose:
                prose[block_end] = bool(PROSE_END.search(original[:block_end].rstrip()[-8:])) \
                    if blank_is_paragraph else True
            soft = is_soft_break(before, after, width, joining_words, prose[block_end])
            if soft and blank_is_paragraph and run.count("\n") > 1 \
                    and not (before.rstrip().endswith(",") or before.split()[-1].lower() in joining_words) \
                    and not after.strip()[:1].islower():
                soft = False  # a blank line ends a block where lines wrap with single breaks
            out.append(" " if soft else "\n")
        else:
            out.append(" ")
        index.append(pos)
    if last < n:
        out.append(original[last:])
        index.extend(range(last, n))
    text = "".join(out)
    # Glued sentence boundaries get a synthetic space that maps to the char before it.
    pieces: list[str] = []
    mapped: list[int] = []
    last = 0
    for m in GLUED_BOUNDARY.finditer(text):
        cut = m.end()
        pieces.append(text[last:cut])
        mapped.extend(index[last:cut])
        pieces.append(" ")
        mapped.append(index[cut - 1])  # shares the previous char's index: never a span edge
        last = cut
    pieces.append(text[last:])
    mapped.extend(index[last:])
    return TextMap(original=original, text="".join(pieces), to_original=tuple(mapped))
