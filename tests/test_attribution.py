"""Attribution stage: who gives each figure (made-up sentences, not dev or seed texts)."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.stages import attribution as A
from pipeline.stages.attribution import load_attribution_lexicon

# (text, [(value, source text or None, cue text or None)] in fact order); None, None: no attribution.
CASES = [
    # a reporting verb after or before the figure's clause
    ("At least 41 people were killed, the health ministry said.", [(41, "health ministry", "said")]),
    ("The health ministry said 41 people were killed.", [(41, "health ministry", "said")]),
    ("A ministry spokesman told reporters that 112 people were injured.", [(112, "ministry spokesman", "told")]),
    ("Rescue teams recovered 57 bodies, a civil defence official said.", [(57, "civil defence official", "said")]),
    ("Police reported 30 people killed in the blast.", [(30, "Police", "reported")]),
    # "according to", value phrases, prepositional cues, reporting verbs joined
    ("According to official figures, 150 people were killed.", [(150, "official figures", "According to")]),
    ("The governor of the region, Pavlo Petrenko, put the toll at fifty dead.",
     [(50, "Pavlo Petrenko", "put the toll at")]),
    ("Hospital sources put the number of dead at 44.", [(44, "Hospital sources", "put the number")]),
    ("The UN humanitarian office revised its count to 3,958 dead.", [(3958, "UN humanitarian office", "revised its count")]),
    ("Local officials spoke of 27 dead.", [(27, "Local officials", "spoke of")]),
    ("The secretary-general was quoted as saying that 11,300 people had died.",
     [(11300, "secretary-general", "quoted as saying")]),
    # a participle of counting on the figure's noun; a bracket after a key figure
    ("Among the 112 injured counted by the ministry are 19 children.",
     [(112, "ministry", "counted"), (19, "ministry", "counted")]),
    ("41 people killed (Ministry of Health)", [(41, "Ministry of Health", None)]),
    # a part in the next sentence keeps its total's attribution; a pronoun is named
    ("The Red Crescent said 5,300 people had died. Among them were 800 children.",
     [(5300, "Red Crescent", "said"), (800, "Red Crescent", "said")]),
    ("Heydar Aliyev addressed the session. He noted that hundreds of people were killed.",
     [(100, "Heydar Aliyev", "noted")]),
    # a named official is named by the name; an acronym in brackets is not the name
    ("Governor Pavlo Petrenko said 50 people had been killed.", [(50, "Pavlo Petrenko", "said")]),
    ("The World Health Organization (WHO) has recorded 3,166 deaths.", [(3166, "World Health Organization", "recorded")]),
    ("The health directorate later gave a toll of 11 dead.", [(11, "health directorate", "gave a toll of")]),
    # a sentence-final reporting clause whose subject the parser took for the figure's noun
    ("A missile hit the station where hundreds waited for trains, killing at least 50 people, including five "
     "children, the governor of the region said.",
     [(50, "governor of the region", "said"), (5, "governor of the region", "said")]),
    # a flattened table takes the clause that introduces it
    ("Local authorities registered the following arrivals of people who fled:\nDistrict | People displaced | "
     "Households\nNorth | 940 | 171\nSouth | 780 | 139\nTotal | 1,720 | 310\n",
     [(940, "Local authorities", "registered"), (780, "Local authorities", "registered"),
      (1720, "Local authorities", "registered")]),
    # must stay null: the document's own voice, the publisher speaking of itself, a verb
    # of the list used with an object ("claimed the lives")
    ("Soviet troops killed 131 civilians in Baku.", [(131, None, None)]),
    ("Our report documents the abduction of 214 people.", [(214, None, None)]),
    ("The attack claimed the lives of 150 civilians, 744 others were wounded.", [(150, None, None), (744, None, None)]),
    # "According to X," opening a sentence the parser splits with a participle clause
    ("According to the indictment, confirmed in March 2020, the shells fired that morning killed 41 civilians.",
     [(41, "indictment", "According to")]),
    ("2. According to the indictment, the shells killed 41 civilians.", [(41, "indictment", "According to")]),
    # "according to" on the clause wins over the clause's own reporting verb
    ("The Commission has recorded 96 people injured in the clashes, according to hospital records.",
     [(96, "hospital records", "according to")]),
    # findings of a court; estimates of a crowd
    ("The Trial Chamber found that soldiers detained 14 men from the village.", [(14, "Trial Chamber", "found")]),
    ("Police put the crowd at about 600.", [(600, "Police", "put the crowd at")]),
    # a table's caption names its source without a verb
    ("Displacement by district (Source: OCHA, 3 May)\nDistrict | Displaced\nNorth | 1 200\nSouth | 800\n"
     "Total | 2 000\n", [(1200, "OCHA", None), (800, "OCHA", None), (2000, "OCHA", None)]),
    # must stay null: finding bodies is not reporting a figure
    ("Rescuers found 14 bodies in the rubble.", [(14, None, None)]),
]


def _text(doc, span):
    return None if span is None else doc.text[span["start"]:span["end"]]


@pytest.mark.model
@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_attribution_table(process, text, expected):
    doc = process(text)
    got = []
    for fact in doc.facts:
        attribution = fact["attribution"] or {}
        got.append((fact["value"], _text(doc, attribution.get("source")), _text(doc, attribution.get("cue"))))
    assert got == expected


@pytest.mark.model
def test_spans_are_original_offsets(process):
    text = "At least 41 people\n   were killed, the health\n   ministry said."
    doc = process(text)
    attribution = doc.facts[0]["attribution"]
    for span in (attribution["source"], attribution["cue"]):
        assert text[span["start"]:span["end"]] == span["text"]
    assert attribution["source"]["text"] == "health\n   ministry"


def test_lexicon_schema_rejects_unknown_keys(tmp_path):
    bad = tmp_path / "attribution.toml"
    bad.write_text('[cues]\nverbs = ["say"]\nverbz = ["tell"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="verbz"):
        load_attribution_lexicon(bad)


def test_phrases_must_have_three_words(tmp_path):
    bad = tmp_path / "attribution.toml"
    bad.write_text('[cues]\nverbs = ["say"]\nphrases = ["put toll"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="put toll"):
        load_attribution_lexicon(bad)


def test_default_lexicon_loads():
    lex = load_attribution_lexicon(load_config().attribution.cues)
    assert "say" in lex.verbs and ("according", "to") in lex.prepositions
    assert ("put", "toll") in lex.phrases and "the" in lex.strip_leading


# Texts whose every token the shortcuts are checked on: brackets near and far, quotes,
# "our", a passive with an agent, "according to".
SHORTCUT_TEXTS = [
    '41 people killed (Ministry of Health)\nThe ministry said: "112 were hurt (mostly children)."',
    "Our report documents the abduction of 214 people, according to our researchers in the field.",
    "The 19 deaths were confirmed by the regional governor (a former general) on Monday.",
]


@pytest.mark.model
@pytest.mark.parametrize("text", SHORTCUT_TEXTS, ids=[t[:40] for t in SHORTCUT_TEXTS])
def test_shortcuts_answer_as_the_token_walks(process, text):
    """The text checks and handed-over sentences are shortcuts only: each helper answers
    as it does from the tokens alone."""
    doc = process(text)
    lex = load_attribution_lexicon(load_config().attribution.cues)
    parsed, normalised = doc.parsed, doc.textmap.text
    for sent in parsed.sents:
        assert A.has_quote_mark(sent, normalised) == any(t.text in A.QUOTES for t in sent)
    for t in parsed:
        assert A.bracket_source(t, 0, lex, normalised) == A.bracket_source(t, 0, lex)
        assert A.attribution_in_sentence(t, lex, (), t.sent) == A.attribution_in_sentence(t, lex)
        subtree_left = [x for x in t.subtree if x.i <= t.i]
        assert A.own_voice(t, lex) == any(x.lower_ in lex.own_voice for x in subtree_left)


@pytest.mark.model
@pytest.mark.parametrize("text,expected", [
    ('He said: "41 died."', True),
    ("«Five were hurt», he said.", True),
    ("The ministry said 41 died.", False),
    # must not change: an apostrophe is no quote mark
    ("The ministry's figures show 41 dead.", False),
])
def test_has_quote_mark(process, text, expected):
    doc = process(text)
    assert any(A.has_quote_mark(s, doc.textmap.text) for s in doc.parsed.sents) is expected
