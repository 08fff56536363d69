"""Facts stage: which figures are facts, of which type (made-up sentences, not seeds)."""

from __future__ import annotations

import typing

import pytest

from pipeline.config import load_config
from pipeline.records import FactType
from pipeline.stages import facts as F
from pipeline.stages.facts import breakdown_marker, is_figure, load_lexicon

LEXICON = load_config().facts.triggers

# (text, expected {(type, value, mod)}); an empty set: no figure in it is a fact.
CASES = [
    # passive and active voice, phrases
    ("Twelve villagers were killed in the raid.", {("killed", 12, None)}),
    ("The shelling killed 45 civilians and wounded 120 others.", {("killed", 45, None), ("injured", 120, None)}),
    ("The bombing claimed the lives of 37 passengers.", {("killed", 37, None)}),
    ("The attack cost 19 lives.", {("killed", 19, None)}),
    ("Some 60 people lost their lives in the fire.", {("killed", 60, "APPROX")}),
    ("At least 15 people died after the bridge collapsed.", {("killed", 15, "AT_LEAST")}),
    ("Witnesses said 11 protesters were shot dead by police.", {("killed", 11, None)}),
    ("The massacre of 300 villagers shocked the world.", {("killed", 300, None)}),
    ("Officials confirmed 18 deaths and 64 injuries.", {("killed", 18, None), ("injured", 64, None)}),
    ("The riots left 9 dead and 40 wounded.", {("killed", 9, None), ("injured", 40, None)}),
    ("The death toll rose to 212 on Sunday.", {("killed", 212, None)}),
    ("Police arrested 230 demonstrators.", {("detained", 230, None)}),
    ("Rebels abducted 40 schoolgirls from a dormitory.", {("detained", 40, None)}),
    ("Gunmen took 14 aid workers hostage.", {("detained", 14, None)}),
    ("The regime has imprisoned over 1,000 political activists since 2019.", {("detained", 1000, "MORE_THAN")}),
    ("Six fishermen went missing off the coast.", {("missing", 6, None)}),
    ("About 500 people are still missing.", {("missing", 500, "APPROX")}),
    # one figure, one fact per distinct type
    ("More than 90 students were detained or arrested.", {("detained", 90, "MORE_THAN")}),
    # one figure shared by several verbs of different types
    ("Dozens of people were killed, have been wounded, or gone missing.",
     {("killed", 12, "AT_LEAST"), ("injured", 12, "AT_LEAST"), ("missing", 12, "AT_LEAST")}),
    # coordinated clauses, each with its own figure
    ("In the clashes 27 soldiers have been killed, 300 residents were injured, and another 64 were "
     "unlawfully detained.", {("killed", 27, None), ("injured", 300, None), ("detained", 64, None)}),
    ("Two policemen were killed and five were wounded.", {("killed", 2, None), ("injured", 5, None)}),
    ("Security forces detained 17 and injured 9 during the protest.", {("detained", 17, None), ("injured", 9, None)}),
    # breakdowns: one fact per figure, same type
    ("A total of 418 people were killed, including 51 children and 80 women.",
     {("killed", 418, None), ("killed", 51, None), ("killed", 80, None)}),
    ("Around 120 men, women and children were massacred in the village.", {("killed", 120, "APPROX")}),
    ("Three of the dead were journalists.", {("killed", 3, None)}),
    # displaced
    ("Nearly 40,000 villagers fled their homes.", {("displaced", 40000, "APPROX")}),
    ("The government deported more than 5,000 Chechens in a single week.", {("displaced", 5000, "MORE_THAN")}),
    ("The expulsion of 80,000 Greeks from the city began in spring.", {("displaced", 80000, None)}),
    ("Hundreds of thousands of refugees crossed into Turkey.", {("displaced", 100000, "AT_LEAST")}),
    ("The earthquake left 2,000 people homeless.", {("displaced", 2000, None)}),
    ("The flooding forced 12,000 residents to flee, and 3,000 refugees crossed the border.",
     {("displaced", 12000, None), ("displaced", 3000, None)}),
    # deployed: forces sent, or forces that attack
    ("Moscow sent 4,000 troops to the capital.", {("deployed", 4000, None)}),
    ("Some 9,000 soldiers attacked the town at dawn.", {("deployed", 9000, "APPROX")}),
    ("The army has deployed an estimated 3,500 paratroopers to the region.", {("deployed", 3500, "APPROX")}),
    # participants
    ("Over 50,000 people attended the rally in the central square.", {("participants", 50000, "MORE_THAN")}),
    ("The funeral was attended by 3 million mourners.", {("participants", 3000000, None)}),
    ("Thousands of protesters gathered outside parliament.", {("participants", 1000, "AT_LEAST")}),
    ("Up to 700 demonstrators marched through the city.", {("participants", 700, "AT_MOST")}),
    ("A crowd of 20,000 gathered in front of the embassy.", {("participants", 20000, None)}),
    ("Some 250 delegates took part in the conference.", {("participants", 250, "APPROX")}),
    # a partitive subset counts something else unless the verb is a copula
    ("Eight of the 20 prisoners were released on Friday.", {("detained", 20, None)}),
    # must not be facts: ordinals, anniversaries, years, percentages, money, identifiers,
    # figures counting things, or people without a trigger
    ("The 34th anniversary of the tragedy was marked on Monday.", set()),
    ("Forty years have passed since the massacre.", set()),
    ("The tragedy happened 30 years ago.", set()),
    ("Unemployment rose to 12 percent last year.", set()),
    ("About 20% of the territory was occupied.", set()),
    ("The state paid $3 million in compensation to the families.", set()),
    ("The storm destroyed 150 houses and killed no one.", set()),
    ("The assembly discussed agenda item 64 on Tuesday.", set()),
    ("He was the first victim of the new regime.", set()),
    ("The commission published 12 reports about the killings.", set()),
    ("Armenia is one of the countries that voted against the resolution.", set()),
    ("The 1,200 members of the party met in Baku.", set()),
    ("There are 3 million people living in the capital.", set()),
    ("The report has 45 pages and 3 annexes.", set()),
    ("The court sentenced 5 officers to prison.", set()),
    ("The parliament has 125 members.", set()),
    ("Flight 17 was shot down over Ukraine.", set()),
    ("He was born in a family of 6 children.", set()),
    ("The city has a population of 2 million.", set()),
    ("Resolution 822 demanded the withdrawal of all occupying forces.", set()),
    # issue 12: triggers that are nouns or phrases
    ("Divers recovered 6 bodies from the lake on Friday.", {("killed", 6, None)}),
    ("The monitors recorded 17 abductions and disappearances.", {("detained", 17, None), ("missing", 17, None)}),
    ("About 60,000 more were forced from their homes last month.", {("displaced", 60000, "APPROX")}),
    ("Around 2,300 newly displaced people arrived in the camp.", {("displaced", 2300, "APPROX")}),
    ("The shelling forced thousands of villagers to flee their homes.", {("displaced", 1000, "AT_LEAST")}),
    ("The fate of 150 persons remains unknown.", {("missing", 150, None)}),
    ("The number of abductions rose from 52 in 2022 to 71 in 2023.", {("detained", 52, None), ("detained", 71, None)}),
    ("Other sources put the number of dead at 131.", {("killed", 131, None)}),
    ("The number of officers injured on Saturday remains at nine.", {("injured", 9, None)}),
    ("Only 312 persons remained in custody.", {("detained", 312, None)}),
    ("The prosecutor acknowledged only 39 abduction cases.", {("detained", 39, None)}),
    ("A candlelight vigil drew 300 residents.", {("participants", 300, None)}),
    # shootings and attacks: verbless headlines, hospital phrases, joined figures, a count of one
    ("4 dead in shooting at motel", {("killed", 4, None)}),
    ("2 dead, 2 injured in riverside shooting", {("killed", 2, None), ("injured", 2, None)}),
    ("Four people were shot, one fatally, police said.", {("injured", 4, None), ("killed", 1, None)}),
    ("Three were hospitalized and two were in critical condition.", {("injured", 3, None), ("injured", 2, None)}),
    ("Two men were treated for gunshot wounds.", {("injured", 2, None)}),
    ("Four supporters were taken to hospital.", {("injured", 4, None)}),
    ("The gunman kills three and wounds two.", {("killed", 3, None), ("injured", 2, None)}),
    ("1 killed in crash on the highway", {("killed", 1, None)}),
    ("Three men were shot and killed near the bridge.", {("killed", 3, None)}),
    ("By the end of January 147 civilians had been killed.", {("killed", 147, None)}),
    ("Fifty-two died at the scene and seven later in hospital.", {("killed", 52, None), ("killed", 7, None)}),
    ("Around 5,000 civilians were killed, and between 7,000 and 10,000 were injured.",
     {("killed", 5000, "APPROX"), ("injured", 7000, "AT_LEAST"), ("injured", 10000, "AT_MOST")}),
    ("Up to 900 people were killed or disappeared that year.", {("killed", 900, "AT_MOST"), ("missing", 900, "AT_MOST")}),
    ("Rescue teams recovered 57 more bodies from the sea.", {("killed", 57, None)}),
    ("The toll has risen to 41, the ministry said, after two more of the wounded died in hospital.", {("killed", 41, None), ("killed", 2, None)}),
    # breakdowns: each part is a fact of the total's type
    ("Officials said 27 people were injured: 12 in the capital, 9 in the north and 6 in the east.",
     {("injured", 27, None), ("injured", 12, None), ("injured", 9, None), ("injured", 6, None)}),
    ("The office recorded 23 injured, nine of them children.", {("injured", 23, None), ("injured", 9, None)}),
    ("Forty-one people were killed and 112 injured; among the dead were nine children.",
     {("killed", 41, None), ("injured", 112, None), ("killed", 9, None)}),
    ("Police detained 14 people. Eleven of them are foreign citizens.", {("detained", 14, None), ("detained", 11, None)}),
    ("The wounded were treated in three hospitals: 61 at the central hospital and 30 at the clinic.",
     {("injured", 61, None), ("injured", 30, None)}),
    # not figures: ages, negation, a member of a group counted elsewhere, idioms, clock times,
    # families, people merely present, victims identified or buried, states of the injured
    ("The three victims, aged 19, 23 and 31, were shot dead.", {("killed", 3, None)}),
    ("The two guards were not hurt.", set()),
    ("Thirty people were injured. One of those patients died on Sunday.", {("injured", 30, None)}),
    ("The suspect wound up dead after 3 officers fired.", set()),
    ("Dozens of families fled the village.", set()),
    ("Police said 14 victims were identified.", set()),
    ("Nineteen of the injured are still in hospital, four of them in intensive care.", set()),
    ("Four supporters were taken to hospital, one of whom remains on a ward.", {("injured", 4, None)}),
    ("Nine people were killed, including two of our nurses, Rana Haddad (34) and Yusuf Darwish (29).",
     {("killed", 9, None), ("killed", 2, None)}),
    ("Our researchers interviewed 163 relatives and 12 former detainees.", set()),
    ("The clashes began at 21:30 near the stadium.", set()),
    ("Police have acknowledged only four hospitalised supporters; a further 14 men were arrested.",
     {("injured", 4, None), ("detained", 14, None)}),
    ("The earthquake killed at least 2,100 people and injured over 10,000.",
     {("killed", 2100, "AT_LEAST"), ("injured", 10000, "MORE_THAN")}),
    ("Two children were among the dead.", {("killed", 2, None)}),
    ("About 5,000 people took to the streets of the capital.", {("participants", 5000, "APPROX")}),
    ("Rebels released 45 hostages on Friday.", set()),
    ("The number of casualties has risen to 57 dead and 140 injured.", {("killed", 57, None), ("injured", 140, None)}),
    ("At least 30 people were reported killed and 60 wounded.", {("killed", 30, "AT_LEAST"), ("injured", 60, None)}),
    ("The UN said 38 people had been killed, including six children, while two doctors told reporters that "
     "44 bodies had been brought to the morgue.", {("killed", 38, None), ("killed", 6, None), ("killed", 44, None)}),
    ("Some 300 families were displaced by the floods.", set()),
    ("No one was injured in the fire, firefighters said.", set()),
    # a second figure after a coordinated first one, completed by a resultative adjective or phrase
    ("The floods killed 12 people and left more than 30,000 homeless.",
     {("killed", 12, None), ("displaced", 30000, "MORE_THAN")}),
    ("The earthquake left 300 dead and 1,200 homeless.", {("killed", 300, None), ("displaced", 1200, None)}),
    ("The fire killed four and left 70 residents homeless.", {("killed", 4, None), ("displaced", 70, None)}),
    ("The earthquake killed 80 villagers and left 4,000 without shelter.",
     {("killed", 80, None), ("displaced", 4000, None)}),
    ("Mudslides buried 20 homes and left 600 people without shelter.", {("displaced", 600, None)}),
    ("The floods left 5,000 people without shelter and 300 injured.",
     {("displaced", 5000, None), ("injured", 300, None)}),
    ("The storm injured 40 residents and left about 9,000 displaced.",
     {("injured", 40, None), ("displaced", 9000, "APPROX")}),
    # must not change: people merely stranded are not displaced; families are not people
    ("The cyclone killed nine and left 2,500 stranded.", {("killed", 9, None)}),
    ("The blast wounded 30 people and left 200 families homeless.", {("injured", 30, None)}),
    # increments: another, a further, an additional
    ("Another 57 people are missing.", {("missing", 57, None)}),
    ("A further 12 were wounded when the bridge collapsed.", {("injured", 12, None)}),
    ("An additional 45 soldiers were sent to the border.", {("deployed", 45, None)}),
    ("Another 23 remain unaccounted for.", {("missing", 23, None)}),
    ("Three people died on 2 June. A further 12 were wounded, and another 57 people are missing.",
     {("killed", 3, None), ("injured", 12, None), ("missing", 57, None)}),
    ("An additional 300 families were evacuated.", set()),
    ("Rescuers are searching for another 40 people.", set()),
    # ways of dying: drowning, "<verb> to death" (killed, not the weak verb's injured)
    ("Two children drowned in the river.", {("killed", 2, None)}),
    ("Three men were stabbed to death.", {("killed", 3, None)}),
    ("A mob beat 2 men to death.", {("killed", 2, None)}),
    ("Five people burned to death in the fire.", {("killed", 5, None)}),
    ("Four prisoners were tortured to death.", {("killed", 4, None)}),
    ("Nine people were strangled.", {("killed", 9, None)}),
    # detention and relocation phrased otherwise
    ("Police locked up 30 protesters.", {("detained", 30, None)}),
    ("12 activists were held in pre-trial detention.", {("detained", 12, None)}),
    ("About 2,000 residents were relocated to camps.", {("displaced", 2000, "APPROX")}),
    # must not change: stabbed without "to death" is injured; families are not people
    ("Three people were stabbed.", {("injured", 3, None)}),
    ("Some 400 families were relocated.", set()),
    ("The 12 boats drowned in the storm surge were never found.", set()),
    # people named by their work or role count as people
    ("Four miners were killed and nine were injured.", {("killed", 4, None), ("injured", 9, None)}),
    ("The company has deployed 120 rescuers.", {("deployed", 120, None)}),
    ("Police detained 11 suspected sellers.", {("detained", 11, None)}),
    ("Organisers put turnout at about 60 000.", {("participants", 60000, "APPROX")}),
    # must not change: things are not people
    ("Police seized 40 rifles and 3 trucks.", set()),
]


