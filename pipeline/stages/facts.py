"""Facts stage: tie each figure (a numbers entry) to the word that says what it counts.

A cardinal is a fact when the dependency parse links it to a trigger of
configs/lexicons/fact_triggers.toml and it counts people or forces: it (or the
noun it counts) is the subject, object or passive subject of a trigger verb or of
verbs coordinated with it (also through a preposition: "forced from their homes",
"taken to hospital"), the "of" phrase of a trigger noun ("deportation of"), the
object of a verb whose complement clause is a trigger ("forced thousands to flee"),
or it counts a trigger noun ("4,000 protesters", "17 abductions and
disappearances") or carries a trigger word itself ("4 dead", "one fatally",
"newly displaced people"). Breakdowns ("including 63 children", "27 injured: 12 in
X, 9 in Y") and coordinated nouns inherit the type of their group, and hold the
index of the total's fact in ``part_of``. Verb triggers win over noun triggers; a
figure gets one fact per distinct type.

Not facts: figures under a negated verb ("were not hurt"), ages ("aged 19, 23"),
clock times, counts of non-people ("families", "beds"), a subset of a definite
group counted by a verb of another kind ("one of those patients died"), and
nouns of victims under a verb that does not kill ("14 victims identified").

Everything below ``FactsStage`` is a pure function of spaCy tokens and the
lexicon, so tests can check each decision on a parsed sentence. The stage builds
one ``ParseIndex`` per document (sentence starts, NORP span tokens, counted nouns)
and hands it to the helpers that take one: a shortcut that gives the same answers
as reading the tokens (tests/test_facts.py checks that on every token).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict, StrictBool

from ..document import Document
from ..lexicon import read_model
from ..resources import Words
from ..textmap import LIST_MARKER

NOMINAL = {"NOUN", "PROPN", "PRON", "NUM", "ADJ"}
VERBAL = {"VERB", "AUX"}
# Children of a verb that can complete a two-word trigger ("round up", "claim life").
KEY_DEPS = {"prt", "dobj", "oprd", "acomp", "attr", "xcomp", "advmod", "amod"}
# Children of a verb that can be a complement trigger ("went missing", "held hostage").
COMPLEMENT_DEPS = {"acomp", "oprd", "attr", "xcomp", "dobj", "advmod", "ccomp", "advcl"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
# Children of the last verb of a chain that the chain steps over ("gone missing").
CHAIN_DEPS = COMPLEMENT_DEPS | {"prt"}
DEFINITE = {"the", "these", "those", "this", "that", "its", "their", "our", "his", "her"}
# "two more of the wounded", "eight further arrests": words that continue a figure.
MORE_WORDS = {"more", "further", "additional", "other", "another"}
# Relations through which an age word governs a figure ("aged 19, 23 and 31").
AGE_CHAIN_DEPS = {"conj", "appos", "npadvmod", "pobj", "prep", "quantmod", "nummod", "cc"}
# Tokens that may stand between two verbs sharing one subject ("killed, have been injured,").
CHAIN_GAP = {"PUNCT", "CCONJ", "AUX", "ADV", "PART", "SPACE"}


@dataclass(frozen=True)
class TypeRules:
    verbs: frozenset[str]
    subject_verbs: frozenset[str]
    nouns: frozenset[str]
    complements: frozenset[str]
    forces_only: bool = False
    weak_verbs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FactLexicon:
    types: dict[str, TypeRules]
    people: frozenset[str]
    people_suffixes: tuple[str, ...]
    copulas: frozenset[str]
    breakdown: frozenset[str]
    containers: frozenset[str]
    value_verbs: frozenset[str]
    negations: frozenset[str] = frozenset()
    not_fact_verbs: frozenset[str] = frozenset()
    idioms: frozenset[str] = frozenset()
    age_words: frozenset[str] = frozenset()
    estimate_verbs: frozenset[str] = frozenset()
    fate_nouns: frozenset[str] = frozenset()
    time_words: frozenset[str] = frozenset()
    table_totals: frozenset[str] = frozenset()
    qualifier_preps: frozenset[str] = frozenset()
    partial_markers: tuple[str, ...] = ()
    complete_markers: tuple[str, ...] = ()

    @cached_property
    def forces(self) -> frozenset[str]:
        """Nouns of forces: the nouns of the forces_only types ("troop", "soldier")."""
        return frozenset().union(*(r.nouns for r in self.types.values() if r.forces_only))

    @cached_property
    def type_nouns(self) -> frozenset[str]:
        return frozenset().union(*(r.nouns for r in self.types.values()))

    @cached_property
    def people_or_type_nouns(self) -> frozenset[str]:
        """``people`` | ``type_nouns``, built once."""
        return self.people | self.type_nouns

    @cached_property
    def verb_key_types(self) -> dict[str, tuple[tuple[str, bool, bool, bool], ...]]:
        """Verb key -> (type, in verbs, in subject_verbs, in weak_verbs) for each type
        that lists the key, in the order of ``types``: the types lists inverted once."""
        index: dict[str, list] = {}
        for name, rules in self.types.items():
            for key in rules.verbs | rules.subject_verbs | rules.weak_verbs:
                index.setdefault(key, []).append((name, key in rules.verbs, key in rules.subject_verbs,
                                                  key in rules.weak_verbs))
        return {key: tuple(entries) for key, entries in index.items()}

    @cached_property
    def complement_types(self) -> dict[str, frozenset[str]]:
        """Word -> the types whose complements list it."""
        index: dict[str, set] = {}
        for name, rules in self.types.items():
            for word in rules.complements:
                index.setdefault(word, set()).add(name)
        return {word: frozenset(names) for word, names in index.items()}

    @cached_property
    def marker_re(self) -> Optional[re.Pattern]:
        """One compiled pattern of every breakdown marker (longest first)."""
        words = sorted(set(self.partial_markers) | set(self.complete_markers), key=len, reverse=True)
        if not words:
            return None
        # words as whole words; signs not between digits (the colon of "10:30" is no list)
        markers = "|".join(rf"(?<!\w){re.escape(w)}(?!\w)" if w[0].isalnum() else rf"(?<!\d){re.escape(w)}(?!\d)"
                           for w in words)
        # A match starts with the first letter of a marker: the lookahead lets the engine
        # skip other positions at once (2.5x faster on statements, same matches).
        firsts = "".join(sorted({re.escape(w[0]) for w in words}))
        return re.compile(f"(?=[{firsts}])(?:{markers})")


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in values)


# --- the file's schema (checked at load: a misspelt key or type is a ConfigError) -----

class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TypeTable(_Table):
    verbs: Words = []
    subject_verbs: Words = []
    weak_verbs: Words = []  # give the type only when the figure gets no other type
    nouns: Words = []
    complements: Words = []
    forces_only: StrictBool = False


class PeopleTable(_Table):
    nouns: Words
    suffixes: Words = []


class GrammarTable(_Table):
    copulas: Words
    breakdown: Words
    containers: Words
    value_verbs: Words
    negations: Words = []
    not_fact_verbs: Words = []
    idioms: Words = []
    age_words: Words = []
    estimate_verbs: Words = []
    fate_nouns: Words = []
    time_words: Words = []
    table_totals: Words = []
    qualifier_preps: Words = []


class BreakdownsTable(_Table):
    partial: Words
    complete: Words


class TriggerFile(_Table):
    """configs/lexicons/fact_triggers.toml: one table per SPEC fact type, and three more."""

    killed: TypeTable
    injured: TypeTable
    detained: TypeTable
    missing: TypeTable
    displaced: TypeTable
    deployed: TypeTable
    participants: TypeTable
    people: PeopleTable
    grammar: GrammarTable
    breakdowns: BreakdownsTable


# Tables of fact_triggers.toml that are not fact types.
NOT_TYPES = ("people", "grammar", "breakdowns")


def load_lexicon(path: str | Path) -> FactLexicon:
    """fact_triggers.toml -> FactLexicon.

    Raises ConfigError naming the file and the key when the file does not follow
    ``TriggerFile`` (unknown fact type or key, wrong value type).
    """
    table = read_model(path, TriggerFile)
    types = {
        name: TypeRules(
            verbs=_words(rules.verbs),
            subject_verbs=_words(rules.subject_verbs),
            nouns=_words(rules.nouns),
            complements=_words(rules.complements),
            forces_only=rules.forces_only,
            weak_verbs=_words(rules.weak_verbs),
        )
        for name, rules in ((n, getattr(table, n)) for n in TriggerFile.model_fields if n not in NOT_TYPES)
    }
    g = table.grammar
    return FactLexicon(
        types=types,
        people=_words(table.people.nouns),
        people_suffixes=tuple(_words(table.people.suffixes)),
        copulas=_words(g.copulas),
        breakdown=_words(g.breakdown),
        containers=_words(g.containers),
        value_verbs=_words(g.value_verbs),
        negations=_words(g.negations),
        not_fact_verbs=_words(g.not_fact_verbs),
        idioms=_words(g.idioms),
        age_words=_words(g.age_words),
        estimate_verbs=_words(g.estimate_verbs),
        fate_nouns=_words(g.fate_nouns),
        time_words=_words(g.time_words),
        table_totals=_words(g.table_totals),
        qualifier_preps=_words(g.qualifier_preps),
        partial_markers=tuple(w.lower() for w in table.breakdowns.partial),
        complete_markers=tuple(w.lower() for w in table.breakdowns.complete),
    )


class Link(NamedTuple):
    """One decision: the figure is of ``type`` because of ``trigger`` tokens (``rule``)."""

    type: str
    trigger: tuple  # spaCy tokens, in text order
    rule: str


def _lemma(token) -> str:
    return token.lemma_.lower()


def _forms(token) -> set[str]:
    return {_lemma(token), token.lower_}


def has_subject(verb) -> bool:
    return any(c.dep_ in SUBJECT_DEPS for c in verb.children)


def is_passive(verb) -> bool:
    return any(c.dep_ == "auxpass" for c in verb.children)


def verb_keys(verb, children: Optional[list] = None) -> dict[str, tuple]:
    """'lemma', 'lemma word' (particle, object, complement) and 'lemma prep noun'
    ("force from home", "take to hospital", "be in condition") -> the trigger tokens.
    ``children``: the verb's children when the caller already has them."""
    lemma = _lemma(verb)
    keys = {lemma: (verb,)}
    for child in (verb.children if children is None else children):
        dep = child.dep_
        if dep in KEY_DEPS:
            toks = (verb, child) if verb.i <= child.i else (child, verb)
            for form in _forms(child):
                keys.setdefault(f"{lemma} {form}", toks)
        elif dep == "prep" and child.i > verb.i:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    toks = (child, pobj) if lemma == "be" else (verb, child, pobj)  # "were in critical condition"
                    for form in _forms(pobj):
                        keys.setdefault(f"{lemma} {child.lower_} {form}", toks)
    return keys


