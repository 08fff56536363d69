"""Reading bytes: every kind of bad input becomes an error on that document, never a crash."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.io import decode, document_from_bytes, read_document

GOOD = "On 5 May 2001, 12 people were hurt.\n"


@pytest.mark.parametrize("data,text,error", [
    # plain UTF-8: unchanged, no error (must NOT change)
    (GOOD.encode("utf-8"), GOOD, None),
    # a UTF-8 BOM is dropped (SPEC), no error
    (b"\xef\xbb\xbf" + GOOD.encode("utf-8"), GOOD, None),
    # a BOM-like character later in the text is text, kept
    ("a\ufeffb".encode("utf-8"), "a\ufeffb", None),
    # UTF-16 / UTF-32 with BOM: decoded, with a note that is not fatal
    (GOOD.encode("utf-16"), GOOD, "input is UTF-16 with BOM"),
    (b"\xfe\xff" + GOOD.encode("utf-16-be"), GOOD, "input is UTF-16 with BOM"),
    (GOOD.encode("utf-32"), GOOD, "input is UTF-32 with BOM"),
    # UTF-16 without BOM: NULs in every other byte
    (GOOD.encode("utf-16-le"), "", "fatal: input looks like UTF-16 without a byte-order mark"),
    # binary junk named .txt
    (bytes(range(256)) * 4, "", "fatal: input looks binary (NUL byte at byte 0)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "fatal: input looks binary (NUL byte at byte 8)"),
    # Latin-1: fatal, naming line, column and byte
    ("Baku\nCafé 1990\n".encode("latin-1"), "", "fatal: line 2, column 4: not UTF-8 (byte 0xe9 at byte 8"),
    # random bytes without NUL: not UTF-8
    (b"\xff\xfa\x80\x81", "", "fatal: line 1, column 1: not UTF-8"),
])
def test_decode(data, text, error):
    got_text, errors = decode(data)
    assert got_text == text
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0].startswith(error), errors


@pytest.mark.parametrize("data,error", [
    (b"", "empty document (0 bytes)"),
    (b" \n\t\r\n  ", "document has only white space (7 bytes)"),
    (GOOD.encode(), None),
])
def test_empty_documents_are_reported_not_fatal(data, error):
    doc = document_from_bytes(data, "dir/x.txt")
    assert doc.doc_id == "x" and doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.errors == ([error] if error else [])


def test_unreadable_file_is_a_fatal_error_on_that_document(tmp_path):
    folder = tmp_path / "folder.txt"  # a directory matched by *.txt cannot be read as a file
    folder.mkdir()
    doc = read_document(folder)
    assert doc.doc_id == "folder" and doc.text == ""
    assert doc.errors == ["fatal: cannot read file: Is a directory"]


def test_permission_denied_is_named(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("x", encoding="utf-8")

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", deny)
    assert read_document(path).errors == ["fatal: cannot read file: Permission denied"]
