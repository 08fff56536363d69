"""Two of the English model's rule components behind caches: the same annotation, less Python per token.

The model's ``attribute_ruler`` (tag map and morphology exceptions as Matcher
patterns) and its rule ``lemmatizer`` do their work from Python for every token:
on the benchmark's statements they cost about a fifth of the whole model's time
(measured by disabling them, fresh model each run; 60 statements: 5.54 s with
both, 4.41 s without). Their answers for a token depend on a few of the token's
own attributes only, so each is asked once per distinct combination and the
answer is reused:

- :class:`CachedAttributeRuler`: a rule whose patterns are all one token long
  (no ``OP``) and test only attributes that ``Doc.to_array`` can read (text,
  lower case, tag, dependency label, ...) matches a token or not by those
  attributes alone. Which such rules match a token is found with the ruler's own
  Matcher on that one token, once per distinct combination; the other rules
  (patterns over several tokens) run as usual over the whole Doc. The ruler's own
  ``set_annotations`` then applies the matches in its order (sorted by rule), so
  a token gets exactly what the wrapped component gives it.
- :class:`CachedLemmatizer`: spaCy's ``Lemmatizer`` (modes "rule" and "lookup")
  reads a token's text, coarse tag (POS) and morphology only
  (``rule_lemmatize``, ``EnglishLemmatizer.is_base_form``); it is asked once per
  distinct (ORTH, POS, MORPH) and a Doc's lemmas are written as one array.
  Tokens that already have a lemma (the attribute_ruler's exceptions) keep it, as
  with the component's ``overwrite = False``.

:func:`cache_components` swaps them in for the pipeline's components of the same
kind (kept, disabled, as the source of every answer). tests/test_spacy_cache.py
checks that the annotation equals the wrapped components' on the dev set and on
generated texts.
"""

from __future__ import annotations

# Entries a cache holds before it starts again empty: memory stays bounded on any corpus
# (an entry is a tuple of a few hashes, so about 50 MB at most) and answers do not change.
MAX_ENTRIES = 1 << 18
LEMMATIZER = "lemmatizer"
ATTRIBUTE_RULER = "attribute_ruler"
FACTORIES = {LEMMATIZER: "recount_cached_lemmatizer", ATTRIBUTE_RULER: "recount_cached_attribute_ruler"}
# Matcher pattern keys whose value is a token attribute Doc.to_array reads: a pattern
# testing only these (and no OP) gives the same answer for tokens that agree on them.
ARRAY_KEYS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "SHAPE": "SHAPE",
              "PREFIX": "PREFIX", "SUFFIX": "SUFFIX", "LENGTH": "LENGTH", "TAG": "TAG", "POS": "POS",
              "DEP": "DEP", "LEMMA": "LEMMA", "MORPH": "MORPH", "ENT_TYPE": "ENT_TYPE",
              "ENT_IOB": "ENT_IOB", "IS_ALPHA": "IS_ALPHA", "IS_ASCII": "IS_ASCII",
              "IS_DIGIT": "IS_DIGIT", "IS_LOWER": "IS_LOWER", "IS_UPPER": "IS_UPPER",
              "IS_TITLE": "IS_TITLE", "IS_PUNCT": "IS_PUNCT", "IS_SPACE": "IS_SPACE",
              "IS_STOP": "IS_STOP", "LIKE_NUM": "LIKE_NUM", "LIKE_URL": "LIKE_URL",
              "LIKE_EMAIL": "LIKE_EMAIL"}