@pytest.mark.model
@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_fact_table(process, text, expected):
    doc = process(text)
    assert {(f["type"], f["value"], f["mod"]) for f in doc.facts} == expected


@pytest.mark.model
@pytest.mark.parametrize("text,number,trigger", [
    ("The bombing claimed the lives of 37 passengers.", "37", "claimed the lives"),
    ("744 people were\n   severely wounded in the city.", "744", "wounded"),
    ("Six fishermen went missing off the coast.", "Six", "missing"),
    ("The expulsion of more than\n\n200,000 Greeks began in spring.", "more than\n\n200,000", "expulsion"),
    ("Gunmen took 14 aid workers hostage.", "14", "hostage"),
])
def test_spans_in_original_offsets(process, text, number, trigger):
    """number is a numbers entry's span; trigger points at the trigger in the original text."""
    doc = process(text)
    assert len(doc.facts) == 1
    fact = doc.facts[0]
    n, t = fact["number"], fact["trigger"]
    assert text[n["start"]:n["end"]] == number
    assert any(x["start"] == n["start"] and x["end"] == n["end"] for x in doc.numbers)
    assert text[t["start"]:t["end"]] == trigger
    assert {p["type"] for p in doc.provenance["facts"]} == {fact["type"]}


@pytest.mark.parametrize("number,expected", [
    ({"kind": "cardinal", "value": 150}, True),
    ({"kind": "cardinal", "value": 2.5}, True),
    ({"kind": "ordinal", "value": 34}, False),
    ({"kind": "percent", "value": 20}, False),
    ({"kind": "money", "value": 3000000}, False),
    ({"kind": "quantity", "value": 12}, False),
    ({"kind": "cardinal", "value": 0.75}, False),
])
def test_is_figure(number, expected):
    assert is_figure(number) is expected


