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


def test_reports_table_is_the_compare_view(records_file, tmp_path):
    """The export's reports come from the same grouping and summaries as `recount compare`."""
    from pipeline.compare import compare
    from pipeline.io import load_records

    export([records_file], "duckdb", tmp_path / "r.duckdb")
    rows = duckdb.connect(str(tmp_path / "r.duckdb")).execute(
        "SELECT incident, type, doc_id, number_start, low, best, high, dscore FROM reports").fetchall()
    expected = [(inc["incident"], g["type"], r["doc_id"], r["number"]["start"], g["low"], g["best"], g["high"],
                 g["dscore"])
                for inc in compare(list(load_records(records_file).values()))["incidents"]
                for g in inc["types"] for r in g["reports"]]
    assert sorted(rows) == sorted(expected)


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
