"""Parse stage: the one place spaCy runs (tokens, sentences, dependencies, NER).

It parses the normalised copy, forces a sentence start after every hard line
break the normaliser kept, and adds a span_ruler fed from the gazetteer in
configs/, whose matches the entities stage weighs against the model's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..document import Document
from ..errors import ConfigError
from ..lexicon import read_jsonl

_MODELS: dict[tuple, object] = {}
GAZETTEER_KEY = "gazetteer"


def _hard_breaks_factory():
    from spacy.language import Language

    if "recount_hard_breaks" not in Language.factories:

        @Language.component("recount_hard_breaks")
        def hard_breaks(doc):
            """A token after a hard line break (a "\\n" token) starts a sentence."""
            for token in doc[:-1]:
                if "\n" in token.text:
                    doc[token.i + 1].is_sent_start = True
            return doc


def load_model(model: str, entity_patterns: Optional[str]) -> object:
    """Load (once per process) the configured model with Recount's components."""
    key = (model, entity_patterns)
    if key in _MODELS:
        return _MODELS[key]
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(f"spaCy model {model!r} is not installed ({exc})") from None
    _hard_breaks_factory()
    nlp.add_pipe("recount_hard_breaks", before="parser")
    if entity_patterns:
        # Gazetteer matches go to doc.spans["gazetteer"]; the entities stage merges
        # them with the model's entities (longest name wins, SPEC).
        ruler = nlp.add_pipe("span_ruler", config={"spans_key": GAZETTEER_KEY, "annotate_ents": False})
        ruler.add_patterns(read_jsonl(entity_patterns))
    nlp.max_length = 2_000_000
    _MODELS[key] = nlp
    return nlp


class ParseStage:
    name = "parse"
    requires = ("textmap",)
    assigns = ("parsed",)

    def __init__(self, model: str, batch_size: int = 16, entity_patterns: Optional[Path] = None):
        self.model_name = model
        self.batch_size = batch_size
        self.entity_patterns = str(entity_patterns) if entity_patterns else None
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_model(self.model_name, self.entity_patterns)
        return self._nlp

    def model_info(self) -> dict:
        meta = self.nlp.meta
        return {"name": f"{meta.get('lang')}_{meta.get('name')}", "version": meta.get("version")}

    def __call__(self, doc: Document) -> Document:
        doc.parsed = self.nlp(doc.textmap.text)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        todo = [d for d in docs if d.textmap is not None]
        for doc, parsed in zip(todo, self.nlp.pipe((d.textmap.text for d in todo), batch_size=self.batch_size)):
            doc.parsed = parsed
        return iter(docs)