def is_negated(verb, lex: FactLexicon) -> bool:
    """"were not hurt", "never arrested": a negated verb reports no figure."""
    return _negated(verb.children, lex)


def _negated(children, lex: FactLexicon) -> bool:
    """``is_negated`` over a verb's children (tokens)."""
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in lex.negations) for c in children)


# --- what the figure counts -------------------------------------------------------

def counted_noun(num, index: Optional["ParseIndex"] = None):
    """(noun the figure counts or None, partitive group or None).

    "150 civilians" -> civilians; "hundreds of people" -> people (an indefinite
    group is what is counted); "two of the dead" -> group "dead" (a definite group:
    the figure is a subset of it). ``index``: the parse's ParseIndex, which keeps the
    answer for a token once found.
    """
    if index is not None:
        return index.counted_noun(num)
    return _counted_noun(num)


def _counted_noun(num):
    """``counted_noun`` computed from the parse (one pass over the figure's children)."""
    groups = []  # the figure's "of" groups, in order; all indefinite when reached below
    for child in num.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            group = next((c for c in child.children if c.dep_ == "pobj"), None)
            if group is None:
                continue
            if group.pos_ == "PRON" or any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in group.children):
                return None, group  # "five of them children": the partitive decides
            groups.append(group)
    dep, head, i = num.dep_, num.head, num.i
    if dep == "nummod" and head.i < i:
        doc = num.doc
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and nxt.pos_ == "NOUN" and nxt.head.i != i and head.pos_ == "PROPN":
            return nxt, None  # "By the end of January 147 civilians": the figure hung on the month
    if dep in ("nummod", "quantmod", "compound", "amod") and head.i != i and head.pos_ in NOMINAL:
        return head, None
    if dep == "npadvmod" and head.dep_ == "amod":
        noun = head.head
        if noun.pos_ == "NOUN":
            return noun, None  # "57 more bodies"
    if groups:
        return groups[0], None  # "hundreds of people": an indefinite group is what is counted
    return None, None


def counts_people(noun, lex: FactLexicon, index: Optional["ParseIndex"] = None) -> bool:
    """Whether a counted noun is people or forces (not houses, years or crimes); a
    noun of cases counts them through its compound ("39 abduction cases").
    ``index``: the parse's ParseIndex when the caller has one (same answer, cheaper)."""
    if noun is None or noun.pos_ == "PRON":  # "two of them", "those who died"
        return True
    forms = _forms(noun) | {f for c in noun.children if c.dep_ == "compound" for f in _forms(c)}
    if forms & lex.people_or_type_nouns or noun.tag_ == "NNPS" or is_group_name(noun, index):
        return True
    suffixes = lex.people_suffixes
    return any(f.endswith(suffixes) and any(f.endswith(suffix) and len(f) - len(suffix) >= 3 for suffix in suffixes)
               for f in forms)


def is_group_name(token, index: Optional["ParseIndex"] = None) -> bool:
    """A nationality or other group name (NORP) by the model or by a gazetteer span group.
    ``index``: the parse's ParseIndex, whose NORP span tokens are collected once."""
    if token.ent_type_ == "NORP":
        return True
    if index is not None:
        return token.i in index.norp_tokens
    return any(span.label_ == "NORP" and span.start <= token.i < span.end
               for group in token.doc.spans.values() for span in group)


