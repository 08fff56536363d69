"""Regular-expression helpers shared by the stages that compile word lists."""

from __future__ import annotations

import re
from typing import Iterable


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
