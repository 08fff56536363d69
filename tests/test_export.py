"""pipeline.export: DuckDB / Parquet / SQLite / CSV tables and the JSONL round trip (no model)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import TABLES, ExportError, canonical_lines, export, records_from_duckdb

ROOT = Path(__file__).resolve().parent.parent
duckdb = pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def records_file(tmp_path_factory) -> Path:
    """The seed gold records (every v2 layer: events, attribution, part_of) as one file."""
    path = tmp_path_factory.mktemp("export") / "records.jsonl"
    lines = [line for f in sorted((ROOT / "tests" / "gold").glob("*.jsonl")) for line in f.read_text("utf-8").splitlines()]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_round_trip_jsonl_duckdb_jsonl(records_file, tmp_path):
    export([records_file], "duckdb", tmp_path / "r.duckdb")
    original = sorted(canonical_lines(json.loads(line) for line in records_file.read_text("utf-8").splitlines()))
    back = sorted(canonical_lines(records_from_duckdb(tmp_path / "r.duckdb")))
    assert back == original


def test_tables_and_the_readme_query(records_file, tmp_path):
    counts = export([records_file], "duckdb", tmp_path / "r.duckdb")
    assert set(counts) == set(TABLES) and counts["documents"] == 5 and counts["facts"] == 22
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    rows = con.execute("SELECT doc_id, doc_date, source, label FROM reports WHERE incident = 'baku-1990-01' "
                       "AND type = 'killed' AND part_of IS NULL ORDER BY doc_date, doc_id").fetchall()
    assert [r[3] for r in rows] == ["131", "134", "hundreds", "150", "150", "150"]
    low_best_high = con.execute("SELECT DISTINCT low, best, high FROM reports WHERE incident = 'baku-1990-01' "
                                "AND type = 'killed'").fetchall()
    assert low_best_high == [(131.0, 150.0, 150.0)]
    clashes = con.execute("SELECT incident, i.name, s.low, s.best, s.high, s.sources, c.a, c.b, c.reason "
                          "FROM summaries s JOIN incidents i USING (incident) JOIN conflicts c USING (incident, type) "
                          "WHERE s.type = 'killed' ORDER BY s.idx").fetchall()
    assert ("baku-1990-01", 131.0, 150.0, 150.0, "150", "134", "150 ≠ 134") in [
        (r[0], r[2], r[3], r[4], r[6], r[7], r[8]) for r in clashes]
    # offsets and texts agree with the documents they point into
    bad = con.execute("SELECT count(*) FROM entities e JOIN documents d USING (doc_id) "
                      "WHERE substring(d.text, e.start + 1, e.\"end\" - e.start) <> e.text").fetchone()[0]
    assert bad == 0
    sentence = con.execute("SELECT sentence FROM facts WHERE doc_id LIKE '004%' AND type = 'deployed'").fetchone()[0]
    assert "26,000 Soviet troops attacked" in sentence


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_folder_formats_hold_every_table(records_file, tmp_path, fmt):
    out = tmp_path / f"out_{fmt}"
    counts = export([records_file], fmt, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    n = duckdb.connect().execute(f"SELECT count(*) FROM {reader}('{out / ('entities.' + fmt)}')").fetchone()[0]
    assert n == counts["entities"]


def test_csv_for_excel_starts_with_a_bom(records_file, tmp_path):
    export([records_file], "csv", tmp_path / "x", excel=True)
    raw = (tmp_path / "x" / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 5


def test_sqlite(records_file, tmp_path):
    counts = export([records_file], "sqlite", tmp_path / "r.sqlite")
    db = sqlite3.connect(tmp_path / "r.sqlite")
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == counts["facts"]
    layers = json.loads(db.execute("SELECT layers FROM documents LIMIT 1").fetchone()[0])
    assert "facts" in layers


@pytest.mark.parametrize("fmt, out, message", [
    ("xlsx", "r.x", "unknown export format"),
    ("duckdb", "no/such/dir/r.duckdb", "no such directory"),
])
def test_bad_exports_are_clear_errors(records_file, tmp_path, fmt, out, message):
    with pytest.raises(ExportError, match=message):
        export([records_file], fmt, tmp_path / out)


def test_an_existing_output_is_replaced_whole(records_file, tmp_path):
    out = tmp_path / "r.duckdb"
    export([records_file], "duckdb", out)
    export([records_file], "duckdb", out)
    assert not list(tmp_path.glob(".*partial"))
    assert duckdb.connect(str(out)).execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_cli_export(records_file, tmp_path):
    result = CliRunner().invoke(app, ["export", str(records_file), str(tmp_path / "c"), "--to", "csv"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "reports.csv").exists()


REPORT_KEYS = ("doc_id", "event", "value", "mod", "label", "number", "part_of", "source", "cue", "doc_date")


def _compare_view(records: list[dict]) -> tuple[list, list, list, list]:
    """`recount compare` of ``records`` as the export's incidents, summaries, conflicts
    and reports rows."""
    from pipeline.compare import compare

    result = compare(records)
    incidents = [(inc["incident"], inc["name"], inc["date"], inc["place"]) for inc in result["incidents"]]
    summaries, conflicts, reports = [], [], []
    for inc in result["incidents"]:
        for g in inc["types"]:
            totals = tuple(None if g[k] is None else float(g[k]) for k in ("low", "best", "high", "conservative"))
            summary = (*totals, g["sources"], g["dscore"], bool(g["conflicts"]))
            summaries.append((inc["incident"], g["type"], *summary))
            conflicts += [(inc["incident"], g["type"], c["a"], c["b"], c["a_docs"], c["b_docs"], c["rule"], c["reason"])
                          for c in g["conflicts"]]
            for r in g["reports"]:
                reports.append((inc["incident"], inc["name"], inc["date"], inc["place"], g["type"], r["doc_id"],
                                r["event"], float(r["value"]), r["mod"], r["label"], r["vague"], r["number"]["start"],
                                r["number"]["end"], r["part_of"], r["source"], r["cue"], r["doc_date"], *summary,
                                r["sentence"]))
    return incidents, summaries, conflicts, reports


def _exported_view(path: Path) -> tuple[list, list, list, list]:
    con = duckdb.connect(str(path))
    return (con.execute("SELECT incident, name, date, place FROM incidents ORDER BY idx").fetchall(),
            con.execute("SELECT * EXCLUDE (idx) FROM summaries ORDER BY idx").fetchall(),
            con.execute("SELECT * FROM conflicts").fetchall(),
            con.execute("SELECT * FROM reports").fetchall())


def test_reports_are_the_compare_view_row_for_row(tmp_path):
    """Incidents, summaries, conflicts and reports equal `recount compare` over every gold record
    (the seeds and the dev set: 43 incidents, conflicts, breakdowns, vague figures), in
    compare's order, column for column."""
    from pipeline.io import load_records

    path = tmp_path / "gold.jsonl"
    gold = [f for d in (ROOT / "tests" / "gold", ROOT / "tests" / "gold" / "dev") for f in sorted(d.glob("*.jsonl"))]
    path.write_text("".join(f.read_text("utf-8") for f in gold), encoding="utf-8")
    export([path], "duckdb", tmp_path / "r.duckdb")
    expected = _compare_view(list(load_records(path).values()))
    assert len(expected[0]) > 30 and len(expected[2]) > 5  # many incidents, and conflicts among them
    assert _exported_view(tmp_path / "r.duckdb") == expected


