"""Domain errors: each becomes one line on stderr and exit code 1 in the CLI."""


class RecountError(Exception):
    """Base of every error the CLI reports as one line instead of a traceback."""


class ConfigError(RecountError):
    """The configuration file is unreadable, has unknown keys or names missing files."""


class InputError(RecountError):
    """An input path cannot be read as a batch of documents."""


class PipelineBuildError(RecountError):
    """Stages are missing layers they require; names every missing one at once."""


class RecordValidationError(RecountError):
    """A JSONL file breaks SPEC; carries every ``FILE:LINE: message`` found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))
