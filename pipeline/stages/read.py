"""Read: bytes -> Document (UTF-8, BOM dropped, sha256 of the bytes, doc_id = stem).

Bad input never stops the batch: the document gets an error and (if the text
cannot be trusted) an empty text, so its record still appears in the output.
Decisions, in the order they are checked:

* UTF-16/UTF-32 with a byte-order mark: decoded, with a (non-fatal) note.
* NUL bytes: UTF-16 without a BOM (NULs in every other byte) or binary; fatal.
* Not UTF-8 (e.g. Latin-1 or Windows-1252 from older tools): fatal, naming the
  line and the byte. Guessing a legacy encoding would silently change the text
  that gold offsets point into (SPEC: offsets are into the UTF-8 decoding).
* Empty or white space only: not fatal (an empty record is the right answer),
  but reported.
* Unreadable file (permission, a directory named *.txt): fatal.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import Document

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _looks_utf16(data: bytes) -> bool:
    """NULs in (nearly) every other byte: UTF-16 text of mostly ASCII characters."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return len(sample) >= 4 and max(even, odd) >= 0.4 * (len(sample) // 2) and min(even, odd) == 0


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode as SPEC says (UTF-8, leading BOM dropped); errors are returned, not raised."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), [f"input is {codec.upper()} with BOM; decoded as {codec.upper()}"]
            except UnicodeDecodeError as exc:
                return "", [f"fatal: starts with a {codec.upper()} byte-order mark but is not "
                            f"{codec.upper()} ({exc.reason} at byte {exc.start}); not processed"]
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_utf16(data):
            return "", ["fatal: input looks like UTF-16 without a byte-order mark; "
                        "re-save it as UTF-8; not processed"]
        return "", [f"fatal: input looks binary (NUL byte at byte {nul}); not processed"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start: exc.start + 1].hex()
        return "", [f"fatal: line {line}, column {column}: not UTF-8 (byte 0x{bad} at byte {exc.start}: "
                    f"{exc.reason}; Latin-1/Windows-1252?); re-save the file as UTF-8; not processed"]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


def document_from_bytes(data: bytes, path: str, doc_id: str | None = None) -> Document:
    text, errors = decode(data)
    if not errors and not data:
        errors.append("empty document (0 bytes)")
    elif not errors and not text.strip():
        errors.append(f"document has only white space ({len(data)} bytes)")
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