def _fact(ftype, value, start, end, event=None, mod=None, part_of=None, source=None):
    attribution = None if source is None else {"source": {"start": source[0], "end": source[1], "text": source[2]},
                                                "cue": None}
    return {"type": ftype, "value": value, "mod": mod, "number": {"start": start, "end": end}, "trigger": None,
            "event": event, "part_of": part_of, "attribution": attribution}


def test_reports_of_facts_without_events_breakdowns_and_sources(tmp_path):
    """The cases the gold files barely hold: facts with no event (one unassigned incident
    per document), an event id the document does not define, a breakdown's parts (left
    out of the summaries), a vague magnitude beside precise figures, a named source
    against a publisher, a source written over two lines, and two documents joined by
    an event name."""
    from pipeline.io import load_records

    text_a = "Police said 40 were killed in Dover and 3 injured; hundreds fled. 2 men and 1 woman were hurt."
    text_b = "The World Health\nOrganization put the Dover toll at 52 dead, or 500."

    def at(text: str, word: str) -> tuple[int, int]:
        return text.index(word), text.index(word) + len(word)

    end_a = text_a.index(".") + 1
    event = {"id": "e1", "name": {"start": at(text_a, "Dover")[0], "end": at(text_a, "Dover")[1], "text": "Dover"},
             "date": None, "place": None, "incident": None}
    a = {"schema_version": "2.0", "doc_id": "a", "text": text_a, "source": {"name": "Wire"},
         "sentences": [{"start": 0, "end": end_a}, {"start": end_a + 1, "end": len(text_a)}],
         "events": [event],
         "facts": [_fact("killed", 40, *at(text_a, "40"), "e1", source=(0, 6, "Police")),
                   _fact("injured", 3, *at(text_a, "3"), "e1"),
                   _fact("displaced", 100, *at(text_a, "hundreds"), None),
                   _fact("injured", 2, *at(text_a, "2"), "e9", part_of=1),
                   _fact("injured", 1, *at(text_a, "1"), "e1", part_of=1)]}
    b = {"schema_version": "2.0", "doc_id": "b", "text": text_b,
         "sentences": [{"start": 0, "end": len(text_b)}],
         "events": [{**event, "name": {"start": at(text_b, "Dover")[0], "end": at(text_b, "Dover")[1],
                                       "text": "Dover"}}],
         "facts": [_fact("killed", 52, *at(text_b, "52"), "e1", mod="AT_LEAST",
                         source=(4, 29, "World Health\nOrganization")),
                   _fact("killed", 500, *at(text_b, "500"), "e1")]}
    assert text_b[4:29] == "World Health\nOrganization"
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (a, b)), encoding="utf-8")
    export([path], "duckdb", tmp_path / "r.duckdb")
    expected = _compare_view(list(load_records(path).values()))
    assert [row[0] for row in expected[0]] == ["dover", "unassigned-a"]
    assert "World Health Organization" in [row[14] for row in expected[3]]  # a source on one line
    assert _exported_view(tmp_path / "r.duckdb") == expected


