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

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict

from ..document import Document
from ..errors import ConfigError
from ..lexicon import read_model
from .facts import figure_root

SUBJECTS = {"nsubj", "nsubjpass"}
# Relations of a child through which a verb reports nothing (its subject, its agent).
NOT_REPORTED = SUBJECTS | {"agent", "csubj"}
QUOTES = {'"', "“", "”", "«", "»"}


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CuesTable(_Table):
    verbs: list[str]
    phrases: list[str] = []
    prepositions: list[str] = []
    subject_not: list[str] = []
    person_pronouns: list[str] = []  # sources named at the nearest PERSON before them
    phrase_only: list[str] = []
    prep_phrases: list[str] = []  # "speak of": the figure is the preposition's object
    value_objects: list[str] = []  # "gave a toll of", "revised its count to"
    verb_only: list[str] = []  # verbs whose cue is the verb alone even with a value object


class SourceTable(_Table):
    strip_leading: list[str] = []
    own_voice: list[str] = []  # "our report documents ...": the publisher's own figures


class PartsTable(_Table):
    # Words opening a sentence that continues an attributed total's figures
    # ("Among them were 84 ..."): its parts keep the total's attribution.
    openers: list[str] = []


class AttributionFile(_Table):
    """configs/lexicons/attribution.toml."""

    cues: CuesTable
    source: SourceTable = SourceTable()
    parts: PartsTable = PartsTable()


@dataclass(frozen=True)
class AttributionLexicon:
    verbs: frozenset[str]
    phrases: dict[tuple[str, str], frozenset[str]]  # (verb, object) -> prepositions
    prepositions: tuple[tuple[str, ...], ...]  # ("according", "to"), ("citing",)
    subject_not: frozenset[str]
    phrase_only: frozenset[str]
    strip_leading: frozenset[str]
    prep_phrases: frozenset[tuple[str, str]] = frozenset()
    value_objects: frozenset[str] = frozenset()
    verb_only: frozenset[str] = frozenset()
    own_voice: frozenset[str] = frozenset()
    person_pronouns: frozenset[str] = frozenset()
    openers: tuple[str, ...] = ()


def load_attribution_lexicon(path: str | Path) -> AttributionLexicon:
    """attribution.toml -> AttributionLexicon; ConfigError naming file and key on a bad file."""
    table = read_model(path, AttributionFile)
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
        prep_phrases=frozenset(tuple(p.lower().split()[:2]) for p in table.cues.prep_phrases),
        value_objects=low(table.cues.value_objects),
        verb_only=low(table.cues.verb_only),
        own_voice=low(table.source.own_voice),
        person_pronouns=low(table.cues.person_pronouns),
        openers=tuple(w.lower() for w in table.parts.openers),
    )


@dataclass(frozen=True)
class Found:
    """Token ranges (first, last) of the cue and the source, in one parse."""

    cue: tuple
    source: Optional[tuple]


def _lemma(token) -> str:
    return token.lemma_.lower()


def source_tokens(head, lex: AttributionLexicon) -> Optional[tuple]:
    """The phrase naming a source, from its head noun: an appositive name wins over the
    office ("the governor of the region, Pavlo Petrenko" -> "Pavlo Petrenko", "the UN
    office, OCHA" -> "OCHA"; docs/annotation.md); else the head's subtree cut before a
    relative clause or a bracket, without a leading "the"/"a" or punctuation.
    None for a pronoun that names nobody ("it was reported") and for the publisher's
    own voice in the first person ("our investigation", "we").
    """
    if head is None or head.lower_ in lex.subject_not:
        return None
    doc = head.doc
    if head.lower_ in lex.own_voice or any(c.dep_ == "poss" and c.lower_ in lex.own_voice for c in head.children):
        return None
    appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i > head.i
                  and doc[c.left_edge.i - 1].text != "("), None)  # not a bracketed acronym
    if appos is not None:  # "the governor of the region, Pavlo Petrenko" -> the name
        head = appos
    start, end = head.left_edge.i, head.right_edge.i
    for child in head.children:
        if child.i > head.i and child.dep_ in ("relcl", "acl") and child.i - 1 > head.i and doc[child.i - 1].text == ",":
            end = min(end, child.i - 2)
        if child.i > head.i and child.dep_ == "relcl":
            end = min(end, child.left_edge.i - 1)
    bracket = next((t.i for t in doc[start:end + 1] if t.text == "("), None)
    if bracket is not None and bracket > start:
        end = bracket - 1
    while start <= end and (doc[start].is_punct or doc[start].lower_ in lex.strip_leading):
        start += 1
    while end >= start and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    return (doc[start], doc[end]) if start <= end else None


