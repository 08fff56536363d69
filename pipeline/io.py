"""Reading documents (files, JSONL lines, stdin) and crash-safe, resumable JSON Lines output.

Reading bytes (``decode``): bad input never stops the batch: the document gets
an error and (if the text cannot be trusted) an empty text, so its record still
appears in the output. Decisions, in the order they are checked:

* UTF-16/UTF-32 with a byte-order mark: decoded, with a (non-fatal) note.
* NUL bytes: UTF-16 without a BOM (NULs in every other byte) or binary; fatal.
* Not UTF-8 (e.g. Latin-1 or Windows-1252 from older tools): fatal, naming the
  line and the byte. Guessing a legacy encoding would silently change the text
  that gold offsets point into (SPEC: offsets are into the UTF-8 decoding).
* Empty or white space only: not fatal (an empty record is the right answer),
  but reported.
* Unreadable file (permission, a directory named *.txt): fatal.

Inputs (SPEC "Input"): a ``.txt`` file is one document; a ``.jsonl`` file holds
one document per line (``id``, ``text``, optional ``doc_date``, ``source``,
``url``, ``title``; other keys go unchanged to the record's ``source.extra``).
A line that is not such a document is a ``BadLine`` (``FILE:LINE: message``):
reported, and the batch goes on. Output order is the order of the sorted input
paths, then line order inside a ``.jsonl`` file, whatever order the arguments
came in: sharded runs merge back into the same bytes (``merge_outputs``).

How output survives interruption (``recount run -o OUT``):

* Records go, one complete line at a time (write + flush), to the side file
  ``OUT.partial``; ``OUT`` itself only ever changes by an atomic rename when
  the whole batch is done. So Ctrl-C, ``kill -9`` or the OOM killer never leave
  a truncated or half-written ``OUT``: it is either the previous file or the
  complete new one.
* Flushed lines are in the kernel, so they survive the death of the process;
  after every batch the side file is also ``fsync``ed, so a power cut or a
  crash of the machine loses at most the batch being written.
* ``--resume`` reads back only the complete, parseable lines of ``OUT.partial``
  (or, if there is none, of a finished ``OUT``), cuts off a torn last line, and
  skips every input whose (doc_id, sha256) already has a record there; records
  made by a different configuration or model are refused, not mixed in.
* At the end the records are put in input order (a plain rename when they
  already are, which is the case after kill + resume of the same inputs), and
  records of files no longer among the inputs are dropped, so the final file
  equals the one an uninterrupted run writes, byte for byte.
* A run without ``--resume`` starts ``OUT.partial`` afresh. Two runs writing the
  same ``OUT`` at once are refused (a lock on the side file).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from .document import Document
from .errors import InputError

PARTIAL_SUFFIX = ".partial"
INPUT_SUFFIXES = (".txt", ".jsonl")


def looks_like_records(path: Path) -> bool:
    """Whether a .jsonl file holds Recount records (output) rather than input documents:
    its first line is an object with ``schema_version`` and ``doc_id`` and no ``id``."""
    try:
        with path.open("rb") as handle:
            first = json.loads(handle.readline() or b"null")
    except (OSError, ValueError):
        return False
    return isinstance(first, dict) and "schema_version" in first and "doc_id" in first and "id" not in first


def collect_inputs(inputs: Iterable[str], notes: Optional[list[str]] = None) -> list[str]:
    """Expand files, directories (their *.txt and *.jsonl) and '-' (stdin) into one
    list sorted by path (code point order of the path strings; '-' first).

    The sort makes the output order independent of argument and shell-glob order;
    ``merge_outputs`` relies on it. A directory's .jsonl files that hold Recount
    records (an earlier output) are left out, with a line in ``notes``. Raises
    InputError for a missing path or no input.
    """
    out: list[str] = []
    for raw in inputs:
        if raw == "-":
            out.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            for p in path.iterdir():
                if p.suffix not in INPUT_SUFFIXES:
                    continue
                if p.suffix == ".jsonl" and looks_like_records(p):
                    if notes is not None:
                        notes.append(f"skipped {p}: it holds Recount records, not input documents")
                    continue
                out.append(str(p))
        elif path.exists():
            out.append(str(path))
        else:
            raise InputError(f"{raw}: no such file or directory")
    if not out:
        raise InputError(f"no input documents in {' '.join(inputs) or '(nothing given)'}")
    return sorted(out)


def is_jsonl(source: str) -> bool:
    """Whether an input path (as collect_inputs gives it) is read as JSON Lines, one
    document per line (a ``.jsonl`` name); ``-`` (stdin) is one plain-text document."""
    return source != "-" and source.endswith(".jsonl")


# -- shards ----------------------------------------------------------------------

def parse_shard(spec: str) -> tuple[int, int]:
    """``"I/N"`` -> (I, N): shard I (0-based) of N; InputError when malformed."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if not match or not 0 <= int(match[1]) < int(match[2]):
        raise InputError(f"--shard {spec!r}: give I/N with 0 <= I < N, e.g. 0/4 ... 3/4")
    return int(match[1]), int(match[2])


