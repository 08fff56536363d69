"""Reports of `recount compare`: rich tables, CSV, JSON lines and a plot.

The analysis is pipeline/compare.py; this module only turns its result into
something to read, and loads records and configuration for it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Iterable, Optional

from .compare import compare

JSONL_FIELDS = ("incident", "name", "date", "place", "type", "reports", "low", "best", "high",
                "conservative", "sources", "dscore", "conflicts")
CSV_FIELDS = ["incident", "name", "date", "place", "type", "doc_id", "event", "value", "mod", "label",
              "number_text", "part_of", "source", "cue", "doc_date", "low", "best", "high",
              "conservative", "sources", "dscore", "conflict", "sentence"]
REPORT_KEYS = ("doc_id", "event", "value", "mod", "label", "text", "vague", "part_of", "source", "cue",
               "doc_date", "sentence", "number")


def breakdown_words(triggers: Path) -> dict[str, list[str]]:
    """{"partial": [...], "complete": [...]} from the [breakdowns] table of the facts
    trigger lexicon (configs/lexicons/fact_triggers.toml)."""
    from .lexicon import read_toml

    table = read_toml(triggers).get("breakdowns", {})
    return {"partial": [w.lower() for w in table.get("partial", [])],
            "complete": [w.lower() for w in table.get("complete", [])]}


def compare_files(paths: list[Path], config_path: Optional[Path] = None) -> dict:
    """Load records from JSONL files (or folders of them) and compare them, with the
    breakdown words of the configuration at ``config_path`` (default configuration)."""
    from .io import load_records
    from .config import load_config

    records: dict[str, dict] = {}
    for path in paths:
        records.update(load_records(Path(path)))
    words = breakdown_words(load_config(config_path).facts.triggers)
    return compare(list(records.values()), words)


def incident_lines(result: dict) -> Iterable[dict]:
    """One dict per (incident, type), the fields of `recount compare --jsonl`."""
    for incident in result["incidents"]:
        for group in incident["types"]:
            line = {"incident": incident["incident"], "name": incident["name"], "date": incident["date"],
                    "place": incident["place"], **group}
            line["reports"] = [{k: r[k] for k in REPORT_KEYS} for r in group["reports"]]
            yield {k: line[k] for k in JSONL_FIELDS}


def to_jsonl(result: dict) -> str:
    """``compare``'s result as JSON Lines text: one object per (incident, type) with the
    keys of JSONL_FIELDS (see :func:`incident_lines`), each line ending in "\\n"; "" when
    there is no incident."""
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in incident_lines(result))


def csv_rows(result: dict) -> Iterable[dict]:
    """One row per report, with its incident's summary beside it."""
    for line in incident_lines(result):
        for r in line["reports"]:
            yield {"incident": line["incident"], "name": line["name"] or "", "date": line["date"] or "",
                   "place": line["place"] or "", "type": line["type"], "doc_id": r["doc_id"],
                   "event": r["event"] or "", "value": r["value"], "mod": r["mod"] or "", "label": r["label"],
                   "number_text": r["text"], "part_of": r["part_of"] or "", "source": r["source"] or "",
                   "cue": r["cue"] or "", "doc_date": r["doc_date"] or "",
                   **{k: "" if line[k] is None else line[k] for k in ("low", "best", "high", "conservative")},
                   "sources": line["sources"], "dscore": line["dscore"], "conflict": bool(line["conflicts"]),
                   "sentence": r["sentence"]}


