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
  event, part_of, the text of the sentence the number is in, and the ``incident``,
  figure ``label`` and ``vague`` (a magnitude without digits: "hundreds") that
  `recount compare` gives it.
* ``incidents``: one row per incident `recount compare` forms (idx: its place in
  compare's list, incident, name, date, place).
* ``summaries``: one row per incident and fact type (idx in compare's order, low /
  best / high / conservative / sources / dscore / conflict).
* ``conflicts``: one row per pair of figures of one incident and type that cannot
  both hold (a, b: their labels; a_docs, b_docs; the rule and reason that decided).
* ``reports``: the `recount compare` view, one row per reported figure with its
  incident and its incident and type's summaries, in compare's order. A SQL view in
  DuckDB (computed when queried); Parquet, CSV and SQLite hold it as a table.

The grouping and the summaries are compare's own functions (pipeline/compare.py:
incident_heads, label, summarise_figures), run once per event, per distinct figure
and per incident and type; the per-fact work is SQL. Numbers keep their JSON form
(``value_json``) beside the DOUBLE ``value`` so that :func:`records_from_duckdb`
rebuilds exactly the records that were exported.
"""

from __future__ import annotations

import json
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from .errors import RecountError

# An in-memory database attached for the export's intermediate tables (the parsed
# records, per-fact keys): unlike TEMP tables, every cursor of the connection sees it.
WORK = "recount_work"

FORMATS = ("duckdb", "parquet", "sqlite", "csv")
TABLES = ("documents", "sentences", "entities", "dates", "numbers", "events", "facts", "incidents", "summaries",
          "conflicts", "reports")
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
            f"generate_subscripts({layer}, 1) - 1 AS idx, unnest({layer}) AS it FROM {WORK}.raw)")


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
                              for layer in LIST_LAYERS) + f""" AS layers
        FROM {WORK}.raw""",
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

SUMMARY_COLUMNS = {"idx": "BIGINT", "incident": "VARCHAR", "type": "VARCHAR", "low": "DOUBLE", "best": "DOUBLE",
                   "high": "DOUBLE", "conservative": "DOUBLE", "sources": "BIGINT", "dscore": "BIGINT",
                   "conflict": "BOOLEAN"}
CONFLICT_COLUMNS = {"incident": "VARCHAR", "type": "VARCHAR", "a": "VARCHAR", "b": "VARCHAR", "a_docs": "VARCHAR[]",
                    "b_docs": "VARCHAR[]", "rule": "VARCHAR", "reason": "VARCHAR"}


class ExportError(RecountError):
    """An export that cannot be written (bad format, unreadable records, output in the way)."""


def _connect(path: str = ":memory:"):
    import duckdb

    return duckdb.connect(path)


# Python's str.split() white space (str.isspace), as one RE2 class: a report's sentence,
# source and cue are on one line, as `recount compare` gives them (compare.one_line).
_WHITE_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace()) + "]+"


def _one_line(column: str) -> str:
    """SQL for compare.one_line of ``column`` (NULL stays NULL)."""
    return f"trim(regexp_replace({column}, '{_WHITE_SPACE}', ' ', 'g'), ' ')"


# Each fact with the incident `recount compare` puts it in and the label compare gives
# its figure. A fact whose event its document does not define belongs to the
# document's unnamed event (event NULL in report_events), as in compare.document_events.
_FACTS = f"""
    CREATE TABLE facts AS
    SELECT b.*, i.incident, fg.label, fg.vague
    FROM {WORK}.fact_rows b
    LEFT JOIN (SELECT DISTINCT doc_id, id FROM events) e ON e.doc_id = b.doc_id AND e.id = b.event
    JOIN {WORK}.report_events m ON m.doc_id = b.doc_id AND m.event IS NOT DISTINCT FROM e.id
    JOIN incidents i ON i.idx = m.inc
    JOIN {WORK}.report_figures fg ON fg.value_json = b.value_json AND fg.mod IS NOT DISTINCT FROM b.mod
                           AND fg.number_text IS NOT DISTINCT FROM b.number_text
    ORDER BY b.doc_id, b.idx"""

# What compare.summarise reads of each fact: a total (not a part of a breakdown whose
# total is a fact of the document), its figure (value, mod, vague), its source key
# (compare.source_key: the named source, else the document) and its place in its
# incident and type's list (compare.report_order, then the fact's index).
_REPORT_ROWS = f"""
    CREATE TABLE {WORK}.report_rows AS
    SELECT f.incident, f.type, f.value, f.mod, f.vague, f.label, f.doc_id, coalesce(d.doc_date, '') AS doc_date,
           coalesce(s.named, 'doc:' || f.doc_id) AS source_key, p.idx IS NULL AS total,
           (coalesce(d.doc_date, ''), f.doc_id, f.number_start, f.idx) AS ord
    FROM facts f
    JOIN (SELECT doc_id, doc_date.value AS doc_date, source.name AS name FROM {WORK}.raw) d USING (doc_id)
    JOIN {WORK}.report_sources s ON s.source IS NOT DISTINCT FROM f.source_text
                                AND s.publisher IS NOT DISTINCT FROM d.name
    LEFT JOIN facts p ON p.doc_id = f.doc_id AND p.idx = f.part_of"""

# compare.distinct_figures as SQL: per incident and type, each distinct (value, mod,
# vague) among the totals with its last report's label, its sorted documents and the
# latest document date, in the order of its first report.
_REPORT_FIGURES = f"""
    SELECT incident, type, value, mod, vague, arg_max(label, ord), list_sort(list(DISTINCT doc_id)), max(doc_date)
    FROM {WORK}.report_rows WHERE total GROUP BY incident, type, value, mod, vague ORDER BY incident, type, min(ord)"""

# The compare view: one row per fact, in compare's order (incidents, then types, then
# compare.report_order), with its incident and its incident and type's summaries; the
# event is the one compare files the fact under (none for an id its document lacks).
_REPORTS_VIEW = f"""
    CREATE VIEW reports AS
    SELECT f.incident, i.name, i.date, i.place, f.type, f.doc_id, e.id AS event, f.value, f.mod, f.label, f.vague,
           f.number_start, f.number_end, p.label AS part_of, {_one_line("f.source_text")} AS source,
           {_one_line("f.cue_text")} AS cue, d.doc_date, s.low, s.best, s.high, s.conservative, s.sources, s.dscore,
           s.conflict, {_one_line("coalesce(f.sentence, '')")} AS sentence
    FROM facts f
    JOIN documents d USING (doc_id)
    JOIN incidents i USING (incident)
    JOIN summaries s USING (incident, type)
    LEFT JOIN facts p ON p.doc_id = f.doc_id AND p.idx = f.part_of
    LEFT JOIN (SELECT DISTINCT doc_id, id FROM events) e ON e.doc_id = f.doc_id AND e.id = f.event
    ORDER BY s.idx, coalesce(d.doc_date, ''), f.doc_id, f.number_start, f.idx"""


def _register(con, name: str, columns: dict[str, list], types: dict[str, str], work: bool = True) -> None:
    """A table ``name`` (in the WORK database unless ``work`` is false) from Python
    columns (name -> list of values, all of one length), each column of its DuckDB type
    in ``types``: each list is one LIST parameter, unnested side by side."""
    select = ", ".join(f'unnest(?::{types[k]}[]) AS "{k}"' for k in columns)
    con.execute(f"CREATE TABLE {WORK + '.' if work else ''}{name} AS SELECT {select}", list(columns.values()))


def _create_incidents(con) -> None:
    """Group the batch's events into incidents as `recount compare` does
    (:func:`pipeline.compare.incident_heads`: per document in doc_id order its events,
    then one unnamed event when some of its facts have no event it defines), from the
    events, place entities and ``raw`` facts. Creates the table ``incidents`` (idx: its
    place in compare's list, incident, name, date, place) and, in WORK,
    ``report_events`` (doc_id, event, inc: the incident's idx of the event a fact of
    that document and event belongs to)."""
    from .compare import PLACE_LABELS, incident_heads, place_names

    places = dict(con.execute(
        "SELECT doc_id, list(DISTINCT text) FROM entities WHERE doc_id IN (SELECT doc_id FROM events) "
        f"AND label IN {PLACE_LABELS} GROUP BY doc_id").fetchall())
    events: list[dict] = []
    doc_places = frozenset()
    for doc_id, event_id, name, date, place in con.execute(
            "SELECT doc_id, id, name_text, date_value, place_text FROM ("
            "SELECT doc_id, idx, id, name_text, date_value, place_text FROM events UNION ALL "
            "SELECT DISTINCT f.doc_id, NULL, NULL, NULL, NULL, NULL "
            f"FROM (SELECT doc_id, unnest(facts).event AS event FROM {WORK}.raw) f "
            "ANTI JOIN events e ON e.doc_id = f.doc_id AND e.id = f.event) "
            "ORDER BY doc_id, idx NULLS LAST").fetchall():
        if not events or events[-1]["doc_id"] != doc_id:  # once per document, not once per event
            doc_places = place_names(places.get(doc_id, ()))
        events.append({"id": event_id, "doc_id": doc_id, "name": name and {"text": name},
                       "date": date and {"value": date}, "place": place and {"text": place},
                       "doc_places": doc_places})
    heads = incident_heads(events)
    inc = [0] * len(events)
    for k, head in enumerate(heads):
        for i in head["members"]:
            inc[i] = k
    _register(con, "incidents", {"idx": list(range(len(heads))), **{
        k: [h[k] for h in heads] for k in ("incident", "name", "date", "place")}},
              {"idx": "BIGINT", "incident": "VARCHAR", "name": "VARCHAR", "date": "VARCHAR", "place": "VARCHAR"},
              work=False)
    # a fact goes to the last event of its document with its id, as compare.document_events
    # does; one row per (doc_id, event), so joining facts never repeats one
    owner = {(e["doc_id"], e["id"]): i for i, e in enumerate(events)}
    _register(con, "report_events", {"doc_id": [d for d, _ in owner], "event": [e for _, e in owner],
                                      "inc": [inc[i] for i in owner.values()]},
              {"doc_id": "VARCHAR", "event": "VARCHAR", "inc": "BIGINT"})


def _report_keys(con) -> None:
    """What compare works out per figure and source, once per distinct one, from the
    ``fact_rows``: ``report_figures`` (value_json, mod, number_text -> label,
    vague; the number's text with its white space folded, as compare reads it) and
    ``report_sources`` (attribution source, publisher -> compare.named_source)."""
    from .compare import is_vague, label, named_source, one_line

    figures: dict[str, list] = {k: [] for k in ("value_json", "mod", "number_text", "label", "vague")}
    for value_json, mod, number_text in con.execute(
            f"SELECT DISTINCT value_json, mod, number_text FROM {WORK}.fact_rows").fetchall():
        text = one_line(number_text or "")
        for k, v in zip(figures, (value_json, mod, number_text, label(json.loads(value_json), mod, text),
                                  is_vague(text))):
            figures[k].append(v)
    _register(con, "report_figures", figures, {"value_json": "VARCHAR", "mod": "VARCHAR", "number_text": "VARCHAR",
                                               "label": "VARCHAR", "vague": "BOOLEAN"})
    pairs = con.execute(
        f"SELECT DISTINCT f.source_text, r.source.name FROM {WORK}.fact_rows f JOIN {WORK}.raw r USING (doc_id)"
    ).fetchall()
    _register(con, "report_sources", {"source": [s for s, _ in pairs], "publisher": [p for _, p in pairs],
                                      "named": [named_source(s, p) for s, p in pairs]},
              {"source": "VARCHAR", "publisher": "VARCHAR", "named": "VARCHAR"})


def _create_summaries(con) -> None:
    """The tables ``summaries`` (one row per incident and fact type, in compare's order
    (idx), with :func:`pipeline.compare.summarise_figures` of the type's distinct
    figures, which SQL gathers, and distinct sources: low, best, high, conservative,
    sources, dscore, and conflict: whether any two figures conflict) and ``conflicts``
    (those pairs, as compare lists them)."""
    from .compare import summarise_figures, type_order

    con.execute(_REPORT_ROWS)
    figures: dict[tuple, list[dict]] = {}
    for incident, ftype, value, mod, vague, label_, docs, latest in con.execute(_REPORT_FIGURES).fetchall():
        figures.setdefault((incident, ftype), []).append(
            {"value": value, "mod": mod, "vague": vague, "label": label_, "docs": docs, "latest": latest})
    rank = dict(con.execute("SELECT incident, idx FROM incidents").fetchall())
    groups = sorted(con.execute(
        f"SELECT incident, type, count(DISTINCT source_key) FROM {WORK}.report_rows GROUP BY incident, type"
    ).fetchall(),
        key=lambda g: (rank[g[0]], type_order(g[1])))
    columns: dict[str, list] = {k: [] for k in SUMMARY_COLUMNS}
    conflicts: dict[str, list] = {k: [] for k in CONFLICT_COLUMNS}
    for idx, (incident, ftype, sources) in enumerate(groups):
        summary = summarise_figures(figures.get((incident, ftype), []), sources)
        summary.update(idx=idx, incident=incident, type=ftype, conflict=bool(summary["conflicts"]))
        for k, values in columns.items():
            values.append(summary[k])
        for pair in summary["conflicts"]:
            pair = {**pair, "incident": incident, "type": ftype}
            for k, values in conflicts.items():
                values.append(pair[k])
    _register(con, "summaries", columns, SUMMARY_COLUMNS, work=False)
    _register(con, "conflicts", conflicts, CONFLICT_COLUMNS, work=False)


def build(con, record_files: Sequence[Path]) -> dict[str, int]:
    """Create every table of the module docstring in the DuckDB connection ``con`` from
    JSONL record files; returns {table: row count}. Raises ExportError when a file
    cannot be read as records."""
    files = [str(f) for p in map(Path, record_files) for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    missing = [f for f in files if not Path(f).is_file()]
    if missing or not files:
        raise ExportError(f"no such records file: {', '.join(missing or map(str, record_files))}")
    con.execute(f"ATTACH ':memory:' AS {WORK}")
    try:
        _read_records(con, files)
        # Three cursors (one DuckDB connection each, sharing the database) build the
        # tables side by side: DuckDB alone keeps about one core busy here. Each builds
        # its tables in one fixed order, so what they hold never depends on timing.
        with ThreadPoolExecutor(max_workers=3) as pool:
            incidents = pool.submit(_on_cursor, con, _build_incidents)
            jobs = [incidents, pool.submit(_on_cursor, con, partial(_build_facts, after=incidents)),
                    pool.submit(_on_cursor, con, partial(_build_layers, after=incidents))]
            for job in jobs:
                job.result()
        con.execute(_REPORTS_VIEW)
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.execute(f"DETACH {WORK}")


def _read_records(con, files: list[str]) -> None:
    """Parse the JSONL files once into WORK ``raw`` (one row per record, the _COLUMNS
    types). DuckDB's default ``maximum_object_size`` (16 MB) lets it read one file on
    several threads; a record too large for it (over about 32 MB) is read again with
    a 1 GB limit, on one thread. Raises ExportError naming the files otherwise."""
    columns = "{" + ", ".join(f"{k}: '{v}'" for k, v in _COLUMNS.items()) + "}"
    for size in ("", ", maximum_object_size=1073741824"):
        try:
            con.execute(f"CREATE OR REPLACE TABLE {WORK}.raw AS SELECT * FROM read_json(?, "
                        f"format='newline_delimited', columns={columns}{size})", [files])
            break
        except Exception as exc:  # duckdb raises its own exception classes
            if not size and "maximum_object_size" in str(exc):
                continue
            raise ExportError(_bad_line(files) or f"{', '.join(files)}: cannot read records: "
                              f"{str(exc).splitlines()[0]}") from None
    if con.execute(f"SELECT count(*) FROM {WORK}.raw WHERE schema_version IS NULL OR doc_id IS NULL "
                   "OR text IS NULL").fetchone()[0]:
        raise ExportError(_bad_line(files) or f"{', '.join(files)}: a line without schema_version, doc_id or text")


def _bad_line(files: list[str]) -> Optional[str]:
    """The first line of ``files`` that is not a record, as ``FILE:LINE: message`` (not
    JSON, not an object, or not a valid record: records.Record), or None. Only read
    when DuckDB refused the files, to say where and why."""
    from pydantic import ValidationError

    from .io import iter_jsonl
    from .records import Record

    for name in files:
        for line_no, obj, error in iter_jsonl(Path(name)):
            if error is None:
                try:
                    Record(**obj)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    error = f"not a record: {'.'.join(map(str, first['loc'])) or 'record'}: {first['msg']}"
            if error:
                return f"{name}:{line_no}: {error}"
    return None


def _on_cursor(con, build_part) -> None:
    """Run ``build_part(cursor)`` on a new cursor of ``con`` (its own DuckDB connection
    to the same database), closing the cursor after."""
    cursor = con.cursor()
    try:
        build_part(cursor)
    finally:
        cursor.close()


def _build_incidents(con) -> None:
    """The events and entities tables, then the incidents (:func:`_create_incidents`)."""
    for table in ("events", "entities"):
        con.execute(f"CREATE TABLE {table} AS {_SQL[table]} ORDER BY doc_id, idx")
    _create_incidents(con)


def _build_facts(con, after) -> None:
    """The facts with their texts (WORK ``fact_rows``) and what compare works out per
    distinct figure and source (:func:`_report_keys`); once the incidents are there
    (the future ``after``), the facts table and the summaries."""
    con.execute(f"CREATE TABLE {WORK}.fact_rows AS {_SQL['facts']}")
    _report_keys(con)
    after.result()
    con.execute(_FACTS)
    _create_summaries(con)


def _build_layers(con, after) -> None:
    """Documents, sentences, dates and numbers, once the incidents (the future
    ``after``, on the longest path) are built."""
    after.result()
    for table in ("documents", "sentences", "dates", "numbers"):
        order = "doc_id" if table == "documents" else "doc_id, idx"
        con.execute(f"CREATE TABLE {table} AS {_SQL[table]} ORDER BY {order}")


def _replace(out: Path, write) -> None:
    """Write to a sibling temporary path (removed again if writing fails), then rename it
    over ``out``: atomic for a file; a folder is first moved aside and removed after,
    so a crash between the two renames leaves the old one as ``.OUT.old``."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")
    old = out.with_name(f".{out.name}.old")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal"), old):
        if stale.exists():
            _remove(stale)
    try:
        write(tmp)
    except BaseException:
        for partial in (tmp, tmp.with_name(tmp.name + ".wal")):
            if partial.exists():
                _remove(partial)
        raise
    if out.is_dir():
        os.replace(out, old)
        os.replace(tmp, out)
        _remove(old)
    else:
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
    Returns {table: rows}. Raises ExportError for an unknown format, a missing output
    folder, or an output that is one of the inputs or is something other than an
    earlier export to the same format (:func:`_check_output`); the output appears
    whole or not at all."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.exists():
        raise ExportError(f"{out.parent}: no such directory for the export")
    _check_output(record_files, fmt, out)
    counts: dict[str, int] = {}

    def write(tmp: Path) -> None:
        con = _connect(str(tmp) if fmt == "duckdb" else ":memory:")
        try:
            counts.update(build(con, record_files))
            if fmt in ("parquet", "csv"):
                tmp.mkdir()
                _copy_tables(con, tmp, fmt, excel)
            elif fmt == "sqlite":
                _to_sqlite(con, tmp)
        finally:
            con.close()

    _replace(out, write)
    return counts


_MAGIC = {"duckdb": (8, b"DUCK"), "sqlite": (0, b"SQLite format 3\x00")}


def _check_output(record_files: Sequence[Path], fmt: str, out: Path) -> None:
    """Refuse an output that an export must not replace: one of the record files or
    folders given, or an existing path that is not an earlier export to ``fmt`` (a
    DuckDB or SQLite file by its header, an empty file, or a folder holding nothing but
    TABLE.parquet / TABLE.csv files). ExportError names the path."""
    target = out.resolve()
    if any(Path(p).resolve() == target for p in record_files):
        raise ExportError(f"{out}: is one of the records given to export; choose another output")
    if not out.exists():
        return
    if fmt in _MAGIC:
        offset, magic = _MAGIC[fmt]
        if out.is_file():
            with out.open("rb") as handle:
                head = handle.read(offset + len(magic))
            if not head or head[offset:] == magic:
                return
        raise ExportError(f"{out}: exists and is not a {fmt} export; remove it or choose another output")
    allowed = {f"{table}.{fmt}" for table in TABLES}
    strangers = sorted(p.name for p in out.iterdir() if p.name not in allowed or not p.is_file()) \
        if out.is_dir() else [out.name]
    if strangers:
        raise ExportError(f"{out}: exists and holds what an export to {fmt} did not write "
                          f"({', '.join(strangers[:3])}); remove it or choose another output")


def _json_lists(con, table: str) -> str:
    """The SELECT list of ``table`` with its LIST columns as JSON text (``to_json``),
    for the formats without lists (CSV, SQLite)."""
    described = con.execute(f"DESCRIBE {table}").fetchall()
    return ", ".join(f'to_json("{name}")::VARCHAR AS "{name}"' if kind.endswith("[]") else f'"{name}"'
                     for name, kind, *_ in described)


def _copy_tables(con, folder: Path, fmt: str, excel: bool) -> None:
    """One Parquet or CSV file per table in ``folder`` (DuckDB's ``COPY``; in CSV, list
    columns as JSON text, and ``excel`` starts each file with a UTF-8 BOM). The reports
    view, which costs about as much as the other tables together, is written on a
    second cursor beside them."""
    options = "FORMAT parquet" if fmt == "parquet" else "HEADER, DELIMITER ','"

    def copy(cursor, tables: Sequence[str]) -> None:
        for table in tables:
            target = folder / f"{table}.{fmt}"
            select = "" if fmt == "parquet" else _json_lists(cursor, table)
            source = f"(SELECT {select} FROM {table})" if "to_json(" in select else table
            cursor.execute(f"COPY {source} TO '{target}' ({options})")
            if excel and fmt == "csv":
                target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(_on_cursor, con, lambda cursor, part=part: copy(cursor, part))
                for part in (("reports",), [t for t in TABLES if t != "reports"])]
        for job in jobs:
            job.result()


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
            cursor = con.execute(f"SELECT {_json_lists(con, table)} FROM {table}")
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