class ParseIndex:
    """What the facts helpers read from one parse again and again, computed once per
    document: the sentence starts (token indices; the boundaries of ``Doc.sents``, so
    ``bounds(i)`` is ``doc[i].sent``'s range without building it) and the tokens inside
    a NORP span of any span group (collected on first use)."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.starts = [s.start for s in parsed.sents]
        self._norp: Optional[frozenset[int]] = None
        self._counted: dict[int, tuple] = {}

    def counted_noun(self, num) -> tuple:
        """``counted_noun(num)``, computed once per token."""
        found = self._counted.get(num.i)
        if found is None:
            found = self._counted[num.i] = _counted_noun(num)
        return found

    def sentence_of(self, i: int) -> int:
        """Index of the sentence that holds token ``i``."""
        return _bisect(self.starts, i)

    def bounds(self, i: int) -> tuple[int, int]:
        """(start, end) token range of the sentence that holds token ``i``."""
        k = self.sentence_of(i)
        return self.starts[k], (self.starts[k + 1] if k + 1 < len(self.starts) else len(self.parsed))

    @property
    def norp_tokens(self) -> frozenset[int]:
        """Indices of the tokens inside a span labelled NORP in ``doc.spans``."""
        if self._norp is None:
            self._norp = frozenset(i for group in self.parsed.spans.values() for span in group
                                   if span.label_ == "NORP" for i in range(span.start, span.end))
        return self._norp


# --- how the figure relates to verbs -----------------------------------------------

def _repair_subject(anchor):
    """A conjoined or appositive noun that the parser hung off an earlier noun but that
    is followed by a subjectless verb ("... were children and 30 soldiers were being
    held", "the Regiment, 613 people, ..., were killed") is that verb's subject."""
    doc = anchor.doc
    j = anchor.right_edge.i + 1
    while j < len(doc) and (doc[j].pos_ == "ADV" or doc[j].text == ","):
        j += 1
    if j >= len(doc):
        return None
    tok = doc[j]
    verb = tok.head if tok.pos_ == "AUX" and tok.head.i > j else tok
    if verb.pos_ == "VERB" and verb.i >= j and not has_subject(verb):
        return verb, "passive" if is_passive(verb) else "subject"
    return None


def climb(anchor, lex: FactLexicon) -> tuple:
    """Walk from a conjoined or breakdown noun to the token that carries the relation:
    "106 women" -> "63 children" -> "613 people". Returns (token, is_breakdown_verb):
    in "613 killed, including 63 children" the parts hang on the verb itself."""
    for _ in range(8):
        head = anchor.head
        if anchor.dep_ == "compound" and head.pos_ in ("NOUN", "PROPN"):
            anchor = head  # "14 aid workers hostage" parsed as one compound
        elif anchor.dep_ in ("conj", "appos") and head.pos_ in NOMINAL and head.i != anchor.i:
            if _repair_subject(anchor):
                return anchor, False
            anchor = head
        elif anchor.dep_ == "pobj" and _forms(head) & lex.breakdown:
            anchor = head.head
            if anchor.pos_ in VERBAL:
                return anchor, True
        elif anchor.dep_ == "pobj" and head.lower_ == "of" and _lemma(of_head(head)) in lex.containers:
            anchor = of_head(head)
        else:
            return anchor, False
    return anchor, False


def of_head(prep):
    """The noun an "of" phrase belongs to: the noun right before "of" when there is
    one (the parser often hangs "expulsion of 200,000" on an earlier noun)."""
    if prep.i > 0 and prep.doc[prep.i - 1].pos_ in ("NOUN", "PROPN"):
        return prep.doc[prep.i - 1]
    return prep.head


def relations(anchor, lex: Optional[FactLexicon] = None) -> list[tuple]:
    """(verb, role) pairs for the figure's anchor; role is subject, passive, object or
    agent, plus participles qualifying it (see ``participles``)."""
    out = []
    dep, head = anchor.dep_, anchor.head
    a, h = anchor.i, head.i
    if dep in SUBJECT_DEPS and h - a > 1 and any(a < c.i < h and c.dep_ in SUBJECT_DEPS for c in head.children):
        dep = "dep"  # two subjects for one verb: the parser hung a noun of another clause on it
    if dep in ("nsubjpass", "csubjpass"):
        out.append((head, "passive"))
        # "were reported killed", "are believed detained": the raised verb is passive too
        out += [(c, "passive") for c in head.children if c.dep_ in ("xcomp", "oprd") and c.tag_ == "VBN"]
    elif dep == "nsubj" and head.pos_ in VERBAL:
        out.append((head, "subject"))
    elif dep in ("dobj", "npadvmod", "oprd") and head.pos_ in VERBAL:
        out.append((head, "object"))
        # "forced thousands of residents to flee": the object is the subject of the clause
        out += [(c, "subject") for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    elif dep == "pobj" and head.dep_ == "agent":
        out.append((head.head, "agent"))
    elif (dep == "pobj" and lex is not None and head.lower_ in lex.qualifier_preps and head.i == anchor.i - 1
          and head.dep_ == "prep" and head.head.pos_ == "VERB"):
        verb = head.head  # "injured over 10,000": the qualifier took the figure's place in the parse
        out.append((verb, "object" if verb.i < head.i else ("passive" if is_passive(verb) else "subject")))
    elif dep == "pobj" and head.lower_ == "between" and head.head.pos_ in VERBAL:
        verb = head.head  # "between 7,000 and 10,000 were injured"
        out.append((verb, "passive" if is_passive(verb) else "subject"))
    elif dep in ("conj", "appos", "dep"):
        repaired = _repair_subject(anchor)
        if repaired:
            out.append(repaired)
    if not out and dep == "npadvmod" and head.dep_ == "conj" and head.pos_ not in VERBAL and head.head.pos_ == "VERB":
        verb = head.head  # gapping: "52 died at the scene and seven later in hospital"
        out.append((verb, "passive" if is_passive(verb) else "subject"))
    left = anchor.left_edge.i if dep in SUBJECT_DEPS else 0
    if left > 0:
        before = anchor.doc[left - 1]
        if (before.pos_ == "VERB" and before.tag_ in ("VBG", "VBD")
                and not any(c.dep_ == "dobj" for c in before.children)):
            out.append((before, "object"))  # "..., killing at least 50 people, ..." parsed as a subject
    return out + participles(anchor)


def participles(noun) -> list[tuple]:
    """Verbs qualifying a noun: "men killed by" (passive), "people swarming" (subject),
    "those who died" (by the relative clause's voice)."""
    out = []
    for child in noun.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB":
            if child.dep_ == "relcl":
                role = "passive" if is_passive(child) else "subject"
            else:
                role = "passive" if child.tag_ == "VBN" else "subject"
            out.append((child, role))
    return out


def coordinated(verb, index: Optional[ParseIndex] = None) -> list:
    """The verb and the subjectless verbs coordinated right after it, which share its
    subject: "were killed, have been injured, or gone missing". ``index``: the parse's
    ParseIndex when the caller has one (for the sentence's end)."""
    chain, last = [verb], verb
    doc = verb.doc
    j = verb.i + 1
    end = verb.sent.end if index is None else index.bounds(verb.i)[1]
    while j < end:
        tok = doc[j]
        if tok.pos_ in CHAIN_GAP or (tok.head == last and tok.dep_ in CHAIN_DEPS):
            j += 1
            continue
        if tok.pos_ == "VERB" and tok.dep_ == "conj" and not has_subject(tok):
            chain.append(tok)
            last = tok
            j += 1
            continue
        break
    return chain


def _chain_role(verb, first_role: str) -> str:
    if first_role in ("passive", "subject") and is_passive(verb):
        return "passive"
    if first_role == "passive" and verb.tag_ in ("VBN", "VBD") and not any(c.dep_ == "aux" for c in verb.children):
        return "shared"  # "were detained or arrested", "were killed or disappeared"
    return first_role if first_role != "passive" else "subject"


def verb_links(verb, role: str, lex: FactLexicon, counted=None) -> list[Link]:
    """Types a verb gives a figure in ``role`` (see fact_triggers.toml for the lists).

    The verb's children, its keys and each child's forms are read once per call and
    looked up in the lexicon's inverted lists (``verb_key_types``,
    ``complement_types``); links come out type by type in the order of the types."""
    links: list[Link] = []
    children = list(verb.children)
    if _negated(children, lex):
        return links
    keys = verb_keys(verb, children)
    if any(key in lex.idioms for key in keys):  # "wound up dead" is not a wound
        keys = {k: t for k, t in keys.items() if len(t) > 1}
    patient = role in ("object", "passive", "breakdown", "shared")
    actor = role in ("subject", "agent", "breakdown", "shared")
    # type -> [(trigger tokens, the verb has an object outside them, in verbs, in subject_verbs, in weak_verbs)]
    key_hits: dict[str, list] = {}
    dobjs = None
    for key, toks in keys.items():
        entries = lex.verb_key_types.get(key)
        if not entries:
            continue
        if dobjs is None:
            dobjs = [c for c in children if c.dep_ == "dobj"]
        objects = any(c not in toks for c in dobjs)
        for name, in_verbs, in_subject, in_weak in entries:
            key_hits.setdefault(name, []).append((toks, objects, in_verbs, in_subject, in_weak))
    complementable = role in ("subject", "passive", "object", "breakdown", "shared")
    comp_hits: dict[str, list] = {}  # type -> children (in order) whose forms complete it
    verb_types: frozenset[str] = frozenset()  # types the verb itself completes ("were missing")
    if complementable:
        for child in children:
            if child is counted or (counted is not None and child.i == counted.i):
                continue  # "released 45 hostages": the figure's own noun completes nothing
            if child.dep_ in COMPLEMENT_DEPS:
                names = {n for f in _forms(child) for n in lex.complement_types.get(f, ())}
                for name in names:
                    comp_hits.setdefault(name, []).append(child)
        if role != "object":
            verb_types = lex.complement_types.get(verb.lower_, frozenset())
    if not key_hits and not comp_hits and not verb_types:
        return links
    counted_forces = None
    for name, rules in lex.types.items():
        for toks, objects, in_verbs, in_subject, in_weak in key_hits.get(name, ()):
            if in_verbs and (patient or (role == "subject" and not objects)):
                links.append(Link(name, toks, "verb"))
            elif in_subject and actor:
                if rules.forces_only and counted is not None and counted_forces is None:
                    counted_forces = bool(_forms(counted) & lex.forces)
                if not rules.forces_only or (counted is not None and counted_forces):
                    links.append(Link(name, toks, "verb"))
            elif in_weak and (patient or (role == "subject" and not objects)):
                links.append(Link(name, toks, "weak"))
        for child in comp_hits.get(name, ()):
            if not has_subject(child) and not _other_figure_between(verb, counted, child):
                links.append(Link(name, (child,), "complement"))
        if name in verb_types:
            links.append(Link(name, (verb,), "complement"))  # "were missing" parsed as a verb
    # The longest phrase wins: "shot dead" is killed, not also the "shot" inside it.
    longer = [set(lk.trigger) for lk in links if len(lk.trigger) > 1]
    if not longer:
        return links
    return [lk for lk in links if not any(set(lk.trigger) < other for other in longer)]


def noun_links(noun, lex: FactLexicon, rule: str, compounds: bool = False, conjuncts: bool = False) -> list[Link]:
    """Types a noun gives the figure that counts it; with ``conjuncts`` also the nouns
    coordinated with it ("17 abductions and disappearances" -> detained, missing)."""
    nouns = [noun] + ([c for c in noun.conjuncts if c.i > noun.i and c.pos_ in ("NOUN", "PROPN")
                       and not any(g.dep_ == "nummod" or g.like_num for g in c.children)] if conjuncts else [])
    links = []
    for n in nouns:
        words = [n] + ([c for c in n.children if c.dep_ == "compound"] if compounds else [])  # "death toll"
        forms = [(w, _forms(w)) for w in words]  # each word's forms read once, not once per type
        if not any(f & lex.type_nouns for _, f in forms):
            continue  # no type lists any of these words
        for name, rules in lex.types.items():
            word = next((w for w, f in forms if f & rules.nouns), None)
            if word is not None:
                links.append(Link(name, (word,), rule))
    return links


def modifier_links(num, counted, lex: FactLexicon) -> list[Link]:
    """A trigger word on the figure or on its noun: "4 dead in shooting", "one fatally",
    "2 injured", "2,300 newly displaced people"."""
    holders = [num] + ([counted] if counted is not None and counted.i != num.i else [])
    links = []
    doc = num.doc
    nxt = doc[num.i + 1] if num.i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ in ("ADJ", "VERB", "NOUN") and counted is None and nxt.head.i != num.i:
        # "speaking of 5,300 dead", "revised its count to 3,958 dead": parsed apart
        links += [Link(name, (nxt,), "modifier") for name, rules in lex.types.items()
                  if _forms(nxt) & rules.complements]
    for holder in holders:
        for child in holder.children:
            if child.dep_ not in ("amod", "acl", "advmod", "appos", "acomp") or child.i == num.i:
                continue
            if any(c.dep_ == "neg" for c in child.children):
                continue
            forms = _forms(child)
            links += [Link(name, (child,), "modifier") for name, rules in lex.types.items()
                      if forms & rules.complements]
    return links


def adjective_links(num, counted, lex: FactLexicon) -> list[Link]:
    """The figure counts an adjective of a type used as a noun ("left more than 30,000
    homeless", "12 wounded" parsed with the figure as the adjective's nummod): the
    adjective is the trigger. Adjectives outside the complements lists ("2,500
    stranded") give nothing. -> [Link] (empty when ``counted`` is no such adjective)."""
    if counted is None or counted.i == num.i or counted.pos_ != "ADJ":
        return []
    forms = _forms(counted)
    return [Link(name, (counted,), "complement") for name, rules in lex.types.items() if forms & rules.complements]


def _other_figure_between(verb, counted, child) -> bool:
    """Whether another number stands between the figure (or its noun) and a complement
    of its verb: in "left 5,000 people without shelter and 300 injured" "injured"
    completes the 300, not the 5,000."""
    if counted is None:
        return False
    lo, hi = sorted((counted.i, child.i))
    return any(t.like_num and t.pos_ == "NUM" and t.head.i != counted.i and t.i != counted.i
               for t in verb.doc[lo + 1:hi])


def misparsed_verb_links(counted, lex: FactLexicon) -> list[Link]:
    """A verb the tagger read as a noun in a coordination ("kills three and wounds two":
    "wounds" tagged NOUN, conjoined to "kills"): it is a verb taking the figure as object."""
    if counted is None or counted.dep_ != "conj" or counted.head.pos_ not in VERBAL:
        return []
    forms = _forms(counted) | {counted.lower_.removesuffix("s")}
    return [Link(name, (counted,), "verb") for name, rules in lex.types.items() if forms & rules.verbs]


def of_noun_links(anchor, lex: FactLexicon) -> list[Link]:
    """The figure is the "of" phrase of a trigger noun ("deportation of 200,000") or of
    the object of a two-word verb trigger ("claimed the lives of 150")."""
    if anchor.dep_ != "pobj" or anchor.head.lower_ != "of":
        return []
    noun = of_head(anchor.head)
    links = noun_links(noun, lex, "of-noun")
    if noun.dep_ == "dobj" and noun.head.pos_ in VERBAL:
        verb = noun.head
        key = f"{_lemma(verb)} {_lemma(noun)}"
        toks = tuple(sorted((verb, noun), key=lambda t: t.i))
        links += [Link(name, toks, "verb") for name, rules in lex.types.items()
                  if key in rules.verbs or key in rules.subject_verbs]
    return links


def _value_noun_links(noun, lex: FactLexicon) -> list[Link]:
    """Types of a noun that holds a value: "death toll", "number of dead", "number of
    people killed", "the total" (the caller falls back on the sentence's facts)."""
    links: list[Link] = []
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ not in ("pobj", "pcomp"):  # "number of killed" parses "killed" as pcomp
                    continue
                links += [Link(lk.type, lk.trigger, "value") for lk in noun_links(pobj, lex, "value")]
                for verb, role in participles(pobj):
                    links += [Link(lk.type, lk.trigger, "value") for lk in verb_links(verb, role, lex)]
                if pobj.pos_ in ("ADJ", "VERB"):  # "the number of killed", "of injured"
                    links += [Link(name, (pobj,), "value") for name, rules in lex.types.items()
                              if _forms(pobj) & (rules.complements | rules.nouns)]
    # "the toll of injured": the "of" phrase says what the toll counts; else the noun itself
    return links or noun_links(noun, lex, "value", compounds=True)


def value_links(anchor, lex: FactLexicon) -> list[Link]:
    """"the death toll rose to 150", "the number of dead stood at 40", "rose from 52
    to 71", "put the number of dead at 131" (a value verb's subject, or the object of
    a verb of estimating, says what the value counts)."""
    head = anchor.head
    while anchor.dep_ == "conj" and head.pos_ in ("NUM",) and head.i != anchor.i:
        anchor, head = head, head.head  # "from 52 in 2022 to 71 in 2023 and 91 in 2024"
    # "from 52 ... to 71 ... and 91": the last figure hangs on the preposition itself
    if anchor.dep_ in ("pobj", "conj") and head.pos_ == "ADP" and head.lower_ in ("to", "at", "from"):
        if head.dep_ == "conj" and head.head.pos_ == "NUM" and head.head.i != anchor.i:
            return value_links(head.head, lex)  # "at 131 or at 150": the second as the first
        while head.dep_ == "conj" and head.head.pos_ == "ADP":
            head = head.head  # "at 131 or at 150"
        verb = head.head
        while verb.pos_ == "ADP" and verb.head.i != verb.i:
            verb = verb.head  # "from 52 in 2022 to 71 in 2023"
    elif anchor.dep_ in ("attr", "dobj"):
        verb = head
    else:
        return []
    if verb.dep_ == "pcomp" and verb.head.lower_ == "of" and verb.head.head.pos_ == "NOUN":
        noun = verb.head.head  # "put the number of killed at 57": "at" hung on "killed"
        if noun.dep_ in ("dobj", "conj") and _lemma(noun) in lex.containers:
            return _value_noun_links(noun, lex)
    if head.lower_ == "at" and verb.pos_ in VERBAL and _lemma(verb) in lex.estimate_verbs:
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < anchor.i), None)
        if obj is not None:  # "put the number of dead at 131 or at 150"
            return _value_noun_links(obj, lex)
    if head.lower_ == "at" and verb.pos_ == "NOUN" and verb.dep_ in ("conj", "dobj"):
        # "... at 57 and the number of injured at 109": the second object of the verb
        return _value_noun_links(verb, lex)
    if verb.pos_ not in VERBAL or _lemma(verb) not in lex.value_verbs:
        return []
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        subject = next((c for c in verb.children if c.dep_ == "dobj" and _lemma(c) in lex.containers), None)
    if subject is None:
        return []
    return _value_noun_links(subject, lex)