def own_voice(subject, lex: AttributionLexicon) -> bool:
    """"we", "our report", "our researchers": the publisher speaking of itself."""
    if subject is None:
        return False
    # the subtree's tokens up to the subject lie between its left edge and the subject
    i = subject.i
    return any(t.lower_ in lex.own_voice and (t.i == i or subject.is_ancestor(t))
               for t in subject.doc[subject.left_edge.i:i + 1])


def _subject_of(verb, lex: AttributionLexicon):
    """The source of a reporting verb: its subject; for a passive its agent ("were
    confirmed by the ministry") or, when "quoted"/"cited" has none, the one quoted;
    for a verb without a subject ("..., saying ...", "and said that ..."), the subject
    of the verb it hangs on."""
    node = verb
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in SUBJECTS), None)
        if subject is not None and subject.dep_ == "nsubjpass":
            agent = next((c for c in node.children if c.dep_ == "agent"), None)
            if agent is not None:
                return next((c for c in agent.children if c.dep_ == "pobj"), None)
            return subject if _lemma(node) in lex.verbs else None
        if subject is not None:
            return subject
        if node.dep_ in ("conj", "advcl", "xcomp", "pcomp", "ccomp") and node.head.i != node.i:
            node = node.head.head if node.head.pos_ == "ADP" else node.head
        else:
            return None
    return None


def _preposition_cue(token, lex: AttributionLexicon, children: Optional[list] = None) -> Optional[Found]:
    """"according to X", "citing X" hanging on ``token`` (``children``: its children,
    when the caller already has them)."""
    doc = token.doc
    for child in (token.children if children is None else children):
        if child.dep_ not in ("prep", "advcl", "pcomp", "advmod", "npadvmod", "conj", "dep"):
            continue
        first = child.lower_
        for words in lex.prepositions:
            if words[0] != first:  # the phrase's first word is the child itself
                continue
            last = child.i + len(words) - 1
            if last >= len(doc) or (last > child.i and tuple(t.lower_ for t in doc[child.i + 1:last + 1]) != words[1:]):
                continue
            tail = doc[last]
            obj = next((c for c in tail.children if c.dep_ in ("pobj", "dobj")), None)
            if obj is None and last != child.i:
                obj = next((c for c in child.children if c.dep_ in ("pobj", "dobj")), None)
            return Found((child, tail), source_tokens(obj, lex))
    return None


