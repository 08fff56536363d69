"""Compare what different statements report: per fact type, every value and its sources.

Records (SPEC shape, from `recount run`) are grouped by fact type and value. Two
values of one type disagree when they differ; they are still *compatible* when the
ranges their mods allow overlap ("more than 600" and 744), and not when they cannot
both be true (150 and 134). Each comparison names the rule that decided. A total
followed by its parts ("613 killed, including 63 children, ...") is checked too: the
parts may not exceed it, and after a "complete" word they must add up to it.

``compare`` is pure (records in, a JSON-ready dict out); the ``render_*`` and
``write_*`` helpers turn that dict into a table, CSV rows, JSON lines or a plot.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
import re
import typing
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Iterable, Optional

from .lexicon import read_toml
from .records import FactType

INF = math.inf
APPROX_TOLERANCE = 0.10  # "about 60" admits 54..66
SYMBOL = {None: "", "MORE_THAN": ">", "AT_LEAST": "≥", "LESS_THAN": "<", "AT_MOST": "≤", "APPROX": "~"}


# --- ranges a reported figure allows ------------------------------------------------

@dataclass(frozen=True)
class Range:
    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True

    def overlaps(self, other: "Range") -> bool:
        # On a tie the open bound is the tighter one: max picks open=True, min closed=False.
        lo, lo_open = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_closed = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return lo < hi or (lo == hi and not lo_open and hi_closed)


def is_vague(text: Optional[str]) -> bool:
    """"hundreds", "thousands of": a magnitude written without digits."""
    return bool(text) and not re.search(r"\d", text) and text.strip().lower().rstrip("s").endswith(
        ("hundred", "thousand", "million", "billion", "dozen", "score"))


def value_range(value: float, mod: Optional[str], vague: bool = False) -> Range:
    """The values a report allows: "more than 600" -> (600, inf); "hundreds" -> [100, 1000)."""
    if vague:
        return Range(value, value * 10, True, False)
    if mod == "MORE_THAN":
        return Range(value, INF, False, False)
    if mod == "AT_LEAST":
        return Range(value, INF, True, False)
    if mod == "LESS_THAN":
        return Range(0, value, True, False)
    if mod == "AT_MOST":
        return Range(0, value)
    if mod == "APPROX":
        return Range(value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE))
    return Range(value, value)


def label(value: float, mod: Optional[str], text: Optional[str] = None) -> str:
    if text and is_vague(text):
        return " ".join(text.lower().split())
    number = f"{value:,}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.2f}"
    return f"{SYMBOL.get(mod, '')}{number.removesuffix('.0')}"


def compatibility(a: dict, b: dict) -> dict:
    """Whether two reports (value, mod, vague) can both be true, and the rule that says so."""
    ra = value_range(a["value"], a["mod"], a.get("vague", False))
    rb = value_range(b["value"], b["mod"], b.get("vague", False))
    mods = sorted({"vague magnitude" if r.get("vague") else r["mod"] for r in (a, b)} - {None})
    if not mods:
        same = a["value"] == b["value"]
        return {"compatible": same, "rule": "exact",
                "reason": f"{a['label']} {'=' if same else '≠'} {b['label']}"}
    ok = ra.overlaps(rb)
    rule = "+".join(m for m in mods)
    if "APPROX" in mods:
        rule = rule.replace("APPROX", f"APPROX±{int(APPROX_TOLERANCE * 100)}%")
    return {"compatible": ok, "rule": rule,
            "reason": f"{a['label']} and {b['label']} {'can both hold' if ok else 'exclude each other'}"}


# --- where a fact sits in its document ------------------------------------------------

def _sentence_index(record: dict, offset: int) -> int:
    starts = [s["start"] for s in record.get("sentences") or []]
    return max(bisect.bisect_right(starts, offset) - 1, 0) if starts else 0


def sentence_text(record: dict, offset: int) -> str:
    """The sentence holding ``offset``, whitespace folded (a window if no sentences)."""
    text = record.get("text", "")
    sentences = record.get("sentences") or []
    if sentences:
        s = sentences[_sentence_index(record, offset)]
        if s["start"] <= offset < s["end"]:
            return " ".join(text[s["start"]:s["end"]].split())
    return " ".join(text[max(0, offset - 100):offset + 100].split())


def _doc_date(record: dict) -> Optional[str]:
    return (record.get("doc_date") or {}).get("value")


# --- breakdowns ---------------------------------------------------------------------

def load_breakdown_words(path: Optional[Path] = None) -> dict[str, list[str]]:
    """{"partial": [...], "complete": [...]} from the [breakdowns] table of fact_triggers.toml."""
    if path is None:
        from .config import load_config

        path = load_config().facts.triggers
    table = read_toml(path).get("breakdowns", {})
    return {"partial": [w.lower() for w in table.get("partial", [])],
            "complete": [w.lower() for w in table.get("complete", [])]}


def _marker(between: str, words: dict[str, list[str]]) -> Optional[tuple[str, str]]:
    low = " ".join(between.lower().split())
    for kind in ("complete", "partial"):
        for word in words[kind]:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", low):
                return kind, word
    return None


def find_breakdowns(record: dict, words: dict[str, list[str]]) -> list[dict]:
    """Totals followed, in their sentence or the next, by a breakdown word and then by
    smaller figures of the same type: those figures are the total's parts."""
    text = record.get("text", "")
    facts = sorted(record.get("facts") or [], key=lambda f: f["number"]["start"])
    out, used = [], set()
    for i, total in enumerate(facts):
        if i in used:
            continue
        sent = _sentence_index(record, total["number"]["start"])
        parts, marker, parts_sent = [], None, None
        for j in range(i + 1, len(facts)):
            part = facts[j]
            if part["type"] != total["type"] or j in used:
                continue
            part_sent = _sentence_index(record, part["number"]["start"])
            if part_sent > (sent + 1 if parts_sent is None else parts_sent):
                break  # parts follow in the total's sentence or the next, all in one sentence
            if marker is None:
                marker = _marker(text[total["number"]["end"]:part["number"]["start"]], words)
                if marker is None:
                    break
                parts_sent = part_sent
            if part["value"] < total["value"]:
                parts.append(j)
        if not parts:
            continue
        used.update(parts)
        values = [facts[j]["value"] for j in parts]
        out.append(check_breakdown(record, total, [facts[j] for j in parts], values, marker))
    return out


