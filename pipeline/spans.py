"""Sets of character spans of one text, for the longest-first choices several stages make."""

from __future__ import annotations


class SpanSet:
    """Character spans of one text, asked "is [a, b) free of all of them?".

    ``size``: the text's length. ``free(a, b)`` answers exactly as
    ``all(b <= s or e <= a for s, e in spans)`` would, but in time linear in b - a:
    spans inside [0, size] with s < e mark their characters in a bytearray; any other
    span (empty, reversed, out of range), and any such question, is checked one by one.
    """

    def __init__(self, size: int, spans=()):
        self._mask = bytearray(size)
        self._spans: list[tuple[int, int]] = []
        self._odd: list[tuple[int, int]] = []
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        """Take [s, e)."""
        self._spans.append((s, e))
        if 0 <= s < e <= len(self._mask):
            self._mask[s:e] = b"\x01" * (e - s)
        else:
            self._odd.append((s, e))

    def free(self, a: int, b: int) -> bool:
        """Whether [a, b) overlaps none of the spans taken (touching is not overlapping)."""
        if 0 <= a < b <= len(self._mask):
            return self._mask.find(1, a, b) < 0 and (not self._odd or all(b <= s or e <= a for s, e in self._odd))
        return all(b <= s or e <= a for s, e in self._spans)