def _verb_cue(verb, via, lex: AttributionLexicon, figure=None, children: Optional[list] = None) -> Optional[Found]:
    """``verb`` reports the figure reached through its child ``via``: the cue span and
    the source. A value phrase makes the cue longer ("put the toll at", "put the number
    [of dead at]", "revised its count"); a reporting verb under another ("quoted as
    saying") joins it. ``children``: the verb's children, when the caller has them."""
    lemma = _lemma(verb)
    if verb.pos_ not in ("VERB", "AUX") or via.dep_ in NOT_REPORTED:
        return None
    if (lemma, via.lower_) in lex.prep_phrases and via.dep_ == "prep":
        return Found((verb, via), source_tokens(_subject_of(verb, lex), lex))  # "spoke of 27 dead"
    if lemma not in lex.verbs:
        return None
    if children is None:
        children = list(verb.children)
    cue = (verb, verb)
    phrase = False
    for obj in children:
        if obj.dep_ != "dobj":
            continue
        preps = lex.phrases.get((lemma, _lemma(obj)))
        prep = next((c for c in children if c.dep_ in ("prep", "dative") and preps and c.lower_ in preps
                     and c.i > obj.i), None)
        of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        holds_figure = of is not None and figure is not None and figure in of.subtree
        if of is not None and holds_figure and _lemma(obj) in lex.value_objects:
            cue, phrase = (verb, of), True  # "gave a toll of 11 dead"
        elif prep is not None:
            cue, phrase = ((verb, obj) if of is not None else (verb, prep)), True  # "put the number" | "put the toll at"
        elif _lemma(obj) in lex.value_objects:
            cue, phrase = ((verb, verb) if lemma in lex.verb_only else (verb, obj)), True
    if not phrase and lemma in lex.phrase_only and (via.dep_ != "ccomp" or any(
            c.dep_ == "dobj" for c in children)):
        return None  # "claimed the lives of 150, 744 others were wounded" reports nothing
    subject = _subject_of(verb, lex)
    if own_voice(subject, lex):
        return None  # "Our report documents ...": the publisher's own figures
    head = verb.head
    if verb.dep_ in ("pcomp", "xcomp", "advcl") and head.pos_ == "ADP" and head.head.i != head.i:
        head = head.head
    if verb.dep_ in ("pcomp", "xcomp", "advcl") and head.i < verb.i and _lemma(head) in lex.verbs \
            and not any(c.dep_ in SUBJECTS and c.dep_ != "nsubjpass" for c in children):
        cue = (head, cue[1])  # "quoted as saying", "was said to have"
        subject = _subject_of(head, lex)
    return Found(cue, source_tokens(subject, lex))


def participle_cue(noun, lex: AttributionLexicon, children: Optional[list] = None) -> Optional[Found]:
    """"the 112 injured counted by the ministry": a reporting participle on the
    figure's noun, with its agent as the source (``children``: the noun's children,
    when the caller has them)."""
    for child in (noun.children if children is None else children):
        if child.dep_ == "acl" and _lemma(child) in lex.verbs:
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            if agent is not None:
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                return Found((child, child), source_tokens(pobj, lex))
    return None


SOURCE_ENTITY_TYPES = ("ORG", "PERSON", "NORP", "GPE")


def names_a_source(tokens) -> bool:
    """Whether a bracket's or caption's words (non-empty) can name a source: one of them
    is in an ORG, PERSON, NORP or GPE entity, or the first is capitalised."""
    return any(t.ent_type_ in SOURCE_ENTITY_TYPES for t in tokens) or tokens[0].is_title


def bracket_source(token, doc_text_end: int, lex: AttributionLexicon, text: Optional[str] = None) -> Optional[Found]:
    """"41 people killed (Ministry of Health)": a bracket right after the figure's
    phrase, on its line, that names an organisation or person is its source (no cue).
    ``text``: the text the parse was made over, when the caller has it; then the
    tokens are read only when a "(" stands in the text the bracket could be in."""
    doc = token.doc
    if text is not None:
        last = doc[min(token.i + 9, len(doc) - 1)]  # the bracket is one of the 9 tokens after the figure
        if "(" not in text[token.idx:last.idx + len(last.text)]:
            return None
    j = token.i + 1
    while j < len(doc) and j - token.i <= 8 and "\n" not in doc[j].text_with_ws and doc[j].text != "(":
        j += 1
    if j >= len(doc) or doc[j].text != "(":
        return None
    k = j + 1
    while k < len(doc) and doc[k].text != ")" and k - j <= 10:
        k += 1
    if k >= len(doc) or doc[k].text != ")" or k == j + 1:
        return None
    if k + 1 < len(doc) and "\n" not in doc[k].text_with_ws + doc[k + 1].text and not doc[k + 1].is_punct:
        return None  # a key-figures line ends with its bracket; "(Mars mira) arrived" is a gloss
    inner = doc[j + 1:k]
    if not names_a_source(inner):
        return None
    return Found(None, (inner[0], inner[-1]))


CAPTION_SOURCE = ("source", "sources")