def test_lexicon_covers_every_fact_type():
    lex = load_lexicon(LEXICON)
    assert set(lex.types) == set(typing.get_args(FactType))
    for name, rules in lex.types.items():
        assert rules.verbs or rules.subject_verbs or rules.nouns, name
        assert all(w == w.lower() for w in rules.verbs | rules.subject_verbs | rules.nouns | rules.complements)
    assert "people" in lex.people and "be" in lex.copulas and lex.forces


# (text, [(value, value of the total it breaks down or None)] in fact order)
PART_OF = [
    ("A total of 418 people were killed, including 51 children and 80 women.", [(418, None), (51, 418), (80, 418)]),
    ("Officials said 27 people were injured: 12 in the capital, 9 in the north and 6 in the east.",
     [(27, None), (12, 27), (9, 27), (6, 27)]),
    ("The office recorded 23 injured, nine of them children.", [(23, None), (9, 23)]),
    ("The Red Crescent said 5,300 people had died. Among them were 800 children.", [(5300, None), (800, 5300)]),
    # nested parts point at the top total
    ("Police detained 1,250 people: 640 in the capital and 610 elsewhere. Among them were 84 foreigners, "
     "including 11 minors.", [(1250, None), (640, 1250), (610, 1250), (84, 1250), (11, 1250)]),
    # parts that add up exactly to an earlier figure
    ("Police made eight further arrests. Five men were arrested at home, and three more handed themselves in.",
     [(8, None), (5, 8), (3, 8)]),
    # must stay null: an increment, figures of another clause, a clock time's colon
    ("The toll has risen to 41, the ministry said, after two more of the wounded died in hospital.", [(41, None), (2, None)]),
    ("At least 17 supporters were injured, seven of whom needed treatment, while police counted only four "
     "hospitalised supporters.", [(17, None), (7, 17), (4, None)]),
    ("More than 100 were wounded in the strike at 10:30. Later 39 people had died and 87 were hurt.",
     [(100, None), (39, None), (87, None)]),
    # a list ends with its sentence: a later figure of another source is no part of it
    ("The shelling killed 41 civilians, including 9 children. The Red Cross put the number of dead at 36.",
     [(41, None), (9, 41), (36, None)]),
    # items of one bulleted list are siblings, not total and part ...
    ("Deaths by district:\n- North: 29 deaths\n- South: 9 deaths\n- East: 3 deaths\n",
     [(29, None), (9, None), (3, None)]),
    # ... and together the parts of a total they add up to, a few sentences before them
    ("The institute counted 41 deaths. Most were men. Tests continue.\n\nDeaths by district:\n"
     "- North: 29 deaths\n- South: 9 deaths\n- East: 3 deaths\n", [(41, None), (29, 41), (9, 41), (3, 41)]),
    # must stay null: list items that do not add up to the total
    ("The institute counted 41 deaths.\n\nDeaths by district:\n- North: 29 deaths\n- South: 9 deaths\n",
     [(41, None), (29, None), (9, None)]),
]


