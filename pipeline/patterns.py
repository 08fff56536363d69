"""Regular-expression helpers shared by the stages that compile word lists."""

from __future__ import annotations

import re
from typing import Iterable, Optional


def trie_alternation(phrases: Iterable[str], flexible_spaces: bool = False) -> str:
    """A regex alternation of literal ``phrases`` factored by common prefixes
    ("th(?:ree|irty)"), which Python's engines scan far faster than a flat list of
    hundreds of phrases. At every branch point longer continuations are tried before
    a phrase that ends there, so the longest listed phrase wins, as in a longest-first
    flat alternation. ``flexible_spaces``: a space matches any run of white space.
    No phrases -> a pattern that never matches."""
    tree: dict = {}
    for phrase in set(phrases):
        node = tree
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def piece(ch: str) -> str:
        return r"\s+" if flexible_spaces and ch == " " else re.escape(ch)

    def build(node: dict) -> str:
        branches = [piece(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return build(tree) if tree else "(?!x)x"


# Characters that match an ASCII letter case-insensitively in ``re`` and ``regex`` but do
# not lower-case to it (dotless i and long s in ``re``, long s in ``regex``; dotted capital
# I lower-cases to two characters). Found by comparing IGNORECASE with str.lower over every
# code point (tests/test_numbers.py, tests/test_dates.py).
CASE_EXCEPTIONS = re.compile("[\u0130\u0131\u017f]")


def lowered(text: str) -> Optional[str]:
    """``text.lower()`` when, character for character, it answers case-insensitive patterns
    the way ``text`` does, else None.

    That holds when every character lower-cases to one character and none is in
    CASE_EXCEPTIONS: then a lower-case ASCII letter in a pattern matches a character of
    ``text`` case-insensitively exactly when it equals that character lower-cased, and
    ``\\w``, ``\\s`` and ``\\b`` read the same in both (checked over every code point in
    the tests). Offsets are unchanged. A case-sensitive pattern on the result is cheaper
    to run than the case-insensitive one on ``text``."""
    low = text.lower()
    if len(low) != len(text) or CASE_EXCEPTIONS.search(text):
        return None
    return low
