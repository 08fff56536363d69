"""Facts stage: tie each figure (a numbers entry) to the word that says what it counts.

A cardinal is a fact when the dependency parse links it to a trigger of
configs/lexicons/fact_triggers.toml and it counts people or forces: it (or the
noun it counts) is the subject, object or passive subject of a trigger verb or of
verbs coordinated with it, the "of" phrase of a trigger noun ("deportation of"),
or it counts a trigger noun ("4,000 protesters"). Breakdowns ("including 63
children") and coordinated nouns inherit the verb of their group. Verb triggers
win over noun triggers; a figure gets one fact per distinct type.

Everything below ``FactsStage`` is a pure function of spaCy tokens and the
lexicon, so tests can check each decision on a parsed sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, NamedTuple

from ..document import Document
from ..lexicon import read_toml

NOMINAL = {"NOUN", "PROPN", "PRON", "NUM", "ADJ"}
VERBAL = {"VERB", "AUX"}
# Children of a verb that can complete a two-word trigger ("round up", "claim life").
KEY_DEPS = {"prt", "dobj", "oprd", "acomp", "attr", "xcomp", "advmod", "amod"}
# Children of a verb that can be a complement trigger ("went missing", "held hostage").
COMPLEMENT_DEPS = {"acomp", "oprd", "attr", "xcomp", "dobj", "advmod", "ccomp", "advcl"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
DEFINITE = {"the", "these", "those", "this", "that", "its", "their", "our", "his", "her"}
# Tokens that may stand between two verbs sharing one subject ("killed, have been injured,").
CHAIN_GAP = {"PUNCT", "CCONJ", "AUX", "ADV", "PART", "SPACE"}


@dataclass(frozen=True)
class TypeRules:
    verbs: frozenset[str]
    subject_verbs: frozenset[str]
    nouns: frozenset[str]
    complements: frozenset[str]
    forces_only: bool = False


@dataclass(frozen=True)
class FactLexicon:
    types: dict[str, TypeRules]
    people: frozenset[str]
    people_suffixes: tuple[str, ...]
    copulas: frozenset[str]
    breakdown: frozenset[str]
    containers: frozenset[str]
    value_verbs: frozenset[str]

    @cached_property
    def forces(self) -> frozenset[str]:
        """Nouns of forces: the nouns of the forces_only types ("troop", "soldier")."""
        return frozenset().union(*(r.nouns for r in self.types.values() if r.forces_only))

    @cached_property
    def type_nouns(self) -> frozenset[str]:
        return frozenset().union(*(r.nouns for r in self.types.values()))


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in values)


# Tables of fact_triggers.toml that are not fact types ("breakdowns" is read by compare).
NOT_TYPES = ("people", "grammar", "breakdowns")


def load_lexicon(path: str | Path) -> FactLexicon:
    """fact_triggers.toml -> FactLexicon; every table not in NOT_TYPES is a fact type."""
    raw = read_toml(path)
    grammar = raw.get("grammar", {})
    types = {
        name: TypeRules(
            verbs=_words(table.get("verbs", [])),
            subject_verbs=_words(table.get("subject_verbs", [])),
            nouns=_words(table.get("nouns", [])),
            complements=_words(table.get("complements", [])),
            forces_only=bool(table.get("forces_only", False)),
        )
        for name, table in raw.items()
        if name not in NOT_TYPES
    }
    return FactLexicon(
        types=types,
        people=_words(raw.get("people", {}).get("nouns", [])),
        people_suffixes=tuple(_words(raw.get("people", {}).get("suffixes", []))),
        copulas=_words(grammar.get("copulas", [])),
        breakdown=_words(grammar.get("breakdown", [])),
        containers=_words(grammar.get("containers", [])),
        value_verbs=_words(grammar.get("value_verbs", [])),
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


def verb_keys(verb) -> dict[str, tuple]:
    """'lemma' and 'lemma word' (particle, object, complement) -> the trigger tokens."""
    keys = {_lemma(verb): (verb,)}
    for child in verb.children:
        if child.dep_ in KEY_DEPS:
            for form in _forms(child):
                keys.setdefault(f"{_lemma(verb)} {form}", tuple(sorted((verb, child), key=lambda t: t.i)))
    return keys


# --- what the figure counts -------------------------------------------------------

def counted_noun(num):
    """(noun the figure counts or None, partitive group or None).

    "150 civilians" -> civilians; "hundreds of people" -> people (an indefinite
    group is what is counted); "two of the dead" -> group "dead" (a definite group:
    the figure is a subset of it).
    """
    if num.dep_ in ("nummod", "quantmod", "compound", "amod") and num.head.pos_ in NOMINAL and num.head.i != num.i:
        return num.head, None
    for child in num.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            group = next((c for c in child.children if c.dep_ == "pobj"), None)
            if group is None:
                continue
            definite = group.pos_ == "PRON" or any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE
                                                   for c in group.children)
            return (None, group) if definite else (group, None)
    return None, None


def counts_people(noun, lex: FactLexicon) -> bool:
    """Whether a counted noun is people or forces (not houses, years or crimes)."""
    if noun is None:
        return True
    forms = _forms(noun)
    if forms & (lex.people | lex.type_nouns) or noun.tag_ == "NNPS" or is_group_name(noun):
        return True
    return any(f.endswith(suffix) and len(f) - len(suffix) >= 3 for f in forms for suffix in lex.people_suffixes)


def is_group_name(token) -> bool:
    """A nationality or other group name (NORP) by the model or by a gazetteer span group."""
    if token.ent_type_ == "NORP":
        return True
    return any(span.label_ == "NORP" and span.start <= token.i < span.end
               for group in token.doc.spans.values() for span in group)


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


def relations(anchor) -> list[tuple]:
    """(verb, role) pairs for the figure's anchor; role is subject, passive, object or
    agent, plus participles qualifying it (see ``participles``)."""
    out = []
    dep, head = anchor.dep_, anchor.head
    if dep in ("nsubjpass", "csubjpass"):
        out.append((head, "passive"))
    elif dep == "nsubj" and head.pos_ in VERBAL:
        out.append((head, "subject"))
    elif dep in ("dobj", "npadvmod", "oprd") and head.pos_ in VERBAL:
        out.append((head, "object"))
    elif dep == "pobj" and head.dep_ == "agent":
        out.append((head.head, "agent"))
    elif dep in ("conj", "appos", "dep"):
        repaired = _repair_subject(anchor)
        if repaired:
            out.append(repaired)
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


def coordinated(verb) -> list:
    """The verb and the subjectless verbs coordinated right after it, which share its
    subject: "were killed, have been injured, or gone missing"."""
    chain, last = [verb], verb
    doc = verb.doc
    j = verb.i + 1
    end = verb.sent.end
    while j < end:
        tok = doc[j]
        if tok.pos_ in CHAIN_GAP or (tok.head == last and tok.dep_ in COMPLEMENT_DEPS | {"prt"}):
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
    if first_role == "passive" and verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children):
        return "passive"  # "were detained or arrested"
    return first_role if first_role != "passive" else "subject"


def verb_links(verb, role: str, lex: FactLexicon, counted=None) -> list[Link]:
    """Types a verb gives a figure in ``role`` (see fact_triggers.toml for the lists)."""
    links = []
    keys = verb_keys(verb)
    patient = role in ("object", "passive", "breakdown")
    actor = role in ("subject", "agent", "breakdown")
    for name, rules in lex.types.items():
        for key, toks in keys.items():
            objects = [c for c in verb.children if c.dep_ == "dobj" and c not in toks]
            if key in rules.verbs and (patient or (role == "subject" and not objects)):
                links.append(Link(name, toks, "verb"))
            elif key in rules.subject_verbs and actor:
                if not rules.forces_only or (counted is not None and _forms(counted) & lex.forces):
                    links.append(Link(name, toks, "verb"))
        if role in ("subject", "passive", "object", "breakdown"):
            for child in verb.children:
                if child.dep_ in COMPLEMENT_DEPS and _forms(child) & rules.complements and not has_subject(child):
                    links.append(Link(name, (child,), "complement"))
            if role != "object" and verb.lower_ in rules.complements:
                links.append(Link(name, (verb,), "complement"))  # "were missing" parsed as a verb
    return links


def noun_links(noun, lex: FactLexicon, rule: str, compounds: bool = False) -> list[Link]:
    forms = set(_forms(noun))
    if compounds:  # "death toll"
        forms |= {f for c in noun.children if c.dep_ == "compound" for f in _forms(c)}
    return [Link(name, (noun,), rule) for name, rules in lex.types.items() if forms & rules.nouns]


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


def value_links(anchor, lex: FactLexicon) -> list[Link]:
    """"the death toll rose to 150", "the number of dead stood at 40"."""
    head = anchor.head
    if anchor.dep_ == "pobj" and head.lower_ in ("to", "at"):
        verb = head.head
    elif anchor.dep_ in ("attr", "dobj"):
        verb = head
    else:
        return []
    if verb.pos_ not in VERBAL or _lemma(verb) not in lex.value_verbs:
        return []
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return []
    links = noun_links(subject, lex, "value", compounds=True)
    for prep in subject.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            links += [Link(lk.type, lk.trigger, "value") for pobj in prep.children if pobj.dep_ == "pobj"
                      for lk in noun_links(pobj, lex, "value")]
    return links


def link_figure(num, lex: FactLexicon) -> list[Link]:
    """All facts one figure (the root token of its numbers span) reports, one per type."""
    counted, group = counted_noun(num)
    if not counts_people(counted, lex) or not counts_people(group, lex):
        return []
    anchor, breakdown_verb = climb(counted if counted is not None and counted == num.head else num, lex)
    if breakdown_verb:
        rels = [(anchor, "breakdown")]
    else:
        rels = relations(anchor)
        if counted is not None and counted != anchor:
            rels += participles(counted)  # "thousands of people swarming"
    links: list[Link] = []
    for verb, role in rels:
        for i, member in enumerate(coordinated(verb) if role in ("subject", "passive") else [verb]):
            links += verb_links(member, role if i == 0 else _chain_role(member, role), lex, counted)
    if group is not None and not links:  # "two of the dead were children"
        verb = num.head if num.dep_ in SUBJECT_DEPS else None
        if verb is not None and _lemma(verb) in lex.copulas:
            links += noun_links(group, lex, "partitive")
            for verb2, role in participles(group):
                links += [Link(lk.type, lk.trigger, "partitive") for lk in verb_links(verb2, role, lex)]
    if not links:
        links = of_noun_links(anchor, lex) or value_links(anchor, lex)
    if not links and counted is not None:
        links = noun_links(counted, lex, "noun")
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


def is_figure(number: dict) -> bool:
    """Only cardinal counts can be facts (not ordinals, percentages, money, quantities)."""
    value = number.get("value")
    return number.get("kind") == "cardinal" and isinstance(value, (int, float)) and value >= 1


class FactsStage:
    name = "facts"
    requires = ("parsed", "numbers")
    assigns = ("facts",)

    def __init__(self, triggers: Path):
        self.triggers = triggers
        self.lexicon = load_lexicon(triggers)

    def __call__(self, doc: Document) -> Document:
        doc.facts, provenance = [], []
        for number in doc.numbers:
            if not is_figure(number):
                continue
            s, e = doc.textmap.span_to_normalised(number["start"], number["end"])
            span = doc.parsed.char_span(s, e, alignment_mode="expand")
            if span is None or not len(span):
                continue
            for link in link_figure(figure_root(span), self.lexicon):
                first, last = link.trigger[0], link.trigger[-1]
                if first.i < span.end and span.start <= last.i:  # "took 14 workers hostage"
                    first = last
                t_start, t_end = doc.from_normalised(first.idx, last.idx + len(last.text))
                doc.facts.append({"type": link.type, "value": number["value"], "mod": number.get("mod"),
                                  "number": {"start": number["start"], "end": number["end"]},
                                  "trigger": {"start": t_start, "end": t_end}})
                provenance.append({"start": number["start"], "end": number["end"], "type": link.type,
                                   "rule": link.rule})
        doc.provenance["facts"] = provenance
        return doc
