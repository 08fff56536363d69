"""Batch runs: bad input, long documents, workers, Ctrl-C / kill -9 and --resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.stages.parse import chunk_bounds

ROOT = Path(__file__).resolve().parent.parent
GOOD = "On 5 May 2001, 12 people were hurt in Baku.\n"


def _default_sigint() -> None:
    # A background job of a non-interactive shell (nohup, `make test &`, some CI
    # launchers) starts with SIGINT ignored, and children inherit that; Ctrl-C at a
    # terminal reaches a process whose SIGINT is the default, which is what these tests mean.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def recount(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint, **kwargs)


def wait_for_lines(path: Path, count: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Return once ``path`` holds ``count`` complete lines (the run is still going)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.02)
    pytest.fail(f"no {count} lines in {path} after {timeout} s")


def complete_lines(path: Path) -> list[dict]:
    """Every line but a torn last one parses; returns the parsed ones."""
    data = path.read_bytes()
    lines = data.split(b"\n")[:-1]  # a torn tail (no newline) is what --resume drops
    return [json.loads(line) for line in lines]


# -- long documents ------------------------------------------------------

@pytest.mark.parametrize("text,limit,cuts", [
    # short text: one piece (must NOT change)
    ("one two three", 100, [13]),
    # a line break in the second half of the window wins over spaces
    ("aaaa bbbb\ncc dd ee ff", 12, [10, 21]),
    # no line break: after the sentence end and its space, not after the last space
    ("Aaa bb. Cc d ee ff", 12, [8, 18]),
    # only spaces: after the last one in the window
    ("aaa bbb ccc ddd", 10, [8, 15]),
    # no break at all: a hard cut at the limit
    ("x" * 25, 10, [10, 20, 25]),
    ("", 10, [0]),
])
def test_chunk_bounds(text, limit, cuts):
    bounds = chunk_bounds(text, limit)
    assert [e for _, e in bounds] == cuts
    assert "".join(text[s:e] for s, e in bounds) == text
    assert all(e - s <= limit for s, e in bounds)


@pytest.mark.model
def test_parse_in_pieces_keeps_offsets_and_sentences(stages, monkeypatch):
    from pipeline.runner import run
    from pipeline.io import document_from_bytes

    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "inputs").glob("*.txt")))
    parse = next(s for s in stages if s.name == "parse")
    whole = next(iter(run(stages, [document_from_bytes(text.encode(), "all.txt")])))
    monkeypatch.setattr(parse, "chunk_chars", 2000)
    pieces = next(iter(run(stages, [document_from_bytes(text.encode(), "all.txt")])))
    assert len(pieces.textmap.text) > 10 * 2000 and pieces.errors == []
    assert pieces.parsed.text == pieces.textmap.text
    assert [t.text for t in pieces.parsed] == [t.text for t in whole.parsed]
    assert pieces.sentences == whole.sentences
    for layer in ("entities", "dates", "numbers"):
        assert all(text[i["start"]:i["end"]] == i["text"] for i in getattr(pieces, layer))


@pytest.mark.model
def test_document_over_spacy_max_length_is_processed(process, stages):
    filler = "The commission considered the documentation and approved the recommendations unanimously.\n"
    head, tail = "Baku, 19 January 1990.\n", "On 20 January 1990, 147 people were killed in Baku.\n"
    body = filler * ((1_000_000 - len(head)) // len(filler) + 1)
    doc = process(head + body + tail, "long")
    assert len(doc.text) > 1_000_000 and doc.errors == []
    parse = next(s for s in stages if s.name == "parse")
    assert parse.nlp.max_length == 1_000_000  # spaCy's default: a long text is cut, not allowed in
    last = max(doc.dates, key=lambda d: d["start"])
    assert last["start"] > 1_000_000 and last["text"] == "20 January 1990" and last["value"] == "1990-01-20"
    assert doc.text[last["start"]:last["end"]] == last["text"]
    assert any(n["value"] == 147 and doc.text[n["start"]:n["end"]] == "147" for n in doc.numbers)
    assert doc.sentences[-1]["end"] == len(doc.text.rstrip())


# -- bad input -----------------------------------------------------------

BAD_INPUTS = [
    # name, bytes (None: a directory), first error, fatal
    ("empty.txt", b"", "empty document (0 bytes)", False),
    ("blank.txt", b" \n\n\t \n", "document has only white space (6 bytes)", False),
    ("latin1.txt", "Baku, 20 January 1990.\nCafé".encode("latin-1"), "fatal: line 2, column 4: not UTF-8", True),
    ("utf16.txt", GOOD.encode("utf-16"), "input is UTF-16 with BOM", False),
    ("junk.txt", bytes(range(256)) * 8, "fatal: input looks binary (NUL byte at byte 0)", True),
    ("locked.txt", GOOD.encode(), "fatal: cannot read file: Permission denied", True),
    ("folder.txt", None, "fatal: cannot read file: Is a directory", True),
]


@pytest.mark.model
def test_bad_inputs_each_get_a_record_and_the_batch_goes_on(tmp_path, monkeypatch):
    from pipeline.validate import validate_file

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for name, data, _, _ in BAD_INPUTS:
        (first / name).mkdir() if data is None else (first / name).write_bytes(data)
    (first / "good.txt").write_text(GOOD, encoding="utf-8")
    (second / "good.txt").write_text(GOOD, encoding="utf-8")  # the same doc_id twice in one batch
    real_read = Path.read_bytes

    def read_bytes(self):  # chmod 000 does not stop root, so deny this one file here
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["run", str(first), str(second), "-o", str(out)])
    assert result.exit_code == 1, result.output
    records = {r["doc_id"]: r for r in (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())}
    assert len(records) == len(BAD_INPUTS) + 2
    for name, _, error, fatal in BAD_INPUTS:
        record = records[Path(name).stem]
        assert record["errors"][0].startswith(error), record["errors"]
        prefix = "failed" if fatal else "warning"
        assert f"{prefix}: {Path(name).stem}: {error}" in result.stderr
    assert records["utf16"]["numbers"][0]["value"] == 12  # decoded and processed
    assert records["good"]["errors"] == [] and records["good"]["numbers"][0]["value"] == 12
    assert records["good~2"]["errors"] == ["duplicate doc_id 'good' in batch; renamed 'good~2'"]
    fatal_count = sum(fatal for *_, fatal in BAD_INPUTS)
    assert result.stderr.strip().splitlines()[-1] == f"{len(records)} documents, {fatal_count} failed -> {out}"
    count, problems = validate_file(out)
    assert count == len(records) and problems == []


def test_missing_output_directory_is_one_line_and_exit_1(tmp_path):
    target = tmp_path / "nowhere" / "out.jsonl"
    proc = recount("inputs", "-o", str(target))
    _, err = proc.communicate()
    assert proc.returncode == 1
    assert err == f"recount: error: {target}: output directory {target.parent} does not exist\n"


# -- workers, interruption, resume ---------------------------------------

@pytest.mark.model
def test_two_workers_write_the_same_bytes(batch_corpus, batch_reference, gate, tmp_path):
    gate.open()
    out = tmp_path / "w2.jsonl"
    proc = recount(str(batch_corpus), "-o", str(out), "--workers", "2", "--config", str(gate.config))
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert out.read_bytes() == batch_reference


@pytest.mark.model
@pytest.mark.parametrize("workers", ["1", "2"])
def test_kill_9_leaves_no_partial_line_and_resume_finishes_the_same_file(batch_corpus, batch_reference, gate,
                                                                       tmp_path, workers):
    out = tmp_path / "out.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    partial = out.with_name(out.name + ".partial")
    gate.close()  # the run holds after its first document: the kill lands while it runs
    proc = recount(str(batch_corpus), "-o", str(out), "--config", str(gate.config), "--workers", workers)
    wait_for_lines(partial, 1, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert out.read_text(encoding="utf-8") == "previous run\n"  # never truncated, never half-new
    kept = complete_lines(partial)  # read back after the kill: complete records, nothing torn
    assert len(kept) == 1 and partial.read_bytes().endswith(b"\n")
    assert kept[0]["doc_id"] == sorted(batch_corpus.glob("*.txt"))[0].stem
    gate.open()
    proc = recount(str(batch_corpus), "-o", str(out), "--resume", "--config", str(gate.config))
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert f"resume: {len(kept)} records kept" in err
    assert out.read_bytes() == batch_reference
    assert not partial.exists()


@pytest.mark.model
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_keeps_complete_records_and_says_how_to_resume(batch_corpus, gate, tmp_path, workers):
    out = tmp_path / "out.jsonl"
    partial = out.with_name(out.name + ".partial")
    gate.close()  # the run cannot finish before the interrupt arrives
    proc = recount(str(batch_corpus), "-o", str(out), "--workers", workers, "--config", str(gate.config))
    try:
        wait_for_lines(partial, 1, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        gate.open()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted after 1 of" in err and "rerun with --resume" in err and "Traceback" not in err
    assert not out.exists() and len(complete_lines(partial)) == 1
    assert partial.read_bytes().endswith(b"\n")


@pytest.mark.model
def test_resume_of_a_finished_run_keeps_everything(batch_corpus, batch_reference, gate, tmp_path):
    gate.open()
    out = tmp_path / "out.jsonl"
    out.write_bytes(batch_reference)
    result = CliRunner().invoke(app, ["run", str(batch_corpus), "-o", str(out), "--resume",
                                      "--config", str(gate.config)])
    assert result.exit_code == 0, result.output
    total = len(list(batch_corpus.glob("*.txt")))
    assert f"{total} documents, 0 failed, {total} kept from earlier output" in result.stderr
    assert out.read_bytes() == batch_reference


@pytest.mark.model
def test_side_file_is_fsynced_after_every_batch(tmp_path, monkeypatch):
    import os

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(7):  # a first batch of one, then the rest (batch size 16)
        (corpus / f"d{i}.txt").write_text(f"Reference {i}.\n{GOOD}", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    partial = out.with_name(out.name + ".partial")
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd):
        if partial.exists():
            synced.append(partial.read_bytes().count(b"\n"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = CliRunner().invoke(app, ["run", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert synced[:2] == [1, 7]  # complete lines on disk after the batch of 1 and the batch of 6


# -- JSONL input -----------------------------------------------------------

def feed_line(doc_id: str, text: str, **meta) -> str:
    return json.dumps({"id": doc_id, "text": text, **meta}, ensure_ascii=False) + "\n"


@pytest.mark.model
def test_jsonl_and_txt_inputs_in_one_directory(tmp_path):
    import hashlib

    from pipeline.validate import validate_file

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "b.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "a.jsonl").write_text(
        feed_line("ocha-1", "On 4 May 2001, 7 people were killed in Gaza.", doc_date="2001-05-05",
                  source="OCHA", url="https://example.org/1", title="Flash update", lang="en")
        + "{not json\n"
        + feed_line("ocha-2", "Nothing to report.", doc_date="2001-02-30")
        + "\n"
        + '["a list"]\n'
        + feed_line("ocha-3", "Twelve were injured.\n"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["run", str(corpus), "-o", str(out)])
    assert result.exit_code == 1, result.output
    feed = str(corpus / "a.jsonl")
    bad = [f"{feed}:2: not valid JSON: Expecting property name enclosed in double quotes (column 2)",
           f"{feed}:3: \"doc_date\" '2001-02-30': not a calendar date (day is out of range for month)",
           f"{feed}:5: not a JSON object (a list); each line must be one document"]
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith(feed)] == bad
    assert lines[-1] == f"3 documents, 0 failed, 3 bad input lines -> {out}"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["ocha-1", "ocha-3", "b"]  # sorted paths, then line order
    first = records[0]
    assert first["source"] == {"path": feed, "sha256": hashlib.sha256(first["text"].encode()).hexdigest(),
                               "line": 1, "name": "OCHA", "url": "https://example.org/1",
                               "title": "Flash update", "extra": {"lang": "en"}}
    assert records[1]["source"]["line"] == 6 and records[1]["text"] == "Twelve were injured.\n"
    assert records[2]["source"]["line"] is None and records[2]["source"]["extra"] == {}
    assert any(n["value"] == 7 for n in first["numbers"])
    assert validate_file(out) == (3, [])


@pytest.mark.model
def test_resume_of_a_jsonl_feed_finishes_the_same_file(gate, tmp_path):
    feed = tmp_path / "feed.jsonl"
    texts = [f"Report {i}. On {i + 1} May 2001, {i + 10} people were hurt in Baku.\n" for i in range(6)]
    feed.write_text("".join(feed_line(f"r{i}", t, source="S", n=i) for i, t in enumerate(texts)), encoding="utf-8")
    gate.open()
    whole = tmp_path / "whole.jsonl"
    proc = recount(str(feed), "-o", str(whole), "--config", str(gate.config))
    _, err = proc.communicate()
    assert proc.returncode == 0, err

    out = tmp_path / "out.jsonl"
    partial = out.with_name(out.name + ".partial")
    gate.close()
    proc = recount(str(feed), "-o", str(out), "--config", str(gate.config))
    wait_for_lines(partial, 1, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gate.open()
    assert [r["doc_id"] for r in complete_lines(partial)] == ["r0"]
    proc = recount(str(feed), "-o", str(out), "--resume", "--config", str(gate.config))
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "resume: 1 records kept" in err and "6 documents, 0 failed, 1 kept from earlier output" in err
    assert out.read_bytes() == whole.read_bytes()

    # a changed line (text or metadata) is processed again; the others are kept
    lines = feed.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = feed_line("r2", texts[2], source="S", n=99)
    feed.write_text("".join(lines), encoding="utf-8")
    proc = recount(str(feed), "-o", str(out), "--resume", "--config", str(gate.config))
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "6 documents, 0 failed, 5 kept from earlier output" in err
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[2])["source"]["extra"] == {"n": 99}


# -- shards ----------------------------------------------------------------------------

@pytest.mark.model
def test_shards_merge_into_the_bytes_of_one_run(tmp_path):
    corpus, other = tmp_path / "corpus", tmp_path / "other"
    corpus.mkdir()
    other.mkdir()
    for i in range(6):
        (corpus / f"t{i}.txt").write_text(f"Report {i}.\n{GOOD}", encoding="utf-8")
    (other / "t1.txt").write_text(GOOD, encoding="utf-8")  # the same doc_id twice: renamed t1~2
    (corpus / "feed.jsonl").write_text(
        "".join(feed_line(f"j{i}", f"On {i + 1} May 2001, {i + 3} were killed.", source="S") for i in range(5))
        + "not json\n", encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    result = CliRunner().invoke(app, ["run", str(other), str(corpus), "-o", str(whole)])
    assert result.exit_code == 1  # the bad line
    parts = []
    bad_reported = 0
    for i in range(3):
        part = tmp_path / f"part{i}.jsonl"
        result = CliRunner().invoke(app, ["run", str(corpus), str(other), "--shard", f"{i}/3", "-o", str(part)])
        bad_reported += result.stderr.count("feed.jsonl:6: not valid JSON")
        parts.append(str(part))
    assert bad_reported == 1  # a line without an id is reported by shard 0 only
    assert all(Path(p).read_bytes() for p in parts)  # every shard got documents
    merged = tmp_path / "merged.jsonl"
    result = CliRunner().invoke(app, ["merge", *reversed(parts), "-o", str(merged)])
    assert result.exit_code == 0, result.output
    assert merged.read_bytes() == whole.read_bytes()
    ids = [json.loads(line)["doc_id"] for line in whole.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"j{i}" for i in range(5)] + ["t0", "t1", "t2", "t3", "t4", "t5", "t1~2"]