def among_links(anchor, lex: FactLexicon) -> list[Link]:
    """"Among the dead were nine children", "among the 112 injured are 19 children": a
    figure in a clause with "among" + a group of a type is a breakdown of that group."""
    verb = anchor.head if anchor.dep_ in ("attr", "nsubj", "nsubjpass") else None
    if verb is None or verb.pos_ not in VERBAL:
        return []
    links = []
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in lex.breakdown:
            for group in prep.children:
                if group.dep_ != "pobj":
                    continue
                links += [Link(lk.type, lk.trigger, "partitive") for lk in noun_links(group, lex, "partitive")]
                for verb2, role in participles(group):
                    links += [Link(lk.type, lk.trigger, "partitive") for lk in verb_links(verb2, role, lex)]
    return links


def fate_links(anchor, lex: FactLexicon) -> list[Link]:
    """"The fate of 150 persons remains unknown": the figure is the "of" phrase of a
    noun of fate whose verb's complement gives the type (trigger: the complement)."""
    if anchor.dep_ != "pobj" or anchor.head.lower_ != "of":
        return []
    noun = anchor.head.head
    if _lemma(noun) not in lex.fate_nouns or noun.dep_ not in SUBJECT_DEPS:
        return []
    return [Link(name, (c,), "complement") for c in noun.head.children if c.dep_ in ("acomp", "attr", "oprd")
            for name, rules in lex.types.items() if _forms(c) & rules.complements]


