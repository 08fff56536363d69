"""The normaliser never loses an offset: property tests plus a table of unwrap decisions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.textmap import is_soft_break, normalise

JOIN = frozenset({"the", "of", "and", "to"})

alphabet = st.sampled_from(list("ab .,“”’\n\r\t ") + ["\u00ad", "😀", "é", "A", "Z", "1", "\u200b", "\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=80).map("".join))
def test_every_visible_character_maps_back_to_itself(text):
    tm = normalise(text, JOIN)
    assert len(tm.to_original) == len(tm.text)
    assert list(tm.to_original) == sorted(tm.to_original)
    for i, ch in enumerate(tm.text):
        if not ch.isspace():
            assert text[tm.to_original[i]] == ch


@settings(max_examples=200, deadline=None)
@given(st.lists(alphabet, max_size=80).map("".join), st.data())
def test_spans_round_trip_to_original_half_open_offsets(text, data):
    tm = normalise(text, JOIN)
    visible = [i for i, ch in enumerate(tm.text) if not ch.isspace()]
    if not visible:
        return
    a = data.draw(st.sampled_from(visible))
    b = data.draw(st.sampled_from([i for i in visible if i >= a]))
    start, end = tm.span_to_original(a, b + 1)
    assert 0 <= start < end <= len(text)
    assert text[start] == tm.text[a] and text[end - 1] == tm.text[b]
    # Non-space content is preserved in order (only white space and invisibles change).
    squash = lambda s: "".join(c for c in s if not c.isspace() and c not in "\u00ad\u200b")  # noqa: E731
    assert squash(text[start:end]) == squash(tm.text[a:b + 1])
    n_start, n_end = tm.span_to_normalised(start, end)
    assert (n_start, n_end) == (a, b + 1)


@pytest.mark.parametrize("before,after,width,soft", [
    ("Letter dated 17 January 2020 from the Permanent Representative", "of Azerbaijan", 90, True),
    ("of Azerbaijan to the United Nations addressed to the", "Secretary-General", 90, True),
    ("killings, persecution and mass expulsion of more than", "200,000 people", 60, True),
    # must NOT join: short letterhead lines, finished sentences, signature blocks
    ("Distr.: General", "22 January 2024", 90, False),
    ("Prevention of armed conflict", "Promotion and protection of human rights", None, False),
    ("towns in the region.", "As a result", 90, False),
    ("Ambassador", "Permanent Representative", None, False),
    ("", "anything", 90, False),
    # a numbered paragraph or a bullet opens a block even when the line before is long
    ("Letter dated 13 March 2024 from the Permanent Representative of X to the", "1. The Government", 80, False),
    ("The Government calls on the international community to:", "a) investigate the crimes;", 80, False),
    ("The Government calls on the international community to:", "- support the victims;", 80, False),
    ("(i) bring the perpetrators to justice;", "(ii) report back", 80, False),
    # must still join: a dash that continues wrapped prose, a year after a wrapped line
    ("It has been 35 years since the January 20 tragedy and the events of", "– a bloody night", 80, True),
    ("killings, persecution and mass expulsion of more than", "1990. The end", 60, True),
])
def test_soft_break_decisions(before, after, width, soft):
    assert is_soft_break(before, after, width, JOIN) is soft


@pytest.mark.parametrize("text,expected", [
    ("News.Az reports.“It has been", "News.Az reports. “It has been"),
    ("she added.Aliyeva said", "she added. Aliyeva said"),
    ("he said.”“The end", "he said.” “The end"),
    ("U.S. Army and e.g. this", "U.S. Army and e.g. this"),  # must not change
])
def test_glued_sentence_boundaries_get_a_synthetic_space(text, expected):
    tm = normalise(text)
    assert tm.text == expected


def test_pdf_wrapped_paragraph_is_unwrapped_and_headings_kept():
    text = ("Heading line\n\n"
            + " On 20 January 2020, the country will commemorate the thirtieth anniversary of \n\n"
            + "the events. Thousands of people will visit the memorial in the capital city \n\n"
            + "to pay tribute to those who sacrificed their lives for the independent country. \n\n"
            + " Another paragraph starts here and goes on for a while to reach the width. \n")
    tm = normalise(text, JOIN)
    assert tm.text.split("\n")[0] == "Heading line"
    assert "anniversary of the events. Thousands" in tm.text
    assert "capital city to pay tribute" in tm.text


@pytest.mark.parametrize("text,expected", [
    # lines wrap with single breaks: a blank line ends the heading before the paragraph
    ("Letter dated 26 February 2025 from the Permanent Representative of\n"
     "Azerbaijan to the United Nations addressed to the Secretary-General\n\n"
     "I have the honour to bring to your attention that on 26 February 2025\n"
     "the people of Azerbaijan marked the anniversary of the massacre in the\n"
     "town of Khojaly, which took place during the night of 25 to 26 February.\n",
     2),
    # must NOT split: a PDF extraction with a blank line after every wrapped line
    ("Letter dated 26 February 2025 from the Permanent Representative of\n\n"
     "Azerbaijan to the United Nations addressed to the Secretary-General\n\n"
     "and to the President of the Security Council on the anniversary of\n\n"
     "the events in the town, which took place during the night of 25 to 26.\n",
     1),
])
def test_blank_line_is_a_block_break_unless_double_spaced(text, expected):
    tm = normalise(text, JOIN)
    assert len(tm.text.split("\n")) == expected


PARAGRAPH = ("The number of people poisoned rose again on Wednesday as hospitals in the\n"
             "province admitted dozens of new patients with symptoms of methanol\n"
             "poisoning, the institute said in its weekly update on the outbreak.\n")


@pytest.mark.parametrize("text,expected", [
    # a block without final punctuation (headline, standfirst, dateline) keeps its line
    # breaks even where a long line would pass for a wrap of the text's width
    ("Methanol poisoning in two districts of the province: forty-one deaths\n"
     "Thursday, 2 October 2025\n\n" + PARAGRAPH, 3),
    ("Four miners dead, eleven trapped after a roof fall at the Hedvika pit\n"
     "Union and mine operator give different figures\n\n" + PARAGRAPH, 3),
    # must NOT change: a wrapped paragraph that ends like prose is unwrapped
    (PARAGRAPH, 1),
    ("Officials met the families of the missing on Tuesday and Wednesday in the\n"
     "town hall of the district, and promised the following:\n\n" + PARAGRAPH, 2),
])
def test_a_block_without_final_punctuation_keeps_its_lines(text, expected):
    tm = normalise(text, JOIN)
    assert len(tm.text.split("\n")) == expected


def _normalise_by_character(original: str, joining_words: frozenset[str]) -> tuple[str, tuple[int, ...]]:
    """The folding of normalise read one character at a time (the obvious, slow reading),
    before glued boundaries get their space: the oracle for the run-by-run version."""
    from pipeline.textmap import INVISIBLE, _double_spaced, _wrap_width

    width = _wrap_width([line.rstrip() for line in original.split("\n")])
    blank_is_paragraph = not _double_spaced(original)
    out, index, pos, n = [], [], 0, len(original)
    while pos < n:
        ch = original[pos]
        if ch in INVISIBLE:
            pos += 1
            continue
        if not ch.isspace():
            out.append(ch)
            index.append(pos)
            pos += 1
            continue
        end = pos
        while end < n and (original[end].isspace() or original[end] in INVISIBLE):
            end += 1
        if pos != 0 and end != n:
            run = original[pos:end]
            if "\n" in run:
                before = original[original.rfind("\n", 0, pos) + 1:pos]
                after = original[end:original.find("\n", end) if original.find("\n", end) >= 0 else n]
                soft = is_soft_break(before, after, width, joining_words)
                if soft and blank_is_paragraph and run.count("\n") > 1 \
                        and not (before.rstrip().endswith(",") or before.split()[-1].lower() in joining_words) \
                        and not after.strip()[:1].islower():
                    soft = False
                out.append(" " if soft else "\n")
            else:
                out.append(" ")
            index.append(pos)
        pos = end
    return "".join(out), tuple(index)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("ab Cd.\n\t,;:-1)“") + [" ", "\u00ad", "\u200b", "\ufeff", "\u00a0", "\u2028", "\r"],
               max_size=60))
def test_folding_runs_equals_folding_characters(text):
    """normalise copies the text between white-space runs in bulk; it must fold exactly
    as a character-by-character reading does (texts with a glued boundary aside)."""
    from hypothesis import assume

    from pipeline.textmap import GLUED_BOUNDARY

    words = frozenset({"and"})
    got = normalise(text, words)
    assume(not GLUED_BOUNDARY.search(got.text))
    assert (got.text, got.to_original) == _normalise_by_character(text, words)