def shard_of(doc_id: str, count: int) -> int:
    """The shard (0 ... count-1) a document belongs to: the first 8 bytes of the
    sha256 of its doc_id (UTF-8, as read: file stem or JSONL id), big-endian, modulo
    ``count``. Independent of file order, machine and Python's hash seed."""
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") % count


def in_shard(item: "Union[Document, BadLine]", shard: tuple[int, int]) -> bool:
    """Whether ``item`` is processed by ``shard`` = (I, N); a bad line with no usable id
    belongs to shard 0, so it is reported exactly once over all shards."""
    doc_id = item.doc_id
    index, count = shard
    return (shard_of(doc_id, count) if doc_id else 0) == index


# -- JSONL documents -----------------------------------------------------------

# Keys SPEC "Input" defines; every other key of a line goes to source.extra unchanged.
JSONL_KEYS = ("id", "text", "doc_date", "source", "url", "title")
# A document date as a TIMEX3 date value (SPEC "Input": "a TIMEX3 date value such as
# 2024-03-13"): a year, year-month, or day, optionally with a clock time and offset.
_DOC_DATE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?|T24:00)?)?)?"
)


@dataclass(frozen=True)
class BadLine:
    """A JSONL input line (or file) that is not a document: ``FILE:LINE: message``.

    ``doc_id`` is the line's id when it had a usable one (a sharded run reports the
    line in that id's shard; without one, in shard 0).
    """

    path: str
    line: Optional[int]
    message: str
    doc_id: Optional[str] = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def check_doc_date(value: object) -> Optional[str]:
    """Why ``value`` is not a TIMEX3 date value for ``doc_date``, or None if it is one.

    Accepts YYYY, YYYY-MM, YYYY-MM-DD, and a day with a clock time
    (``THH:MM[:SS]``, optional ``Z`` or ``+HH:MM`` offset, or ``T24:00``); the
    day must exist in the calendar.
    """
    if not isinstance(value, str):
        return f'"doc_date" must be a string such as "2024-03-13", not {type(value).__name__}'
    match = _DOC_DATE.fullmatch(value)
    problem = None if match else "not a TIMEX3 date value (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
    if match and match["month"]:
        try:
            datetime.date(int(match["year"]), int(match["month"]), int(match["day"] or 1))
        except ValueError as exc:
            problem = f"not a calendar date ({exc})"
    return f'"doc_date" {value!r}: {problem}' if problem else None


