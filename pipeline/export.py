"""Export records to the tools analysts use: DuckDB, Parquet, SQLite and CSV.

DuckDB does the work: it reads the JSON Lines itself (``read_json``) and builds one
normalised table per layer with SQL, keyed by ``doc_id`` and ``idx`` (the item's
position in its layer) and carrying the items' offsets. Parquet and CSV are
DuckDB's own ``COPY``; SQLite is written from those tables with the standard
library. Tables:

* ``documents``: doc_id, schema_version, source fields (path, line, sha256, name,
  url, title, extra), doc_date (value, from, start, end), text, errors, meta.
* ``sentences``, ``entities``, ``dates``, ``numbers``, ``events``: one row per item.
* ``facts``: one row per fact with its number/trigger/attribution spans and texts,
  event, part_of and the text of the sentence the number is in.
* ``reports``: the `recount compare` view, one row per reported figure with its
  incident and the incident's low / best / high / conservative / sources / dscore.

Numbers keep their JSON form (``value_json``) beside the DOUBLE ``value`` so that
:func:`records_from_duckdb` rebuilds exactly the records that were exported.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from .errors import RecountError

FORMATS = ("duckdb", "parquet", "sqlite", "csv")
TABLES = ("documents", "sentences", "entities", "dates", "numbers", "events", "facts", "reports")
LIST_LAYERS = ("sentences", "entities", "dates", "numbers", "events", "facts")

# The record columns as DuckDB types: read_json parses each line once into these
# structs; a missing layer is NULL. JSON where a value keeps its written form.
_SPAN = 'STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR)'
_OFFSETS = 'STRUCT("start" BIGINT, "end" BIGINT)'
_COLUMNS = {
    "schema_version": "VARCHAR", "doc_id": "VARCHAR", "text": "VARCHAR",
    "source": "STRUCT(path VARCHAR, sha256 VARCHAR, line BIGINT, name VARCHAR, url VARCHAR, title VARCHAR, extra JSON)",
    "doc_date": 'STRUCT(value VARCHAR, "start" BIGINT, "end" BIGINT, "from" VARCHAR)',
    "sentences": f"{_OFFSETS}[]",
    "entities": 'STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR, label VARCHAR)[]',
    "dates": 'STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR, value VARCHAR, mod VARCHAR)[]',
    "numbers": 'STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR, value JSON, kind VARCHAR, unit VARCHAR, '
               'mod VARCHAR)[]',
    "events": f'STRUCT(id VARCHAR, name {_SPAN}, date STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR, '
              f'value VARCHAR), place {_SPAN}, incident VARCHAR)[]',
    "facts": f"STRUCT(type VARCHAR, value JSON, mod VARCHAR, number {_OFFSETS}, trigger {_OFFSETS}, event VARCHAR, "
             f"part_of BIGINT, attribution STRUCT(source {_SPAN}, cue {_SPAN}))[]",
    "errors": "VARCHAR[]", "meta": "JSON",
}


def _unnest(layer: str, columns: str) -> str:
    """SELECT one row per item of ``layer`` (``it``: the item, ``idx`` from 0; ``doc_text``
    and ``doc_sentences``: its document's text and sentences)."""
    return (f"SELECT doc_id, idx, {columns} FROM (SELECT doc_id, text AS doc_text, sentences AS doc_sentences, "
            f"generate_subscripts({layer}, 1) - 1 AS idx, unnest({layer}) AS it FROM raw)")


def _span_columns(item: str, prefix: str) -> str:
    return f'{item}."start" AS {prefix}_start, {item}."end" AS {prefix}_end, {item}.text AS {prefix}_text'


def _substring(start: str, end: str) -> str:
    return f"substring(doc_text, {start} + 1, {end} - {start})"


_FACT_ITEM = ("it.type AS type, CAST(it.value AS DOUBLE) AS value, it.value::VARCHAR AS value_json, "
              'it.mod AS mod, it.number."start" AS number_start, it.number."end" AS number_end, '
              'it.trigger."start" AS trigger_start, it.trigger."end" AS trigger_end, '
              "it.event AS event, it.part_of AS part_of, it.attribution IS NOT NULL AS attributed, "
              + _span_columns("it.attribution.source", "source") + ", " + _span_columns("it.attribution.cue", "cue"))

_SQL = {
    "documents": """
        SELECT doc_id, schema_version, source.path AS path, source.line AS line, source.sha256 AS sha256,
               source.name AS name, source.url AS url, source.title AS title, source.extra AS extra,
               doc_date.value AS doc_date, doc_date."from" AS doc_date_from,
               doc_date."start" AS doc_date_start, doc_date."end" AS doc_date_end,
               text, errors, meta,
               """ + " || ".join(f"(CASE WHEN {layer} IS NULL THEN []::VARCHAR[] ELSE ['{layer}'] END)"
                              for layer in LIST_LAYERS) + """ AS layers
        FROM raw""",
    "sentences": _unnest("sentences", 'it."start" AS "start", it."end" AS "end"'),
    "entities": _unnest("entities", 'it."start" AS "start", it."end" AS "end", it.text AS text, it.label AS label'),
    "dates": _unnest("dates", 'it."start" AS "start", it."end" AS "end", it.text AS text, it.value AS value, '
                              "it.mod AS mod"),
    "numbers": _unnest("numbers", 'it."start" AS "start", it."end" AS "end", it.text AS text, '
                                  "CAST(it.value AS DOUBLE) AS value, it.value::VARCHAR AS value_json, "
                                  "it.kind AS kind, it.unit AS unit, it.mod AS mod"),
    "events": _unnest("events", "it.id AS id, " + _span_columns("it.name", "name") + ", "
                                + _span_columns("it.date", "date") + ", it.date.value AS date_value, "
                                + _span_columns("it.place", "place") + ", it.incident AS incident"),
}

# Each fact with the texts of its number and trigger and of the sentence its number
# stands in (``s``: sentences do not overlap, SPEC, so at most one holds it), all read
# from its own document's row without a join.
_SQL["facts"] = (
    "SELECT * EXCLUDE (doc_text, s), " + _substring("number_start", "number_end") + " AS number_text, "
    + _substring("trigger_start", "trigger_end") + " AS trigger_text, "
    + _substring('s."start"', 's."end"') + " AS sentence FROM ("
    + _unnest("facts", _FACT_ITEM + ', doc_text, list_filter(doc_sentences, lambda x: x."start" <= it.number."start" '
                                    'AND it.number."start" < x."end")[1] AS s') + ")")

REPORT_COLUMNS = {"incident": "VARCHAR", "name": "VARCHAR", "date": "VARCHAR", "place": "VARCHAR",
                  "type": "VARCHAR", "doc_id": "VARCHAR", "event": "VARCHAR", "value": "DOUBLE", "mod": "VARCHAR",
                  "label": "VARCHAR", "number_start": "BIGINT", "number_end": "BIGINT", "part_of": "VARCHAR",
                  "source": "VARCHAR", "cue": "VARCHAR", "doc_date": "VARCHAR", "low": "DOUBLE",
                  "best": "DOUBLE", "high": "DOUBLE", "conservative": "DOUBLE", "sources": "BIGINT",
                  "dscore": "BIGINT", "conflict": "BOOLEAN", "sentence": "VARCHAR"}


class ExportError(RecountError):
    """An export that cannot be written (bad format, unreadable records, output in the way)."""


def _connect(path: str = ":memory:"):
    import duckdb

    return duckdb.connect(path)


_FACT_ROWS = """
    SELECT f.doc_id, f.idx, f.event, f.type, f.value_json, f.mod, f.number_start, f.number_text,
           f.source_text, f.sentence, d.doc_date, d.name, p.value_json AS total_json, p.mod AS total_mod,
           p.number_text AS total_text
    FROM facts f JOIN documents d USING (doc_id)
    LEFT JOIN facts p ON p.doc_id = f.doc_id AND p.idx = f.part_of
    ORDER BY f.doc_id, f.idx"""

_REPORTS = """
    CREATE TABLE reports AS
    SELECT g.incident, g.name, g.date, g.place, g.type, f.doc_id, o.event, f.value, f.mod, o.label,
           f.number_start, f.number_end, o.part_of, f.source_text AS source, f.cue_text AS cue, d.doc_date,
           g.low, g.best, g.high, g.conservative, g.sources, g.dscore, g.conflict, o.sentence
    FROM report_order o
    JOIN facts f ON f.doc_id = o.doc_id AND f.idx = o.idx
    JOIN documents d ON d.doc_id = o.doc_id
    JOIN report_groups g ON g.grp = o.grp
    ORDER BY o.seq"""


def _report_groups(con) -> tuple[dict, dict]:
    """The compare view's grouping: every fact in its incident and type, with the
    incident's summaries, from the tables already built. Events and facts go through
    the same incident grouping and summaries as `recount compare` (pipeline/compare.py,
    :func:`~pipeline.compare.build_incidents`), without parsing the records again.

    Returns two column dicts (name -> list): ``order`` (doc_id, idx, seq, grp, event,
    label, part_of, sentence with its white space folded; one row per fact, ``seq`` its
    row in the compare view) and
    ``groups`` (grp, incident, name, date, place, type, low, best, high, conservative,
    sources, dscore, conflict; one row per incident and type). A figure's value, label
    and vagueness, and a sentence's folded form, are worked out once per distinct text."""
    from .compare import PLACE_LABELS, build_incidents, document_places, is_vague, label, source_key

    places: dict[str, list[dict]] = {}
    for doc_id, text, label_ in con.execute(
            "SELECT e.doc_id, e.text, e.label FROM entities e JOIN (SELECT DISTINCT doc_id FROM events) USING (doc_id) "
            f"WHERE e.label IN {PLACE_LABELS}").fetchall():
        places.setdefault(doc_id, []).append({"text": text, "label": label_})
    events: list[dict] = []
    where: dict[tuple, int] = {}
    for doc_id, event_id, name, date, place in con.execute(
            "SELECT doc_id, id, name_text, date_value, place_text FROM events ORDER BY doc_id, idx").fetchall():
        if not where or events[-1]["doc_id"] != doc_id:  # once per document, not once per event
            doc_places = document_places(places.get(doc_id, []))
        where[(doc_id, event_id)] = len(events)
        events.append({"id": event_id, "doc_id": doc_id, "name": name and {"text": name},
                       "date": date and {"value": date}, "place": place and {"text": place},
                       "doc_places": doc_places})
    figures: dict[tuple, tuple] = {}
    sentences: dict[Optional[str], str] = {}  # the facts of one sentence share its folded form

    def figure(value_json: str, mod: Optional[str], number_text: Optional[str]) -> tuple:
        key = (value_json, mod, number_text)
        if key not in figures:
            value, text = json.loads(value_json), " ".join((number_text or "").split())
            figures[key] = (value, is_vague(text), label(value, mod, text))
        return figures[key]

    reports: list[list[dict]] = [[] for _ in events]
    for (doc_id, idx, event, ftype, value_json, mod, start, number_text, source, sentence, doc_date, publisher,
         total_json, total_mod, total_text) in con.execute(_FACT_ROWS).fetchall():
        key = (doc_id, event)
        if key not in where:  # facts with no (known) event: one unnamed event of their document
            key = (doc_id, None)
            if key not in where:
                where[key] = len(events)
                events.append({"id": None, "doc_id": doc_id, "name": None, "date": None, "place": None})
                reports.append([])
        value, vague, figure_label = figure(value_json, mod, number_text)
        reports[where[key]].append({
            "doc_id": doc_id, "idx": idx, "event": key[1], "type": ftype, "value": value, "mod": mod,
            "vague": vague, "label": figure_label, "number": {"start": start},
            "part_of": None if total_json is None else figure(total_json, total_mod, total_text)[2],
            "source_key": source_key(source, publisher, doc_id),
            "doc_date": doc_date, "sentence": sentence})
    order: dict[str, list] = {k: [] for k in ("doc_id", "idx", "seq", "grp", "event", "label", "part_of",
                                              "sentence")}
    groups: dict[str, list] = {k: [] for k in ("grp", "incident", "name", "date", "place", "type", "low", "best",
                                                "high", "conservative", "sources", "dscore", "conflict")}
    add_doc, add_idx, add_seq, add_grp, add_event, add_label, add_part, add_sentence = (
        order[k].append for k in order)
    seq = 0
    for incident in build_incidents(events, reports):
        for group in incident["types"]:
            grp = len(groups["grp"])
            for k, v in (("grp", grp), ("incident", incident["incident"]), ("name", incident["name"]),
                         ("date", incident["date"]), ("place", incident["place"]), ("type", group["type"]),
                         ("conflict", bool(group["conflicts"]))):
                groups[k].append(v)
            for k in ("low", "best", "high", "conservative", "sources", "dscore"):
                groups[k].append(group[k])
            for r in group["reports"]:
                if r["sentence"] not in sentences:
                    sentences[r["sentence"]] = " ".join((r["sentence"] or "").split())
                add_doc(r["doc_id"]), add_idx(r["idx"]), add_seq(seq), add_grp(grp), add_event(r["event"])
                add_label(r["label"]), add_part(r["part_of"]), add_sentence(sentences[r["sentence"]])
                seq += 1
    return order, groups


def _create_reports(con) -> None:
    """The ``reports`` table: :func:`_report_groups`'s two small tables (handed to DuckDB
    as one NumPy object array per column: DuckDB scans a registered dict of arrays as a
    table), joined in SQL with the facts (value, mod, offsets, source, cue) and
    documents (doc_date), in the compare view's order; each column has its
    REPORT_COLUMNS type."""
    import numpy

    order, groups = _report_groups(con)
    if not order["doc_id"]:
        con.execute("CREATE TABLE reports (" + ", ".join(f'"{k}" {v}' for k, v in REPORT_COLUMNS.items()) + ")")
        return
    types = {"doc_id": "VARCHAR", "idx": "BIGINT", "seq": "BIGINT", "grp": "BIGINT", "event": "VARCHAR",
             "label": "VARCHAR", "part_of": "VARCHAR", "sentence": "VARCHAR", **REPORT_COLUMNS}
    for name, columns in (("report_order", order), ("report_groups", groups)):
        con.register(f"{name}_columns", {k: numpy.array(v, dtype=object) for k, v in columns.items()})
        try:
            select = ", ".join(f'CAST("{k}" AS {types[k]}) AS "{k}"' for k in columns)
            con.execute(f"CREATE TEMP TABLE {name} AS SELECT {select} FROM {name}_columns")
        finally:
            con.unregister(f"{name}_columns")
    con.execute(_REPORTS)


def build(con, record_files: Sequence[Path]) -> dict[str, int]:
    """Create every table of the module docstring in the DuckDB connection ``con`` from
    JSONL record files; returns {table: row count}. Raises ExportError when a file
    cannot be read as records."""
    files = [str(f) for p in map(Path, record_files) for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    missing = [f for f in files if not Path(f).is_file()]
    if missing or not files:
        raise ExportError(f"no such records file: {', '.join(missing or map(str, record_files))}")
    columns = "{" + ", ".join(f"{k}: '{v}'" for k, v in _COLUMNS.items()) + "}"
    try:
        con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM read_json(?, format='newline_delimited', "
                    f"columns={columns}, maximum_object_size=1073741824)", [files])
    except Exception as exc:  # duckdb raises its own exception classes
        raise ExportError(f"{', '.join(files)}: cannot read records: {exc}") from None
    for table in ("documents", "sentences", "entities", "dates", "numbers", "events"):
        con.execute(f"CREATE TABLE {table} AS {_SQL[table]} ORDER BY doc_id" + (", idx" if table != "documents" else ""))
    con.execute(f"CREATE TABLE facts AS {_SQL['facts']} ORDER BY doc_id, idx")
    _create_reports(con)
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _replace(out: Path, write) -> None:
    """Write to a sibling temporary path, then rename over ``out`` (atomic on one file system)."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")
    if tmp.exists():
        _remove(tmp)
    write(tmp)
    if out.exists():
        _remove(out)
    os.replace(tmp, out)


def _remove(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()
    else:
        path.unlink()


def export(record_files: Sequence[Path], fmt: str, out: Path, excel: bool = False) -> dict[str, int]:
    """Export records to ``out``: a DuckDB or SQLite database file, or a folder of
    Parquet or CSV files (one per table). ``excel`` starts each CSV with a UTF-8 BOM.
    Returns {table: rows}. Raises ExportError for an unknown format or a missing
    output folder; the output appears whole or not at all."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.exists():
        raise ExportError(f"{out.parent}: no such directory for the export")
    counts: dict[str, int] = {}

    def write(tmp: Path) -> None:
        con = _connect(str(tmp) if fmt == "duckdb" else ":memory:")
        try:
            counts.update(build(con, record_files))
            if fmt in ("parquet", "csv"):
                tmp.mkdir()
                for table in TABLES:
                    target = tmp / f"{table}.{fmt}"
                    options = "FORMAT parquet" if fmt == "parquet" else "HEADER, DELIMITER ','"
                    con.execute(f"COPY {table} TO '{target}' ({options})")
                    if excel and fmt == "csv":
                        target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
            elif fmt == "sqlite":
                _to_sqlite(con, tmp)
        finally:
            con.close()

    _replace(out, write)
    return counts


def _to_sqlite(con, path: Path) -> None:
    """Copy every table into a new SQLite file (JSON and list columns as JSON text,
    made by DuckDB's ``to_json``). The file is new and renamed into place only when
    complete (:func:`_replace`), so it is written without a rollback journal."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        for table in TABLES:
            described = con.execute(f"DESCRIBE {table}").fetchall()
            names = [row[0] for row in described]
            types = [row[1] for row in described]
            decl = ", ".join(f'"{n}" {_sqlite_type(t)}' for n, t in zip(names, types))
            db.execute(f'CREATE TABLE "{table}" ({decl})')
            select = ", ".join(f'to_json("{n}")::VARCHAR' if t.endswith("[]") else f'"{n}"'
                               for n, t in zip(names, types))
            cursor = con.execute(f"SELECT {select} FROM {table}")
            insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(names))})'
            while rows := cursor.fetchmany(10000):
                db.executemany(insert, rows)
        db.commit()
    finally:
        db.close()


def _sqlite_type(duck_type: str) -> str:
    if duck_type in ("BIGINT", "INTEGER", "BOOLEAN"):
        return "INTEGER"
    if duck_type == "DOUBLE":
        return "REAL"
    return "TEXT"


# --- the way back: records from a DuckDB export ------------------------------------

def _span(start, end, text) -> dict | None:
    return None if start is None else {"start": start, "end": end, "text": text}


def records_from_duckdb(path: Path) -> Iterator[dict]:
    """The records an export to DuckDB holds, in doc_id order, rebuilt from the
    normalised tables alone (the round trip test: JSONL -> DuckDB -> JSONL)."""
    con = _connect(str(path))
    try:
        def rows(table: str) -> dict[str, list[dict]]:
            cursor = con.execute(f"SELECT * FROM {table} ORDER BY doc_id, idx")
            names = [d[0] for d in cursor.description]
            out: dict[str, list[dict]] = {}
            for row in cursor.fetchall():
                item = dict(zip(names, row))
                out.setdefault(item["doc_id"], []).append(item)
            return out

        layers = {t: rows(t) for t in LIST_LAYERS}
        cursor = con.execute("SELECT * FROM documents ORDER BY doc_id")
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            doc = dict(zip(names, row))
            d = doc["doc_id"]
            record = {"schema_version": doc["schema_version"], "doc_id": d, "text": doc["text"],
                      "source": {"path": doc["path"], "sha256": doc["sha256"], "line": doc["line"],
                                 "name": doc["name"], "url": doc["url"], "title": doc["title"],
                                 "extra": json.loads(doc["extra"]) if doc["extra"] else {}},
                      "doc_date": None if doc["doc_date"] is None else {
                          "value": doc["doc_date"], "start": doc["doc_date_start"], "end": doc["doc_date_end"],
                          "from": doc["doc_date_from"] or "text"}}
            for layer in LIST_LAYERS:
                record[layer] = ([_item(layer, it) for it in layers[layer].get(d, [])]
                                 if layer in doc["layers"] else None)
            record["errors"] = list(doc["errors"] or [])
            record["meta"] = json.loads(doc["meta"]) if doc["meta"] else {}
            yield record
    finally:
        con.close()


def _item(layer: str, it: dict) -> dict:
    if layer == "sentences":
        return {"start": it["start"], "end": it["end"]}
    if layer == "entities":
        return {"start": it["start"], "end": it["end"], "text": it["text"], "label": it["label"]}
    if layer == "dates":
        return {"start": it["start"], "end": it["end"], "text": it["text"], "value": it["value"], "mod": it["mod"]}
    if layer == "numbers":
        return {"start": it["start"], "end": it["end"], "text": it["text"], "value": json.loads(it["value_json"]),
                "kind": it["kind"], "unit": it["unit"], "mod": it["mod"]}
    if layer == "events":
        date = _span(it["date_start"], it["date_end"], it["date_text"])
        return {"id": it["id"], "name": _span(it["name_start"], it["name_end"], it["name_text"]),
                "date": None if date is None else {**date, "value": it["date_value"]},
                "place": _span(it["place_start"], it["place_end"], it["place_text"]), "incident": it["incident"]}
    attribution = None
    if it["attributed"]:
        attribution = {"source": _span(it["source_start"], it["source_end"], it["source_text"]),
                       "cue": _span(it["cue_start"], it["cue_end"], it["cue_text"])}
    return {"type": it["type"], "value": json.loads(it["value_json"]), "mod": it["mod"],
            "number": {"start": it["number_start"], "end": it["number_end"]},
            "trigger": None if it["trigger_start"] is None else {"start": it["trigger_start"], "end": it["trigger_end"]},
            "event": it["event"], "part_of": it["part_of"], "attribution": attribution}


def canonical_lines(records: Iterable[dict]) -> Iterator[str]:
    """Records as the JSON lines `recount run` writes (validated, SPEC key order)."""
    from .records import Record

    for record in records:
        yield json.dumps(Record(**record).model_dump(mode="json", by_alias=True), ensure_ascii=False) + "\n"
