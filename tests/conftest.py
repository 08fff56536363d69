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
    from pipeline.io import document_from_bytes

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


@pytest.fixture(scope="session")
def batch_corpus(tmp_path_factory) -> Path:
    """40 small documents: the seed inputs, each copied 8 times with a varied first line."""
    folder = tmp_path_factory.mktemp("batch") / "corpus"
    folder.mkdir()
    for i in range(8):
        for source in sorted((ROOT / "inputs").glob("*.txt")):
            text = source.read_text(encoding="utf-8")
            (folder / f"{i:02d}_{source.name}").write_text(f"Reference {i + 1}.\n{text}", encoding="utf-8")
    return folder


class Gate:
    """A copy of the default configuration with tests/gate_stage.py first in the chain.

    ``close()`` before starting a run makes every process of it hold after its
    first document, so a signal always lands while the run is going;
    ``open()`` lets runs (and a held one) through unchanged.
    """

    def __init__(self, folder: Path):
        import re
        import shutil

        configs = folder / "configs"
        shutil.copytree(ROOT / "configs", configs)
        self.open_file = folder / "gate-open"
        text = (configs / "default.toml").read_text(encoding="utf-8")
        text, count = re.subn(r"(?m)^stages = \[", 'stages = ["gate", ', text)
        assert count == 1, "default.toml has no [pipeline] stages line to extend"
        text += (f'\n[plugins.gate]\nfactory = "tests.gate_stage:GateStage"\n'
                 f'options = {{ open_file = {str(self.open_file)!r}, pass_docs = 1 }}\n')
        self.config = configs / "gate.toml"
        self.config.write_text(text, encoding="utf-8")

    def open(self) -> None:
        self.open_file.touch()

    def close(self) -> None:
        self.open_file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def gate(tmp_path_factory) -> Gate:
    gate = Gate(tmp_path_factory.mktemp("gate"))
    gate.open()
    return gate


@pytest.fixture(scope="session")
def batch_reference(batch_corpus, gate, tmp_path_factory) -> bytes:
    """Bytes of an uninterrupted one-worker `recount run` over batch_corpus with the
    gate configuration, gate open (a subprocess)."""
    import subprocess
    import sys

    gate.open()
    out = tmp_path_factory.mktemp("reference") / "records.jsonl"
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(batch_corpus), "-o", str(out),
                           "--config", str(gate.config)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()