def is_age(num, lex: FactLexicon) -> bool:
    """"aged 19, 23 and 31", "ages 15 to 47", "Yamen Darwish (29)": the figure is an
    age, never a count."""
    doc = num.doc
    i = num.i
    if 1 < i < len(doc) - 1 and doc[i - 1].text == "(" and doc[i + 1].text == ")" and doc[i - 2].pos_ == "PROPN":
        return True
    words = lex.age_words
    tok = num
    for _ in range(6):  # up the chain of a list or phrase holding the figure
        if tok.lower_ in words:
            return True
        if tok.dep_ not in AGE_CHAIN_DEPS:
            return False
        head = tok.head
        if head.i == tok.i:
            return False
        tok = head
    return False


def _verbs_of(anchor, counted) -> list:
    rels = relations(anchor) + (participles(counted) if counted is not None and counted != anchor else [])
    return [verb for verb, _ in rels]


def link_figure(num, lex: FactLexicon, index: Optional[ParseIndex] = None) -> list[Link]:
    """All facts one figure (the root token of its numbers span) reports, one per type.
    ``index``: the parse's ParseIndex when the caller has one (same links, cheaper)."""
    head = num.head
    if num.dep_ == "nummod" and head.pos_ == "ADJ" and head.lower_ in MORE_WORDS:
        num, head = head, head.head  # "two more of the wounded died": "more" stands for the figure
    num_dep = num.dep_
    counted, group = counted_noun(num, index)
    temporal = counted is not None and counted.lower_ in lex.time_words and counted.i != num.i
    if temporal:  # "three on Tuesday ..., and two yesterday": the figure hung on the day
        counted = None
    misparsed = misparsed_verb_links(counted, lex)
    if misparsed:
        return misparsed
    adjective = adjective_links(num, counted, lex)
    if adjective and counts_people(group, lex, index) and not is_age(num, lex):
        return adjective  # "left more than 30,000 homeless"
    if not counts_people(counted, lex, index) or not counts_people(group, lex, index) or is_age(num, lex):
        return []
    start = counted if counted is not None and (counted == head or counted.i == num.i + 1
                                                or num_dep == "npadvmod") else num
    if temporal:
        start = head
    anchor, breakdown_verb = climb(start, lex)
    if breakdown_verb:
        rels = [(anchor, "breakdown")]
    else:
        rels = relations(anchor, lex)
        if counted is not None and counted != anchor:
            rels += participles(counted)  # "thousands of people swarming"
    copula = num_dep in SUBJECT_DEPS and _lemma(head) in lex.copulas
    if copula and not any(c.dep_ in ("attr", "acomp", "oprd") for c in head.children):
        copula = False  # "nineteen of the injured are still in hospital" says where, not who
    if (group is not None and group.pos_ != "PRON" and not copula and num_dep in SUBJECT_DEPS
            and not noun_links(group, lex, "partitive") and not participles(group)):
        return []  # "one of those patients died": a member of a group counted elsewhere
    links: list[Link] = []
    for verb, role in rels:
        for i, member in enumerate(coordinated(verb, index) if role in ("subject", "passive") else [verb]):
            links += verb_links(member, role if i == 0 else _chain_role(member, role), lex, counted)
    if group is not None and not links and copula:  # "two of the dead were children"
        links += noun_links(group, lex, "partitive")
        for verb2, role in participles(group):
            links += [Link(lk.type, lk.trigger, "partitive") for lk in verb_links(verb2, role, lex)]
    if not links or all(lk.rule == "weak" for lk in links):
        links = modifier_links(num, counted, lex) or links
    if links:  # the rules below only fill an empty list
        return _one_per_type(links)
    noun_ok = counted is not None and not any(_lemma(v) in lex.not_fact_verbs for v in _verbs_of(anchor, counted))
    cases = noun_ok and not (_forms(counted) & lex.people_or_type_nouns)  # "39 abduction cases"
    if not links and noun_ok and counted.i != num.i and not (_forms(counted) & lex.people):
        # "risen to 57 dead and 140 injured": the figure's own noun before the value's noun
        links = noun_links(counted, lex, "noun", compounds=cases, conjuncts=True)
    if not links:
        links = of_noun_links(anchor, lex) or value_links(anchor, lex)
    if not links:
        links = among_links(anchor, lex) or fate_links(anchor, lex)
    if not links and noun_ok:
        links = noun_links(counted, lex, "noun", compounds=cases, conjuncts=True)
    return _one_per_type(links)


