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
    # a short abbreviation before a reference in capitals and digits: merged
    ("Ref. NHRC/PR/117/2025", [(0, 5), (5, 21)], ["Ref. NHRC/PR/117/2025"]),
    ("See doc. A/74/649 now.", [(0, 9), (9, 22)], ["See doc. A/74/649 now."]),
    # must NOT merge: an abbreviation-like word ending a sentence before a name
    ("He met the Amb. Ivan came later.", [(0, 16), (16, 32)], ["He met the Amb.", "Ivan came later."]),
    # lower-case start after a full stop is not a new sentence
    ("the U.S. army came.", [(0, 9), (9, 19)], ["the U.S. army came."]),
    # white space trimmed off both ends
    ("  Hello there.  ", [(0, 16)], ["Hello there."]),
    # a paragraph number split off by the parser stays with its paragraph
    ("2. The Government calls for calm.", [(0, 2), (2, 33)], ["2. The Government calls for calm."]),
    ("(a) at least 31 people were held;", [(0, 3), (3, 33)], ["(a) at least 31 people were held;"]),
    # inline bullets start segments
    ("Needs: • water; • food.", [(0, 23)], ["Needs:", "• water;", "• food."]),
    # a dotted abbreviation ends a sentence before a new one ...
    ("They met the E.U. Their talks ended.", [(0, 36)], ["They met the E.U.", "Their talks ended."]),
    ("It ended at 6 P.M. Police said so.", [(0, 34)], ["It ended at 6 P.M.", "Police said so."]),
    # ... but not inside a name
    ("He spoke to the U.N. Security Council.", [(0, 38)], ["He spoke to the U.N. Security Council."]),
    ("The U.S. Army came.", [(0, 19)], ["The U.S. Army came."]),
    # a short abbreviation before a number does not end a sentence
    ("Tel. +226 25 30 66 01", [(0, 4), (4, 21)], ["Tel. +226 25 30 66 01"]),
    ("See No. 12 below.", [(0, 7), (7, 17)], ["See No. 12 below."]),
    # a date line glued to the first sentence
    ("date 2026-02-26 The Ministry said so.", [(0, 37)], ["date 2026-02-26", "The Ministry said so."]),
    # must NOT split: a sentence that ends with a number, an ISO date inside prose
    ("It was on 2024-03-04. Then he left.", [(0, 21), (21, 35)], ["It was on 2024-03-04.", "Then he left."]),
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


@pytest.mark.model
def test_numbered_letter_and_bullets(process):
    text = ("Letter dated 13 March 2024 from the Permanent Representative of Freedonia to the United Nations "
            "addressed to the Secretary-General\n\n"
            "1. The Government of Freedonia condemns the attack of 4 March 2024 on the village of Tiboré.\n\n"
            "2. The Government calls on the international community to:\n"
            "• condemn the attack;\n- support the victims;\na) investigate the crimes;\n(i) bring them to justice.\n")
    doc = process(text)
    got = [doc.text[s["start"]:s["end"]] for s in doc.sentences]
    assert got[0].endswith("Secretary-General")
    assert got[1].startswith("1. The Government") and got[1].endswith("Tiboré.")
    assert got[2] == "2. The Government calls on the international community to:"
    assert got[3:] == ["• condemn the attack;", "- support the victims;", "a) investigate the crimes;",
                       "(i) bring them to justice."]