def test_an_export_without_facts_has_empty_report_tables(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"schema_version": "2.0", "doc_id": "d", "text": "Nothing here.",
                                "sentences": [{"start": 0, "end": 13}], "events": [], "facts": []}) + "\n",
                    encoding="utf-8")
    counts = export([path], "duckdb", tmp_path / "r.duckdb")
    assert counts["documents"] == 1 and counts["incidents"] == counts["summaries"] == counts["reports"] == 0


def test_the_same_records_export_to_the_same_bytes(records_file, tmp_path):
    """Tables are built on two cursors side by side; what they hold never depends on timing."""
    export([records_file], "csv", tmp_path / "one")
    export([records_file], "csv", tmp_path / "two")
    for table in TABLES:
        assert (tmp_path / "one" / f"{table}.csv").read_bytes() == (tmp_path / "two" / f"{table}.csv").read_bytes()


def test_a_record_larger_than_duckdbs_default_object_size(tmp_path):
    """Records over DuckDB's default maximum_object_size (read in parallel) are read
    again with a larger limit, not refused."""
    text = "Police said 12 people were killed. " + "x" * 40_000_000
    record = {"schema_version": "2.0", "doc_id": "big", "text": text, "sentences": [{"start": 0, "end": 34}],
              "facts": [_fact("killed", 12, 12, 14)]}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(duckdb.InvalidInputException, match="maximum_object_size"):
        duckdb.connect().execute(f"SELECT doc_id FROM read_json('{path}', format='newline_delimited')").fetchall()
    counts = export([path], "duckdb", tmp_path / "r.duckdb")
    assert counts["documents"] == 1 and counts["reports"] == 1


