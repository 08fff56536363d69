"""Resource files are checked against their schemas when the configuration loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.errors import ConfigError
from pipeline.resources import FACT_TYPES, RESOURCES, check_file


@pytest.fixture()
def configs(tmp_path) -> Path:
    shutil.copytree(DEFAULT_CONFIG.parent, tmp_path / "configs")
    return tmp_path / "configs"


def _edit(configs: Path, name: str, old: str, new: str) -> None:
    path = configs / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_committed_resources_fit_their_schemas(configs):
    load_config(configs / "default.toml")  # must NOT raise


def test_fact_types_are_spec_ones():
    assert FACT_TYPES == ("killed", "injured", "detained", "missing", "displaced", "deployed", "participants")


@pytest.mark.parametrize("name,old,new,message", [
    # a fact type SPEC does not know: one line naming the file and the table
    ("lexicons/fact_triggers.toml", "[injured]", "[wounded]",
     "fact_triggers.toml: [wounded]: not a SPEC fact type (killed, injured, detained, missing, displaced, "
     "deployed, participants) nor one of the tables people, grammar, breakdowns"),
    # a key a fact table does not have
    ("lexicons/fact_triggers.toml", "subject_verbs = [\"die\"", "subject_verb = [\"die\"",
     "fact_triggers.toml: killed.subject_verb: unknown key"),
    ("lexicons/fact_triggers.toml", "forces_only = true", 'forces_only = "yes"',
     "fact_triggers.toml: deployed.forces_only: Input should be a valid boolean"),
    ("lexicons/fact_triggers.toml", '"kill", "murder"', '"kill", ""', "fact_triggers.toml: killed.verbs.1:"),
    ("lexicons/fact_triggers.toml", "[grammar]", "[grammar]\nverbs = []", "fact_triggers.toml: grammar.verbs: unknown key"),
    # SPEC values in the lexicons of other stages
    ("lexicons/qualifiers.toml", '"more than" = { numbers = "MORE_THAN"', '"more than" = { numbers = "MORE"',
     "qualifiers.toml: more than.numbers: Input should be"),
    ("lexicons/numbers.toml", "thousand = 1000", 'thousand = "a thousand"', "numbers.toml: scales.thousand:"),
    # the stages' own files are strict: an unknown table is an error
    ("lexicons/numbers.toml", "[scales]", "[scale]\nx = 1\n[scales]", "numbers.toml: scale: unknown key"),
    ("lexicons/timex_grammar.toml", "[macros]", "[macro]\nX = 'x'\n[macros]", "timex_grammar.toml: macro: unknown key"),
    ("lexicons/events.toml", "[kinds]", "[kind]\nx = []\n[kinds]", "events.toml: kind: unknown key"),
    ("lexicons/attribution.toml", "[cues]", "[cue]\nx = []\n[cues]", "attribution.toml: cue: unknown key"),
    ("lexicons/entity_fixes.toml", "FAC = [", "FACILITY = [", "entity_fixes.toml: head_label.FACILITY"),
    ("lexicons/entity_fixes.toml", "[titles]", '[suffix_label]\nORG = ["Ministry"]\n\n[titles]',
     "entity_fixes.toml: suffix_label: unknown key"),
    ("lexicons/dates.toml", "[not_dates]", "[extra_table]\nnested = { deeper = { x = 1 } }\n[not_dates]",
     "dates.toml: extra_table: unknown key"),
    ("gazetteers/entity_patterns.jsonl", '{"label": "NORP", "pattern": "Afghan"',
     '{"label": "PLACE", "pattern": "Afghan"', "entity_patterns.jsonl: line 5: label: Input should be"),
    ("gazetteers/entity_patterns.jsonl", '{"label": "NORP", "pattern": "Afghan"', '{"label": "NORP", "patern": "Afghan"',
     "entity_patterns.jsonl: line 5: patern: unknown key"),
    ("lexicons/dates.toml", "[relative]", "[relative\n", "dates.toml: not valid TOML"),
])
def test_bad_resource_is_one_config_error_line(configs, name, old, new, message):
    _edit(configs, name, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(configs / "default.toml")
    text = str(err.value)
    assert "\n" not in text and str(configs / "default.toml") in text
    assert message in text, text


@pytest.mark.parametrize("name,old,new", [
    # new tables of entity_fixes.toml in the shape of a lexicon table, optional keys (must NOT fail)
    ("lexicons/fact_triggers.toml", "[killed]", "[killed]\nforces_only = false"),
])
def test_permissive_shapes_accept_new_tables(configs, name, old, new):
    _edit(configs, name, old, new)
    load_config(configs / "default.toml")


def test_unregistered_resource_is_checked_by_its_suffix(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"a": 1}\n[1]\n', encoding="utf-8")
    assert check_file(bad, "jsonl", RESOURCES["parse.entity_patterns"][1])[0].startswith("line 1: label: Field required")
    from pipeline.resources import BY_SUFFIX

    assert check_file(bad, *BY_SUFFIX[".jsonl"]) == ["line 2: Input should be a valid dictionary or instance of JsonObject"]
