"""Attribution stage: who gives each figure (SPEC "part_of and attribution").

A fact's ``attribution`` is ``{"source": span|None, "cue": span|None}`` or None when
the figure is given in the document's own voice. The dependency parse decides:
walking up from the figure, the first reporting verb whose object or complement
clause holds it ("the ministry said 41 were killed", "41 were killed, the UN said",
"police reported 30 people killed", "put the toll at 44") is the cue and its subject
the source; "according to X" / "citing X" on the figure's clause gives cue and
source too. With nothing in its own sentence, a figure takes the reporting clause
of a neighbouring sentence that clearly governs it: a quotation opened after a
reporting verb in the previous sentence ('He said: "41 died. 112 were hurt."'), a
previous sentence ending in a colon after a reporting verb, or a next sentence that
is only a reporting clause ('"41 died." the ministry said.').

Word lists: configs/lexicons/attribution.toml (schema ``AttributionFile``).
Everything below ``AttributionStage`` is a pure function of spaCy tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..document import Document
from ..errors import ConfigError
from ..lexicon import read_toml
from .facts import figure_root

SUBJECTS = {"nsubj", "nsubjpass"}
QUOTES = {'"', "“", "”", "«", "»"}


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CuesTable(_Table):
    verbs: list[str]
    phrases: list[str] = []
    prepositions: list[str] = []
    subject_not: list[str] = []
    phrase_only: list[str] = []


class SourceTable(_Table):
    strip_leading: list[str] = []


class AttributionFile(_Table):
    """configs/lexicons/attribution.toml."""

    cues: CuesTable
    source: SourceTable = SourceTable()


@dataclass(frozen=True)
class AttributionLexicon:
    verbs: frozenset[str]
    phrases: dict[tuple[str, str], frozenset[str]]  # (verb, object) -> prepositions
    prepositions: tuple[tuple[str, ...], ...]  # ("according", "to"), ("citing",)
    subject_not: frozenset[str]
    phrase_only: frozenset[str]
    strip_leading: frozenset[str]


def load_attribution_lexicon(path: str | Path) -> AttributionLexicon:
    """attribution.toml -> AttributionLexicon; ConfigError naming file and key on a bad file."""
    try:
        table = AttributionFile(**read_toml(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
    phrases: dict[tuple[str, str], set[str]] = {}
    for phrase in table.cues.phrases:
        words = phrase.lower().split()
        if len(words) != 3:
            raise ConfigError(f"{path}: cues.phrases: {phrase!r} is not 'verb object preposition'")
        phrases.setdefault((words[0], words[1]), set()).add(words[2])
    low = lambda xs: frozenset(x.strip().lower() for x in xs)  # noqa: E731
    return AttributionLexicon(
        verbs=low(table.cues.verbs),
        phrases={k: frozenset(v) for k, v in phrases.items()},
        prepositions=tuple(tuple(p.lower().split()) for p in table.cues.prepositions),
        subject_not=low(table.cues.subject_not),
        phrase_only=low(table.cues.phrase_only),
        strip_leading=low(table.source.strip_leading),
    )


@dataclass(frozen=True)
class Found:
    """Token ranges (first, last) of the cue and the source, in one parse."""

    cue: tuple
    source: Optional[tuple]


def _lemma(token) -> str:
    return token.lemma_.lower()


def source_tokens(head, lex: AttributionLexicon) -> Optional[tuple]:
    """The phrase naming a source, from its head noun: the head's subtree cut before an
    appositive or relative clause set off by a comma ("Sharif Shakirov, a brother of
    ..." -> "Sharif Shakirov"), without a leading "the" or punctuation."""
    if head is None or head.lower_ in lex.subject_not:
        return None
    doc = head.doc
    start, end = head.left_edge.i, head.right_edge.i
    for child in head.children:
        if child.i > head.i and child.dep_ == "punct" and child.text in ",;(—–":
            end = min(end, child.i - 1)
    while start <= end and (doc[start].is_punct or doc[start].lower_ in lex.strip_leading):
        start += 1
    while end >= start and doc[end].is_punct:
        end -= 1
    return (doc[start], doc[end]) if start <= end else None


def _preposition_cue(token, lex: AttributionLexicon) -> Optional[Found]:
    """"according to X", "citing X" hanging on ``token``."""
    doc = token.doc
    for child in token.children:
        if child.dep_ not in ("prep", "advcl", "pcomp", "advmod", "npadvmod", "conj", "dep"):
            continue
        for words in lex.prepositions:
            last = child.i + len(words) - 1
            if last >= len(doc) or tuple(t.lower_ for t in doc[child.i:last + 1]) != words:
                continue
            tail = doc[last]
            obj = next((c for c in tail.children if c.dep_ in ("pobj", "dobj")), None)
            if obj is None and last != child.i:
                obj = next((c for c in child.children if c.dep_ in ("pobj", "dobj")), None)
            return Found((child, tail), source_tokens(obj, lex))
    return None


def _verb_cue(verb, via, lex: AttributionLexicon) -> Optional[Found]:
    """``verb`` reports the figure reached through its child ``via``: the cue span and
    the source (subject, or the agent of a passive)."""
    lemma = _lemma(verb)
    if verb.pos_ not in ("VERB", "AUX") or lemma not in lex.verbs or via.dep_ in SUBJECTS | {"agent", "csubj"}:
        return None
    cue = (verb, verb)
    for obj in verb.children:
        preps = lex.phrases.get((lemma, _lemma(obj))) if obj.dep_ == "dobj" else None
        if preps:
            prep = next((c for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ in preps
                         and c.i > obj.i), None)
            if prep is not None:
                cue = (verb, prep)
    if cue == (verb, verb) and lemma in lex.phrase_only and via.dep_ not in ("ccomp",):
        return None
    subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
    if subject is not None and subject.dep_ == "nsubjpass":
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    return Found(cue, source_tokens(subject, lex))


def attribution_in_sentence(token, lex: AttributionLexicon, skip: tuple = ()) -> Optional[Found]:
    """Walk from the figure's token up to its sentence's root; the nearest reporting
    verb or "according to" on the way wins. ``skip`` are tokens that cannot be the
    cue (the fact's own trigger: "the agency recorded 17 abductions" has cue
    "recorded", but "recorded" as a trigger of its own figure would not)."""
    node, via = token, None
    while True:
        if via is not None and node not in skip:
            found = _verb_cue(node, via, lex)
            if found:
                return found
        found = _preposition_cue(node, lex)
        if found:
            return found
        if node.head.i == node.i:
            return None
        node, via = node.head, node


def reporting_root(sent, lex: AttributionLexicon) -> Optional[Found]:
    """A sentence whose root is a reporting verb with a subject: its cue and source."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or _lemma(root) not in lex.verbs or _lemma(root) in lex.phrase_only:
        return None
    subject = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    if subject is None:
        return None
    return Found((root, root), source_tokens(subject, lex))


def bare_reporting_clause(sent, lex: AttributionLexicon) -> Optional[Found]:
    """'the ministry said.', 'police said on Tuesday.': a reporting root with nothing
    reported in its own sentence (no clause, no object)."""
    found = reporting_root(sent, lex)
    if found is None:
        return None
    if any(c.dep_ in ("ccomp", "dobj", "xcomp", "attr") for c in sent.root.children):
        return None
    return found


def opens_quote(sent, lex: AttributionLexicon) -> Optional[Found]:
    """A sentence that ends inside a quotation opened after its reporting verb, or ends
    in a colon after it ('The ministry said:', 'He told reporters: "41 died.')."""
    found = reporting_root(sent, lex)
    if found is None:
        return None
    tail = [t for t in sent if t.i > sent.root.i]
    quotes = sum(1 for t in tail if t.text in QUOTES)
    last = next((t for t in reversed(tail) if not t.is_space), None)
    if quotes % 2 == 1 or (last is not None and last.text == ":"):
        return found
    return None


def inside_quote(sent) -> bool:
    """Whether a sentence is the continuation of a quotation: it has an odd number of
    quote marks, closing one, or none and ends where the quotation goes on."""
    marks = [t for t in sent if t.text in QUOTES]
    return len(marks) % 2 == 1 and (marks[0].text in ('"', "”", "»"))


class AttributionStage:
    name = "attribution"
    requires = ("parsed", "facts")
    assigns = ("attribution",)

    def __init__(self, cues: Path):
        self.cues = cues
        self.lexicon = load_attribution_lexicon(cues)

    def _span(self, doc: Document, pair) -> Optional[dict]:
        if pair is None:
            return None
        first, last = pair
        start, end = doc.from_normalised(first.idx, last.idx + len(last.text))
        return doc.span(start, end)

    def __call__(self, doc: Document) -> Document:
        lex = self.lexicon
        sents = list(doc.parsed.sents)
        index = {s.start: k for k, s in enumerate(sents)}
        provenance = []
        for fact in doc.facts:
            s, e = doc.textmap.span_to_normalised(fact["number"]["start"], fact["number"]["end"])
            span = doc.parsed.char_span(s, e, alignment_mode="expand")
            if span is None or not len(span):
                continue
            token = figure_root(span)
            trig = fact.get("trigger")
            skip = ()
            if trig:
                ts, te = doc.textmap.span_to_normalised(trig["start"], trig["end"])
                tspan = doc.parsed.char_span(ts, te, alignment_mode="expand")
                skip = tuple(tspan) if tspan is not None else ()
            found, rule = attribution_in_sentence(token, lex, skip), "sentence"
            k = index.get(token.sent.start, 0)
            if found is None and k > 0 and inside_quote(sents[k]) or found is None and k > 0 and not any(
                    t.text in QUOTES for t in sents[k]) and _colon_end(sents[k - 1]):
                found, rule = opens_quote(sents[k - 1], lex), "previous sentence"
            if found is None and k + 1 < len(sents):
                found, rule = bare_reporting_clause(sents[k + 1], lex), "next sentence"
            if found is None:
                continue
            fact["attribution"] = {"source": self._span(doc, found.source), "cue": self._span(doc, found.cue)}
            provenance.append({"start": fact["number"]["start"], "end": fact["number"]["end"], "rule": rule})
        doc.provenance["attribution"] = provenance
        return doc


def _colon_end(sent) -> bool:
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is not None and last.text == ":"