def to_csv(result: dict, excel: bool = False) -> str:
    """CSV text; ``excel`` puts a UTF-8 byte-order mark first so spreadsheets read accents right."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(result))
    return ("\ufeff" if excel else "") + buf.getvalue()


def _short(sentence: str, needle: str, width: int = 90) -> str:
    """The sentence cut to ``width`` characters around the figure."""
    if len(sentence) <= width:
        return sentence
    width -= 2
    at = max(sentence.find(needle), 0)
    start = max(0, min(at - width // 3, len(sentence) - width))
    tail = "…" if start + width < len(sentence) else ""
    return ("…" if start else "") + sentence[start:start + width].strip() + tail


def _n(x) -> str:
    return "-" if x is None else f"{x:,}".removesuffix(".0")


def render_tables(result: dict, console=None) -> None:
    """Per incident: a table of its reports per type with low/best/high, then its conflicts."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:  # pipes and logs: do not squeeze the table
            console = Console(width=160)
    for incident in result["incidents"]:
        title = " · ".join(x for x in (incident["incident"], incident["name"], incident["date"],
                                       incident["place"]) if x)
        table = Table(title=title, title_justify="left")
        for col, kw in (("type", {}), ("value", {"justify": "right"}), ("doc_id", {"overflow": "fold"}),
                        ("doc_date", {}), ("source", {"overflow": "fold"}), ("sentence", {"overflow": "fold"})):
            table.add_column(col, **kw)
        for group in incident["types"]:
            flag = " [red]≠[/red]" if group["conflicts"] else ""
            summary = (f"low {_n(group['low'])} · best {_n(group['best'])} · high {_n(group['high'])} · "
                       f"sources {group['sources']} · dscore {group['dscore']}")
            table.add_row(f"[bold]{group['type']}[/bold]{flag}", "", "", "", "", f"[dim]{summary}[/dim]")
            for r in group["reports"]:
                shown = r["label"] + (f" [dim](part of {r['part_of']})[/dim]" if r["part_of"] else "")
                source = " ".join(x for x in (r["source"], r["cue"]) if x) or "-"
                table.add_row("", shown, r["doc_id"], r["doc_date"] or "-", source, _short(r["sentence"], r["text"]))
            table.add_section()
        console.print(table)
        conflicts = [(g["type"], c) for g in incident["types"] for c in g["conflicts"]]
        if conflicts:
            ctable = Table(title=f"Conflicts in {incident['incident']}", title_justify="left")
            for col in ("type", "a", "in", "b", "in ", "rule", "reason"):
                ctable.add_column(col, overflow="fold")
            for fact_type, c in conflicts:
                ctable.add_row(fact_type, c["a"], ", ".join(c["a_docs"]), c["b"], ", ".join(c["b_docs"]),
                               c["rule"], c["reason"])
            console.print(ctable)
    flagged = [b for b in result["breakdowns"] if b["flag"]]
    if flagged:
        btable = Table(title="Breakdowns whose parts do not fit their total")
        for col in ("doc_id", "type", "total", "parts", "sum", "rule", "status"):
            btable.add_column(col)
        for b in flagged:
            btable.add_row(b["doc_id"], b["type"], b["total"], " + ".join(b["parts"]), f"{b['sum']:,}",
                           b["rule"], f"[red]{b['status']}[/red]")
        console.print(btable)


MARKERS = {"MORE_THAN": "^", "AT_LEAST": "^", "LESS_THAN": "v", "AT_MOST": "v", "APPROX": "D"}


def write_plot(result: dict, path: Path, max_panels: int = 24) -> Path:
    """One panel per incident and type (those with two or more reports first): each
    source on the x axis ordered by doc_date, its values on the y axis, the low–high
    band shaded and best dashed. Triangles are bounds, diamonds approximations,
    hollow marks breakdown parts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(inc, g) for inc in result["incidents"] for g in inc["types"]]
    panels.sort(key=lambda p: -len(p[1]["reports"]))
    panels = panels[:max_panels]
    if not panels:
        raise ValueError("no facts to plot")
    ncols = 2 if len(panels) > 2 else 1
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8 * ncols, 3.2 * nrows + 1), squeeze=False,
                             layout="constrained")
    for ax, (incident, group) in zip(axes.flat, panels):
        sources = sorted({(r["doc_date"] or "", r["doc_id"]) for r in group["reports"]})
        x_of = {doc_id: i for i, (_, doc_id) in enumerate(sources)}
        for r in group["reports"]:
            colour = plt.get_cmap("tab10")(x_of[r["doc_id"]] % 10)
            ax.scatter([x_of[r["doc_id"]]], [r["value"]], s=60, zorder=3, marker=MARKERS.get(r["mod"], "o"),
                       edgecolors=colour, linewidths=1.6, facecolors="white" if r["part_of"] else colour)
            ax.annotate(r["label"], (x_of[r["doc_id"]], r["value"]), xytext=(6, -3), textcoords="offset points",
                        fontsize=7)
        if group["low"] is not None:
            ax.axhspan(group["low"], group["high"], color="grey", alpha=0.12)
            ax.axhline(group["best"], color="grey", linestyle="--", linewidth=1)
        values = [r["value"] for r in group["reports"]]
        if min(values) > 0 and max(values) / min(values) > 50:
            ax.set_yscale("log")
        ax.set_xlim(-0.5, len(sources) - 0.5)
        ax.set_xticks(range(len(sources)))
        ax.set_xticklabels([f"{d or 'no date'}\n{doc_id}" for d, doc_id in sources], fontsize=6, rotation=20,
                           ha="right")
        ax.set_title(f"{incident['incident']}: {group['type']}" + (" — conflict" if group["conflicts"] else ""),
                     loc="left", fontsize=9, color="firebrick" if group["conflicts"] else "black")
        ax.grid(True, axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle("Reported figures per incident and type, by source (oldest first); band = low–high, dashed = best",
                 fontsize=10)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
