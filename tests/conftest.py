"""Shared fixtures. Model-loading fixtures are session-scoped: the model loads once."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def config():
    from pipeline.config import load_config

    return load_config()


@pytest.fixture(scope="session")
def stages(config):
    from pipeline.runner import build

    return build(config)


@pytest.fixture(scope="session")
def process(stages):
    """Run the default pipeline over one text; returns the Document."""
    from pipeline.runner import run
    from pipeline.stages.read import document_from_bytes

    def _process(text: str, doc_id: str = "t"):
        doc = document_from_bytes(text.encode("utf-8"), f"{doc_id}.txt")
        return next(iter(run(stages, [doc])))

    return _process


@pytest.fixture(scope="session")
def seed_records(tmp_path_factory):
    """The pipeline's records for inputs/ (run once per session)."""
    from pipeline.api import load_records, run_files

    out = tmp_path_factory.mktemp("seeds") / "records.jsonl"
    run_files([str(ROOT / "inputs")], out)
    return out, load_records(out)


@pytest.fixture(scope="session")
def dev_records(tmp_path_factory):
    from pipeline.api import load_records, run_files

    out = tmp_path_factory.mktemp("dev") / "records.jsonl"
    run_files([str(ROOT / "tests" / "dev_inputs")], out)
    return out, load_records(out)