def caption_source(sent) -> Optional[Found]:
    """A table caption that names its source without a verb: "Figures by province (NDMA,
    27 November)", "Source: Ministry of Health": the bracket's first part, or what follows
    "Source:", up to a comma, bracket, semicolon or line end, when it names an
    organisation or person or is a proper name (no cue)."""
    toks = list(sent)
    for n, t in enumerate(toks):
        if t.lower_ in CAPTION_SOURCE and n + 1 < len(toks) and toks[n + 1].text == ":":
            rest = toks[n + 2:]
        elif t.text == "(":
            rest = toks[n + 1:]
            if rest and rest[0].lower_ in CAPTION_SOURCE:
                rest = rest[2:] if len(rest) > 1 and rest[1].text == ":" else rest[1:]
        else:
            continue
        inner = []
        for x in rest:
            if x.text in (",", ")", ";") or (x.is_space and "\n" in x.text):
                break
            if not x.is_space:
                inner.append(x)
            if "\n" in x.whitespace_:
                break
        if inner and (names_a_source(inner) or inner[0].is_upper):
            return Found(None, (inner[0], inner[-1]))
        return None
    return None


def attribution_in_sentence(token, lex: AttributionLexicon, skip: tuple = (), sent=None) -> Optional[Found]:
    """Walk from the figure's token up to its sentence's root; the nearest reporting
    verb or "according to" on the way wins. ``skip`` are tokens that cannot be the
    cue (the fact's own trigger: "the agency recorded 17 abductions" has cue
    "recorded", but "recorded" as a trigger of its own figure would not). Each node's
    children are read from the parse once; ``sent`` is the token's sentence when the
    caller has it."""
    node, via = token, None
    while True:
        children = list(node.children)
        # "according to X" on a node wins over the node's own reporting verb: "the
        # Commission recorded 96 injured, according to hospital records" (the records).
        found = _preposition_cue(node, lex, children)
        if found:
            return found
        if via is not None and node not in skip:
            found = _verb_cue(node, via, lex, token, children)
            if found:
                return found
        if node.pos_ in ("NOUN", "PROPN", "NUM", "ADJ", "VERB"):
            found = participle_cue(node, lex, children)
            if found:
                return found
        for prep in children:  # "Among the 112 injured counted by the ministry are 19"
            if prep.dep_ == "prep" and prep.i < token.i:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and (found := participle_cue(pobj, lex)):
                        return found
        if node.head.i == node.i:
            return final_reporting_clause(token, lex, sent) or opening_preposition(token, lex, sent)
        node, via = node.head, node


def opening_preposition(token, lex: AttributionLexicon, sent=None) -> Optional[Found]:
    """A sentence that opens with "According to X," (after a paragraph number or bullet)
    attributes the figures after it even when the parser hangs the phrase elsewhere
    ("According to the indictment, confirmed in March 2020, the shells ... killed 41").
    ``sent``: the token's sentence (a Span) when the caller has it."""
    if sent is None:
        sent = token.sent
    first = next((t for t in sent if not (t.is_space or t.is_punct or t.like_num)), None)
    if first is None or first.i >= token.i:
        return None
    doc = token.doc
    for words in lex.prepositions:
        last = first.i + len(words) - 1
        if last >= token.i or tuple(t.lower_ for t in doc[first.i:last + 1]) != words:
            continue
        obj = next((c for c in doc[last].children if c.dep_ in ("pobj", "dobj")), None) \
            or next((c for c in first.children if c.dep_ in ("pobj", "dobj")), None)
        comma = next((t for t in doc[last + 1:token.i] if t.text == ","), None)
        if obj is None or comma is None or obj.i > comma.i:
            return None
        return Found((first, doc[last]), source_tokens(obj, lex))
    return None


def final_reporting_clause(token, lex: AttributionLexicon, sent=None) -> Optional[Found]:
    """'..., killing at least 50 people, including five children, the governor of the
    region said.': a sentence ending in a reporting verb whose parsed subject is the
    figure's own phrase; the source is the words between the last comma and the verb.
    ``sent``: the token's sentence (a Span) when the caller has it."""
    if sent is None:
        sent = token.sent
    root = sent.root
    if root.i < token.i or _lemma(root) not in lex.verbs or _lemma(root) in lex.phrase_only:
        return None
    if any(c.dep_ in ("ccomp", "dobj") and c.i > root.i for c in root.children):
        return None
    comma = next((t.i for t in reversed(sent) if t.i < root.i and t.text == ","), None)
    if comma is None or comma < token.i:
        return None
    doc = token.doc
    start, end = comma + 1, root.i - 1
    while start <= end and (doc[start].lower_ in lex.strip_leading or doc[start].is_punct):
        start += 1
    return Found((root, root), (doc[start], doc[end]) if start <= end else None)