def _line_problem(obj: object) -> Optional[str]:
    """Why a parsed JSONL line is not a document (SPEC "Input"), or None."""
    if not isinstance(obj, dict):
        return f"not a JSON object (a {type(obj).__name__}); each line must be one document"
    for key in ("id", "text"):
        if key not in obj:
            return f'no "{key}" key; each line needs "id" and "text"'
        if not isinstance(obj[key], str):
            return f'"{key}" must be a string, not {type(obj[key]).__name__}'
    if not obj["id"].strip():
        return '"id" is empty'
    for key in ("source", "url", "title"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f'"{key}" must be a string or null, not {type(obj[key]).__name__}'
    if obj.get("doc_date") is not None and check_doc_date(obj["doc_date"]):
        return check_doc_date(obj["doc_date"])
    try:  # a lone surrogate ("\ud800") parses but cannot be written as UTF-8
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"holds a character that is not valid Unicode ({exc.reason})"
    return None


def document_from_jsonl_line(raw: bytes, path: str, line_no: int) -> Union[Document, BadLine, None]:
    """One JSONL input line -> Document, BadLine, or None for a blank line.

    The Document's ``sha256`` is the hash of the UTF-8 bytes of its ``text`` (not
    of the line), ``path`` the .jsonl path and ``source_info`` carries the line
    number, ``source`` (as ``name``), ``url``, ``title`` and the other keys
    (``extra``); ``doc_date`` becomes ``meta_doc_date``.
    """
    if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadLine(path, line_no, f"not UTF-8 (byte 0x{raw[exc.start:exc.start + 1].hex()} at column "
                                      f"{exc.start + 1}); re-save the file as UTF-8")
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadLine(path, line_no, f"not valid JSON: {exc.msg} (column {exc.colno})")
    problem = _line_problem(obj)
    if problem:
        doc_id = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
        return BadLine(path, line_no, problem, doc_id or None)
    text = obj["text"]
    errors = []
    if not text:
        errors.append("empty document (0 characters)")
    elif not text.strip():
        errors.append(f"document has only white space ({len(text)} characters)")
    return Document(
        doc_id=obj["id"], path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text,
        errors=errors, meta_doc_date=obj.get("doc_date"),
        source_info={"line": line_no, "name": obj.get("source"), "url": obj.get("url"),
                     "title": obj.get("title"), "extra": {k: v for k, v in obj.items() if k not in JSONL_KEYS}},
    )


def read_jsonl_documents(path: Path, shown: str) -> Iterator[Union[Document, BadLine]]:
    """Documents of a .jsonl input, one line at a time (the file is never held whole)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield BadLine(shown, None, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        line_no = 0
        while True:
            try:
                raw = handle.readline()
            except OSError as exc:
                yield BadLine(shown, line_no + 1, f"cannot read file: {exc.strerror or exc}")
                return
            if not raw:
                return
            line_no += 1
            item = document_from_jsonl_line(raw, shown, line_no)
            if item is not None:
                yield item


# -- text files -------------------------------------------------------------------

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
    """A Document from one file's bytes: decoded as UTF-8 (a BOM dropped), sha256 of the
    bytes, doc_id the file's stem unless given. Never raises: undecodable, empty or
    white-space-only input becomes an entry in the document's ``errors`` (the
    stages then leave it alone; its record is still written)."""
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


def read_inputs(sources: list[str]) -> Iterator[Union[Document, BadLine]]:
    """Documents (and bad JSONL lines) of ``collect_inputs`` sources, in their order."""
    for source in sources:
        if source == "-":
            yield document_from_bytes(sys.stdin.buffer.read(), "-", doc_id="stdin")
        elif is_jsonl(source):
            yield from read_jsonl_documents(Path(source), source)
        else:
            yield read_document(Path(source), source)


# -- reading records back ----------------------------------------------------------

def iter_jsonl(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, parsed object or None, error or None) for each line of a JSONL
    file of records (validate, evaluate, convert, compare, merge)."""
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                yield line_no, None, "blank line (JSON Lines allows none)"
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield line_no, None, f"bad JSON: {exc.msg} (column {exc.colno})"
                continue
            if not isinstance(obj, dict):
                yield line_no, None, "a line must be a JSON object"
                continue
            yield line_no, obj, None