@pytest.mark.model
@pytest.mark.parametrize("text,expected", PART_OF, ids=[c[0][:50] for c in PART_OF])
def test_part_of_table(process, text, expected):
    doc = process(text)
    got = [(f["value"], None if f["part_of"] is None else doc.facts[f["part_of"]]["value"]) for f in doc.facts]
    assert got == expected
    for fact in doc.facts:  # part_of never points at a part (SPEC validate)
        if fact["part_of"] is not None:
            assert doc.facts[fact["part_of"]]["part_of"] is None


def test_trigger_file_schema_names_the_bad_key(tmp_path):
    from pipeline.errors import ConfigError

    text = open(LEXICON, encoding="utf-8").read().replace("[deployed]", "[deployd]")
    bad = tmp_path / "fact_triggers.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="deployd"):
        load_lexicon(bad)


@pytest.mark.model
def test_flattened_table(process):
    """A table's columns take the type of their header (or of the heading above a column
    of people); households are no people; rows are parts of the Total row."""
    text = ("DISPLACEMENT BY VILLAGE\nVillage | Families | People\nNorth | 520 | 2,900\nSouth | 410 | 2,250\n"
            "Total | 930 | 5,150\n\nArrivals by district:\nDistrict | People displaced | Households\n"
            "East | 940 | 171\nWest | 780 | 139\n")
    doc = process(text)
    got = [(f["type"], f["value"], text[f["trigger"]["start"]:f["trigger"]["end"]],
            None if f["part_of"] is None else doc.facts[f["part_of"]]["value"]) for f in doc.facts]
    assert got == [("displaced", 2900, "DISPLACEMENT", 5150), ("displaced", 2250, "DISPLACEMENT", 5150),
                   ("displaced", 5150, "DISPLACEMENT", None), ("displaced", 940, "displaced", None),
                   ("displaced", 780, "displaced", None)]