def reporting_root(sent, lex: AttributionLexicon) -> Optional[Found]:
    """A sentence whose root is a reporting verb with a subject: its cue and source."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or _lemma(root) not in lex.verbs or _lemma(root) in lex.phrase_only:
        return None
    subject = _subject_of(root, lex)
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


def has_quote_mark(sent, text: str) -> bool:
    """Whether a token of ``sent`` is a quote mark (one of QUOTES). ``text`` is the text
    the parse was made over: a sentence without any quote character there has no such
    token, so its tokens are read only when one is there."""
    chunk = text[sent.start_char:sent.end_char]
    if not any(q in chunk for q in QUOTES):
        return False
    return any(t.text in QUOTES for t in sent)


def inside_quote(sent) -> bool:
    """Whether a sentence is the continuation of a quotation: it has an odd number of
    quote marks, closing one, or none and ends where the quotation goes on."""
    marks = [t for t in sent if t.text in QUOTES]
    return len(marks) % 2 == 1 and (marks[0].text in ('"', "”", "»"))


def resolve_pronoun(pair, entities: list[tuple[int, int]], lex: AttributionLexicon):
    """A source that is a personal pronoun ("He noted that ...") is named at the nearest
    PERSON entity before it in the three sentences before (docs/annotation.md: pronoun
    sources are labelled at the person's name). ``entities`` are PERSON token ranges
    (start, end) in the parse; returns a token pair."""
    if pair is None or pair[0].i != pair[1].i or pair[0].lower_ not in lex.person_pronouns:
        return pair
    token = pair[0]
    doc = token.doc
    floor = token.sent.start
    for _ in range(3):
        if floor == 0:
            break
        floor = doc[floor - 1].sent.start
    best = None
    for start, end in entities:
        if floor <= start and end <= token.i:
            best = (start, end)
    return (doc[best[0]], doc[best[1] - 1]) if best else pair


def person_name(pair, persons: list[tuple[int, int]]):
    """A source phrase holding a PERSON entity is named by that person alone ("Governor
    Pavlo Petrenko" -> "Pavlo Petrenko"; docs/annotation.md: the name, not the title)."""
    if pair is None:
        return pair
    first, last = pair[0].i, pair[1].i
    inside = [(s, e) for s, e in persons if first <= s and e - 1 <= last and (s == first or e - 1 == last)]
    if not inside:
        return pair
    doc = pair[0].doc
    s, e = inside[0]
    return doc[s], doc[e - 1]


class AttributionStage:
    name = "attribution"
    requires = ("parsed", "facts")
    assigns = ("attribution",)

    def __init__(self, cues: Path):
        self.cues = cues
        self.lexicon = load_attribution_lexicon(cues)
        self.openers = self.lexicon.openers

    def _table_source(self, doc: Document, fact: dict, sents: list) -> Optional[Found]:
        """A figure of a flattened table takes the reporting clause of the sentence that
        introduces the table ("Local authorities registered the following arrivals:")."""
        text = doc.text
        offset = fact["number"]["start"]
        line = text.rfind("\n", 0, offset) + 1
        while line > 0:
            prev = text.rfind("\n", 0, line - 1) + 1
            if "|" not in text[prev:line - 1]:
                break
            line = prev
        if line <= 1:
            return None
        n0, _ = doc.textmap.span_to_normalised(line - 1, line - 1)
        intro = next((s for s in reversed(sents) if s.end_char <= n0 + 1 and s.start_char < n0), None)
        if intro is None:
            return None
        return reporting_root(intro, self.lexicon) or self._any_cue(intro) or caption_source(intro)

    def _any_cue(self, sent) -> Optional[Found]:
        """The first reporting verb of a sentence that has a subject or an agent."""
        for tok in sent:
            if tok.pos_ == "VERB" and _lemma(tok) in self.lexicon.verbs and _lemma(tok) not in self.lexicon.phrase_only:
                source = _subject_of(tok, self.lexicon)
                if source is not None:
                    return Found((tok, tok), source_tokens(source, self.lexicon))
        return None

    def _span(self, doc: Document, pair) -> Optional[dict]:
        if pair is None:
            return None
        first, last = pair
        start, end = doc.from_normalised(first.idx, last.idx + len(last.text))
        return doc.span(start, end)

    def __call__(self, doc: Document) -> Document:
        lex = self.lexicon
        sents = list(doc.parsed.sents)
        starts = [s.start for s in sents]  # sentence k holds tokens starts[k] .. starts[k + 1] - 1
        provenance = []
        rules = {p["start"]: p["rule"] for p in doc.provenance.get("facts", [])}
        text = doc.textmap.text  # the text the parse was made over
        quoted: dict[int, bool] = {}  # sentence index -> whether it has a quote mark
        persons = []
        for ent in doc.entities:  # the entities layer (model + gazetteer, cleaned), as token ranges
            if ent["label"] == "PERSON":
                span = doc.tokens(ent["start"], ent["end"])
                if span is not None:
                    persons.append((span.start, span.end))
        for fact in doc.facts:
            span = doc.tokens(fact["number"]["start"], fact["number"]["end"])
            if span is None:
                continue
            token = figure_root(span)
            trig = fact.get("trigger")
            skip = ()
            if trig:
                tspan = doc.tokens(trig["start"], trig["end"])
                skip = tuple(tspan) if tspan is not None else ()
            k = max(bisect_right(starts, token.i) - 1, 0)
            found, rule = attribution_in_sentence(token, lex, skip, sents[k]), "sentence"
            if found is None and k > 0 and k not in quoted:
                quoted[k] = has_quote_mark(sents[k], text)
            if found is None and k > 0 and (quoted[k] and inside_quote(sents[k])
                                            or not quoted[k] and _colon_end(sents[k - 1])):
                found, rule = opens_quote(sents[k - 1], lex), "previous sentence"
            if found is None and k + 1 < len(sents):
                found, rule = bare_reporting_clause(sents[k + 1], lex), "next sentence"
            if found is None:
                found, rule = bracket_source(token, len(doc.text), lex, text), "bracket"
            if found is None and rules.get(fact["number"]["start"]) == "table":
                found, rule = self._table_source(doc, fact, sents), "table"
            if found is None:
                continue
            source = person_name(resolve_pronoun(found.source, persons, lex), persons)
            fact["attribution"] = {"source": self._span(doc, source), "cue": self._span(doc, found.cue)}
            provenance.append({"start": fact["number"]["start"], "end": fact["number"]["end"], "rule": rule})
        # A part given in a later sentence that opens with a breakdown word keeps its total's
        # attribution ("Among them were 84 ...").
        for fact in doc.facts:
            total = doc.facts[fact["part_of"]] if fact.get("part_of") is not None else None
            if total is None or fact.get("attribution") is not None or not total.get("attribution"):
                continue
            s, _ = doc.textmap.span_to_normalised(fact["number"]["start"], fact["number"]["end"])
            sent = doc.parsed.char_span(s, s + 1, alignment_mode="expand")
            opening = doc.textmap.text[sent.sent.start_char:s].lower() if sent is not None else ""
            t0, _ = doc.textmap.span_to_normalised(total["number"]["start"], total["number"]["end"])
            same_sentence = sent is not None and sent.sent.start_char <= t0
            if same_sentence or any(opening.lstrip().startswith(w) for w in self.openers):
                fact["attribution"] = total["attribution"]
                provenance.append({"start": fact["number"]["start"], "end": fact["number"]["end"], "rule": "total"})
        doc.provenance["attribution"] = provenance
        return doc


def _colon_end(sent) -> bool:
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is not None and last.text == ":"
