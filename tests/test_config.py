"""Configuration: unknown keys, missing files and broken stage chains are clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.errors import ConfigError, PipelineBuildError
from pipeline.runner import build, check_chain


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(old, new)
    text = text.replace('"lexicons/', f'"{DEFAULT_CONFIG.parent}/lexicons/').replace('"gazetteers/', f'"{DEFAULT_CONFIG.parent}/gazetteers/')
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_loads():
    config = load_config()
    assert config.pipeline.stages[0] == "normalise" and config.parse.model


@pytest.mark.parametrize("path", sorted(p for p in DEFAULT_CONFIG.parent.glob("*.toml") if p.name != "quality_floors.toml"),
                         ids=lambda p: p.name)
def test_every_shipped_pipeline_config_loads(path):
    """configs/dates_only.toml once broke when a key became required in default.toml."""
    config = load_config(path)
    assert config.pipeline.stages and config.parse.model


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match="bogus"):
        load_config(_copy_with(tmp_path, "[dates]", "[dates]\nbogus = 1"))


def test_missing_resource_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="no file"):
        load_config(_copy_with(tmp_path, "lexicons/dates.toml", "lexicons/nope.toml"))


def test_unreadable_config(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_unknown_stage(tmp_path):
    config = load_config(_copy_with(tmp_path, '"normalise", "parse"', '"normalise", "magic", "parse"'))
    with pytest.raises(PipelineBuildError, match="magic"):
        build(config)


class _Stage:
    def __init__(self, name, requires, assigns):
        self.name, self.requires, self.assigns = name, requires, assigns


def test_chain_check_names_every_missing_requirement_at_once():
    stages = [_Stage("a", ("text",), ("x",)), _Stage("b", ("y", "z"), ()), _Stage("c", ("x", "w"), ())]
    with pytest.raises(PipelineBuildError) as err:
        check_chain(stages)
    assert all(f"'{m}'" in str(err.value) for m in ("y", "z", "w"))
    check_chain(stages[:1])  # must NOT raise


def test_digest_changes_when_a_resource_changes(tmp_path):
    import shutil

    shutil.copytree(DEFAULT_CONFIG.parent, tmp_path / "configs")
    first = load_config(tmp_path / "configs" / "default.toml").digest
    with open(tmp_path / "configs" / "lexicons" / "joining_words.txt", "a", encoding="utf-8") as f:
        f.write("amid\n")
    assert load_config(tmp_path / "configs" / "default.toml").digest != first
    assert load_config(DEFAULT_CONFIG).digest == load_config(DEFAULT_CONFIG).digest


@pytest.mark.parametrize("factory,error", [
    ('"tests.gate_stage:GateStage"', None),  # a plugin stage builds (must NOT change)
    ('"tests.gate_stage:NoSuch"', "plugin stage 'extra': cannot load"),
    ('"no_such_module:Stage"', "plugin stage 'extra': cannot load"),
])
def test_plugin_stage_is_built_from_configuration(tmp_path, factory, error):
    text = f'[plugins.extra]\nfactory = {factory}\noptions = {{ open_file = "x" }}\n'
    path = _copy_with(tmp_path, '"normalise", "parse"', '"normalise", "extra", "parse"')
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    config = load_config(path)
    assert config.stage_options("extra") == {"open_file": "x"}
    if error is None:
        assert [s.name for s in build(config)][:3] == ["normalise", "gate", "parse"]
    else:
        with pytest.raises(PipelineBuildError, match=error):
            build(config)


def test_plugin_factory_must_name_module_and_callable(tmp_path):
    path = _copy_with(tmp_path, "[dates]", '[plugins.extra]\nfactory = "not a path"\n\n[dates]')
    with pytest.raises(ConfigError, match="plugins.extra.factory"):
        load_config(path)


def test_installed_package_carries_and_finds_the_default_config(tmp_path):
    """`pip install .` (not editable): configs/ ships as pipeline/_configs and is found from anywhere."""
    import importlib.util
    import subprocess
    import sys
    import zipfile

    setuptools = pytest.importorskip("setuptools")
    if tuple(int(x) for x in setuptools.__version__.split(".")[:2]) < (70, 1) and not importlib.util.find_spec("wheel"):
        pytest.skip("this venv's setuptools cannot build wheels offline (the make venv's, from requirements.lock, can)")
    root = DEFAULT_CONFIG.parent.parent
    src = tmp_path / "src"
    for name in ("pipeline", "configs"):
        shutil.copytree(root / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    str(src), "-w", str(tmp_path / "dist")], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("recount-*.whl"))
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("pipeline/_configs/")}
    expected = {f"pipeline/_configs/{p.relative_to(root / 'configs').as_posix()}"
                for p in (root / "configs").rglob("*") if p.is_file()}
    assert shipped == expected
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import pipeline.config as c; cfg = c.load_config(); "
            "print(c.DEFAULT_CONFIG.relative_to(c.Path(c.__file__).parent), cfg.digest)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target)},
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["_configs/default.toml", load_config().digest]