def _one_per_type(links: list[Link]) -> list[Link]:
    """Weak links only when there is nothing else; then the first link of each type."""
    if any(lk.rule != "weak" for lk in links):
        links = [lk for lk in links if lk.rule != "weak"]
    seen, out = set(), []
    for link in links:
        if link.type not in seen:
            seen.add(link.type)
            out.append(link)
    return out


def figure_root(span):
    """The token that stands for a numbers span in the parse ("more than 600" -> 600)."""
    nums = [t for t in span if t.pos_ == "NUM" or t.like_num]
    root = span.root
    if root.pos_ in ("NUM", "NOUN") or not nums:
        return root
    return nums[-1]


CLOCK = re.compile(r"\d[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?$", re.IGNORECASE)


def is_figure(number: dict) -> bool:
    """Only cardinal counts can be facts (not ordinals, percentages, money, quantities,
    clock times or video timestamps such as "10:40" or "2:31")."""
    value = number.get("value")
    text = number.get("text") or ""
    if ":" in text and CLOCK.search(text):
        return False
    return number.get("kind") == "cardinal" and isinstance(value, (int, float)) and value >= 1


class Figure(NamedTuple):
    """A figure found in a sentence: its numbers entry, parse token and sentence index,
    and the parse's span over the number (None when not given)."""

    number: dict
    token: object
    sentence: int
    span: object = None


def breakdown_marker(between: str, lex: FactLexicon) -> Optional[str]:
    """The first breakdown word ("including", "among them", "of whom", ":") in the text
    between a total and a later figure, or None."""
    if lex.marker_re is None:
        return None
    m = lex.marker_re.search(" ".join(between.lower().split()))
    return m.group(0) if m else None


def assign_part_of(facts: list[dict], sentences: list[int], text: str, lex: FactLexicon) -> None:
    """Set ``part_of`` on the figures that break down a total (in place).

    - A list: a fact is a part of an earlier fact of the same type with a larger value
      when a breakdown word stands between the total and the first figure of the list,
      every same-type figure between them is a part too, and the part is in the total's
      sentence or the next ("613 people, including 63 children and 106 women"; "27
      injured: 12 in X, 9 in Y"; "... were killed. Among them were 7 children").
    - A partitive ("two of them", "nine of those killed") is a part of the nearest such
      earlier fact in its sentence or the one before.
    - A complete breakdown: same-type figures of one sentence that add up exactly to an
      earlier figure of the same type in that sentence or the one before ("eight further
      arrests. Five men were arrested ..., and three more handed themselves in").

    part_of always names the top total (a part of a part points at its total).
    ``sentences[i]`` is the index of the sentence holding ``facts[i]``. The list rule
    was first written for `recount compare` (pipeline/compare.py).
    """
    def top(i: int) -> int:
        return facts[i]["part_of"] if facts[i].get("part_of") is not None else i

    for j, part in enumerate(facts):
        if part.get("part_of") is not None or part.get("_standalone"):
            continue
        for i in range(j - 1, -1, -1):
            total = facts[i]
            if sentences[j] - sentences[i] > 1:
                break
            if total["type"] != part["type"]:
                continue
            if not total["value"] > part["value"] or total["number"]["end"] > part["number"]["start"]:
                continue
            if part.get("_partitive"):
                part["part_of"] = top(i)
                break
            if total.get("_partitive"):
                continue  # "seven of whom ..., only four ...": a partitive lists nothing
            if "\n" in text[total["number"]["end"]:part["number"]["start"]] and \
                    list_item_line(text, total["number"]["start"]) and list_item_line(text, part["number"]["start"]):
                continue  # items of one list are siblings ("- X: 29 deaths" / "- Y: 9 deaths")
            between = [k for k in range(i + 1, j) if facts[k]["type"] == part["type"]
                       and facts[k]["number"]["start"] > total["number"]["end"]]
            if any(top(k) != top(i) for k in between):
                continue
            if between and sentences[between[-1]] != sentences[j] and not breakdown_marker(
                    SENTENCE_BREAK.split(text[facts[between[-1]]["number"]["end"]:part["number"]["start"]])[-1], lex):
                continue  # the list ended with its sentence: "41, including 9 children. The Red Cross put it at 36"
            first = facts[between[0]] if between else part
            if breakdown_marker(text[total["number"]["end"]:first["number"]["start"]], lex):
                part["part_of"] = top(i)
                break
    _complete_breakdowns(facts, list_blocks(facts, sentences, text))


# Where a sentence ends inside a stretch of text (the part of a stretch after the last one
# is in the sentence of what follows it).
SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+")


def list_item_line(text: str, offset: int) -> bool:
    """Whether the line holding ``offset`` starts with a list marker ("- ", "• ", "3) ";
    textmap.LIST_MARKER)."""
    start = text.rfind("\n", 0, offset) + 1
    return bool(LIST_MARKER.match(text[start:offset + 1].lstrip()))


def assign_table_part_of(facts: list[dict]) -> None:
    """In a flattened table, each row's figure is a part of its column's Total row."""
    totals = {f["_table"][:2]: i for i, f in enumerate(facts) if f.get("_table") and f["_table"][2]}
    for fact in facts:
        cell = fact.get("_table")
        if cell and not cell[2] and cell[:2] in totals:
            fact["part_of"] = totals[cell[:2]]