@pytest.mark.model
def test_figures_found_inside_a_longer_statement(process):
    """The same figures are found when their sentences stand inside a longer statement
    (a dateline, a heading, a date in the sentence, paragraphs)."""
    text = ("NORTHERN PROVINCE, 4 May 2024 - Statement of the Governor\n\nHeavy rains struck the valley "
            "on 3 May 2024. The floods killed 12 people and left more than 30,000 homeless on 3 May, "
            "officials said.\n\nAnother 57 people are missing. A further 12 were wounded when a bridge "
            "collapsed. An additional 300 families were moved to schools.\n")
    doc = process(text)
    assert {(f["type"], f["value"], f["mod"]) for f in doc.facts} == {
        ("killed", 12, None), ("displaced", 30000, "MORE_THAN"), ("missing", 57, None), ("injured", 12, None)}


# Texts whose every token the ParseIndex shortcuts are checked on: several sentences, a
# hard line break, a colon list, a group name, coordinated verbs, an "of" group.
INDEX_TEXTS = [
    "The shelling killed 45 Ukrainian civilians and wounded 120 others. Police said two of them died later.",
    "Dozens of people were killed, have been wounded, or gone missing.\nThe wounded were treated in three "
    "hospitals: 61 at the central clinic, 35 at the military hospital.",
    "A total of 418 people were killed, including 51 children. Among them were 7 Kurdish journalists, "
    "nine of those killed.",
]


