"""Sentence repair rules (pure) and the stage on wrapped text (model)."""

from __future__ import annotations

import pytest

from pipeline.stages.sentences import segments


@pytest.mark.parametrize("text,parser_spans,expected", [
    # the parser split inside a name: merged back
    ("News.Az reports that.", [(0, 5), (5, 21)], ["News.Az reports that."]),
    # abbreviation followed by a colon: merged
    ("Distr.: General", [(0, 6), (6, 15)], ["Distr.: General"]),
    # a hard line break always ends a segment
    ("Ambassador\nPermanent Representative", [(0, 35)], ["Ambassador\nPermanent Representative"]),
    ("Ambassador\nPermanent Representative", [(0, 11), (11, 35)], ["Ambassador", "Permanent Representative"]),
    # real boundary after final punctuation: must NOT merge
    ("He left. She stayed.", [(0, 9), (9, 20)], ["He left.", "She stayed."]),
    # lower-case start after a full stop is not a new sentence
    ("the U.S. army came.", [(0, 9), (9, 19)], ["the U.S. army came."]),
    # white space trimmed off both ends
    ("  Hello there.  ", [(0, 16)], ["Hello there."]),
])
def test_segments(text, parser_spans, expected):
    assert [text[s:e] for s, e in segments(text, parser_spans)] == expected


@pytest.mark.model
def test_wrapped_letter_keeps_heading_and_prose_segments(process):
    text = ("   Letter dated 17 January 2020 from the Permanent Representative \n\n"
            "of Country to the United Nations addressed to the \n\nSecretary-General \n \n\n"
            " On 20 January 2020, the country will commemorate the anniversary of \n\n"
            "the events. Thousands of people will visit the memorial in the capital \n\n"
            "to pay tribute to the victims of the night. \n")
    doc = process(text)
    got = [doc.text[s["start"]:s["end"]] for s in doc.sentences]
    assert got[0].startswith("Letter dated") and got[0].endswith("Secretary-General")
    assert got[1].startswith("On 20 January 2020") and got[1].endswith("the events.")
    assert got[2].startswith("Thousands") and got[2].endswith("night.")
    assert len(got) == 3
