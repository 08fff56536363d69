"""Output safety: the target only changes by atomic rename; --resume keeps complete lines only."""

from __future__ import annotations

import json
import os

import pytest

from pipeline.errors import InputError
from pipeline.io import ResumableWriter, check_output, collect_inputs, open_writer, partial_path

META = {"config": "default.toml", "config_digest": "abc", "pipeline_version": "0.1.0"}


def line(doc_id: str, sha: str | None = None, errors=(), meta=META) -> str:
    obj = {"doc_id": doc_id, "source": {"path": f"{doc_id}.txt", "sha256": sha or doc_id * 4},
           "errors": list(errors), "meta": {**meta, "provenance": {}}}
    return json.dumps(obj) + "\n"


def write_all(writer: ResumableWriter, ids: list[str]) -> None:
    for doc_id in ids:
        if writer.resumed(doc_id, doc_id * 4) is None:
            writer.write(doc_id, doc_id * 4, line(doc_id))


def test_collect_inputs_sorted_txt_and_missing(tmp_path):
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert collect_inputs([str(tmp_path)]) == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
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
    assert writer.resumed("a", "a" * 4) is not None and writer.resumed("b", "b" * 4) is not None
    assert writer.resumed("c", "c" * 4) is None
    assert any("torn last line" in note for note in writer.notes)
    write_all(writer, ["c", "d"])
    writer.commit()
    assert target.read_text() == "".join(line(x) for x in "abcd")


def test_resume_keys_on_doc_id_and_sha256(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("a", sha="1" * 64), encoding="utf-8")
    writer = ResumableWriter(target, resume=True)
    assert writer.resumed("a", "2" * 64) is None  # the file changed since: process it again
    assert writer.resumed("b", "1" * 64) is None  # same bytes under another name: its own record
    writer.close()


def test_resume_puts_records_in_input_order_and_drops_stale_ones(tmp_path):
    target = tmp_path / "out.jsonl"
    partial_path(target).write_text(line("b") + line("stale") + line("a", errors=["fatal: x"]), encoding="utf-8")
    writer = ResumableWriter(target, resume=True, expect_meta=META)
    assert writer.resumed("a", "a" * 4).fatal == "fatal: x"
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