def load_records(path: Path) -> dict[str, dict]:
    """Records of a JSONL file or of every *.jsonl under a directory, by doc_id;
    InputError ``FILE:LINE: message`` on the first bad line."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError(f"{path}: no JSONL records found")
    records: dict[str, dict] = {}
    for file in files:
        for line_no, obj, error in iter_jsonl(file):
            if error:
                raise InputError(f"{file}:{line_no}: {error}")
            records[obj["doc_id"]] = obj
    return records


# -- output ------------------------------------------------------------------------

def check_output(target: Path | None, resume: bool = False) -> None:
    """Fail before any work when the output cannot be written where asked."""
    if target is None:
        if resume:
            raise InputError("--resume needs an output file (-o FILE); stdout cannot be resumed")
        return
    if not target.parent.is_dir():
        raise InputError(f"{target}: output directory {target.parent} does not exist")
    if target.is_dir():
        raise InputError(f"{target}: is a directory, not an output file")
    if not os.access(target.parent, os.W_OK):
        raise InputError(f"{target}: output directory {target.parent} is not writable")


def partial_path(target: Path) -> Path:
    """The side file complete records go to before ``target`` is renamed into place
    (``OUT.partial``, next to ``OUT``)."""
    return target.with_name(target.name + PARTIAL_SUFFIX)


SOURCE_DEFAULTS = {"line": None, "name": None, "url": None, "title": None, "extra": {}}


def resume_key(source: dict, meta_doc_date: Optional[str]) -> str:
    """What must be equal for a kept record to stand for a document (``--resume``).

    ``source`` is the record's ``source`` (path, sha256 of the file or of a JSONL
    line's text, line, name, url, title, extra) and ``meta_doc_date`` the
    metadata date: a record is reused only when all of them are unchanged, so
    the resumed file is the one an uninterrupted run writes.
    """
    return json.dumps([{**SOURCE_DEFAULTS, **source}, meta_doc_date], sort_keys=True, ensure_ascii=False)


def document_key(doc: Document) -> str:
    """``resume_key`` of a document about to be processed."""
    return resume_key({"path": doc.path, "sha256": doc.sha256, **doc.source_info}, doc.meta_doc_date)


def record_key(obj: dict) -> str:
    """``resume_key`` of a record read back from an output file."""
    doc_date = obj.get("doc_date") or {}
    meta_date = doc_date.get("value") if doc_date.get("from") == "metadata" else None
    return resume_key(obj["source"], meta_date)


@dataclass
class Kept:
    """A record already in the side file: where its line is, and its first fatal error."""

    offset: int
    length: int
    fatal: Optional[str] = None


def _fatal(obj: dict) -> Optional[str]:
    return next((e for e in obj.get("errors") or [] if str(e).startswith("fatal:")), None)


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class StreamWriter:
    """Records to stdout, one flushed line each (no side file, nothing to resume)."""

    def __init__(self, handle: IO[str] | None = None):
        self._handle = handle or sys.stdout
        self.notes: list[str] = []

    def resumed(self, doc_id: str, key: str) -> Optional[Kept]:
        """Always None: nothing written to stdout can be resumed."""
        return None

    def write(self, line: str) -> None:
        """Write one record line (ending in "\\n") and flush it."""
        self._handle.write(line)
        self._handle.flush()

    def sync(self) -> None:
        """Flush (stdout has nothing to fsync)."""
        self._handle.flush()

    def commit(self) -> None:
        """Flush at the end of the run."""
        self._handle.flush()

    def close(self) -> None:
        """Nothing to close: stdout belongs to the caller."""


class ResumableWriter:
    """Append complete lines to ``OUT.partial``; rename to ``OUT`` in input order at the end."""

    def __init__(self, target: Path, resume: bool = False, expect_meta: Optional[dict] = None):
        self.target = target
        self.partial = partial_path(target)
        self.notes: list[str] = []
        self._kept: dict[tuple[str, str], Kept] = {}  # (doc_id, resume_key) ->  # records read back by --resume
        self._used = 0  # how many of them are still inputs
        # Where each output record sits in the side file, in input order (16 bytes a record).
        self._offsets, self._lengths = array("q"), array("q")
        existed = self.partial.exists()
        copied = resume and not existed and target.exists()
        if copied:
            shutil.copyfile(target, self.partial)  # a finished output: extend it
            existed = True
        fd = os.open(self.partial, os.O_RDWR | os.O_CREAT, 0o666)
        self._fh = os.fdopen(fd, "r+b")
        self._lock()
        if resume:
            try:
                self._end = self._read_back(expect_meta)
            except InputError:
                if copied:
                    self.partial.unlink(missing_ok=True)
                raise
            source = self.target.name if copied else self.partial.name if existed else "(nothing)"
            self.notes.append(f"resume: {len(self._kept)} records kept from {source}")
        else:
            self._end = 0
            if existed:
                self.notes.append(f"discarded {self.partial} of an earlier interrupted run (use --resume to continue one)")
        self._fh.seek(self._end)
        self._fh.truncate()

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the rename is still atomic
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise InputError(f"{self.target}: another recount run is writing it ({self.partial} is locked)") from None

    def _read_back(self, expect_meta: Optional[dict]) -> int:
        """Index the complete records; return the byte offset after the last good one."""
        good = 0
        self._fh.seek(0)
        for line_no, raw in enumerate(self._fh, 1):
            if not raw.endswith(b"\n"):
                self.notes.append(f"resume: dropped a torn last line ({len(raw)} bytes) of {self.partial.name}")
                break
            try:
                obj = json.loads(raw)
                key = (obj["doc_id"], record_key(obj))
            except (ValueError, KeyError, TypeError, AttributeError):
                self.notes.append(f"resume: {self.partial.name}:{line_no} is not a record; kept only the lines before it")
                break
            if expect_meta is not None:
                meta = {k: v for k, v in (obj.get("meta") or {}).items() if k != "provenance"}
                if meta != expect_meta:
                    self._fh.close()
                    differ = "; ".join(f"{k}: {meta.get(k)!r} there, {expect_meta.get(k)!r} now"
                                       for k in sorted(set(meta) | set(expect_meta)) if meta.get(k) != expect_meta.get(k))
                    raise InputError(f"{self.partial}:{line_no}: --resume: record was made by a different "
                                     f"pipeline ({differ}); run without --resume to start over")
            self._kept[key] = Kept(good, len(raw), _fatal(obj))
            good += len(raw)
        return good

    def resumed(self, doc_id: str, key: str) -> Optional[Kept]:
        """The existing record of this document (``key``: its ``document_key``), if
        any, and remember its place."""
        kept = self._kept.get((doc_id, key))
        if kept is not None:
            self._used += 1
            self._offsets.append(kept.offset)
            self._lengths.append(kept.length)
        return kept

    def write(self, line: str) -> None:
        """Append one complete record line (with its newline)."""
        data = line.encode("utf-8")
        self._fh.write(data)
        self._fh.flush()
        self._offsets.append(self._end)
        self._lengths.append(len(data))
        self._end += len(data)

    def sync(self) -> None:
        """Flush and fsync the side file: every record written so far is on disk."""
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def commit(self) -> None:
        """Make the output final: fsync, then one atomic rename (reordering first if needed)."""
        self._fh.flush()
        position, complete = 0, True
        for offset, length in zip(self._offsets, self._lengths):
            if offset != position:
                complete = False
                break
            position += length
        if complete and position == self._end:
            os.fsync(self._fh.fileno())
            os.replace(self.partial, self.target)
            self._fh.close()
        else:
            stale = len(self._kept) - self._used
            if stale:
                self.notes.append(f"resume: dropped {stale} records of documents that are no longer inputs")
            fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
            try:
                os.fchmod(fd, _umask_mode())
                with os.fdopen(fd, "wb") as out:
                    for offset, length in zip(self._offsets, self._lengths):
                        self._fh.seek(offset)
                        out.write(self._fh.read(length))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._fh.close()
            self.partial.unlink(missing_ok=True)
        _fsync_dir(self.target.parent)

    def close(self) -> None:
        """Stop without finishing: complete lines stay in the side file for --resume."""
        if not self._fh.closed:
            self._fh.flush()
            self._fh.close()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_writer(target: Path | None, resume: bool = False,
                expect_meta: Optional[dict] = None) -> StreamWriter | ResumableWriter:
    """The writer of a run: a StreamWriter for stdout (``target`` None), else a
    ResumableWriter of ``target`` (``resume``: keep the complete records of an earlier
    side file made with ``expect_meta``). Raises InputError when ``target`` cannot be
    written (check_output)."""
    check_output(target, resume)
    if target is None:
        return StreamWriter()
    return ResumableWriter(target, resume, expect_meta)


# -- merging shard outputs ------------------------------------------------------

def output_order_key(record: dict) -> tuple[str, int]:
    """Where a record stands in a run's output: its input path (as given; the
    order of ``collect_inputs``), then its line in a .jsonl input (0 for a file)."""
    source = record.get("source") or {}
    return str(source.get("path")), source.get("line") or 0


def _part_lines(part: Path, index: int) -> Iterator[tuple[tuple, bytes, dict]]:
    """(order key, line, meta) of each record of one shard output, checking order."""
    previous = None
    with part.open("rb") as handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.endswith(b"\n"):
                raise InputError(f"{part}:{line_no}: torn last line: that shard's run did not finish")
            try:
                record = json.loads(raw)
                key = output_order_key(record)
                doc_id = record["doc_id"]
            except (ValueError, KeyError, TypeError, AttributeError):
                raise InputError(f"{part}:{line_no}: not a Recount record") from None
            if previous is not None and key < previous:
                raise InputError(f"{part}:{line_no}: records are not in input order (not a recount run output?)")
            previous = key
            meta = {k: v for k, v in (record.get("meta") or {}).items() if k != "provenance"}
            yield (*key, index, line_no), raw, {"doc_id": doc_id, "meta": meta, "where": f"{part}:{line_no}"}


def merge_outputs(parts: list[Path], target: Path) -> int:
    """Join the outputs of ``recount run --shard I/N`` into ``target``: the records in
    the order one unsharded run writes them (``output_order_key``), so the bytes are
    the same. Streams (k-way merge, memory for one line per part); written to a
    temporary file, fsynced and renamed into place. Returns the record count.

    InputError when a part is missing, unfinished (``PART.partial`` exists or a
    torn line), out of order, made by another configuration/model/version, or
    when two parts hold the same doc_id.
    """
    import heapq

    check_output(target)
    for part in parts:
        if not part.is_file():
            raise InputError(f"{part}: no such shard output")
        if partial_path(part).exists():
            raise InputError(f"{part}: {partial_path(part).name} exists: that shard's run did not finish "
                             "(rerun it with --resume)")
        if part.resolve() == target.resolve():
            raise InputError(f"{target}: is also one of the parts")
    seen: dict[str, str] = {}
    first_meta: Optional[tuple[dict, str]] = None
    count = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _umask_mode())
        with os.fdopen(fd, "wb") as out:
            for _, raw, info in heapq.merge(*(_part_lines(p, i) for i, p in enumerate(parts)), key=lambda t: t[0]):
                if first_meta is None:
                    first_meta = (info["meta"], info["where"])
                elif info["meta"] != first_meta[0]:
                    raise InputError(f"{info['where']}: made by a different pipeline than {first_meta[1]} "
                                     "(configuration, model or version); rerun that shard")
                if info["doc_id"] in seen:
                    raise InputError(f"{info['where']}: doc_id {info['doc_id']!r} is also in {seen[info['doc_id']]} "
                                     "(the same shard twice, or overlapping inputs)")
                seen[info["doc_id"]] = info["where"]
                out.write(raw)
                count += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return count
