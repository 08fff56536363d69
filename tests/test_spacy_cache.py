"""The cached attribute_ruler and lemmatizer give exactly the stock components' annotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.adapters.spacy_cache import CachedAttributeRuler, cache_components

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[1]
ATTRS = ["ORTH", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "SENT_START", "ENT_TYPE", "ENT_IOB"]


@pytest.fixture(scope="module")
def pair(config):
    """(stock model, the same model with both components cached)."""
    import spacy

    stock = spacy.load(config.parse.model)
    cached = spacy.load(config.parse.model)
    assert cache_components(cached) == ["lemmatizer", "attribute_ruler"]
    return stock, cached


def _same(pair, texts: list[str]) -> list[int]:
    stock, cached = pair
    return [i for i, (a, b) in enumerate(zip(stock.pipe(texts), cached.pipe(texts)))
            if not (a.to_array(ATTRS) == b.to_array(ATTRS)).all()]


def test_pipeline_order_and_disabled_originals(pair):
    _, cached = pair
    names = cached.pipe_names
    assert names.index("recount_cached_attribute_ruler") < names.index("recount_cached_lemmatizer") < names.index("ner")
    assert {"attribute_ruler", "lemmatizer"} <= set(cached.disabled)


def test_same_annotation_on_seeds_and_dev_set(pair):
    texts = [p.read_text(encoding="utf-8") for folder in ("inputs", "tests/dev_inputs")
             for p in sorted((ROOT / folder).glob("*.txt"))]
    assert len(texts) >= 20
    assert _same(pair, texts) == []


@pytest.mark.parametrize("text", [
    "I ain't gonna do it, let's go.",              # the ruler's two-token rules
    "But he said they were n't there; you and I left.",
    "The 3 men were shot dead and 12 injured on 4 March 2024.",
    "  \n\n  ",                                     # white space only
    "",
])
def test_same_annotation_on_tricky_texts(pair, text):
    assert _same(pair, [text]) == []


WORDS = ["I", "you", "ain't", "gon", "na", "let", "'s", "but", "the", "were", "killed", "wounded",
         "n't", "is", "better", "best", "running", "ran", "mice", "Police", "said", "on", "Friday",
         "2,300", "people", "fled", "\n", "  ", ",", ".", "-", "are", "has", "been", "children"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_same_annotation_on_generated_texts(pair, words):
    assert _same(pair, [" ".join(words)]) == []


def test_caches_that_start_again_give_the_same_annotation(pair, config):
    """A cache past its size limit is emptied between documents; answers do not change."""
    import spacy

    small = spacy.load(config.parse.model)
    cache_components(small)
    for name in ("recount_cached_attribute_ruler", "recount_cached_lemmatizer"):
        small.get_pipe(name).max_entries = 5
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "inputs").glob("*.txt"))]
    assert [d.to_array(ATTRS).tolist() for d in small.pipe(texts)] == \
        [d.to_array(ATTRS).tolist() for d in pair[0].pipe(texts)]
    assert len(small.get_pipe("recount_cached_lemmatizer").cache) < 2000


def test_multi_token_and_op_rules_are_not_cached(pair):
    """Rules whose patterns span tokens or use OP run over the whole Doc."""
    import spacy
    from spacy.tokens import Token

    Token.set_extension("recount_test_flag", default=False, force=True)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"LOWER": "york"}]], {"POS": "PROPN"}, index=1)
    ruler.add([[{"LOWER": "a", "OP": "?"}]], {"POS": "DET"})
    ruler.add([[{"LOWER": "x", "_": {"recount_test_flag": True}}]], {"POS": "SYM"})
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    cached = CachedAttributeRuler(ruler)
    assert len(cached.multi) == 3 and len(cached.single) == 1
    assert cached.attrs == ["TAG"]
    doc = nlp.make_doc("in New York a x")
    assert cached.match(doc) == ruler.match(doc)


def test_blank_pipeline_is_left_alone():
    import spacy

    nlp = spacy.blank("en")
    assert cache_components(nlp) == []
    assert nlp.pipe_names == []
