"""Input collection and crash-safe, resumable JSON Lines output.

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

import json
import os
import shutil
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Optional

from .errors import InputError

PARTIAL_SUFFIX = ".partial"


def collect_inputs(inputs: Iterable[str]) -> list[str]:
    """Expand files, directories (their *.txt, sorted) and '-' (stdin) into a list."""
    out: list[str] = []
    for raw in inputs:
        if raw == "-":
            out.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            out += [str(p) for p in sorted(path.glob("*.txt"))]
        elif path.exists():
            out.append(str(path))
        else:
            raise InputError(f"{raw}: no such file or directory")
    if not out:
        raise InputError(f"no input documents in {' '.join(inputs) or '(nothing given)'}")
    return out


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
    return target.with_name(target.name + PARTIAL_SUFFIX)


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

    def resumed(self, doc_id: str, sha256: str) -> Optional[Kept]:
        return None

    def write(self, doc_id: str, sha256: str, line: str) -> None:
        self._handle.write(line)
        self._handle.flush()

    def sync(self) -> None:
        self._handle.flush()

    def commit(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        pass


class ResumableWriter:
    """Append complete lines to ``OUT.partial``; rename to ``OUT`` in input order at the end."""

    def __init__(self, target: Path, resume: bool = False, expect_meta: Optional[dict] = None):
        self.target = target
        self.partial = partial_path(target)
        self.notes: list[str] = []
        self._kept: dict[tuple[str, str], Kept] = {}  # records read back by --resume
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
                key = (obj["doc_id"], obj["source"]["sha256"])
            except (ValueError, KeyError, TypeError):
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

    def resumed(self, doc_id: str, sha256: str) -> Optional[Kept]:
        """The existing record of this document, if any (and remember its place)."""
        kept = self._kept.get((doc_id, sha256))
        if kept is not None:
            self._used += 1
            self._offsets.append(kept.offset)
            self._lengths.append(kept.length)
        return kept

    def write(self, doc_id: str, sha256: str, line: str) -> None:
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
    check_output(target, resume)
    if target is None:
        return StreamWriter()
    return ResumableWriter(target, resume, expect_meta)
