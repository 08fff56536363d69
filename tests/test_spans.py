"""SpanSet: the bytearray answer equals the pairwise overlap check for any spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spans import SpanSet


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 12), st.lists(st.tuples(st.integers(-2, 14), st.integers(-2, 14)), max_size=6),
       st.tuples(st.integers(-2, 14), st.integers(-2, 14)))
def test_span_set_answers_as_the_pairwise_check(size, spans, query):
    taken = SpanSet(size, spans)
    a, b = query
    assert taken.free(a, b) is all(b <= s or e <= a for s, e in spans)


def test_touching_spans_do_not_overlap_and_inner_ones_do():
    taken = SpanSet(10, [(2, 5)])
    assert taken.free(0, 2) and taken.free(5, 9)
    assert not taken.free(4, 6) and not taken.free(3, 4)
