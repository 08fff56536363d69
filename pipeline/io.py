"""Input collection and crash-safe JSON Lines output."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterable

from .errors import InputError


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


class AtomicJsonlWriter:
    """Write lines to a temporary file beside the target; rename it into place on success.

    An interrupted run (Ctrl-C, kill -9) leaves the previous file untouched and
    no truncated line behind; with ``append_from`` the existing records are kept
    (used by --resume).
    """

    def __init__(self, target: Path | None, keep_existing: bool = False):
        self.target = target
        self._handle: IO[str]
        if target is None:
            self._handle = sys.stdout
            self._tmp = None
            return
        if not target.parent.is_dir():
            raise InputError(f"{target}: output directory {target.parent} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self._tmp = Path(tmp)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        if keep_existing and target.exists():
            self._handle.write(target.read_text(encoding="utf-8"))

    def write(self, obj: dict) -> None:
        self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._handle.flush()

    def commit(self) -> None:
        if self._tmp is None:
            self._handle.flush()
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.target)

    def abort(self) -> None:
        if self._tmp is not None:
            self._handle.close()
            self._tmp.unlink(missing_ok=True)
