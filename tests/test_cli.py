"""The CLI is thin: commands answer, errors are one line and exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_help_lists_commands_without_loading_spacy():
    code = ("import sys; from pipeline.cli import app; import typer.main as m; "
            "print('spacy' in sys.modules, 'dateparser' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "schema", "evaluate", "convert"):
        assert command in result.output


def test_schema_is_the_committed_one():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    committed = json.loads((ROOT / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.output) == committed


def test_missing_input_is_one_line_error():
    out = subprocess.run([sys.executable, "-m", "pipeline", "run", "no/such/file.txt"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert out.stderr.strip() == "recount: error: no/such/file.txt: no such file or directory"


def test_validate_reports_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: " in result.output


@pytest.mark.model
def test_run_stdin_to_stdout():
    out = subprocess.run([sys.executable, "-m", "pipeline", "run", "-"], input="On 5 May 2001, 12 people were hurt.",
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["doc_id"] == "stdin" and record["numbers"][0]["value"] == 12


@pytest.mark.model
def test_convert_round_trip(seed_records, tmp_path):
    path, records = seed_records
    prodigy = tmp_path / "p.jsonl"
    assert runner.invoke(app, ["convert", str(path), "--to", "prodigy", "-o", str(prodigy)]).exit_code == 0
    back = runner.invoke(app, ["convert", str(prodigy), "--to", "recount"])
    assert back.exit_code == 0, back.output
    imported = [json.loads(line) for line in back.output.splitlines()]
    assert [r["entities"] for r in imported] == [r["entities"] for r in records.values()]


@pytest.mark.model
def test_reader_closing_the_pipe_early_is_not_a_traceback():
    out = subprocess.run(f"{sys.executable} -m pipeline run inputs inputs inputs inputs | head -c 10 > /dev/null",
                         shell=True, capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in out.stderr


def test_run_help_says_what_jsonl_input_means():
    result = runner.invoke(app, ["run", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for phrase in ('.jsonl file holds one document per line', '"id"', '"text"', '"doc_date"', "TIMEX3",
                   '"source"', '"url"', '"title"', "source.extra", "sha256 of the text", "FILE:LINE: message"):
        assert phrase in text, phrase


def test_version():
    from pipeline import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"recount {__version__}\n"
    assert __version__.count(".") == 2
