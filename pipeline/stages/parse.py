"""Parse stage: the one place spaCy runs (tokens, sentences, dependencies, NER).

It parses the normalised copy, forces a sentence start after every hard line
break the normaliser kept, and adds a span_ruler fed from the gazetteer in
configs/, whose matches the entities stage weighs against the model's. The
model's attribute_ruler and lemmatizer run behind caches that give the same
annotation in less time (pipeline/adapters/spacy_cache.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..adapters.spacy_cache import cache_components
from ..document import Document
from ..errors import ConfigError
from ..lexicon import read_jsonl

_MODELS: dict[tuple, object] = {}
GAZETTEER_KEY = "gazetteer"
PLACES_KEY = "places"


def _hard_breaks_factory():
    from spacy.language import Language

    if "recount_hard_breaks" not in Language.factories:

        @Language.component("recount_hard_breaks")
        def hard_breaks(doc):
            """A token after a hard line break (a "\\n" token) starts a sentence.

            Only white-space tokens can hold a line break (spaCy's tokenizer splits
            every other white space off), so only those are looked at. The starts are
            written as one array (Token.is_sent_start's setter re-checks the whole
            document's annotation on every call)."""
            from spacy.attrs import SENT_START

            last = len(doc) - 1
            starts = [i + 1 for i in doc.to_array("IS_SPACE").nonzero()[0].tolist()
                      if i < last and "\n" in doc[i].text]
            if starts:
                marks = doc.to_array([SENT_START])
                marks[starts] = 1
                doc.from_array([SENT_START], marks)
            return doc


def _places_factory():
    from spacy.language import Language

    if "recount_places" not in Language.factories:

        @Language.factory("recount_places", default_config={"path": ""})
        def make_places(nlp, name, path):
            """Gazetteer places -> doc.spans["places"], label GPE, id ``place:<kind>:<guard>``."""
            from ..gazetteer import PlaceIndex, read_tsv

            index = PlaceIndex(read_tsv(path))

            def places(doc):
                """Set ``doc.spans["places"]`` to the gazetteer's longest, non-overlapping
                names in ``doc`` (PlaceIndex.find over token offsets); returns ``doc``."""
                offsets = [(start, start + length) for start, length in doc.to_array(["IDX", "LENGTH"]).tolist()]
                found = index.find(doc.text, offsets)
                doc.spans[PLACES_KEY] = [_span(doc, i, j, kind, guard) for i, j, _, _, kind, guard in found]
                return doc

            return places


def _span(doc, i: int, j: int, kind: str, guard: str):
    from spacy.tokens import Span

    return Span(doc, i, j, label="GPE", span_id=f"place:{kind}:{guard}")


def load_model(model: str, entity_patterns: Optional[str], places: Optional[str] = None) -> object:
    """Load (once per process) the configured model with Recount's components.

    ``places``: a gazetteer TSV (pipeline/gazetteer.py) whose matches go to
    ``doc.spans["places"]``. Raises ConfigError when the model is not installed.
    """
    key = (model, entity_patterns, places)
    if key in _MODELS:
        return _MODELS[key]
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(f"spaCy model {model!r} is not installed ({exc})") from None
    _hard_breaks_factory()
    nlp.add_pipe("recount_hard_breaks", before="parser")
    cache_components(nlp)
    if entity_patterns:
        # Gazetteer matches go to doc.spans["gazetteer"]; the entities stage merges
        # them with the model's entities (longest name wins, SPEC).
        ruler = nlp.add_pipe("span_ruler", config={"spans_key": GAZETTEER_KEY, "annotate_ents": False})
        ruler.add_patterns(read_jsonl(entity_patterns))
    if places:
        _places_factory()
        nlp.add_pipe("recount_places", config={"path": places})
    _MODELS[key] = nlp
    return nlp


# Longer texts are parsed in pieces of at most this many characters (spaCy's
# max_length is 1,000,000 and its parser needs memory in proportion to a text's length).
CHUNK_CHARS = 100_000
# Preferred cut points, best first: a paragraph break, a line break, a sentence end, any space.
_CUTS = tuple(re.compile(p) for p in (r"\n[^\S\n]*\n\s*", r"\n\s*", r"[.!?][\"”’')\]]*\s+", r"\s+"))


def chunk_bounds(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive pieces of at most ``limit`` chars that join back to it.

    Each cut goes after the white space of the best break in the second half of
    the window, so no token is split (unless a window has no white space at all).
    """
    bounds, start = [], 0
    while len(text) - start > limit:
        window_end, cut = start + limit, None
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(text, start + limit // 2, window_end)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or window_end
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def join_parts(parts: list, text: str):
    """One spaCy Doc from the Docs of consecutive pieces (char offsets into ``text``)."""
    if len(parts) == 1:
        return parts[0]
    from spacy.tokens import Doc

    joined = Doc.from_docs(parts, ensure_whitespace=False)
    if joined.text != text:
        raise ValueError("pieces of a long text did not join back to the text")
    return joined


class ParseStage:
    """Stage ``parse``: reads ``textmap``; writes ``parsed``, a spaCy Doc over
    ``textmap.text`` (a text longer than ``chunk_chars`` characters is parsed in pieces,
    :func:`chunk_bounds`, and joined). A document without a textmap is left unparsed.

    Config ``[parse]``: ``model`` (an installed spaCy pipeline), ``batch_size``
    (documents per nlp.pipe batch), ``entity_patterns`` (span_ruler JSONL, matches in
    ``doc.spans["gazetteer"]``), ``places`` (gazetteer TSV, matches in
    ``doc.spans["places"]``). The model loads on first use: ConfigError when it is not
    installed.
    """

    name = "parse"
    requires = ("textmap",)
    assigns = ("parsed",)

    def __init__(self, model: str, batch_size: int = 16, entity_patterns: Optional[Path] = None,
                 places: Optional[Path] = None, chunk_chars: int = CHUNK_CHARS):
        self.model_name = model
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self.entity_patterns = str(entity_patterns) if entity_patterns else None
        self.places = str(places) if places else None
        self._nlp = None

    @property
    def nlp(self):
        """The spaCy Language with Recount's components, loaded on first access and
        shared per process (:func:`load_model`); ConfigError when the model is not installed."""
        if self._nlp is None:
            self._nlp = load_model(self.model_name, self.entity_patterns, self.places)
        return self._nlp

    def model_info(self) -> dict:
        """{"name": "<lang>_<name>" (e.g. "en_core_web_sm"), "version": the model's version}
        from the model's meta, for the record's ``meta`` (pipeline/emit.py). Loads the
        model if needed (ConfigError when it is not installed)."""
        meta = self.nlp.meta
        return {"name": f"{meta.get('lang')}_{meta.get('name')}", "version": meta.get("version")}

    def __call__(self, doc: Document) -> Document:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Parse a batch with nlp.pipe; a long text piece by piece, joined into one Doc."""
        docs = list(docs)
        limit = min(self.chunk_chars, self.nlp.max_length)
        todo = [d for d in docs if d.textmap is not None and len(d.textmap.text) <= limit]
        for doc, parsed in zip(todo, self.nlp.pipe((d.textmap.text for d in todo), batch_size=self.batch_size)):
            doc.parsed = parsed
        for doc in docs:
            if doc.textmap is not None and len(doc.textmap.text) > limit:
                text = doc.textmap.text
                # One piece at a time: the parser's memory grows with the text in a batch.
                pieces = (text[s:e] for s, e in chunk_bounds(text, limit))
                doc.parsed = join_parts(list(self.nlp.pipe(pieces, batch_size=1)), text)
        return iter(docs)