@pytest.mark.model
@pytest.mark.parametrize("text", INDEX_TEXTS, ids=[t[:40] for t in INDEX_TEXTS])
def test_parse_index_gives_the_answers_of_the_parse(process, text):
    """The per-document ParseIndex is a shortcut only: with it every helper answers as
    it does from the spaCy tokens alone (Token.sent, the span groups, counted_noun)."""
    doc = process(text)
    lex = load_lexicon(LEXICON)
    index = F.ParseIndex(doc.parsed)
    assert index.starts == [s.start for s in doc.parsed.sents]
    for t in doc.parsed:
        assert index.bounds(t.i) == (t.sent.start, t.sent.end)
        assert index.starts[index.sentence_of(t.i)] == t.sent.start
        assert F.is_group_name(t, index) == F.is_group_name(t)
        assert F.counted_noun(t, index) == F.counted_noun(t) == F.counted_noun(t, index)  # kept answer too
        assert F.counts_people(t, lex, index) == F.counts_people(t, lex)
        assert F.coordinated(t, index) == F.coordinated(t)
        assert F.link_figure(t, lex, index) == F.link_figure(t, lex)
        figure = F.Figure({"start": 0, "end": 0, "value": 1}, t, index.sentence_of(t.i))
        assert F.subject_type_links(figure, doc, lex, index) == F.subject_type_links(figure, doc, lex)


