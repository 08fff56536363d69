"""Readers for the rule resources kept in configs/ (plain word lists and TOML)."""

from __future__ import annotations

import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

M = TypeVar("M")


@lru_cache(maxsize=None)
def read_word_list(path: str | Path) -> tuple[str, ...]:
    """One entry a line, ``#`` comments and blank lines ignored, lower-cased."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(
        line.split("#", 1)[0].strip().lower() for line in lines if line.split("#", 1)[0].strip()
    )


@lru_cache(maxsize=None)
def read_toml(path: str | Path) -> dict:
    """The parsed TOML file at ``path`` (UTF-8), cached per path for the process: every
    caller shares one dict, so do not change it. OSError when the file cannot be read,
    tomllib.TOMLDecodeError / UnicodeDecodeError when it is not UTF-8 TOML."""
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def read_model(path: str | Path, model: type[M]) -> M:
    """Read a TOML resource and validate it against ``model`` (a pydantic model with
    extra="forbid"); a problem is one ConfigError naming the file and each bad key."""
    from pydantic import ValidationError

    from .errors import ConfigError

    try:
        return model(**read_toml(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None


def read_jsonl(path: str | Path) -> list[dict]:
    """The JSON value of each line of a UTF-8 file, in order; blank lines and lines
    starting with ``//`` (comments) are skipped. OSError when the file cannot be read,
    json.JSONDecodeError on a line that is not JSON."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            rows.append(json.loads(line))
    return rows