def list_blocks(facts: list[dict], sentences: list[int], text: str) -> list[int]:
    """``sentences`` with the lines of one bulleted list counted as one sentence: a fact on
    a list-item line takes the sentence index of the first fact of its run of list lines
    ("- North: 29 deaths" / "- South: 9 deaths" / "- East: 3 deaths" add up as one
    sentence would)."""
    out = list(sentences)
    run_start = None  # index into facts of the first fact of the current run of list lines
    for k, fact in enumerate(facts):
        start = fact["number"]["start"]
        if not list_item_line(text, start):
            run_start = None
            continue
        if run_start is not None and text.count("\n", facts[k - 1]["number"]["end"], start) > 1:
            run_start = None  # (the fact before is on a list line: any other resets the run)
        if run_start is None:
            run_start = k
        out[k] = out[run_start]
    return out


# How far back (in sentences) a total may stand from figures that add up exactly to it.
SUM_REACH = 5


def _complete_breakdowns(facts: list[dict], sentences: list[int]) -> None:
    """The sum rule of ``assign_part_of``: figures of one type and sentence (or one
    bulleted list, :func:`list_blocks`), none of them a part yet, that add up exactly to
    an earlier figure of that type at most SUM_REACH sentences before them."""
    groups: dict[tuple, list[int]] = {}
    for k, fact in enumerate(facts):
        if fact.get("part_of") is None and not fact.get("_partitive"):
            groups.setdefault((sentences[k], fact["type"]), []).append(k)
    for (sent, kind), members in groups.items():
        if len(members) < 2:
            continue
        for start in range(len(members) - 1):
            parts = members[start:]
            total_value = sum(facts[k]["value"] for k in parts)
            first = parts[0]
            found = None
            for i in range(first - 1, -1, -1):
                if sentences[first] - sentences[i] > SUM_REACH:
                    break
                total = facts[i]
                if total["type"] == kind and total["value"] == total_value and total.get("mod") is None:
                    found = total["part_of"] if total.get("part_of") is not None else i
                    break
            if found is not None:
                for k in parts:
                    facts[k]["part_of"] = found
                break


class FactsStage:
    name = "facts"
    requires = ("parsed", "numbers")
    assigns = ("facts",)

    def __init__(self, triggers: Path):
        self.triggers = triggers
        self.lexicon = load_lexicon(triggers)

    def _figures(self, doc: Document, index: ParseIndex) -> list[Figure]:
        out = []
        for number in doc.numbers:
            if not is_figure(number) or doc.text[max(0, number["start"] - 1):number["start"]] in ("+", "±"):
                continue  # "GMT+3", "UTC+04:00"
            span = doc.tokens(number["start"], number["end"])
            if span is None:
                continue
            token = figure_root(span)
            out.append(Figure(number, token, index.sentence_of(token.i), span))
        return out

    def _fact(self, doc: Document, figure: Figure, link: Link, span_tokens) -> dict:
        number = figure.number
        first, last = link.trigger[0], link.trigger[-1]
        if first.i < span_tokens[1] and span_tokens[0] <= last.i:  # "took 14 workers hostage"
            first = last
        t_start, t_end = doc.from_normalised(first.idx, last.idx + len(last.text))
        return {"type": link.type, "value": number["value"], "mod": number.get("mod"),
                "number": {"start": number["start"], "end": number["end"]},
                "trigger": {"start": t_start, "end": t_end},
                "event": None, "part_of": None, "attribution": None}

    def __call__(self, doc: Document) -> Document:
        lex = self.lexicon
        facts, provenance, sents = [], [], []
        index = ParseIndex(doc.parsed)
        figures = self._figures(doc, index)
        previous: Optional[dict] = None
        for figure in figures:
            tok = figure.token
            links = link_figure(tok, lex, index)
            cell = table_cell(doc.text, figure.number["start"], lex) if not links else None
            if cell is not None:
                t0, t1 = doc.textmap.span_to_normalised(*cell.trigger)
                trig = doc.parsed.char_span(t0, t1, alignment_mode="expand")
                links = [Link(cell.type, tuple(trig), "table")] if trig is not None else []
            if not links:
                links = (inherited_links(figure, facts, sents, doc, lex, previous, index)
                         or total_links(figure, facts, sents, doc, lex)
                         or subject_type_links(figure, doc, lex, index))
            previous = {"_fact_index": len(facts) if links else None}
            span = figure.span  # the number's tokens (Document.tokens: char_span, expanded)
            partitive = bool(links) and is_partitive(tok, index)
            # an increment ("another 57", "two more") or a new total is never a part
            standalone = bool(links) and (tok.lower_ in MORE_WORDS or any(c.lower_ in MORE_WORDS for c in tok.children)
                                          or tok.head.lower_ in MORE_WORDS)
            for link in links:
                fact = self._fact(doc, figure, link, (span.start, span.end))
                if link.rule == "partitive" or partitive:
                    fact["_partitive"] = True
                if link.rule == "inherited":
                    fact["_inherits"] = True
                if link.rule == "table":
                    fact["_table"] = (cell.table, cell.column, cell.total)
                if link.rule == "total" or standalone:
                    fact["_standalone"] = True
                facts.append(fact)
                sents.append(figure.sentence)
                provenance.append({"start": figure.number["start"], "end": figure.number["end"],
                                   "type": link.type, "rule": link.rule})
        assign_table_part_of(facts)
        assign_part_of(facts, sents, doc.text, lex)
        for fact in facts:
            fact.pop("_partitive", None)
            fact.pop("_inherits", None)
            fact.pop("_standalone", None)
            fact.pop("_table", None)
        doc.facts = facts
        doc.provenance["facts"] = provenance
        return doc


class TableCell(NamedTuple):
    """A figure in a flattened table: its type, the header or heading word that gives
    it (original offsets), and whether its row is the table's total."""

    type: str
    trigger: tuple[int, int]
    total: bool
    column: int
    table: int  # offset of the table's header line