def test_fact_sentences_and_report_rows(tmp_path):
    """A fact's sentence is the one holding its number (none when the number is between
    sentences); the reports row folds the sentence's white space as Python's str.split
    does, non-ASCII spaces included."""
    text = "Intro.\u2003 Police said 12\u00a0people were\n killed. 3 injured"
    record = {"schema_version": "2.0", "doc_id": "d1", "text": text,
              "sentences": [{"start": 0, "end": 6}, {"start": 8, "end": 43}],
              "facts": [{"type": "killed", "value": 12, "mod": None, "number": {"start": 20, "end": 22},
                         "trigger": {"start": 36, "end": 42}},
                        {"type": "injured", "value": 3, "mod": None, "number": {"start": 44, "end": 45},
                         "trigger": {"start": 46, "end": 53}}]}
    assert text[20:22] == "12" and text[44:45] == "3" and text[36:42] == "killed"
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    export([path], "duckdb", tmp_path / "r.duckdb")
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    assert con.execute("SELECT number_text, sentence FROM facts ORDER BY idx").fetchall() == [
        ("12", text[8:43]), ("3", None)]
    assert sorted(con.execute("SELECT type, sentence FROM reports").fetchall()) == [
        ("injured", ""), ("killed", "Police said 12 people were killed.")]


@pytest.mark.parametrize("fmt", ["duckdb", "csv"])
def test_the_records_file_is_never_the_output(records_file, tmp_path, fmt):
    copy = tmp_path / "records.jsonl"
    copy.write_bytes(records_file.read_bytes())
    with pytest.raises(ExportError, match="is one of the records"):
        export([copy], fmt, copy)
    assert copy.read_bytes() == records_file.read_bytes()


@pytest.mark.parametrize("fmt, make", [
    ("csv", lambda out: (out.mkdir(), (out / "notes.txt").write_text("mine"))),
    ("parquet", lambda out: (out.mkdir(), (out / "entities.csv").write_text("mine"))),
    ("duckdb", lambda out: out.write_text('{"doc_id": "x"}\n')),
    ("sqlite", lambda out: out.mkdir()),
    ("csv", lambda out: out.write_text("a file, not a folder")),
])
def test_what_an_export_did_not_write_is_never_replaced(records_file, tmp_path, fmt, make):
    out = tmp_path / "out"
    make(out)
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()
    with pytest.raises(ExportError, match="exists and"):
        export([records_file], fmt, out)
    assert (sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()) == before


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "duckdb"])
def test_an_earlier_export_is_replaced(records_file, tmp_path, fmt):
    export([records_file], fmt, tmp_path / "out")
    assert export([records_file], fmt, tmp_path / "out")["documents"] == 5


@pytest.mark.parametrize("second, message", [
    ("{not json", r":2: bad JSON: Expecting property name enclosed in double quotes \(column 2\)$"),
    ('["a list"]', r":2: a line must be a JSON object$"),
    ('{"doc_id": "x"}', r":2: not a record: text: Field required$"),
])
def test_a_bad_line_is_named_by_file_and_line(records_file, tmp_path, second, message):
    path = tmp_path / "r.jsonl"
    path.write_text(records_file.read_text("utf-8").splitlines()[0] + "\n" + second + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match=message) as caught:
        export([path], "duckdb", tmp_path / "r.duckdb")
    assert str(caught.value).startswith(f"{path}:2: ") and "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]  # no output, no partial file


def test_csv_lists_are_json(records_file, tmp_path):
    export([records_file], "csv", tmp_path / "c")
    rows = list(csv.DictReader((tmp_path / "c" / "documents.csv").read_text("utf-8").splitlines()))
    assert all(isinstance(json.loads(row["layers"]), list) and isinstance(json.loads(row["errors"]), list)
               for row in rows)
