"""Library functions behind the CLI: each takes plain arguments and returns data.

The batch run itself (reading, batches, workers, writing, the summary) is
``runner.run_corpus``; reading and writing files is ``io``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from .errors import InputError
from .io import iter_jsonl, load_records  # noqa: F401  (load_records: part of the library API)
from .runner import Interrupted, RunSummary  # noqa: F401  (what run_files raises and returns)


def run_files(inputs: list[str], output: Optional[Path] = None, config_path: Optional[Path] = None,
              progress: Optional[Callable[[int, Optional[int]], None]] = None, workers: int = 1,
              resume: bool = False, shard: Optional[str] = None, dask: Optional[str] = None) -> RunSummary:
    """Run the configured pipeline over the inputs and write one record per document.

    ``inputs``: files (.txt, .jsonl), directories or '-'; ``output``: a JSONL file
    (None: stdout); ``progress(done, total)`` is called after each document
    (``total`` None when JSONL inputs make it unknown). Raises InputError /
    ConfigError before any work, Interrupted on Ctrl-C (records so far kept).
    ``shard`` "I/N": only shard I (0-based) of N. ``dask`` "ADDRESS" or "local[:N]":
    one task per shard on a Dask cluster, merged (adapters/dask_adapter.py).
    See runner.run_corpus.
    """
    from .io import parse_shard
    from .runner import run_corpus

    if dask is not None:
        if shard is not None or workers != 1:
            raise InputError("--dask runs its own shards on the cluster's workers: leave out --shard and --workers")
        from .adapters.dask_adapter import run_on_dask

        return RunSummary(**run_on_dask(inputs, output, config_path, dask, resume=resume))

    return run_corpus(inputs, output, config_path, progress=progress, workers=workers, resume=resume,
                      shard=parse_shard(shard) if shard is not None else None)


def merge_files(parts: list[Path], output: Path) -> int:
    """Join shard outputs into the file one unsharded run writes (io.merge_outputs);
    returns the number of records."""
    from .io import merge_outputs

    return merge_outputs(parts, output)


def convert_file(source: Path, to: str) -> list[dict]:
    """Entities of every line of ``source`` in another tool's format (or back, to='recount')."""
    from . import convert

    exporters = {"prodigy": convert.to_prodigy, "doccano": convert.to_doccano}
    out = []
    for line_no, obj, error in iter_jsonl(source):
        if error:
            raise InputError(f"{source}:{line_no}: {error}")
        try:
            if to in exporters:
                out.append(exporters[to](obj))
            elif to == "recount":
                doc_id = (obj.get("meta") or {}).get("doc_id") or obj.get("doc_id") or f"line{line_no}"
                importer = convert.from_doccano if "label" in obj else convert.from_prodigy
                out.append(importer(obj, doc_id))
            else:
                raise InputError(f"--to {to!r}: choose prodigy, doccano or recount")
        except convert.ConversionError as exc:
            raise InputError(f"{source}:{line_no}: {exc}") from None
    return out