def test_inverted_type_lists_give_each_types_lists(tmp_path):
    """verb_key_types and complement_types hold exactly what the type tables list, in
    the order of the types (a key in two lists of one type keeps both flags)."""
    for lex in (load_lexicon(LEXICON), _small_lexicon(tmp_path)):
        for name, rules in lex.types.items():
            for key in rules.verbs | rules.subject_verbs | rules.weak_verbs:
                assert (name, key in rules.verbs, key in rules.subject_verbs, key in rules.weak_verbs) \
                    in lex.verb_key_types[key]
            for word in rules.complements:
                assert name in lex.complement_types[word]
        for key, entries in lex.verb_key_types.items():
            names = [e[0] for e in entries]
            assert names == [n for n in lex.types if n in names]  # type order
            assert all(key in (lex.types[n].verbs | lex.types[n].subject_verbs | lex.types[n].weak_verbs)
                       for n in names)
        for word, names in lex.complement_types.items():
            assert names == {n for n, r in lex.types.items() if word in r.complements}
    small = _small_lexicon(tmp_path)
    assert small.verb_key_types["attack"] == (("deployed", True, True, False),)
    assert small.verb_key_types["hit"] == (("killed", False, False, True), ("injured", True, False, False))


def _small_lexicon(tmp_path):
    path = tmp_path / "triggers.toml"
    path.write_text(
        '[killed]\nverbs = ["kill"]\nweak_verbs = ["hit"]\ncomplements = ["dead"]\n'
        '[injured]\nverbs = ["wound", "hit"]\ncomplements = ["wounded", "dead"]\n'
        '[detained]\nverbs = ["arrest"]\n[missing]\ncomplements = ["missing"]\n'
        '[displaced]\nverbs = ["flee"]\n'
        '[deployed]\nverbs = ["attack"]\nsubject_verbs = ["attack"]\nnouns = ["troop"]\nforces_only = true\n'
        '[participants]\nnouns = ["protester"]\n'
        '[people]\nnouns = ["people"]\n'
        '[grammar]\ncopulas = ["be"]\nbreakdown = ["including"]\ncontainers = ["toll"]\nvalue_verbs = ["rise"]\n'
        '[breakdowns]\npartial = ["including"]\ncomplete = [":"]\n', encoding="utf-8")
    return load_lexicon(path)


# (text between a total and a later figure, the breakdown marker found or None)
MARKERS = [
    ("27 injured: 12", ":"),
    (" killed, including ", "including"),
    (", among\n   them ", "among them"),
    (" dead, of whom ", "of whom"),
    ("  AMONG THE DEAD were ", "among the dead"),
    (" wounded, namely", "namely"),
    # must not change: a colon between digits, a marker inside a longer word, no marker
    (" at 10:30 on ", None),
    (" excluding the ", None),
    (" were killed and ", None),
    ("", None),
]


@pytest.mark.parametrize("between,expected", MARKERS)
def test_breakdown_marker(between, expected):
    assert breakdown_marker(between, load_lexicon(LEXICON)) == expected


def test_marker_pattern_finds_what_the_plain_alternation_finds():
    """The lookahead that opens marker_re only skips positions where no marker starts."""
    import re

    lex = load_lexicon(LEXICON)
    words = sorted(set(lex.partial_markers) | set(lex.complete_markers), key=len, reverse=True)
    plain = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" if w[0].isalnum() else rf"(?<!\d){re.escape(w)}(?!\d)"
                                for w in words))
    texts = [" ".join(words), "x" + "x".join(words), "1:2 including: among those of which", "such as 3: 4"]
    for text in texts:
        for start in range(len(text)):
            a, b = plain.search(text, start), lex.marker_re.search(text, start)
            assert (a and (a.start(), a.group(0))) == (b and (b.start(), b.group(0)))


@pytest.mark.model
def test_group_name_from_any_span_group(process):
    """A NORP span of any span group makes its tokens a group name, with or without the index."""
    from spacy.tokens import Span

    doc = process("Some 300 villagers and 40 herders fled their homes.")
    parsed = doc.parsed
    herders = next(t.i for t in parsed if t.text == "herders")
    assert not F.is_group_name(parsed[herders])
    parsed.spans["extra"] = [Span(parsed, herders, herders + 1, label="NORP"), Span(parsed, 1, 2, label="GPE")]
    index = F.ParseIndex(parsed)
    assert [t.i for t in parsed if F.is_group_name(t, index)] == [t.i for t in parsed if F.is_group_name(t)]
    assert F.is_group_name(parsed[herders], index) and not F.is_group_name(parsed[1], index)
