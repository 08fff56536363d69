"""The readable score table of `recount evaluate` (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _f(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def print_report(report: dict, console: Console | None = None) -> None:
    """Print an evaluation report (pipeline.scoring.report_of) as two rich tables: one row
    per layer and match mode (P/R/F1, tp/fp/fn, value and mod accuracy; the events,
    attribution, part_of and incidents rows only when some scored document is a v2
    record with facts), then entities per label (strict). Scores as 3-decimal fractions,
    "-" when undefined. ``console``: default stdout, 130 columns when not a terminal.
    KeyError when ``report`` lacks a layer's block."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # pipes and CI logs: do not squeeze the table
            console = Console(width=130)
    table = Table(title=f"Recount evaluation ({report['n_paired_docs']} documents)")
    for column in ("layer", "match", "P", "R", "F1", "tp", "fp", "fn", "value acc", "mod acc"):
        table.add_column(column, justify="right" if column not in ("layer", "match") else "left", no_wrap=True)
    s = report["sentences"]
    table.add_row("sentences", "exact", _f(s["precision"]), _f(s["recall"]), _f(s["f1"]),
                  str(s["tp"]), str(s["fp"]), str(s["fn"]), "", "")
    for layer in ("entities", "dates", "numbers"):
        block = report[layer]
        for match in ("strict", "relaxed"):
            m = block[match]["micro"]
            value = block.get("value_accuracy", {}) if match == "relaxed" else {}
            mod = block.get("mod_accuracy", {}) if match == "relaxed" else {}
            table.add_row(layer, match, _f(m["precision"]), _f(m["recall"]), _f(m["f1"]),
                          str(m["tp"]), str(m["fp"]), str(m["fn"]),
                          _f(value.get("accuracy")) if value else "", _f(mod.get("accuracy")) if mod else "")
    f = report["facts"]["micro"]
    table.add_row("facts", "type+value+mod", _f(f["precision"]), _f(f["recall"]), _f(f["f1"]),
                  str(f["tp"]), str(f["fp"]), str(f["fn"]), "", "")
    if report.get("events", {}).get("docs"):
        e = report["events"]["pairs"]
        table.add_row("events", "same-event pairs", _f(e["precision"]), _f(e["recall"]), _f(e["f1"]),
                      str(e["tp"]), str(e["fp"]), str(e["fn"]), "", "")
        for role in ("source", "cue"):
            for mode in ("strict", "relaxed"):
                a = report["attribution"][role][mode]
                table.add_row(f"attribution {role}", mode, _f(a["precision"]), _f(a["recall"]), _f(a["f1"]),
                              str(a["tp"]), str(a["fp"]), str(a["fn"]), "", "")
        table.add_row("part_of", "accuracy", "", "", "", "", "", "", _f(report["part_of"].get("accuracy")), "")
        b = report.get("incidents") or {}
        if b.get("items"):
            table.add_row("incidents", "B-cubed (facts)", _f(b["precision"]), _f(b["recall"]), _f(b["f1"]),
                          str(b["items"]), "", "", "", "")
    d = report["doc_date"]
    table.add_row("doc_date", "value", "", "", "", "", "", "", _f(d.get("accuracy")), "")
    console.print(table)
    per_label = Table(title="entities per label (strict)")
    for column in ("label", "P", "R", "F1", "tp", "fp", "fn"):
        per_label.add_column(column)
    for label, m in sorted(report["entities"]["strict"]["per_label"].items()):
        per_label.add_row(str(label), _f(m["precision"]), _f(m["recall"]), _f(m["f1"]),
                          str(m["tp"]), str(m["fp"]), str(m["fn"]))
    console.print(per_label)


SHORT = {"sentences_f1": "sent F1", "entities_strict_f1": "ent F1", "dates_relaxed_f1": "date F1",
         "dates_value_accuracy": "date val", "numbers_strict_f1": "num F1", "numbers_value_accuracy": "num val",
         "facts_f1": "facts F1", "doc_date_accuracy": "doc_date", "event_pairs_f1": "event F1",
         "part_of_accuracy": "part_of", "attribution_source_f1": "src F1", "attribution_cue_f1": "cue F1",
         "incidents_bcubed_f1": "B3 F1"}


def print_genres(scores: dict[str, dict], counts: dict[str, int], console: Console | None = None) -> None:
    """One row per genre (and "all") with the headline scores of pipeline.scoring.headline."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)
    table = Table(title="Scores per genre")
    table.add_column("genre")
    table.add_column("docs", justify="right")
    for key in SHORT.values():
        table.add_column(key, justify="right")
    for genre, row in scores.items():
        table.add_row(genre, str(counts.get(genre, "")), *(_f(row[k]) for k in SHORT))
    console.print(table)