def check_breakdown(record: dict, total: dict, parts: list[dict], values: list, marker: tuple) -> dict:
    """A breakdown is flagged when its parts exceed the total, or (after a complete
    word) when they do not add up to it."""
    kind, word = marker
    whole = value_range(total["value"], total.get("mod"))
    part_sum = sum(values)
    if part_sum > whole.hi or (part_sum == whole.hi and not whole.hi_closed):
        status, flag = "parts exceed total", True
    elif value_range(part_sum, None).overlaps(whole):
        status, flag = "parts add up to total", False
    elif kind == "complete":
        status, flag = "parts do not add up to total", True
    else:
        status, flag = "partial breakdown", False
    return {"doc_id": record.get("doc_id"), "doc_date": _doc_date(record), "type": total["type"],
            "total": label(total["value"], total.get("mod")), "total_value": total["value"],
            "parts": [label(p["value"], p.get("mod")) for p in parts], "sum": part_sum,
            "marker": word, "rule": f"{kind} breakdown ('{word}')", "status": status, "flag": flag,
            "sentence": sentence_text(record, total["number"]["start"]),
            "_part_spans": [(p["number"]["start"], p["number"]["end"]) for p in parts]}


# --- the comparison -------------------------------------------------------------------

def compare(records: list[dict], breakdown_words: Optional[dict] = None) -> dict:
    """Group every fact of every record by type and value, with its sources; flag
    disagreements, say which values are compatible, and check breakdowns."""
    words = breakdown_words if breakdown_words is not None else load_breakdown_words()
    types: dict[str, dict[tuple, dict]] = {}
    breakdowns = []
    for record in records:
        text = record.get("text", "")
        found = find_breakdowns(record, words)
        part_of = {span: b["total"] for b in found for span in b.pop("_part_spans")}
        breakdowns += found
        for fact in record.get("facts") or []:
            n = fact["number"]
            number_text = text[n["start"]:n["end"]]
            vague = is_vague(number_text)
            key = (fact["value"], fact.get("mod"), vague)
            group = types.setdefault(fact["type"], {}).setdefault(key, {
                "value": fact["value"], "mod": fact.get("mod"), "vague": vague,
                "label": label(fact["value"], fact.get("mod"), number_text), "reports": []})
            group["reports"].append({
                "doc_id": record.get("doc_id"), "doc_date": _doc_date(record),
                "number": {"start": n["start"], "end": n["end"]}, "text": " ".join(number_text.split()),
                "sentence": sentence_text(record, n["start"]),
                "part_of": part_of.get((n["start"], n["end"]))})
    out = []
    order = {t: i for i, t in enumerate(typing.get_args(FactType))}
    for fact_type in sorted(types, key=lambda t: (order.get(t, len(order)), t)):
        groups = sorted(types[fact_type].values(), key=lambda g: (-len(g["reports"]), -g["value"]))
        # Parts of a breakdown count something else than totals: compare totals only.
        totals = [g for g in groups if any(r["part_of"] is None for r in g["reports"])]
        comparisons = []
        for a, b in combinations(totals, 2):
            if {r["doc_id"] for r in a["reports"]} == {r["doc_id"] for r in b["reports"]} and len(
                    {r["doc_id"] for r in a["reports"]}) == 1:
                continue  # two figures of one statement: not what different statements report
            result = compatibility(a, b)
            comparisons.append({"a": a["label"], "b": b["label"], **result,
                                "a_docs": sorted({r["doc_id"] for r in a["reports"]}),
                                "b_docs": sorted({r["doc_id"] for r in b["reports"]})})
        out.append({"type": fact_type, "values": groups, "disagreement": len(totals) > 1,
                    "conflict": any(not c["compatible"] for c in comparisons),
                    "comparisons": comparisons})
    return {"documents": len(records), "types": out, "breakdowns": breakdowns}


