"""Thin CLI: parse arguments, call a library function, print its data.

Heavy imports (spaCy, dateparser, quantulum3) happen inside commands so that
`recount --help` answers at once. Every RecountError becomes one line on stderr
and exit code 1, here and nowhere else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import RecountError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Recount: sentences, entities, dates, numbers and reported figures from statements.")


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"recount {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    """Recount: sentences, entities, dates, numbers and reported figures from statements."""


@app.command()
def run(inputs: List[str] = typer.Argument(..., help="Files (.txt, .jsonl), directories (their *.txt and *.jsonl) or - for stdin."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="JSONL file (default: stdout)."),
        config: Optional[Path] = typer.Option(None, "--config", help="Configuration TOML (default: the packaged configs/default.toml)."),
        workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (output is the same for any number)."),
        resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run: keep the records already in OUTPUT(.partial)."),
        shard: Optional[str] = typer.Option(None, "--shard", metavar="I/N", help="Process only shard I (0-based) of N: the documents whose doc_id hashes there; join the N outputs with `recount merge`."),
        dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS|local[:N]", help="Run one shard per worker on a Dask cluster (a scheduler address, or local:N for N local worker processes) and merge them into OUTPUT; needs recount[dask].")):
    """Run the pipeline and write one JSON record per document.

    A .txt file is one document (doc_id = file stem). A .jsonl file holds one
    document per line: a JSON object with "id" (string, unique in the batch; the
    doc_id) and "text" (string; offsets index into it), and optionally "doc_date"
    (a TIMEX3 date value such as 2024-03-13: the document's date, which wins over
    a date line in the text), "source" (publisher), "url" and "title"; other keys
    are kept unchanged in the record's source.extra. The record's source gives the
    .jsonl path, the line number and the sha256 of the text's UTF-8 bytes. A line
    that is not such an object is reported as FILE:LINE: message, the batch goes
    on, and the exit code is 1.

    Records are written in the order of the sorted input paths, then line order.
    """
    from rich.progress import Progress

    from .api import Interrupted, run_files

    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("documents", total=None)
            summary = run_files(inputs, output, config, workers=workers, resume=resume, shard=shard, dask=dask,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except Interrupted as exc:
        typer.echo(f"recount: {exc}", err=True)
        raise typer.Exit(130)
    except KeyboardInterrupt:  # before the first record (e.g. while the model loads)
        typer.echo("recount: interrupted before any record was written", err=True)
        raise typer.Exit(130)
    for line in summary.notes:
        typer.echo(f"note: {line}", err=True)
    for line in summary.warnings:
        typer.echo(f"warning: {line}", err=True)
    for line in summary.failed:
        typer.echo(f"failed: {line}", err=True)
    for line in summary.bad_lines:
        typer.echo(line, err=True)
    typer.echo(f"{summary.documents} documents, {len(summary.failed)} failed"
               + (f", {len(summary.bad_lines)} bad input lines" if summary.bad_lines else "")
               + (f", {summary.resumed} kept from earlier output" if resume else "")
               + (f" -> {output}" if output else ""), err=True)
    if summary.failed or summary.bad_lines:
        raise typer.Exit(1)


@app.command()
def merge(parts: List[Path] = typer.Argument(..., help="Outputs of `recount run --shard I/N`, one per shard."),
          output: Path = typer.Option(..., "-o", "--output", help="The merged JSONL file.")):
    """Join shard outputs into exactly the file one unsharded run writes."""
    from .api import merge_files

    count = merge_files(parts, output)
    typer.echo(f"{count} records from {len(parts)} parts -> {output}", err=True)


@app.command()
def validate(file: Path = typer.Argument(..., help="JSONL records or gold file."),
             gold: bool = typer.Option(False, "--gold", help="Also check text against the input file each record names."),
             root: Path = typer.Option(Path("."), "--root", help="Folder that gold source paths are relative to.")):
    """Check a JSONL file against SPEC; problems as FILE:LINE: message."""
    from .validate import validate_file

    count, problems = validate_file(file, gold=gold, root=root)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{file}: {count} records valid")


@app.command()
def schema():
    """Print the JSON Schema of a record."""
    from .records import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
def evaluate(gold: Path = typer.Argument(..., help="Gold JSONL file or directory."),
             pred: Path = typer.Argument(..., help="Predicted JSONL file or directory."),
             as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
             errors: bool = typer.Option(False, "--errors", help="List every missed, spurious or wrong item."),
             html: Optional[Path] = typer.Option(None, "--html", help="Write a side-by-side HTML report."),
             by_genre: bool = typer.Option(False, "--by-genre", help="Also score each genre (doc_id dev_<genre>_...).")):
    """Score predictions against gold (SPEC "Scoring")."""
    from .io import load_records
    from .report_table import print_report
    from .scoring import align, errors_of, report_of

    gold_records, pred_records = load_records(gold), load_records(pred)
    alignment = align(gold_records, pred_records)  # matched once: table, errors and HTML share it
    report = report_of(alignment)
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    if by_genre:
        from collections import Counter

        from .report_table import print_genres
        from .scoring import by_genre as genre_scores, genre_of

        counts = Counter(genre_of(d) for d in gold_records)
        counts["all"] = len(gold_records)
        genres = genre_scores(alignment)
        if as_json:
            typer.echo(json.dumps({"genres": genres}, indent=2, ensure_ascii=False))
        else:
            print_genres(genres, counts)
    if errors:
        for item in errors_of(alignment):
            typer.echo(f"{item['doc_id']}\t{item['layer']}\t{item['error']}\t{item.get('fields', '')}\t"
                       f"gold={_brief(item.get('gold'))}\tpred={_brief(item.get('pred'))}\t{item['context']}")
    if html:
        from .report_html import render_html

        html.write_text(render_html(gold_records, pred_records, report, alignment), encoding="utf-8")
        typer.echo(f"wrote {html}", err=True)


def _brief(item: Optional[dict]) -> str:
    if not item:
        return "-"
    keys = ("text", "label", "value", "kind", "mod", "type")
    return "|".join(str(item[k]) for k in keys if k in item and item[k] is not None)


@app.command()
def convert(source: Path = typer.Argument(..., help="JSONL to convert."),
            to: str = typer.Option(..., "--to", help="prodigy, doccano or recount."),
            output: Optional[Path] = typer.Option(None, "-o", "--output")):
    """Export entities to Prodigy/doccano JSONL, or import them back (--to recount)."""
    from .api import convert_file

    lines = convert_file(source, to)
    text = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in lines)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def compare(records: List[Path] = typer.Argument(..., help="JSONL record files or directories."),
            as_csv: bool = typer.Option(False, "--csv", help="Print one CSV row per report."),
            as_jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON line per incident and fact type."),
            excel: bool = typer.Option(False, "--excel", help="With --csv: start with a UTF-8 BOM for spreadsheets."),
            plot: Optional[Path] = typer.Option(None, "--plot", help="Write a PNG: one panel per incident and type."),
            config: Optional[Path] = typer.Option(None, "--config", help="Configuration file (breakdown words).")):
    """Group events into incidents and compare what each source reports (low/best/high, conflicts)."""
    from .report_compare import compare_files, render_tables, to_csv, to_jsonl, write_plot

    result = compare_files(records, config)
    if as_csv:
        sys.stdout.write(to_csv(result, excel=excel))
    elif as_jsonl:
        sys.stdout.write(to_jsonl(result))
    else:
        render_tables(result)
    if plot:
        typer.echo(f"wrote {write_plot(result, plot)}", err=True)


@app.command()
def export(paths: List[Path] = typer.Argument(..., metavar="RECORDS... OUT",
                                              help="JSONL record files or folders, then the output path."),
           to: str = typer.Option("duckdb", "--to", help="duckdb (one file), parquet or csv (a folder), sqlite."),
           excel: bool = typer.Option(False, "--excel", help="CSV: start each file with a UTF-8 BOM.")):
    """Export records to normalised tables: documents, one per layer, and compare's incidents, summaries,
    conflicts and reports (README: Export)."""
    from .export import export as export_records

    if len(paths) < 2:
        raise typer.BadParameter("give one or more records files and then the output path")
    *records, out = paths
    counts = export_records(records, to, out, excel=excel)
    typer.echo(f"wrote {out} ({to}): " + ", ".join(f"{t} {n}" for t, n in counts.items()), err=True)


def main() -> None:
    """Entry point of the ``recount`` command (pyproject.toml [project.scripts]) and of
    ``python -m pipeline``: runs the Typer app on ``sys.argv``.

    A RecountError becomes one line ``recount: error: ...`` on stderr and exit code 1;
    a closed stdout (BrokenPipeError, ``... | head``) exits 1 quietly. Never returns
    normally: click's standalone mode ends every command with SystemExit.
    """
    try:
        app()
    except RecountError as exc:
        typer.echo(f"recount: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:  # `recount run ... | head`: the reader left; stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
