"""bench/suites.py: how quantulum3's expected quantities are mapped to SPEC and matched."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC_FILE = Path(__file__).resolve().parent.parent / "bench" / "suites.py"
_spec = importlib.util.spec_from_file_location("bench_suites", SPEC_FILE)
suites = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suites)


@pytest.mark.parametrize("res,expected", [
    ({"surface": "5 km", "value": 5, "unit": "kilometre"}, ("quantity", "kilometre")),
    ({"surface": "£3", "value": 3, "unit": "pound sterling"}, ("money", "GBP")),
    ({"surface": "42", "value": 42, "unit": "dimensionless"}, ("cardinal", None)),
    ({"surface": "35%", "value": 35, "unit": "percentage"}, ("percent", None)),
])
def test_gold_kinds_and_units(res, expected):
    gold, left_out = suites.quantulum_gold({"req": f"It was {res['surface']} then.", "res": [res]})
    assert [(g["kind"], g["unit"]) for g in gold] == [expected]
    assert gold[0]["start"] == 7 and gold[0]["text"] == res["surface"]


@pytest.mark.parametrize("res,reason", [
    ({"surface": "three days", "value": 3, "unit": "day"}, "time"),
    ({"surface": "3 to 4 L", "value": 3.5, "unit": "litre"}, "range"),
    ({"surface": "8- to 16-meter", "value": 12, "unit": "metre", "uncertainty": 4}, "range"),
])
def test_left_out(res, reason):
    gold, left_out = suites.quantulum_gold({"req": f"It took {res['surface']}.", "res": [res]})
    assert gold == [] and left_out[reason] == 1


@pytest.mark.parametrize("unit,name,same", [
    ("km2", "square kilometre", True), ("km/h", "kilometre per hour", True), ("gal", "gallon", True),
    ("km", "mile", False), ("USD", "USD", True),
])
def test_unit_names(unit, name, same):
    assert (name in suites.unit_names(unit)) is same


def test_pairs_take_the_largest_overlap_once():
    gold = [{"start": 0, "end": 5}, {"start": 10, "end": 12}]
    pred = [{"start": 0, "end": 2}, {"start": 1, "end": 5}, {"start": 20, "end": 22}]
    assert suites._pairs(gold, pred) == {0: 1}
