"""Pure helpers of the entity context rules, on spaCy's blank English tokenizer."""

from __future__ import annotations

import pytest

from pipeline.stages.entity_rules import boilerplate_line, comma_list, name_run


@pytest.fixture(scope="module")
def tok():
    import spacy

    nlp = spacy.blank("en")
    return nlp.make_doc


def _runs(doc, runs):
    return [doc[a:b].text for a, b in runs if (a, b) != (None, None)]


@pytest.mark.parametrize("text,start,step,expected", [
    ("in Tiboré village", 1, -1, "Tiboré"),            # "In"/"in" is a stop word, never a name
    ("In Tiboré village", 1, -1, "Tiboré"),
    ("the Centre-Nord region", 3, -1, "Centre-Nord"),   # glued hyphen joins
    ("village of Aşağı Mirak on", 2, +1, "Aşağı Mirak"),
    ("of Joost van Dam and", 1, +1, "Joost van Dam"),   # particle inside a name
    # must NOT take: lower-case words, a particle at the edge, "and" between names
    ("of the village", 1, +1, None),
    ("of Bosnia and Herzegovina", 1, +1, "Bosnia"),
    ("near van", 1, +1, None),
])
def test_name_run(tok, text, start, step, expected):
    doc = tok(text)
    run = name_run(doc, start, step)
    assert (doc[run[0]:run[1]].text if run else None) == expected


@pytest.mark.parametrize("text,expected", [
    ("Kül-Tepe, Darvaz and Aşağı Mirak on", ["Kül-Tepe", "Darvaz", "Aşağı Mirak"]),
    ("Baghanis Ayrim, Jamilli, Tugh, etc.", ["Baghanis Ayrim", "Jamilli", "Tugh"]),
    ("Belnik and the hills", ["Belnik"]),   # the list ends at a non-name
])
def test_comma_list(tok, text, expected):
    doc = tok(text)
    assert [doc[a:b].text for a, b in comma_list(doc, 0)] == expected


PHRASES = frozenset({"home", "news", "about us", "contact", "press release", "subscribe"})


@pytest.mark.parametrize("line,furniture", [
    ("Home | News | About us | Contact", True), ("Press Release", True), ("Subscribe", True),
    # must NOT be furniture: prose, a headline, a line with a name among menu words
    ("News of the attack reached Kyiv", False), ("Home Office statement", False),
    ("Home | Embassy of Azerbaijan", False),
])
def test_boilerplate_line(line, furniture):
    assert boilerplate_line(line, PHRASES, "|•/") is furniture