def _line_at(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _word_types(text: str, start: int, end: int, lex: FactLexicon) -> list[tuple[str, int, int]]:
    """(type, start, end) for each word of text[start:end] that is a trigger noun or
    complement of a type ("People displaced" -> displaced; "DISPLACEMENT")."""
    out = []
    for m in re.finditer(r"[A-Za-z][A-Za-z-]*", text[start:end]):
        word = m.group(0).lower()
        forms = {word, word.rstrip("s")}
        for name, rules in lex.types.items():
            if forms & (rules.nouns | rules.complements):
                out.append((name, start + m.start(), start + m.end()))
    return out


def table_cell(text: str, offset: int, lex: FactLexicon) -> Optional[TableCell]:
    """The type of a figure in a flattened table ("District | People displaced |
    Households" over rows "Kharzan | 780 | 139"): its column's header cell names the
    type, or names people and the heading line above the table names the type
    ("DISPLACEMENT BY VILLAGE" over "Village | Families | People"). A column of
    households or families counts no people. ``offset`` is the figure's start in
    ``text`` (original offsets). None when the figure is not in such a table."""
    l0, l1 = _line_at(text, offset)
    if "|" not in text[l0:l1]:
        return None
    column = text[l0:offset].count("|")
    if column == 0:
        return None  # the row's label
    header = l0
    while header > 0:  # up to the first line of the block of "|" lines
        p0, p1 = _line_at(text, header - 1)
        if "|" not in text[p0:p1] or p0 == header:
            break
        header = p0
    h0, h1 = _line_at(text, header)
    if header == l0:
        return None
    cells = text[h0:h1].split("|")
    if column >= len(cells):
        return None
    c0 = h0 + sum(len(c) + 1 for c in cells[:column])
    c1 = c0 + len(cells[column])
    cell_words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", text[c0:c1])}
    found = _word_types(text, c0, c1, lex)
    if not found:
        if not cell_words & {w.rstrip("s") for w in lex.people}:
            return None  # "Households", "Families": not people
        t0, t1 = _line_at(text, h0 - 1) if h0 > 0 else (0, 0)
        found = _word_types(text, t0, t1, lex)  # the heading above the table
    if not found:
        return None
    row_label = text[l0:l0 + text[l0:l1].find("|")].strip().lower()
    kind, t_start, t_end = found[0]
    return TableCell(kind, (t_start, t_end), row_label in lex.table_totals, column, header)


def _bisect(starts: list[int], i: int) -> int:
    return max(bisect_right(starts, i) - 1, 0)


def is_partitive(num, index: Optional[ParseIndex] = None) -> bool:
    """"two of them", "nine of those killed": a figure with an "of" group."""
    return counted_noun(num, index)[1] is not None


def _category_clause(num, lex: FactLexicon) -> bool:
    """Whether a partitive figure says which kind of people the part is: no verb of
    its own ("nine of them children", "38 of them at the station") or a copula with a
    noun ("six of them were minors"), not a state or later action ("remains on a ward",
    "were released")."""
    node = num
    if num.dep_ in ("nummod", "quantmod") and num.head.pos_ in ("NOUN", "PROPN"):
        node = num.head  # "two doctors ... told": the clause of the counted noun
    if num.dep_ == "pobj" and num.head.i == num.i - 1 and num.head.pos_ == "ADP" and num.head.dep_ == "prep":
        node = num.head  # "Around 6,900 of them have been identified": the qualifier carries the figure
    head = node.head
    subjectless = head.pos_ in VERBAL and node.i < head.i and not any(c.dep_ in SUBJECT_DEPS for c in head.children)
    if (node.dep_ not in SUBJECT_DEPS and not subjectless) or head.pos_ not in VERBAL:
        return True
    return _lemma(head) in lex.copulas and any(c.dep_ in ("attr", "oprd") or (c.dep_ == "prep" and c.lower_ in lex.breakdown)
                                               for c in head.children)  # "Among them were 84 citizens"


def subject_type_links(figure: Figure, doc: Document, lex: FactLexicon,
                       index: Optional[ParseIndex] = None) -> list[Link]:
    """"The wounded were treated in three hospitals: 61 at X, 35 at Y": a list after a
    colon whose clause has no figure takes the type of the trigger word before it.
    ``index``: the parse's ParseIndex when the caller has one; with it a sentence
    whose text has no colon before the figure is not walked."""
    tok = figure.token
    if index is None:
        sent = tok.sent
    else:
        start, end = index.bounds(tok.i)
        if ":" not in doc.textmap.text[doc.parsed[start].idx:tok.idx]:
            return []  # no ":" token can stand before the figure
        sent = doc.parsed[start:end]
    colon = next((t for t in sent if t.text == ":" and t.i < tok.i), None)
    if colon is None:
        return []
    for t in sent:
        if t.i >= colon.i:
            break
        if t.dep_ in SUBJECT_DEPS:
            links = [Link(name, (t,), "inherited") for name, rules in lex.types.items()
                     if _forms(t) & (rules.nouns | rules.complements)]
            if links:
                return links[:1]
    return []


def total_links(figure: Figure, facts: list[dict], sents: list[int], doc: Document,
                lex: FactLexicon) -> list[Link]:
    """"eight further arrests ..., bringing the total to 31": a total without a type of
    its own takes the type of the latest fact of its sentence."""
    tok = figure.token
    if tok.dep_ != "pobj" or tok.head.lower_ != "to":
        return []
    verb = tok.head.head
    if verb.pos_ != "VERB" or _lemma(verb) not in lex.value_verbs:
        return []
    if not any(c.dep_ in ("dobj", "nsubj") and _lemma(c) in lex.containers for c in verb.children):
        return []
    for i in range(len(facts) - 1, -1, -1):
        if sents[i] != figure.sentence:
            break
        t0, t1 = doc.textmap.span_to_normalised(facts[i]["trigger"]["start"], facts[i]["trigger"]["end"])
        trig = doc.parsed.char_span(t0, t1, alignment_mode="expand")
        if trig is not None:
            return [Link(facts[i]["type"], tuple(trig), "total")]
    return []


def inherited_links(figure: Figure, facts: list[dict], sents: list[int], doc: Document,
                    lex: FactLexicon, previous: Optional[dict] = None,
                    index: Optional[ParseIndex] = None) -> list[Link]:
    """A figure without a trigger of its own that breaks down an earlier total takes
    the total's type and trigger:

    - a list after a breakdown word in the total's sentence ("27 people were injured:
      12 in the capital, 9 in the north"), or after one in the figure's own sentence
      when the total is in the sentence before ("... were detained. Among them were 84");
    - a partitive of a pronoun ("23 injured, nine of them children"; "six of them were
      minors"), the total being the nearest larger figure in this or the two sentences
      before.

    The figure must count people (or nothing) and be smaller than the total.
    ``index``: the parse's ParseIndex when the caller has one (same links, cheaper).
    """
    tok = figure.token
    counted, group = counted_noun(tok, index)
    pronoun = group is not None and group.pos_ == "PRON"
    if (group is not None and not pronoun) or not counts_people(counted, lex, index) or is_age(tok, lex):
        return []
    if counted is not None and counted.i != tok.i and noun_links(counted, lex, "noun"):
        return []
    if not _category_clause(tok, lex):
        return []  # "one of whom remains on a ward", "6,900 of them have been identified", "two doctors told"
    if pronoun and previous is not None and previous.get("_fact_index") is None:
        return []  # "Nineteen of the injured are in hospital, four of them in intensive care"
    sent_start = None  # the figure's sentence start in original offsets, when first needed
    for i in range(len(facts) - 1, -1, -1):
        total = facts[i]
        if figure.sentence - sents[i] > (2 if pronoun else 1):
            break
        if total["number"]["end"] > figure.number["start"] or not total["value"] > figure.number["value"]:
            continue
        if total.get("_inherits") or total.get("part_of") is not None:
            continue
        if sents[i] == figure.sentence:
            marked = breakdown_marker(doc.text[total["number"]["end"]:figure.number["start"]], lex)
        else:
            if sent_start is None:
                start_char = tok.sent.start_char if index is None else doc.parsed[index.bounds(tok.i)[0]].idx
                sent_start = doc.from_normalised(start_char, start_char)[0]
            marked = breakdown_marker(doc.text[sent_start:figure.number["start"]], lex)
        if pronoun or marked:
            t0, t1 = doc.textmap.span_to_normalised(total["trigger"]["start"], total["trigger"]["end"])
            trig = doc.parsed.char_span(t0, t1, alignment_mode="expand")
            if trig is None:
                return []
            return [Link(total["type"], tuple(trig), "inherited")]
        if sents[i] != figure.sentence:
            break  # in its own sentence a list item may stand between the total and the figure
    return []