# --- output ---------------------------------------------------------------------------

CSV_FIELDS = ["type", "value", "mod", "label", "doc_id", "doc_date", "number_text", "part_of",
              "disagreement", "conflict", "sentence"]


def csv_rows(result: dict) -> Iterable[dict]:
    """One row per report of a value."""
    for group in result["types"]:
        for value in group["values"]:
            for r in value["reports"]:
                yield {"type": group["type"], "value": value["value"], "mod": value["mod"] or "",
                       "label": value["label"], "doc_id": r["doc_id"], "doc_date": r["doc_date"] or "",
                       "number_text": r["text"], "part_of": r["part_of"] or "",
                       "disagreement": group["disagreement"], "conflict": group["conflict"],
                       "sentence": r["sentence"]}


def to_csv(result: dict) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(result))
    return buf.getvalue()


def to_jsonl(result: dict) -> str:
    """One line per fact type ("kind": "type") and per breakdown ("kind": "breakdown")."""
    lines = [{"kind": "type", **group} for group in result["types"]]
    lines += [{"kind": "breakdown", **b} for b in result["breakdowns"]]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _short(sentence: str, needle: str, width: int = 90) -> str:
    """The sentence cut to ``width`` characters around the figure."""
    if len(sentence) <= width:
        return sentence
    width -= 2  # room for the ellipses
    at = max(sentence.find(needle), 0)
    start = max(0, min(at - width // 3, len(sentence) - width))
    space = sentence.find(" ", start, at)
    if start and 0 <= space - start < 15:  # start on a word
        width -= space + 1 - start
        start = space + 1
    tail = "…" if start + width < len(sentence) else ""
    return ("…" if start else "") + sentence[start:start + width].strip() + tail


def _docs(doc_ids: list[str]) -> str:
    return doc_ids[0] if len(doc_ids) == 1 else f"{len(doc_ids)} docs"


def render_tables(result: dict, console=None) -> None:
    """Print the values per type, the comparisons and the breakdowns as rich tables."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:  # pipes and logs: do not squeeze the table
            console = Console(width=160)
    rows = [(g, v, r) for g in result["types"] for v in g["values"] for r in v["reports"]]
    shown = [v["label"] + (f" (part of {r['part_of']})" if r["part_of"] else "") for _, v, r in rows]
    columns = ([g["type"] + " ≠" for g, _, _ in rows], shown, [r["doc_id"] for _, _, r in rows], ["0000-00-00"])
    fixed = sum(max((len(x) for x in col), default=0) + 3 for col in columns)  # + padding and border
    width = max(30, console.width - fixed - 4)  # what is left for the sentence
    table = Table(title=f"Reported figures ({result['documents']} documents)",
                  caption="≠ values that cannot all hold   ~ values differ but are compatible")
    for col, kw in (("type", {}), ("value", {"justify": "right"}), ("doc_id", {"overflow": "fold"}),
                    ("doc_date", {}), ("sentence", {"overflow": "fold"})):
        table.add_column(col, **kw)
    for group in result["types"]:
        flag = " [red]≠[/red]" if group["conflict"] else (" [yellow]~[/yellow]" if group["disagreement"] else "")
        first = True
        for value in group["values"]:
            for r in value["reports"]:
                shown = value["label"] + (f" [dim](part of {r['part_of']})[/dim]" if r["part_of"] else "")
                table.add_row(group["type"] + flag if first else "", shown, r["doc_id"], r["doc_date"] or "-",
                              _short(r["sentence"], r["text"], width))
                first = False
        table.add_section()
    console.print(table)
    comparisons = [(g["type"], c) for g in result["types"] for c in g["comparisons"]]
    if comparisons:
        ctable = Table(title="Different values across statements")
        for col in ("type", "a", "in", "b", "in ", "compatible", "rule"):
            ctable.add_column(col, overflow="fold")
        for fact_type, c in comparisons:
            ctable.add_row(fact_type, c["a"], _docs(c["a_docs"]), c["b"], _docs(c["b_docs"]),
                           "[green]yes[/green]" if c["compatible"] else "[red]no[/red]", c["rule"])
        console.print(ctable)
    if result["breakdowns"]:
        btable = Table(title="Breakdowns (total and its parts)")
        for col in ("doc_id", "type", "total", "parts", "sum", "rule", "status"):
            btable.add_column(col)
        for b in result["breakdowns"]:
            status = f"[red]{b['status']}[/red]" if b["flag"] else b["status"]
            btable.add_row(b["doc_id"], b["type"], b["total"], " + ".join(b["parts"]), f"{b['sum']:,}",
                           b["rule"], status)
        console.print(btable)


MARKERS = {"MORE_THAN": "^", "AT_LEAST": "^", "LESS_THAN": "v", "AT_MOST": "v", "APPROX": "D"}


def _sources(result: dict) -> list[tuple[str, Optional[str]]]:
    """(doc_id, doc_date) of every document with a fact, oldest first, undated last."""
    seen = {r["doc_id"]: r["doc_date"] for g in result["types"] for v in g["values"] for r in v["reports"]}
    return sorted(seen.items(), key=lambda item: (item[1] is None, item[1] or "", item[0]))


def _clusters(points: list[tuple], log: bool, top: float) -> list[list[tuple]]:
    """Points of one source whose values would overlap on the plot, lowest first."""
    out: list[list[tuple]] = []
    for point in sorted(points, key=lambda p: (p[0], p[1]["value"])):
        last = out[-1][-1] if out else None
        value = point[1]["value"]
        close = last is not None and (value < last[1]["value"] * 1.6 if log else value - last[1]["value"] < 0.06 * top)
        if close and last[0] == point[0]:
            out[-1].append(point)
        else:
            out.append([point])
    return out


def write_plot(result: dict, path: Path) -> Path:
    """One panel per fact type: each source on the x axis (ordered by doc_date, the
    same in every panel), its reported values on the y axis. Triangles are lower or
    upper bounds ("more than"), diamonds approximations, hollow marks breakdown parts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [g for g in result["types"] if g["values"]]
    if not groups:
        raise ValueError("no facts to plot")
    sources = _sources(result)
    x_of = {doc_id: i for i, (doc_id, _) in enumerate(sources)}
    colours = {doc_id: plt.get_cmap("tab10")(i % 10) for i, (doc_id, _) in enumerate(sources)}
    ncols = 2 if len(groups) > 3 else 1
    nrows = math.ceil(len(groups) / ncols)
    width = max(8.0, min(20.0, 1.3 * len(sources) * ncols + 2))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.5 * nrows + 2.0), squeeze=False, sharex=True,
                             layout="constrained")
    for ax, group in zip(axes.flat, groups):
        values = [v["value"] for v in group["values"]]
        log = min(values) > 0 and max(values) / min(values) > 50
        points = [(x_of[r["doc_id"]], v, r) for v in group["values"] for r in v["reports"]]
        for cluster in _clusters(points, log, max(values)):
            for k, (x, v, r) in enumerate(cluster):  # side by side when values nearly coincide
                colour = colours[r["doc_id"]]
                ax.scatter([x + 0.1 * (k - (len(cluster) - 1) / 2)], [v["value"]], s=70, zorder=3,
                           marker=MARKERS.get(v["mod"], "o"), edgecolors=colour, linewidths=1.8,
                           facecolors="white" if r["part_of"] else colour)
            x, top, _ = cluster[-1]
            ax.annotate(" / ".join(p[1]["label"] for p in reversed(cluster)), (x + 0.05 * len(cluster), top["value"]),
                        xytext=(8, -3), textcoords="offset points", fontsize=8)
        if log:
            ax.set_yscale("log")
            ax.set_ylim(min(values) / 2, max(values) * 3)
        else:
            ax.set_ylim(0, max(values) * 1.25)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.0f}"))
        status = ("values cannot all hold" if group["conflict"]
                  else "values differ, compatible" if group["disagreement"] else "one value")
        ax.set_title(f"{group['type']}: {status}", loc="left", fontsize=10, fontweight="bold",
                     color="firebrick" if group["conflict"] else "black")
        ax.set_xlim(-0.5, len(sources) - 0.5)
        ax.set_xticks(range(len(sources)))
        ax.set_xticklabels([f"{date or 'no date'}\n{doc_id}" for doc_id, date in sources],
                           fontsize=7, rotation=30, ha="right")
        ax.grid(True, axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    for col in range(ncols):  # source names under the lowest panel of each column only
        shown = [ax for ax in axes[:, col] if ax.get_visible()]
        for ax in shown:
            ax.tick_params(labelbottom=ax is shown[-1])
    handles = [plt.Line2D([], [], marker=m, linestyle="", color="grey", markerfacecolor=f, label=t)
               for m, f, t in (("o", "grey", "exact"), ("^", "grey", "more than / at least"),
                               ("v", "grey", "less than / up to"), ("D", "grey", "about"),
                               ("o", "white", "part of a breakdown"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=9, frameon=False)
    fig.suptitle("Reported figures per fact type, by source (oldest first)", fontsize=12)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def compare_files(paths: list[Path]) -> dict:
    """Load records from JSONL files (or folders of them) and compare them."""
    from .api import load_records

    records: dict[str, dict] = {}
    for path in paths:
        records.update(load_records(Path(path)))
    return compare(list(records.values()))
