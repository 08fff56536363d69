"""The score table prints the counts of the report, and so the counts the error rows add up to."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console

from pipeline.report_table import print_report
from pipeline.scoring import align, errors_of, report_of
from test_report_html import GOLD, PRED


def _table_rows(report: dict) -> dict[tuple[str, str], list[str]]:
    out = io.StringIO()
    print_report(report, Console(file=out, width=200, color_system=None))
    rows = {}
    for line in out.getvalue().splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 10 and cells[0]:
            rows[(cells[0], cells[1])] = cells[2:]
    return rows


def test_table_counts_equal_the_error_rows_of_the_same_alignment():
    alignment = align(GOLD, PRED)
    report = report_of(alignment)
    errors = errors_of(alignment)
    by = Counter((e["layer"], e["error"]) for e in errors)
    span = Counter(e["layer"] for e in errors if "span" in e["fields"])
    table = _table_rows(report)
    # columns after layer, match: P R F1 tp fp fn value-acc mod-acc
    assert table["sentences", "exact"][4:6] == [str(by["sentences", "spurious"]), str(by["sentences", "missed"])]
    for layer in ("entities", "dates"):
        assert table[layer, "relaxed"][4:6] == [str(by[layer, "spurious"]), str(by[layer, "missed"])]
        assert table[layer, "strict"][4:6] == [str(by[layer, "spurious"] + span[layer]),
                                               str(by[layer, "missed"] + span[layer])]
    assert table["facts", "type+value+mod"][4:6] == [str(by["facts", "spurious"]), str(by["facts", "missed"])]
    assert sum(by.values()) > 0
    assert table["doc_date", "value"][6] == f"{report['doc_date']['accuracy']:.3f}"
