"""Place gazetteer: builder rules (pure, on made-up rows), the committed TSV, the lookup."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.errors import ConfigError
from pipeline.gazetteer import GazetteerSettings, PlaceIndex, build_rows, fold, name_forms, read_tsv


@dataclass(frozen=True)
class P:
    name: str
    kind: str
    population: int = 0
    alternates: tuple = ()


COMMON = {"police": 5.3, "centre": 5.0, "baghdad": 3.6, "new york": 5.3, "centre nord": 3.1}


def zipf(name: str) -> float:
    return COMMON.get(name.lower().replace("-", " "), 0.0)


@pytest.mark.parametrize("name,expected", [
    ("Tiboré", "Tibore"), ("Sinjār", "Sinjar"), ("Aşağı Mirak", "Asagı Mirak"),
    ("Kramatorsk", "Kramatorsk"),  # must not change
])
def test_fold(name, expected):
    assert fold(name) == expected


@pytest.mark.parametrize("name,forms", [
    ("Tiboré", ["Tiboré", "Tibore"]),
    ("Centre-Nord", ["Centre-Nord"]),
    ("Bosnia and Herzegovina", ["Bosnia and Herzegovina"]),
    # must NOT become names: codes, lower-case transliterations, too short
    ("BGW", []), ("da huo ke", []), ("Of", []),
])
def test_name_forms(name, forms):
    assert name_forms(name, 3) == forms


def test_build_rows_guard_kinds_and_alternates():
    settings = GazetteerSettings(min_city_population=15000, alternates_min_population=100000,
                                 guard_zipf=3.0, guard_zipf_phrase=4.0, min_length=3)
    places = [
        P("Burkina Faso", "country"), P("Jordan", "country"),
        P("Centre-Nord", "region"), P("Centre", "region"),
        P("Police", "city", 33000), P("Pissila", "city", 23000, ("Pisila",)),
        P("Dihok", "city", 340000, ("Duhok", "DHK")), P("Baghdad", "city", 7000000),
        P("Jordan", "city", 20000),  # also a country: the country kind wins
    ]
    rows = {name: (kind, guard) for name, kind, guard in build_rows(places, settings, zipf)}
    assert rows["Burkina Faso"] == ("country", "plain")
    assert rows["Jordan"] == ("country", "plain")        # countries are never guarded
    assert rows["Centre-Nord"] == ("region", "plain")    # a phrase of common words is not common
    assert rows["Centre"] == ("region", "guarded")
    assert rows["Police"] == ("city", "guarded")
    assert rows["Baghdad"] == ("city", "guarded")
    assert rows["Duhok"] == ("city", "plain")            # alternate of a large city
    assert "Pisila" not in rows                          # alternates of small places are dropped
    assert "DHK" not in rows


def test_read_tsv_names_a_bad_line(tmp_path):
    path = tmp_path / "places.tsv"
    path.write_text("# header\nSinjar\tcity\tplain\nDuhok\ttown\tplain\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=":3:"):
        read_tsv(path)


def test_committed_gazetteer(config):
    rows = read_tsv(config.parse.places)
    kinds = {name: (kind, guard) for name, kind, guard in rows}
    assert len(rows) > 50_000
    assert config.parse.places.stat().st_size < 2_000_000  # brief: no generated file over 2 MB
    assert kinds["Burkina Faso"] == ("country", "plain")
    assert kinds["Sinjar"][1] == "plain" and kinds["Duhok"][1] == "plain"
    assert kinds["Police"][1] == "guarded"


def _tokens(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]


INDEX = PlaceIndex([("Burkina Faso", "country", "plain"), ("Centre-Nord", "region", "plain"),
                    ("Centre", "region", "guarded"), ("Libya", "country", "plain"),
                    ("Police", "city", "guarded")])


@pytest.mark.parametrize("text,found", [
    ("In Burkina Faso today", [("Burkina Faso", "country", "plain")]),
    ("the Centre-Nord region", [("Centre-Nord", "region", "plain")]),   # longest name wins
    ("LIBYA: floods", [("LIBYA", "country", "plain")]),                 # all-caps dateline
    ("Police said", [("Police", "city", "guarded")]),                   # found, but guarded
    # must NOT match: lower case, part of a word
    ("the police said", []), ("Libyan officials", []), ("talks in the LIBYA group", []),
])
def test_place_index(text, found):
    got = [(text[s:e], kind, guard) for _, _, s, e, kind, guard in INDEX.find(text, _tokens(text))]
    assert got == found
