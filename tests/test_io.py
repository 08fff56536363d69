"""Output safety: the target only changes by atomic rename; --resume keeps complete lines only."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from pipeline.errors import InputError
from pipeline.io import (BadLine, ResumableWriter, check_doc_date, check_output, collect_inputs,
                         document_from_jsonl_line, document_key, open_writer, partial_path, read_jsonl_documents,
                         record_key, resume_key)

META = {"config": "default.toml", "config_digest": "abc", "pipeline_version": "0.1.0"}


def line(doc_id: str, sha: str | None = None, errors=(), meta=META) -> str:
    obj = {"doc_id": doc_id, "source": {"path": f"{doc_id}.txt", "sha256": sha or doc_id * 4},
           "errors": list(errors), "meta": {**meta, "provenance": {}}}
    return json.dumps(obj) + "\n"


def key(doc_id: str, sha: str | None = None) -> str:
    return resume_key({"path": f"{doc_id}.txt", "sha256": sha or doc_id * 4}, None)


def write_all(writer: ResumableWriter, ids: list[str]) -> None:
    for doc_id in ids:
        if writer.resumed(doc_id, key(doc_id)) is None:
            writer.write(line(doc_id))


def test_collect_inputs_sorted_txt_jsonl_and_missing(tmp_path):
    for name in ("b.txt", "a.txt", "c.md", "d.jsonl", "d.jsonl.partial"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(tmp_path / "d.jsonl")]
    assert collect_inputs([str(tmp_path)]) == found
    # sorted whatever the argument order
    assert collect_inputs([found[2], found[0], "-"]) == ["-", found[0], found[2]]
    with pytest.raises(InputError, match="no/such: no such file or directory"):
        collect_inputs(["no/such"])


def test_missing_output_directory_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"output directory .*nowhere does not exist"):
        check_output(tmp_path / "nowhere" / "out.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        check_output(tmp_path)


def test_commit_renames_into_place_with_normal_permissions(tmp_path):
    target = tmp_path / "out.jsonl"
    writer = ResumableWriter(target)
    write_all(writer, ["a", "b"])
    assert not target.exists() and partial_path(target).read_text() == line("a") + line("b")
    writer.commit()
    assert target.read_text() == line("a") + line("b")
    assert not partial_path(target).exists()
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_interrupted_run_leaves_previous_output_untouched(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("previous run\n", encoding="utf-8")
    writer = ResumableWriter(target)
    write_all(writer, ["a", "b"])
    writer.close()  # what Ctrl-C does; kill -9 does not even get this far
    assert target.read_text() == "previous run\n"
    assert partial_path(target).read_text() == line("a") + line("b")


def test_resume_drops_torn_last_line_and_finishes_like_an_uninterrupted_run(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("a") + line("b") + line("c")[:25], encoding="utf-8")
    writer = ResumableWriter(target, resume=True, expect_meta=META)
    assert writer.resumed("a", key("a")) is not None and writer.resumed("b", key("b")) is not None
    assert writer.resumed("c", key("c")) is None
    assert any("torn last line" in note for note in writer.notes)
    write_all(writer, ["c", "d"])
    writer.commit()
    assert target.read_text() == "".join(line(x) for x in "abcd")


def test_resume_keys_on_doc_id_and_sha256(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("a", sha="1" * 64), encoding="utf-8")
    writer = ResumableWriter(target, resume=True)
    assert writer.resumed("a", key("a", "1" * 64)) is not None  # unchanged: kept (must NOT change)
    assert writer.resumed("a", key("a", "2" * 64)) is None  # the file changed since: process it again
    assert writer.resumed("b", key("a", "1" * 64)) is None  # same bytes under another name: its own record
    writer.close()


def test_resume_puts_records_in_input_order_and_drops_stale_ones(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("b") + line("stale") + line("a", errors=["fatal: x"]), encoding="utf-8")
    writer = ResumableWriter(target, resume=True, expect_meta=META)
    assert writer.resumed("a", key("a")).fatal == "fatal: x"
    write_all(writer, ["b", "c"])
    writer.commit()
    assert target.read_text() == line("a", errors=["fatal: x"]) + line("b") + line("c")
    assert any("dropped 1 records" in note for note in writer.notes)


def test_resume_continues_a_finished_output(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text(line("a"), encoding="utf-8")
    writer = ResumableWriter(target, resume=True, expect_meta=META)
    write_all(writer, ["a", "b"])
    writer.commit()
    assert target.read_text() == line("a") + line("b")


def test_resume_refuses_records_of_another_pipeline(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("a", meta={**META, "config_digest": "other"}), encoding="utf-8")
    with pytest.raises(InputError, match=r"out.jsonl.partial:1: --resume: record was made by a different pipeline"):
        ResumableWriter(target, resume=True, expect_meta=META)


def test_run_without_resume_starts_afresh(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("old"), encoding="utf-8")
    writer = ResumableWriter(target)
    assert any("discarded" in note for note in writer.notes)
    write_all(writer, ["a"])
    writer.commit()
    assert target.read_text() == line("a")


def test_two_runs_cannot_write_one_output(tmp_path):
    target = tmp_path / "out.jsonl"
    first = ResumableWriter(target)
    with pytest.raises(InputError, match="another recount run is writing it"):
        ResumableWriter(target)
    first.close()


def test_resume_needs_a_file():
    with pytest.raises(InputError, match="--resume needs an output file"):
        open_writer(None, resume=True)


def test_sync_flushes_and_fsyncs_the_side_file(tmp_path, monkeypatch):
    target = tmp_path / "out.jsonl"
    writer = ResumableWriter(target)
    synced: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(partial_path(target).read_bytes())  # what a reader sees at that moment
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_all(writer, ["a", "b"])
    writer.sync()
    assert synced == [(line("a") + line("b")).encode()]
    writer.close()


# -- JSONL input (SPEC "Input") ---------------------------------------------------

@pytest.mark.parametrize("value,problem", [
    ("2024-03-13", None), ("2024-03", None), ("2024", None),  # must NOT be refused
    ("2023-01-20T16:23", None), ("2023-01-20T16:23+04:00", None), ("2023-01-20T24:00", None),
    ("2024-02-30", "not a calendar date"),
    ("2024-13", "not a calendar date"),
    ("13 March 2024", "not a TIMEX3 date value"),
    ("2024-3-13", "not a TIMEX3 date value"),
    ("2024-03-13T25:00", "not a TIMEX3 date value"),
    (20240313, "must be a string"),
])
def test_check_doc_date(value, problem):
    got = check_doc_date(value)
    assert got is None if problem is None else problem in got


@pytest.mark.parametrize("raw,error", [
    (b'{"id": "a", "text": "x"', "not valid JSON: Expecting ',' delimiter (column 24)"),
    (b'[1, 2]', "not a JSON object (a list)"),
    (b'"text"', "not a JSON object (a str)"),
    (b'{"text": "x"}', 'no "id" key'),
    (b'{"id": "a"}', 'no "text" key'),
    (b'{"id": 7, "text": "x"}', '"id" must be a string, not int'),
    (b'{"id": " ", "text": "x"}', '"id" is empty'),
    (b'{"id": "a", "text": null}', '"text" must be a string, not NoneType'),
    (b'{"id": "a", "text": "x", "url": 5}', '"url" must be a string or null, not int'),
    (b'{"id": "a", "text": "x", "doc_date": "yesterday"}', "\"doc_date\" 'yesterday': not a TIMEX3 date value"),
    (b'{"id": "a", "text": "\\ud800"}', "not valid Unicode"),
    (b'{"id": "a", "text": "caf\xe9"}', "not UTF-8 (byte 0xe9 at column 25)"),
])
def test_bad_jsonl_lines_are_named(raw, error):
    bad = document_from_jsonl_line(raw, "feed.jsonl", 3)
    assert isinstance(bad, BadLine)
    assert str(bad).startswith("feed.jsonl:3: ") and error in str(bad), str(bad)


def test_jsonl_line_becomes_a_document_with_its_metadata():
    raw = ('{"id": "ocha-1", "text": "Caf\u00e9 \u2028 12 killed.\\r\\n", "doc_date": "2024-03-13", '
           '"source": "OCHA", "url": "https://example.org/1", "title": "Flash update", '
           '"lang": "en", "tags": ["a", 1]}\r\n').encode()
    doc = document_from_jsonl_line(raw, "feeds/f.jsonl", 2)
    assert doc.doc_id == "ocha-1" and doc.path == "feeds/f.jsonl" and doc.errors == []
    assert doc.text == "Caf\u00e9 \u2028 12 killed.\r\n"  # the text exactly as given: offsets index into it
    assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    assert doc.meta_doc_date == "2024-03-13"
    assert doc.source_info == {"line": 2, "name": "OCHA", "url": "https://example.org/1", "title": "Flash update",
                               "extra": {"lang": "en", "tags": ["a", 1]}}
    # optional keys left out or null (must NOT be errors)
    bare = document_from_jsonl_line(b'{"id": "b", "text": "x", "source": null}', "f.jsonl", 1)
    assert bare.source_info == {"line": 1, "name": None, "url": None, "title": None, "extra": {}}
    assert bare.meta_doc_date is None
    assert document_from_jsonl_line(b'{"id": "e", "text": ""}', "f.jsonl", 1).errors == ["empty document (0 characters)"]


def test_jsonl_file_lines_are_numbered_and_blank_lines_skipped(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "one"}\n\n{"id": "b"}\n  \n{"id": "c", "text": "\xe2\x80\xa8"}')
    items = list(read_jsonl_documents(feed, "f.jsonl"))
    assert [(i.doc_id, i.source_info["line"]) for i in items if not isinstance(i, BadLine)] == [("a", 1), ("c", 5)]
    assert [str(i) for i in items if isinstance(i, BadLine)] == ['f.jsonl:3: no "text" key; each line needs "id" and "text"']
    unreadable = list(read_jsonl_documents(tmp_path / "none.jsonl", "none.jsonl"))
    assert len(unreadable) == 1 and str(unreadable[0]).startswith("none.jsonl: cannot read file")


def test_resume_key_covers_the_whole_source_and_the_metadata_date():
    doc = document_from_jsonl_line(b'{"id": "a", "text": "x", "doc_date": "2024-03-13", "k": 1}', "f.jsonl", 4)
    record = {"doc_id": "a", "source": {"path": "f.jsonl", "sha256": doc.sha256, **doc.source_info},
              "doc_date": {"value": "2024-03-13", "start": None, "end": None, "from": "metadata"}}
    assert record_key(record) == document_key(doc)  # must NOT change
    for change in ({"line": 5}, {"extra": {"k": 2}}, {"title": "t"}):
        assert record_key({**record, "source": {**record["source"], **change}}) != document_key(doc)
    assert record_key({**record, "doc_date": {**record["doc_date"], "value": "2024-03-14"}}) != document_key(doc)


def test_directory_jsonl_that_holds_records_is_skipped_with_a_note(tmp_path):
    (tmp_path / "feed.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    (tmp_path / "out.jsonl").write_text(line("a").replace('{"doc_id"', '{"schema_version": "2", "doc_id"'),
                                        encoding="utf-8")
    notes: list[str] = []
    assert collect_inputs([str(tmp_path)], notes) == [str(tmp_path / "feed.jsonl")]
    assert notes == [f"skipped {tmp_path / 'out.jsonl'}: it holds Recount records, not input documents"]
    # named explicitly, it is read (and its lines reported as bad input)
    assert collect_inputs([str(tmp_path / "out.jsonl")]) == [str(tmp_path / "out.jsonl")]


# -- shards and merge -----------------------------------------------------------------

@pytest.mark.parametrize("spec,expected", [
    ("0/1", (0, 1)), ("3/4", (3, 4)), (" 1 / 2 ", (1, 2)),  # must NOT be refused
    ("4/4", None), ("1/0", None), ("-1/2", None), ("1", None), ("a/b", None),
])
def test_parse_shard(spec, expected):
    from pipeline.io import parse_shard

    if expected is None:
        with pytest.raises(InputError, match="give I/N"):
            parse_shard(spec)
    else:
        assert parse_shard(spec) == expected


def test_shard_of_is_a_stable_hash_of_the_doc_id():
    from pipeline.io import shard_of

    # sha256("000_40537841ef9f777f")[:8] big-endian mod N: the same on every machine and run
    digest = int.from_bytes(hashlib.sha256(b"000_40537841ef9f777f").digest()[:8], "big")
    assert [shard_of("000_40537841ef9f777f", n) for n in (1, 2, 3, 7)] == [digest % n for n in (1, 2, 3, 7)]
    counts = [0, 0, 0, 0]
    for i in range(400):
        counts[shard_of(f"doc-{i}", 4)] += 1
    assert min(counts) > 60  # spread over every shard


def record_line(doc_id: str, path: str, line_no=None, meta=META) -> str:
    obj = {"schema_version": "2", "doc_id": doc_id, "source": {"path": path, "sha256": "0" * 64, "line": line_no},
           "errors": [], "meta": {**meta, "provenance": {}}}
    return json.dumps(obj) + "\n"


def test_merge_puts_records_in_input_order(tmp_path):
    from pipeline.io import merge_outputs

    a = record_line("x", "a.jsonl", 1) + record_line("z", "a.jsonl", 7) + record_line("c", "c.txt")
    b = record_line("y", "a.jsonl", 3) + record_line("b", "b.txt") + record_line("b~2", "b.txt")
    (tmp_path / "p0").write_text(a, encoding="utf-8")
    (tmp_path / "p1").write_text(b, encoding="utf-8")
    (tmp_path / "empty").write_text("", encoding="utf-8")  # a shard with no documents
    out = tmp_path / "out.jsonl"
    assert merge_outputs([tmp_path / "p1", tmp_path / "empty", tmp_path / "p0"], out) == 6
    assert [json.loads(x)["doc_id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["x", "y", "z", "b", "b~2", "c"]


@pytest.mark.parametrize("second,error", [
    (record_line("x", "b.txt"), "doc_id 'x' is also in"),
    (record_line("y", "b.txt", meta={**META, "config_digest": "other"}), "made by a different pipeline"),
    (record_line("y", "c.txt") + record_line("w", "b.txt"), "not in input order"),
    (record_line("y", "b.txt")[:-5], "torn last line"),
    ('{"no": "record"}\n', "not a Recount record"),
])
def test_merge_refuses_parts_that_do_not_fit(tmp_path, second, error):
    from pipeline.io import merge_outputs

    (tmp_path / "p0").write_text(record_line("x", "a.txt"), encoding="utf-8")
    (tmp_path / "p1").write_text(second, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match=error):
        merge_outputs([tmp_path / "p0", tmp_path / "p1"], out)
    assert not out.exists() and list(tmp_path.glob(".out.jsonl.*")) == []  # nothing half-written


def test_merge_refuses_an_unfinished_shard(tmp_path):
    from pipeline.io import merge_outputs

    (tmp_path / "p0").write_text(record_line("x", "a.txt"), encoding="utf-8")
    (tmp_path / "p0.partial").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="p0.partial exists: that shard's run did not finish"):
        merge_outputs([tmp_path / "p0"], tmp_path / "out.jsonl")
