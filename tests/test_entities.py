"""Entity span trimming (pure) and genre fixes on model output."""

from __future__ import annotations

import pytest

from pipeline.stages.entities import trim_span

STRIP = frozenset({"the", "a", "an"})


@pytest.mark.parametrize("text,expected", [
    ("the Soviet Union", "Soviet Union"),
    ("Armenia's", "Armenia"),
    ("Azerbaijan’s", "Azerbaijan"),
    ("“Black January”", "Black January"),
    ("UNESCO),", "UNESCO"),
    ("Human Rights (Ombudsman", "Human Rights"),
    # must NOT change
    ("Martyrs’ Alley", "Martyrs’ Alley"),
    ("Heydar Aliyev", "Heydar Aliyev"),
    ("UN", "UN"),
])
def test_trim_span(text, expected):
    s, e = trim_span(text, 0, len(text), STRIP)
    assert text[s:e] == expected


@pytest.mark.model
@pytest.mark.parametrize("text,span,label", [
    ("The Azerbaijanis protested in the streets of Baku.", "Azerbaijanis", "NORP"),
    ("National Leader Heydar Aliyev held a press conference.", "Heydar Aliyev", "PERSON"),
    ("They recalled the 20 January Tragedy every year.", "20 January Tragedy", "EVENT"),
    ("It violated the Universal Declaration of Human Rights.", "Universal Declaration of Human Rights", "LAW"),
    ("He spoke for the Republic of Moldova at the meeting.", "Republic of Moldova", "GPE"),
])
def test_genre_fixes(process, text, span, label):
    doc = process(text)
    assert {(e["text"], e["label"]) for e in doc.entities} >= {(span, label)}


@pytest.mark.model
def test_titles_are_not_entities(process):
    doc = process("The letter was sent to the Secretary-General by the Permanent Representative.")
    assert not [e for e in doc.entities if e["text"] in ("Secretary-General", "Permanent Representative")]


@pytest.mark.model
def test_dateline_is_date_plus_time_and_cut_names_are_joined(process):
    doc = process("Materials 20 January 2023 16:23 (UTC +04:00)\n\n"
                  "The statement of the Ministry of Foreign Affairs of the Republic of Moldova was read.")
    got = {(e["text"], e["label"]) for e in doc.entities}
    assert {("20 January 2023", "DATE"), ("16:23", "TIME")} <= got
    assert ("Ministry of Foreign Affairs of the Republic of Moldova", "ORG") in got


@pytest.mark.parametrize("span,model_label,label", [
    ("Alley of Heroes", "ORG", "FAC"),
    ("Martyrs’ Alley", "ORG", "FAC"),
    ("USSR", "ORG", "GPE"),
    ("Soviet", "ORG", "NORP"),
    # must NOT change
    ("Trend News Agency", "ORG", "ORG"),
    ("Heydar Aliyev", "PERSON", "PERSON"),
])
def test_label_fixes(config, span, model_label, label):
    from pipeline.stages.entities import EntitiesStage

    stage = EntitiesStage(**config.stage_options("entities"))
    assert stage._label(span, model_label) == label