class CachedAttributeRuler:
    """Callable ``Doc -> Doc`` giving every token the attributes the wrapped spaCy
    ``AttributeRuler`` gives it. Matches of one-token rules are memoised per
    combination of the attributes those rules test (a tuple of hashes; one entry per
    distinct word form, tag and label seen, up to ``max_entries``); the rest run through
    a Matcher of their own."""

    def __init__(self, ruler, max_entries: int = MAX_ENTRIES) -> None:
        from spacy.matcher import Matcher

        self.ruler = ruler
        strings = ruler.vocab.strings
        self.single = Matcher(ruler.vocab, validate=False)
        self.multi = Matcher(ruler.vocab, validate=False)
        keys: set[str] = set()
        for rule in range(len(ruler.attrs)):
            name = str(rule)
            patterns = ruler.matcher.get(name)[1]
            tested = {key for pattern in patterns for token in pattern for key in token}
            one_token = all(len(p) == 1 for p in patterns) and tested <= ARRAY_KEYS.keys()
            (self.single if one_token else self.multi).add(name, patterns)
            if one_token:
                keys |= {ARRAY_KEYS[k] for k in tested}
        self.attrs = sorted(keys)
        self.rule_of = {strings[str(rule)]: rule for rule in range(len(ruler.attrs))}
        self.cache: dict[tuple, tuple] = {}
        self.max_entries = max_entries

    def match(self, doc) -> list[tuple[int, int, int, int]]:
        """The wrapped ruler's ``match(doc)``: (rule, match id, start, end) sorted."""
        matches = []
        if len(self.single) and len(doc):
            if len(self.cache) > self.max_entries:
                self.cache.clear()
            cache, rule_of = self.cache, self.rule_of
            rows = doc.to_array(self.attrs).reshape(len(doc), -1).tolist() if self.attrs else [[]] * len(doc)
            for i, row in enumerate(rows):
                key = tuple(row)
                found = cache.get(key)
                if found is None:
                    found = cache[key] = tuple(sorted(
                        (rule_of[m], m) for m, _, _ in self.single(doc[i:i + 1], allow_missing=True, as_spans=False)))
                for rule, m in found:
                    matches.append((rule, m, i, i + 1))
        if len(self.multi):
            matches += [(self.rule_of[m], m, s, e) for m, s, e in self.multi(doc, allow_missing=True, as_spans=False)]
        matches.sort()
        return matches

    def __call__(self, doc):
        self.ruler.set_annotations(doc, self.match(doc))
        return doc


class CachedLemmatizer:
    """Callable ``Doc -> Doc`` writing ``Token.lemma`` for every token, the value the
    wrapped spaCy lemmatizer gives (``lemmatizer.lemmatize(token)[0]``), memoised per
    (ORTH, POS, MORPH) hash triple, up to ``max_entries``."""

    def __init__(self, lemmatizer, max_entries: int = MAX_ENTRIES) -> None:
        self.lemmatizer = lemmatizer
        self.overwrite = bool(getattr(lemmatizer, "overwrite", False))
        self.cache: dict[tuple[int, int, int], int] = {}
        self.max_entries = max_entries

    def __call__(self, doc):
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        if len(self.cache) > self.max_entries:
            self.cache.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        cache, strings, lemmatize = self.cache, doc.vocab.strings, self.lemmatizer.lemmatize
        lemmas = rows[:, 3].tolist()
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = cache[key] = strings.add(lemmatize(doc[i])[0])
            if value != lemma:
                lemmas[i] = value
                changed = True
        if changed:
            rows[:, 3] = lemmas
            doc.from_array([LEMMA], rows[:, 3:4])
        return doc


def _register() -> None:
    from spacy.language import Language

    if FACTORIES[LEMMATIZER] not in Language.factories:
        @Language.factory(FACTORIES[LEMMATIZER])
        def make_cached_lemmatizer(nlp, name):
            """The pipeline's (disabled) ``lemmatizer`` behind :class:`CachedLemmatizer`."""
            return CachedLemmatizer(nlp.get_pipe(LEMMATIZER))

    if FACTORIES[ATTRIBUTE_RULER] not in Language.factories:
        @Language.factory(FACTORIES[ATTRIBUTE_RULER])
        def make_cached_attribute_ruler(nlp, name):
            """The pipeline's (disabled) ``attribute_ruler`` behind :class:`CachedAttributeRuler`."""
            return CachedAttributeRuler(nlp.get_pipe(ATTRIBUTE_RULER))


def _cacheable(nlp, name: str) -> bool:
    from spacy.pipeline import AttributeRuler, Lemmatizer

    if name not in nlp.pipe_names:
        return False
    component = nlp.get_pipe(name)
    if name == LEMMATIZER:
        return isinstance(component, Lemmatizer) and getattr(component, "mode", None) in ("rule", "lookup")
    return isinstance(component, AttributeRuler)


def cache_components(nlp) -> list[str]:
    """Swap ``nlp``'s enabled ``attribute_ruler`` and ``lemmatizer`` for their cached
    forms, each in the same place (the original stays in the pipeline, disabled, and
    answers every cache miss). A component missing, disabled or of another kind
    under that name is left as it is. Returns the names of the components swapped."""
    _register()
    swapped = []
    for name, factory in FACTORIES.items():
        if not _cacheable(nlp, name):
            continue
        component = nlp.get_pipe(name)
        if name == LEMMATIZER:
            component(nlp.make_doc(""))  # the lemmatizer checks its tables on its first call
        nlp.add_pipe(factory, after=name)
        nlp.disable_pipe(name)
        swapped.append(name)
    return swapped
