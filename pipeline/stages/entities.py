"""Entities stage: spaCy's entities (model + gazetteer ruler), cut to SPEC extents.

The model's systematic errors on this genre are fixed by general rules whose
word lists live in configs/: strip a leading article, a possessive, quotes and
trailing punctuation; drop titles and roles; retag demonyms as NORP; never let a
span cross a sentence boundary; drop numbers that are identifiers.
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path


from ..document import Document
from ..identifiers import is_identifier_number
from ..lexicon import read_model, read_word_list
from ..spans import SpanSet
from . import entity_rules as rules
from .parse import GAZETTEER_KEY, PLACES_KEY

# Proper-name labels: such a span never starts with a lower-case word.
NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT")
DOTTED_ABBREV = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}$")
EDGE_PUNCT = "\"'“”‘’«»()[]{},.;:!?–—-•●▪◦‣·*|"


EDGE_CHARS = frozenset(EDGE_PUNCT)
LEAD_WORD = re.compile(r"(\w+)\s+")
SAINT_POSSESSIVE = re.compile(r"St\.? [A-Z]\w+['’]s$")
# A small word a name never ends in, and the last letters such a span must have.
CUT_SMALL_WORD = re.compile(r"\s+(?:of|the|and|for|in|to)$")
SMALL_WORD_ENDS = ("of", "the", "and", "for", "in", "to")
POSSESSIVE_ENDS = ("'s", "’s")
APOSTROPHES = ("'", "’")


def _before_dollar(span: str) -> str:
    """What a pattern ending in ``$`` (no MULTILINE) can end at: ``span`` less one final "\n"."""
    return span[:-1] if span.endswith("\n") else span


def trim_span(text: str, start: int, end: int, strip_words: frozenset[str]) -> tuple[int, int]:
    """Shrink [start, end) past articles, possessives, quotes and punctuation.

    Offsets index ``text``; returns (start, end), start == end when nothing is left.
    Repeats until nothing changes: edge spaces and EDGE_PUNCT (a final "." of a dotted
    abbreviation stays), a leading word of ``strip_words`` (lower-cased), a final
    possessive ("'s", "’s"; not in "St Mary's"), an unclosed "(" and what follows
    it, a final small word ("of", "the", ...). The checks for a possessive and a
    small word are plain string tests in front of the patterns they stand for
    (``['’]s?$``, CUT_SMALL_WORD): ``$`` also matches before one final "\n".
    """
    changed = True
    while changed and start < end:
        changed = False
        while start < end and (text[start].isspace() or text[start] in EDGE_CHARS):
            start, changed = start + 1, True
        while end > start and (text[end - 1].isspace() or text[end - 1] in EDGE_CHARS):
            if text[end - 1] == "." and DOTTED_ABBREV.search(text, start, end):
                break  # "U.S.", "E.U.": the last period is part of the abbreviation
            end, changed = end - 1, True
        span = text[start:end]
        m = LEAD_WORD.match(span)
        if m and m.group(1).lower() in strip_words:
            start, changed = start + m.end(), True
            span = text[start:end]
        tail = span[:-1] if span.endswith("\n") else span  # _before_dollar, inline (hot)
        # the leftmost match of ['’]s?$: an apostrophe before a final "s", or a final one
        cut = len(tail) - 2 if tail.endswith(POSSESSIVE_ENDS) else len(tail) - 1 if tail.endswith(APOSTROPHES) else -1
        if cut >= 0 and end - start > 2 and not SAINT_POSSESSIVE.match(span):
            end, changed = start + cut, True
            span = text[start:end]
        if "(" in span and span.count("(") > span.count(")"):  # "X (Ombudsman" -> "X"
            end, changed = start + span.rindex("("), True
            span = text[start:end]
        if _before_dollar(span).endswith(SMALL_WORD_ENDS):
            m = CUT_SMALL_WORD.search(span)
            if m:  # a name cut by the model: "Ministry of Foreign Affairs of"
                end, changed = start + m.start(), True
    return start, end


_CLOCK = r"\d{1,2}[:.]\d{2}(?![.:]?\d)(?:\s*[apAP]\.?[mM]\.?)?(?:\s*(?:UTC|GMT)(?:\s*[+−-]\s*\d{1,2}(?::\d{2})?)?)?"
CLOCK_TIME = re.compile(r"(,?\s+(?:at\s+)?)(" + _CLOCK + ")")
# A clock time first, then its day: "10:40 on Monday, 12 May".
CLOCK_FIRST = re.compile(r"^((?:about\s+|around\s+|approximately\s+|at\s+)?" + _CLOCK + r"|noon|midnight)(\s*,?\s+(?:on\s+)?)(?=\S)", re.I)
# A clock time anywhere ("09:15", "6 p.m."), and a day or date after one ("on Monday, 12 May").
CLOCK_ANY = re.compile(r"\b\d{1,2}[:.]\d{2}\b(?![.:]\d)|\b\d{1,2}\s*[ap]\.?m\.?(?!\w)|\b\d{4}\s*(?:GMT|UTC)\b", re.I)
DAY_PART = re.compile(r"(?<![+\-−\d])\d|\b(?:today|yesterday|tomorrow)\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# Clock times the dates layer did not find become TIME entities all the same.
CLOCK_FALLBACK = re.compile(r"(?<![\w:.])\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?(?!\w))?(?![\w:])", re.I)
CLOCK_FALLBACK_ANCHOR = (":", (1, 2))  # every match has ":" 1 or 2 characters after its start
# "KRAMATORSK, Ukraine, April 8 (Agency) -": the wire's name after a dateline.
DATELINE_AGENCY = re.compile(r"(?m)^[A-Z][A-Z .'’-]+,[^\n(]{0,60}?\(([A-Z][\w&.'’ -]{1,40})\)\s*[-–—]")
# A flattened table: a header line with "|" cells, then rows with "|" cells.
TABLE_BLOCK = re.compile(r"(?m)^([^\n|]+(?:\|[^\n|]+)+)\n((?:[^\n|]+(?:\|[^\n|]*)+(?:\n|$))+)")
SHARE_LINE = re.compile(r"(?mi)^(?:share(?: this)?|follow us(?: on)?)\s*:?\s*(.+)$")
# Labels checked for capitalised common words and role titles.
ROLE_CHECK_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT")
SAINT_PLACE = re.compile(r"\bSt\.? [A-Z][a-z]+['’]s(?: (?:Hospital|Church|Cathedral|Abbey|School|College|Hall|Chapel|Square|Park))?")
SAINT_PLACE_ANCHOR = ("St", (0,))
CITY_OF = re.compile(r"\b(?:City|Town|Municipality) of (?:[A-Z][\w’'-]+)(?: [A-Z][\w’'-]+)?")
CITY_OF_ANCHOR = (" of ", (len("City"), len("Municipality")))  # "Town" is as long as "City"
CAPS_DATELINE = re.compile(r"(?m)^([A-Z][A-Z’'-]{2,}(?: [A-Z][A-Z’'-]{2,}){0,2}),\s+(?=\d{1,2} [A-Z][a-z]+|[A-Z][a-z]+,? \d|[A-Z][a-z]+, )")
ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Z&]{1,9})\)")
GOVERNMENT_OF = re.compile(r"Government of (?:the )?")
TITLE_OF_SPLIT = re.compile(r"(.+?)\s+of\s+(?:the\s+)?")
NUMBER_LABELS = {"cardinal": "CARDINAL", "ordinal": "ORDINAL", "percent": "PERCENT",
                 "money": "MONEY", "quantity": "QUANTITY"}
NUMERIC_LABELS = frozenset(NUMBER_LABELS.values())


def time_parts(text: str, start: int, end: int, time_words: re.Pattern) -> list[tuple[int, int, str]]:
    """DATE/TIME entities for one dates entry, read from its text.

    SPEC: a dateline's date is DATE and its clock time TIME ("20 January 2023 16:23");
    dev-set decisions (docs/annotation-dev*.md, after OntoNotes): a clock time with a
    day is split ("Wednesday 16 April at 09:15", "10:40 on Monday, 12 May"); clock
    times, parts of day ("Saturday evening", "10:30 that morning") and durations in
    hours or minutes are TIME; everything else DATE. ``time_words``: the compiled
    part-of-day / hour-unit words (configs).
    """
    clock = CLOCK_TIME.search(text, start, end)
    if clock and DAY_PART.search(text, start, clock.start(1)):
        return [(start, clock.start(1), "DATE"), (clock.start(2), clock.end(2), "TIME")]
    first = CLOCK_FIRST.match(text[start:end])
    if first and start + first.end() < end and DAY_PART.search(text, start + first.end(), end):
        return [(start, start + first.end(1), "TIME"), (start + first.end(), end, "DATE")]
    span = text[start:end]
    if CLOCK_ANY.search(span) or time_words.search(span):
        return [(start, end, "TIME")]
    return [(start, end, "DATE")]


STATE_WORDS = re.compile(r"(?:Republic|Kingdom|Federation|Principality|Emirate|Sultanate|Commonwealth|State|Union)")
INSTITUTION_OF = re.compile(r"^\s+of\s+(?:the\s+)?$")


def merge_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join names the model cut in two (longest name wins, SPEC).

    "Ministry of Foreign Affairs" + "of the" + "Republic of Azerbaijan" -> one ORG;
    "Soviet" (NORP) + "Army" (ORG) written together -> one ORG.
    """
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if out:
            p_start, p_end, p_label = out[-1]
            gap = text[p_end:start]
            if p_label in ("ORG", "FAC") and label in ("ORG", "GPE") and INSTITUTION_OF.match(gap):
                out[-1] = (p_start, end, "ORG")
                continue
            if p_label == "GPE" and label == "GPE" and INSTITUTION_OF.match(gap) \
                    and STATE_WORDS.fullmatch(text[p_start:p_end]):
                out[-1] = (p_start, end, "GPE")  # "Republic" + "of" + "Morvania"
                continue
            if p_label == "NORP" and label == "ORG" and gap == " " and text[p_start].isupper():
                out[-1] = (p_start, end, "ORG")
                continue
        out.append((start, end, label))
    return out


PLACE_LABELS = ("GPE", "LOC", "FAC")
# Names that never hold a lower-case word outside [names] inner_words.
STRICT_NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC")
# Labels the model gives unknown places; "in X, Y" turns them into GPE.
MISREAD_PLACE = ("PERSON", "ORG", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "LOC", "EVENT")
# Rule spans win over model spans; dates over both.
P_MODEL, P_GAZETTEER, P_RULE, P_DATE = 0, 1, 2, 3


def split_at_breaks(text: str, spans):
    """A name never runs over a hard line break: cut a span at each "\\n" of the
    normalised text (soft wraps are spaces there) and keep the pieces."""
    out = []
    for start, end, label in spans:
        if "\n" not in text[start:end]:
            out.append((start, end, label))
            continue
        pos = start
        for piece in text[start:end].split("\n"):
            s, e = pos, pos + len(piece)
            pos = e + 1
            s += len(piece) - len(piece.lstrip())
            e -= len(piece) - len(piece.rstrip())
            if e > s and text[s].isupper():
                out.append((s, e, label))
    return out


def _inside_longer_name(doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) are glued to a longer name: a capitalised word or a
    hyphen right before or after ("Tochka-U", "Abu Mansour Dam", "Qalat-e Nur")."""
    if end < len(doc):
        nxt = doc[end]
        if (nxt.text in ("-", "–") and not doc[end - 1].whitespace_) or (
                doc[end - 1].whitespace_ == " " and nxt.text[:1].isupper() and nxt.pos_ == "PROPN"):
            return True
    if start > 0:
        prev = doc[start - 1]
        if (prev.text in ("-", "–") and not prev.whitespace_) or (
                prev.whitespace_ == " " and prev.text[:1].isupper() and prev.pos_ == "PROPN" and not doc[start].is_sent_start):
            return True
    return False


def _spelled_by(text: str, paren: int, acronym: str) -> tuple[int, int] | None:
    """The span of the capitalised words right before ``paren`` whose initials spell
    ``acronym`` ("Médecins Sans Frontières" before "(MSF)"); small words ("of", "for",
    "and", "the") may stand between them. None if they do not spell it."""
    words = list(re.finditer(r"[\w’'-]+", text[max(0, paren - 120):paren]))
    base = max(0, paren - 120)
    letters = []
    first = None
    for w in reversed(words):
        word = w.group()
        if word in ("of", "for", "and", "the", "on", "in", "de", "des", "du") and letters:
            continue
        if not word[0].isupper() or len(letters) == len(acronym):
            break
        letters.append(word[0])
        first = base + w.start()
    if first is None or "".join(reversed(letters)) != acronym or text[paren - 1] not in " \t":
        return None
    return first, paren - 1


def word_start_finder(words) -> re.Pattern | None:
    """A pattern whose matches end where one of ``words`` starts, in any case, right after
    a non-word character: ``[^\\w](?=(?i:<words as a trie>))``.

    Its match ends are every position where ``\\b(?:w1|w2|...)`` (with or without
    IGNORECASE) can match after position 0, provided each word starts with an ASCII
    letter or digit (re's IGNORECASE pairs those only with word characters: "K", "ſ",
    "İ", "ı"); otherwise, or without words, None. The trie (one branch per next
    character) costs re one test per character where the alternation costs one per word;
    a branch ends at the first complete word, since only a word's presence matters here.
    """
    words = {w.lower() if w.isascii() else w for w in words}  # ASCII: same under IGNORECASE
    if not words or not all(w[:1].isascii() and w[:1].isalnum() for w in words):
        return None
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict) -> str:
        if "" in node:
            return ""  # a word ends here: a longer one adds nothing to "a word starts here"
        alts = [re.escape(ch) + branch(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(r"[^\w](?=(?i:" + branch(trie) + "))")


def all_match_starts(pattern: re.Pattern, text: str) -> list[int]:
    """Every position where ``pattern`` matches ``text`` (overlapping matches included)."""
    out = []
    m = pattern.search(text)
    while m:
        out.append(m.start())
        m = pattern.search(text, m.start() + 1)
    return out


def matches_at(pattern: re.Pattern, text: str, starts: list[int]) -> list[re.Match] | None:
    """The matches of ``pattern.finditer(text)``, found by ``pattern.match`` at ``starts``
    only: sorted positions that include every position where a match can begin.

    Leftmost first, the next one tried from the end of the last (as finditer does);
    None when a match is empty (finditer's handling of those is not repeated here).
    """
    out: list[re.Match] = []
    cursor = 0
    for pos in starts:
        if pos < cursor:
            continue
        m = pattern.match(text, pos)
        if m:
            if m.end() == pos:
                return None
            out.append(m)
            cursor = m.end()
    return out


def literal_positions(text: str, literal: str) -> list[int]:
    """Every position where ``literal`` (non-empty) starts in ``text``, overlaps included."""
    out = []
    pos = text.find(literal)
    while pos >= 0:
        out.append(pos)
        pos = text.find(literal, pos + 1)
    return out


def anchored_finditer(pattern: re.Pattern, text: str, literal: str, offsets: tuple[int, ...]) -> list[re.Match]:
    """The matches of ``pattern.finditer(text)`` for a pattern each of whose matches
    holds ``literal`` at one of ``offsets`` characters from its start: ``pattern`` is
    tried only there (str.find locates the literal), not at every character."""
    starts = sorted({pos - k for pos in literal_positions(text, literal) for k in offsets if pos >= k})
    found = matches_at(pattern, text, starts)
    return list(pattern.finditer(text)) if found is None else found


def _load_fixes(path: Path) -> rules.EntityFixes:
    return read_model(path, rules.EntityFixes)


def _headline(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` is a title-case headline (5+ words, 3/4 capitalised)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    words = [w for w in text[line_start:line_end if line_end >= 0 else len(text)].split() if w[0].isalpha()]
    return len(words) >= 5 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _tokens_of(phrase: str) -> list[str]:
    """A cue phrase as the English tokenizer splits it ("Secretary-General" -> 3 tokens)."""
    return re.findall(r"[()]|[^\s\-()]+|-", phrase)


class EntitiesStage:
    name = "entities"
    requires = ("textmap", "parsed", "sentences", "dates")
    assigns = ("entities",)

    def __init__(self, label_fixes: Path, strip_words: Path):
        fixes = _load_fixes(label_fixes)
        self.fixes = fixes
        self.strip_words = frozenset(read_word_list(strip_words))
        self.not_entities = {s.lower() for s in fixes.not_entities.get("phrases", [])}
        self.title_of = re.compile("(?:" + "|".join(map(re.escape, sorted(self.not_entities, key=len, reverse=True)))
                                   + ") of ") if self.not_entities else re.compile(r"(?!)")
        self.title_prefixes = sorted(
            (s.lower() for s in fixes.titles.get("prefixes", [])), key=len, reverse=True
        )
        self._title_starts = tuple(prefix + " " for prefix in self.title_prefixes)
        self.head_label = {
            word: label for label, words in fixes.head_label.items() for word in words
        }
        self.force_label = {
            word.lower(): label
            for label, words in fixes.force_label.items()
            for word in words
        }
        bp = fixes.boilerplate
        self.bp_phrases = frozenset(p.lower() for p in bp.phrases)
        self.bp_separators = re.compile("|".join(re.escape(x) for x in bp.separators) or r"\|")
        self.bp_patterns = [re.compile(p) for p in bp.patterns]
        self.paragraph_number = re.compile(bp.paragraph_number, re.M)
        words = sorted(fixes.time.words, key=len, reverse=True)
        self.time_words = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.I) if words \
            else re.compile(r"(?!)")
        self.prepositions = frozenset(w.lower() for w in fixes.places.prepositions)
        self.appositive_starts = frozenset(w.lower() for w in fixes.persons.appositive_starts)
        self.speech_verbs = frozenset(w.lower() for w in fixes.persons.speech_verbs)
        self.place_heads = frozenset(w.lower() for w in fixes.places.heads)
        self.plural_heads = frozenset(w.lower() for w in fixes.places.list_heads + fixes.places.of_heads
                                      if w.lower().endswith("s") and w.lower() not in self.place_heads)
        self.inner_words = frozenset(w.lower() for w in fixes.names.inner_words)
        self.languages = frozenset(fixes.languages.names)
        self.language_cues = frozenset(fixes.languages.cues)
        self.language_nouns = frozenset(w.lower() for w in fixes.languages.nouns)
        self.locative = frozenset(w.lower() for w in fixes.places.locative_prepositions)
        self.languages_lower = frozenset(w.lower() for w in fixes.languages.names)
        self.social_networks = frozenset(fixes.boilerplate.social_networks)
        self.table_totals = frozenset(w.lower() for w in fixes.boilerplate.table_totals)
        self.role_heads = frozenset(fixes.not_entities.get("role_heads", []))
        institutions = fixes.names.institutions
        self.institution_of = re.compile(
            r"(?:[A-Z][\w’'-]+ ){0,3}(?:" + "|".join(map(re.escape, institutions)) + r") of (?:the )?"
        ) if institutions else re.compile(r"(?!)")
        self._matchers: dict[int, object] = {}
        self.cue_patterns, openers = self._cue_patterns()
        # One pass over the text for all cues: each rule is a named group (flags scoped).
        self.cue_regex = re.compile("|".join(f"(?P<{rule}>{pattern.pattern.replace('(?i)', '')})"
                                             if not pattern.pattern.startswith("(?i)")
                                             else f"(?P<{rule}>(?i:{pattern.pattern[4:]}))"
                                             for rule, pattern in self.cue_patterns))
        # Where a cue can start (_cue_scan): after a non-word character, where one of the
        # rules' opening words follows; the rules without opening words find their own.
        self.cue_finder = word_start_finder(
            w for rule, _ in self.cue_patterns if openers.get(rule) for w in openers[rule])
        self.cue_own_starts = [pattern for rule, pattern in self.cue_patterns if not openers.get(rule)]
        # Model CARDINAL/ORDINAL/... spans where the numbers layer has nothing (identifiers).
        self.keep_unmatched_numeric = False

    # ---- rule spans -------------------------------------------------------------
    def _cue_patterns(self) -> tuple[list[tuple[str, re.Pattern]], dict[str, list[str]]]:
        """Compiled cue expressions of the rules, from the word lists in configs/, and for
        each rule whose expression is ``\\b`` + one of some words + ..., those words (its
        opening words: every match starts with one of them, in any case)."""
        f = self.fixes

        def words(items, flags=0):
            alt = "|".join(map(re.escape, sorted(set(items), key=len, reverse=True)))
            return alt

        out = []
        openers: dict[str, list[str]] = {}
        of_heads = self.place_heads | {w.lower() for w in f.places.of_heads}
        if of_heads:
            openers["place_of"] = sorted(of_heads)
            out.append(("place_of", re.compile(r"\b(?:" + words(of_heads) + r")\s+(?:of|OF|Of)\b")))
        if self.place_heads:
            openers["place_head"] = sorted(self.place_heads)
            out.append(("place_head", re.compile(r"\b(?:" + words(self.place_heads) + r")\b")))
        openers["place_appos"] = ["Capital", "capital"]
        out.append(("place_appos", re.compile(r"\b[Cc]apital\s*,")))
        if f.places.capitalised_heads:
            caps = set(f.places.capitalised_heads) | {h.upper() for h in f.places.capitalised_heads}
            openers["place_caphead"] = sorted(caps)
            out.append(("place_caphead", re.compile(r"\b(?:" + words(caps) + r")\b")))
        if f.languages.names:
            openers["language"] = sorted(f.languages.names)
            out.append(("language", re.compile(r"\b(?:" + words(f.languages.names) + r")\b")))
        if f.places.list_heads and f.places.list_cues:
            openers["place_list"] = sorted(f.places.list_heads)
            out.append(("place_list", re.compile(r"(?i)\b(?:" + words(f.places.list_heads) + r")\s*,?\s+(?:"
                                                 + words(f.places.list_cues) + r")\b")))
        if f.persons.closing_quotes:
            out.append(("person_quote", re.compile(r"[,.?!](?:" + words(f.persons.closing_quotes) + ")")))
        if self.speech_verbs:
            openers["person_verb"] = sorted(self.speech_verbs)
            out.append(("person_verb", re.compile(r"(?i)\b(?:" + words(self.speech_verbs) + r")\b")))
        if f.events.heads_any:
            openers["event_any"] = sorted(f.events.heads_any)
            out.append(("event_any", re.compile(r"(?i)\b(?:" + words(f.events.heads_any) + r")\b")))
        if f.events.heads_place:
            openers["event_place"] = sorted(f.events.heads_place)
            out.append(("event_place", re.compile(r"(?i)\b(?:" + words(f.events.heads_place) + r")\b")))
        return out, openers

    def _matcher(self, vocab):
        """spaCy PhraseMatcher of the cue phrases (titles, bylines, storm words), built
        once per vocabulary. Single-word cues are found by CUE_PATTERNS (regular
        expressions over the text, compiled once): a token Matcher cost four times more."""
        built = self._matchers.get(id(vocab))
        if built is not None:
            return built
        f = self.fixes
        # Phrase cues go to a PhraseMatcher (one hash lookup per token, not one pattern each).
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        phrases = PhraseMatcher(vocab, attr="ORTH")
        for key, cues in (("event_prefix", f.events.prefixes), ("person_byline", f.persons.byline_cues),
                          ("person_title", f.persons.title_cues)):
            if cues:
                phrases.add(key, [Doc(vocab, words=_tokens_of(c)) for c in cues])
        self._matchers[id(vocab)] = phrases
        return phrases

    def _cue_matches(self, parsed, text: str) -> list[tuple[str, int, int]]:
        """(rule, first_token, end_token) of every single-word cue, found by regular
        expressions over ``text`` and mapped to tokens through their start offsets."""
        starts = parsed.to_array("IDX").tolist()
        out = []
        for m in self._cue_scan(text):
            rule = m.lastgroup
            first = bisect.bisect_right(starts, m.start()) - 1
            end = bisect.bisect_left(starts, m.end())
            if first >= 0 and starts[first] == m.start() and end > first:
                out.append((rule, first, end))
                if rule == "place_of":  # "village of X" is also "... village" for the rule before it
                    out.append(("place_head", first, first + 1))
        return out

    def _cue_scan(self, text: str) -> list[re.Match]:
        """The matches of ``cue_regex.finditer(text)`` (leftmost first; at one position the
        first rule in order), found by trying cue_regex only where a cue can start:
        position 0, after a non-word character where an opening word follows
        (cue_finder), and where a rule without opening words matches (overlaps included).
        Falls back to the plain scan when the opening words do not allow it."""
        if self.cue_finder is None:
            return list(self.cue_regex.finditer(text))
        starts = {0}
        starts.update(m.end() for m in self.cue_finder.finditer(text))
        for pattern in self.cue_own_starts:
            starts.update(all_match_starts(pattern, text))
        found = matches_at(self.cue_regex, text, sorted(starts))
        return list(self.cue_regex.finditer(text)) if found is None else found

    def _followed_by_appositive(self, tokens, end: int, verbs: bool) -> bool:
        """After token ``end``: ", a/an/the/who ..." (an appositive) or a speech verb."""
        n = len(tokens)
        if end + 1 < n and tokens[end].text == "," and tokens[end + 1].lower_ in self.appositive_starts:
            return True
        return verbs and end < n and tokens[end].lower_ in self.speech_verbs

    def _rule_spans(self, parsed, place_evidence: set, model: dict,
                    norp: frozenset = frozenset(), text: str | None = None) -> list[tuple[int, int, str, str]]:
        """(start_char, end_char, label, rule) of every rule match on the parsed text.

        ``place_evidence``: char spans known to be places (gazetteer, model GPE/LOC/FAC);
        ``model``: char span -> model label; ``norp``: char spans of demonyms (gazetteer);
        ``text``: the parsed text (the normalised copy), if the caller has it.
        """
        tokens = parsed
        vocab = parsed.vocab
        if text is None:
            text = parsed.text  # Doc.text joins every token: pass the normalised text instead
        out: list[tuple[int, int, str, str]] = []
        places: set = set()

        def char(lo: int, hi: int) -> tuple[int, int]:
            return tokens[lo].idx, tokens[hi - 1].idx + len(tokens[hi - 1])

        phrases = self._matcher(vocab)
        title_key = vocab.strings["person_title"] if "person_title" in vocab.strings else None
        found = [(vocab.strings[k], s, e) for k, s, e in phrases(parsed)]
        title_key = "person_title"
        titles = [(s, e) for k, s, e in found if k == title_key]
        # "Detective Inspector X": the longest title cue, not "Detective" + "Inspector X"
        found = [(k, s, e) for k, s, e in found
                 if k != title_key or not any(a <= s and e <= b and (a, b) != (s, e) for a, b in titles)]
        matches = sorted(self._cue_matches(parsed, text) + found, key=lambda m: (m[1], m[2]))
        events = []
        for rule, m_start, m_end in matches:
            if rule == "place_of":
                k = m_end + 1 if m_end < len(tokens) and tokens[m_end].lower_ == "the" else m_end
                head = tokens[m_start].lower_
                # "the villages of A, B and C": every name of the list
                runs = rules.comma_list(tokens, k) if head in self.plural_heads else [rules.name_run(tokens, k, +1)]
                for run in runs:
                    if run:
                        out.append((*char(*run), "GPE", rule))
                        places.add(char(*run))
            elif rule == "place_head":
                run = rules.name_run(tokens, m_start - 1, -1)
                if run:
                    span = char(*run)
                    if span in norp or (model.get(span) == "ORG" and text[span[0]:span[1]].isupper()):
                        continue  # "Kurdish village", "UNHCR camp": not a place name
                    out.append((*span, "GPE", rule))
                    places.add(span)
            elif rule == "place_list":
                for run in rules.comma_list(tokens, m_end):
                    out.append((*char(*run), "GPE", rule))
                    places.add(char(*run))
            elif rule == "person_title":
                if _headline(text, tokens[m_start].idx):
                    continue  # "Secretary-General Remembers Victims of ...": a title-case headline
                if m_start > 0 and rules.is_name_word(tokens[m_start - 1].text) and not tokens[m_start - 1].is_sent_start:
                    continue  # "Asian Ombudsman Association": the title word is inside a name
                run = rules.name_run(tokens, m_end, +1)
                if run and tokens[run[0]].pos_ == "PROPN" and not tokens[m_end - 1].whitespace_ == "":
                    out.append((*char(*run), "PERSON", rule))
            elif rule in ("person_quote", "person_verb"):
                if rule == "person_quote" and tokens[m_start].whitespace_:
                    continue  # `, "Name` opens a quote; `,” Name` closes one
                run = rules.name_run(tokens, m_end, +1)
                if run and self._followed_by_appositive(tokens, run[1], verbs=rule == "person_quote"):
                    if char(*run) not in place_evidence:
                        out.append((*char(*run), "PERSON", rule))
            elif rule == "place_appos":
                run = rules.name_run(tokens, m_end, +1)
                if run:
                    out.append((*char(*run), "GPE", rule))
                    places.add(char(*run))
            elif rule == "place_caphead":
                if m_end < len(tokens) and rules.is_name_word(tokens[m_end].text) and tokens[m_end - 1].whitespace_:
                    continue  # "Donetsk Region Police": the head is inside a longer name
                run = rules.name_run(tokens, m_start - 1, -1)
                if run:
                    span = (tokens[run[0]].idx, tokens[m_end - 1].idx + len(tokens[m_end - 1]))
                    out.append((*span, "GPE", rule))
                    places.add(char(*run))
            elif rule == "event_prefix":
                run = rules.name_run(tokens, m_end, +1)
                if run and not _headline(text, tokens[m_start].idx) or run and run[1] - run[0] == 1:
                    out.append((tokens[m_start].idx, char(*run)[1], "EVENT", rule))
            elif rule == "person_byline":
                out += self._byline(tokens, m_start, m_end, char)
            elif rule == "language":
                if self._is_language(tokens, m_start):
                    out.append((*char(m_start, m_end), "LANGUAGE", rule))
            elif rule in ("event_any", "event_place"):
                events.append((rule, m_start, m_end))
        for m in anchored_finditer(SAINT_PLACE, text, *SAINT_PLACE_ANCHOR):
            out.append((m.start(), m.end(), "FAC", "saint_place"))  # "St Brennan's Hospital"
        for m in anchored_finditer(CITY_OF, text, *CITY_OF_ANCHOR):
            prev = text[max(0, m.start() - 30):m.start()].split()
            if prev and prev[-1][:1].isupper() and prev[-1][-1:].isalpha():
                continue  # "Kansas City of ...": part of a longer name
            out.append((m.start(), m.end(), "GPE", "city_of"))  # "City of Tuzla" (dev-set decision)
        for m in CAPS_DATELINE.finditer(text):
            out.append((m.start(1), m.end(1), "GPE", "caps_dateline"))  # "BELNIK, 30 January 2025"
        for rule, m_start, m_end in events:
            if m_end < len(tokens) and rules.is_name_word(tokens[m_end].text) and not tokens[m_end - 1].whitespace_ == "":
                continue  # "Genocide Memorial": part of a longer name
            run = rules.name_run(tokens, m_start - 1, -1)
            if not run:
                continue
            span = char(*run)
            if rule == "event_any" and any(s < span[1] and span[0] < e for s, e in norp):
                continue  # "Armenian genocide", "anti-Armenian pogroms": NORP + noun
            if run[0] > 0 and tokens[run[0] - 1].text in rules.JOINERS and not tokens[run[0] - 1].whitespace_:
                continue  # "anti-X attack": a prefix glued to the name
            if rule == "event_place" and span not in place_evidence and span not in places:
                continue
            out.append((span[0], tokens[m_end - 1].idx + len(tokens[m_end - 1]), "EVENT", rule))
        return out

    def _byline(self, tokens, m_start: int, m_end: int, char) -> list[tuple[int, int, str, str]]:
        """People (and their places) of a byline: "By A B and C D", "Reporting by A B in
        Kyiv and C D in Kramatorsk". The cue must open its line (or follow "(")."""
        before = tokens[m_start - 1] if m_start > 0 else None
        if before is not None and "\n" not in before.text and before.text != "(" \
                and not (before.text.endswith("\n") or (before.whitespace_ == "" and before.text == "\n")):
            if tokens[m_start].lower_ == "by":
                return []
        out, i, n = [], m_end, len(tokens)
        while i < n:
            run = rules.name_run(tokens, i, +1)
            if run is None:
                break
            out.append((*char(*run), "PERSON", "person_byline"))
            i = run[1]
            if i < n and tokens[i].lower_ == "in":
                place = rules.name_run(tokens, i + 1, +1)
                if place:
                    out.append((*char(*place), "GPE", "person_byline"))
                    i = place[1]
            if i < n and tokens[i].lower_ == "and":
                i += 1
                continue
            break  # ", Crime Reporter", "; Editing by ...": the byline's people end here
        return out

    def _is_language(self, tokens, i: int) -> bool:
        """A language name used as a language: "Original: English", "in Kurdish, Arabic
        and English", "the Russian words"."""
        langs = self.languages
        n = len(tokens)
        if i + 1 < n and tokens[i + 1].lower_ in self.language_nouns:
            return True
        if i + 1 < n and tokens[i + 1].is_alpha and tokens[i + 1].text not in langs \
                and tokens[i + 1].lower_ not in ("and", "or"):
            return False  # "Kurdish areas", "Russian troops": an adjective, NORP
        j = i - 1
        while j >= 0 and (tokens[j].text in langs or tokens[j].text in (",", "and", "or")):
            j -= 1
        if j < 0:
            return False
        cue = tokens[j].text
        if cue == ":" and j > 0:
            cue = tokens[j - 1].text + ":"
        return cue in self.language_cues or cue.lower() in self.language_cues

    # ---- selection --------------------------------------------------------------
    def _label(self, span_text: str, label: str) -> str:
        forced = self.force_label.get(span_text.lower())
        if forced:
            return forced
        words = span_text.split()
        if label in ("ORG", "GPE", "LOC", "PERSON", "PRODUCT") and len(words) > 1:
            for head in (words[-1], words[0]):  # "Alley of Martyrs", "Martyrs’ Alley"
                if head in self.head_label and (head is words[-1] or self.head_label[head] != "ORG"):
                    return self.head_label[head]  # an ORG word only ends a name ("Kestrava Coal")
        return label

    def _trimmed(self, text: str, start: int, end: int, label: str, trim=None) -> tuple[int, int] | None:
        """SPEC extent of a candidate, or None when nothing of it is an entity.

        ``trim``: (start, end) -> trim_span of them in ``text`` (a per-document memo), if
        the caller has one.
        """
        start, end = trim(start, end) if trim else trim_span(text, start, end, self.strip_words)
        lowered = text[start:end].lower()
        if label == "PERSON" and lowered.startswith(self._title_starts):
            for prefix in self.title_prefixes:
                if lowered.startswith(prefix + " "):
                    start += len(prefix) + 1
                    lowered = text[start:end].lower()
                    break
        if end <= start or lowered in self.not_entities:
            return None
        if " of " in lowered and self.title_of.match(lowered):  # title_of ends in " of "
            return None  # "Permanent Representative of X": a title; X is found on its own
        if text[start].islower() and label in NAME_LABELS:
            return None
        if label in STRICT_NAME_LABELS and self.inner_words and any(
                w.isalpha() and w.islower() and w not in self.inner_words for w in text[start:end].split()):
            return None  # "Armenia against Azerbaijanis": two names read as one
        if label in ("CARDINAL", "ORDINAL") and is_identifier_number(text, start, end):
            return None
        return start, end

    def _candidates(self, doc: Document) -> list[tuple[int, int, str]]:
        """Entities in normalised offsets: dates, then rule spans, then model entities
        and gazetteer matches trimmed, longest first (ties go to the gazetteer).

        The dates layer is authoritative for time: model DATE/TIME spans are replaced
        by one DATE entity per dates entry (same extent, SPEC house rule). Gazetteer
        places marked ``guarded`` (common words) never become entities on their own:
        they are evidence for the context rules.
        """
        tm = doc.textmap
        text = tm.text
        parsed = doc.parsed
        dates = [(*tm.span_to_normalised(d["start"], d["end"]), d.get("value")) for d in doc.dates
                 if d.get("value") not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF")]
        model = {(e.start_char, e.end_char): e.label_ for e in parsed.ents if e.label_ not in ("DATE", "TIME")}
        raw = [(s, e, label, P_MODEL) for (s, e), label in model.items()]
        raw += [(s.start_char, s.end_char, s.label_, P_GAZETTEER) for s in parsed.spans.get(GAZETTEER_KEY, [])]
        place_evidence = {(s, e) for (s, e), label in model.items() if label in PLACE_LABELS}
        keep_article: set = set()
        # Nationalities from the demonym patterns (the model also calls unknown places NORP).
        norp = frozenset((s, e) for s, e, label, p in raw if label == "NORP" and p == P_GAZETTEER)
        for s in parsed.spans.get(PLACES_KEY, []):
            place_evidence.add((s.start_char, s.end_char))
            if s.id_.endswith(":plain") and not _inside_longer_name(parsed, s.start, s.end):
                if s.text.startswith("The "):
                    keep_article.add((s.start_char, s.end_char))  # "The Hague", "The Gambia"
                raw.append((s.start_char, s.end_char, s.label_, P_GAZETTEER))
        spans = []
        dated = SpanSet(len(text), ((s, e) for s, e, _ in dates))
        for s, e, _value in dates:
            for a, b, label in time_parts(text, s, e, self.time_words):
                a, b = trim_span(text, a, b, self.strip_words)  # "a minute" -> "minute" (SPEC: no article)
                if b > a:
                    spans.append((a, b, label, P_DATE))
        for m in anchored_finditer(CLOCK_FALLBACK, text, *CLOCK_FALLBACK_ANCHOR):
            if dated.free(m.start(), m.end()):
                spans.append((m.start(), m.end(), "TIME", P_DATE))
                dates.append((m.start(), m.end(), None))
                dated.add(m.start(), m.end())
        numeric = []
        if "numbers" in doc.assigned:
            # The numbers layer is authoritative for numeric names: its extents (with
            # qualifiers: "at least 30 000") replace the model's CARDINAL/QUANTITY/... spans.
            for n in doc.numbers:
                a, b = tm.span_to_normalised(n["start"], n["end"])
                if not dated.free(a, b):
                    continue  # "10" and "40" of a clock time the dates layer missed
                numeric.append((a, b))
                spans.append((a, b, NUMBER_LABELS.get(n.get("kind"), "CARDINAL"), P_DATE))
            raw = [r for r in raw if r[2] not in NUMERIC_LABELS
                   or (self.keep_unmatched_numeric and all(r[1] <= a or b <= r[0] for a, b in numeric))]
        # Rule spans (longest first, never over a date) beat the model and the gazetteer
        # wherever they overlap; the rest is decided as before: longest name wins,
        # ties to the gazetteer, then to dates.
        ruled: list[tuple[int, int, str]] = []
        ruled_at = SpanSet(len(text))
        trim = functools.lru_cache(maxsize=None)(lambda a, b: trim_span(text, a, b, self.strip_words))
        for start, end, label, _rule in sorted(self._rule_spans(parsed, place_evidence, model, norp, text),
                                               key=lambda x: (x[0] - x[1], x[0])):
            if label == "GPE":
                label = self._label(text[start:end], label)  # "residents of Quayside Road": FAC
            trimmed = self._trimmed(text, start, end, label, trim)
            if trimmed and ruled_at.free(*trimmed) and dated.free(*trimmed):
                ruled.append((*trimmed, label))
                ruled_at.add(*trimmed)
        spans += [(s, e, label, P_RULE) for s, e, label in ruled]
        for start, end, label, priority in raw:
            if (start, end) in keep_article:
                spans.append((start, end, label, priority))
                continue
            title_of = self._title_of(text, start, end, trim)
            if title_of and title_of in place_evidence:
                start, end, label, priority = *title_of, "GPE", P_GAZETTEER  # "Dean of Westminster"
            elif title_of and label == "ORG" and text[title_of[0]].isupper():
                start, end = title_of  # "Statement of the Ministry of ...": the Ministry
            trimmed = self._trimmed(text, start, end, label, trim)
            gov = GOVERNMENT_OF.match(text, trimmed[0], trimmed[1]) if trimmed and label == "ORG" else None
            if gov and gov.end() < trimmed[1]:
                trimmed, label = (gov.end(), trimmed[1]), "GPE"  # "Government of X" -> GPE X (dev-set decision)
            if trimmed and ruled_at.free(*trimmed):
                spans.append((*trimmed, label, priority))
        spans.sort(key=lambda x: (-(x[1] - x[0]), -x[3], x[0]))
        chosen: list[tuple[int, int, str]] = []
        taken = SpanSet(len(text))
        for start, end, label, _ in spans:
            if taken.free(start, end):
                chosen.append((start, end, label))
                taken.add(start, end)
        chosen = merge_names(text, sorted(split_at_breaks(text, chosen)))
        before = set(chosen)
        chosen = self._place_apposition(text, chosen, place_evidence)
        chosen = self._locative(text, chosen)
        chosen = self._dateline(text, chosen, place_evidence)
        chosen = self._table_places(text, chosen)
        chosen = self._institutions(text, chosen)
        chosen = self._acronyms(text, chosen)
        chosen = self._social(text, chosen)
        relabelled = [c for c in chosen if c not in before]
        chosen = self._one_sense(text, chosen, ruled + relabelled)
        fixed = {(s, e) for s, e, _ in ruled} | {(s, e) for s, e, label in chosen if (s, e, label) not in before}
        chosen = self._drop_common_words(parsed, text, chosen, norp | fixed)
        return self._drop_boilerplate(text, chosen), fixed

    def _title_of(self, text: str, start: int, end: int, trim=None) -> tuple[int, int] | None:
        """The span of X in "<title> of [the] X" (title from [not_entities]), else None.

        ``trim``: (start, end) -> trim_span of them in ``text`` (a per-document memo), if
        the caller has one. A span without "of" has no such X (TITLE_OF_SPLIT needs it).
        """
        if "of" not in text[start:end]:
            return None
        s, e = trim(start, end) if trim else trim_span(text, start, end, self.strip_words)
        m = TITLE_OF_SPLIT.match(text[s:e])
        if m and m.group(1).lower() in self.not_entities and s + m.end() < e:
            return s + m.end(), e
        return None

    def _locative(self, text: str, chosen):
        """A name the model calls PERSON/NORP/PRODUCT/WORK_OF_ART/LOC (or a one-word ORG, or
        a FAC without a facility word) right after a locative preposition ("in Kafr Haddan", "off Lampedusa") is a GPE."""
        out = []
        for start, end, label in chosen:
            words = text[start:end].split()
            if label in ("PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "LOC") or (
                    label == "FAC" and words[-1] not in self.head_label and words[0] not in self.head_label) or (
                    label == "ORG" and " " not in text[start:end] and not text[start:end].isupper()):
                before = text[max(0, start - 12):start]
                m = re.search(r"(\w+)\s+$", before)
                after = text[end:end + 2]
                if m and m.group(1).lower() in self.locative and not after.startswith(("'s", "’s")) \
                        and text[start:end].lower() not in self.languages_lower:
                    label = "GPE"
            out.append((start, end, label))
        return out

    def _dateline(self, text: str, chosen, place_evidence):
        """A dateline's place: a name opening its line and followed by ", <place or date>"
        ("KRAMATORSK, Ukraine, April 8", "Kyiv, 6 May 2022") is a GPE; "(Agency)" after
        the date of such a dateline, before a dash, is the wire's ORG."""
        by_start = {s: (e, label) for s, e, label in chosen}
        out = []
        for start, end, label in chosen:
            line_start = text.rfind("\n", 0, start) + 1
            if start == line_start and label in MISREAD_PLACE and label != "EVENT":
                m = re.match(r",\s+", text[end:end + 3])
                nxt = by_start.get(end + m.end()) if m else None
                if nxt and nxt[1] in ("GPE", "DATE"):
                    label = "GPE"
            out.append((start, end, label))
        taken = SpanSet(len(text), ((s, e) for s, e, _ in out))
        for m in DATELINE_AGENCY.finditer(text):
            if taken.free(m.start(1), m.end(1)):
                out.append((m.start(1), m.end(1), "ORG"))
        return sorted(out)

    def _institutions(self, text: str, chosen):
        """"Embassy of the Republic of X", "Permanent Mission of X": an institution word
        (configs) before "of [the] <GPE or ORG>" makes one ORG of both."""
        out = []
        for start, end, label in chosen:
            # a match ending at ``start`` ends in "of " or "of the " (institution_of)
            if label in ("GPE", "ORG") and text.endswith(("of ", "of the "), 0, start):
                m = self.institution_of.search(text, max(0, start - 60), start)
                if m and m.end() == start and (not out or out[-1][1] <= m.start()):
                    out.append((*trim_span(text, m.start(), end, self.strip_words), "ORG"))  # "The Embassy"
                    continue
            out.append((start, end, label))
        return out

    def _acronyms(self, text: str, chosen):
        """"World Health Organization (WHO)": the acronym in brackets after an ORG is
        ORG too, and so is every other mention of it in the document."""
        out = list(chosen)
        taken = SpanSet(len(text), ((s, e) for s, e, _ in out))
        acronyms = set()
        for start, end, label in chosen:
            if label == "ORG":
                m = ACRONYM_AFTER.match(text, end)
                if m:
                    acronyms.add(m.group(1))
        # "Médecins Sans Frontières (MSF)": a name the model missed whose initials spell
        # the acronym in brackets after it is an ORG.
        for m in re.finditer(r"\(([A-Z]{2,8})\)", text):
            found = _spelled_by(text, m.start(), m.group(1))
            if found and taken.free(*found):
                out.append((*found, "ORG"))
                taken.add(*found)
                acronyms.add(m.group(1))
        for name in acronyms:
            mention = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
            for m in anchored_finditer(mention, text, name, (0,)):
                if taken.free(m.start(), m.end()):
                    out.append((m.start(), m.end(), "ORG"))
                    taken.add(m.start(), m.end())
        return sorted(out)

    def _table_places(self, text: str, chosen):
        """A flattened table whose header's first cell is a place head ("District |
        People displaced | Households"): the first cell of each row is a place (GPE)."""
        out = list(chosen)
        for m in (TABLE_BLOCK.finditer(text) if "|" in text else ()):  # a table has "|"
            header = m.group(1).split("|")[0].strip().lower()
            if header not in self.place_heads:
                continue
            pos = m.end(1) + 1
            for row in m.group(2).split("\n"):
                cell = row.split("|")[0]
                name = cell.strip()
                a = pos + cell.index(name) if name else pos
                b = a + len(name)
                pos += len(row) + 1
                if not name or not name[0].isupper() or name.lower() in self.table_totals:
                    continue
                out = [(s, e, l) for s, e, l in out if e <= a or b <= s]
                out.append((a, b, "GPE"))
        return sorted(out)

    def _social(self, text: str, chosen):
        """Social networks on a "Share this:" / "Follow us" line are ORG (dev-set decision)."""
        out = list(chosen)
        for m in SHARE_LINE.finditer(text):
            for w in re.finditer(r"[^|•·,\s][^|•·,]*", m.group(1)):
                name = w.group().strip()
                if name in self.social_networks:
                    a = m.start(1) + w.start()
                    out = [(s, e, l) for s, e, l in out if e <= a or a + len(name) <= s]
                    out.append((a, a + len(name), "ORG"))
        return sorted(out)

    def _drop_common_words(self, parsed, text: str, chosen, keep):
        """A one-word name that the tagger does not read as a proper noun is a capitalised
        common word ("• Local", "Households", "Fans"): not an entity. Names ending in a
        role word ("Humanitarian Affairs Officer") are titles, not entities."""
        out = []
        for start, end, label in chosen:
            if label in ROLE_CHECK_LABELS and (start, end) not in keep:
                words = text[start:end].split()
                if words and words[-1] in self.role_heads:
                    continue
                span = parsed.char_span(start, end)
                if span is not None and len(span) == 1 and label != "NORP" and span[0].pos_ != "PROPN" \
                        and span.text.istitle() and span.text.isalpha():
                    continue  # not NORP ("Morvanian" is an adjective), acronyms ("WHO"), codes ("R-27")
            out.append((start, end, label))
        return out

    def _one_sense(self, text: str, chosen, ruled):
        """One label per name in a document: a name a context rule called a place or a
        person takes that label at its other mentions too, where the model called it
        something else or missed it ("Darvaz" after "the villages of ... Darvaz")."""
        sense = {}
        for s, e, label in ruled:
            if label in ("GPE", "PERSON") and e - s >= 4:
                sense.setdefault(text[s:e], label)
        # A name the model itself calls GPE at one mention is a place at all of them.
        for s, e, label in chosen:
            if label == "GPE" and e - s >= 4 and " " not in text[s:e].strip():
                sense.setdefault(text[s:e], "GPE")
        if not sense:
            return chosen
        out = []
        for start, end, label in chosen:
            want = sense.get(text[start:end])
            if want and label != want and label in MISREAD_PLACE + ("GPE",) and label not in ("LOC", "FAC"):
                label = want
            out.append((start, end, label))
        taken = SpanSet(len(text), ((s, e) for s, e, _ in out))
        for name in sorted(sense, key=len, reverse=True):
            pos = text.find(name)
            while pos >= 0:
                end = pos + len(name)
                edge_ok = (pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "-")) and \
                    (end == len(text) or not (text[end].isalnum() or text[end] == "-"))
                if edge_ok and taken.free(pos, end):
                    out.append((pos, end, sense[name]))
                    taken.add(pos, end)
                pos = text.find(name, end)
        return sorted(out)

    def _place_apposition(self, text: str, chosen, place_evidence):
        """"in X, Y" with Y a place: X is a place (GPE), whatever the model called it."""
        places = place_evidence | {(s, e) for s, e, label in chosen if label == "GPE"}
        starts = {s: (s, e) for s, e in places}
        out = []
        for start, end, label in chosen:
            if label in MISREAD_PLACE:
                m = re.match(r",\s+", text[end:end + 3])
                before = text[max(0, start - 20):start].split()
                if m and end + m.end() in starts and before and before[-1].lower() in self.prepositions:
                    label = "GPE"
            out.append((start, end, label))
        return out

    def _drop_boilerplate(self, text: str, chosen):
        """No names on page-furniture lines, in web/e-mail addresses or phone numbers."""
        if not chosen:
            return []
        blocked = SpanSet(len(text), ((m.start(), m.end()) for p in self.bp_patterns for m in p.finditer(text)))
        for m in self.paragraph_number.finditer(text):
            blocked.add(m.end() - len(m.group().lstrip(" \t(")), m.end())
        furniture: dict[str, bool] = {}  # line -> boilerplate_line(line), once per document
        out = []
        for start, end, label in chosen:
            if not blocked.free(start, end):
                continue
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            if label not in ("DATE", "TIME"):
                if line not in furniture:
                    furniture[line] = rules.boilerplate_line(line, self.bp_phrases, self.bp_separators)
                if furniture[line]:
                    continue
                if text[start:end].lower() in self.bp_phrases and len(line.split()) <= 8:
                    continue
            out.append((start, end, label))
        return out

    def __call__(self, doc: Document) -> Document:
        ends = [s["end"] for s in doc.sentences]
        out = []
        chosen, fixed = self._candidates(doc)
        for start, end, c_label in chosen:
            o_start, o_end = doc.from_normalised(start, end)
            # Never cross a sentence boundary: keep the part in the first sentence.
            i = bisect.bisect_right(ends, o_start)
            if i < len(ends) and o_end > ends[i]:
                o_end = ends[i]
                o_start, o_end = trim_span(doc.text, o_start, o_end, self.strip_words)
                if o_end <= o_start:
                    continue
            # Word-list fixes correct the model; labels a context rule gave stay.
            label = c_label if (start, end) in fixed else self._label(doc.text[o_start:o_end], c_label)
            out.append({**doc.span(o_start, o_end), "label": label})
        doc.entities = out
        return doc
