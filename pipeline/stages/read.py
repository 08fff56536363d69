"""Read: bytes -> Document (UTF-8, BOM dropped, sha256 of the bytes, doc_id = stem).

Undecodable input is not fatal for the batch: the document gets an error and
an empty text, so its record still appears in the output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import Document

BOMS = (("\ufeff", "utf-8"),)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode as SPEC says (UTF-8, leading BOM dropped); errors are returned, not raised."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["input is UTF-16 with BOM; decoded as UTF-16"]
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        return "", ["fatal: input looks binary (NUL bytes); not processed"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", [f"fatal: line {line}: not UTF-8 ({exc.reason} at byte {exc.start}); not processed"]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


def document_from_bytes(data: bytes, path: str, doc_id: str | None = None) -> Document:
    text, errors = decode(data)
    if not errors and not text.strip():
        errors.append("empty document (no text)")
    return Document(
        doc_id=doc_id or Path(path).stem,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        errors=errors,
    )


def read_document(path: Path, display_path: str | None = None) -> Document:
    """Read one file; an unreadable file yields a document with a fatal error."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        doc = document_from_bytes(b"", shown)
        doc.errors = [f"fatal: cannot read file: {exc.strerror or exc}"]
        return doc
    return document_from_bytes(data, shown)
