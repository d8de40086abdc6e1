"""spaCy's pipeline with the entity recogniser run on first use (nli/nlp.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

from nli.nlp import entity_type, load_nlp, parse_without_entities
from nli.roles import source_role


def test_entity_types_are_found_on_first_use_and_match_the_full_parse() -> None:
    nlp = load_nlp()
    text = "Sky News and the Iranian embassy in London said the report was false."
    (doc,) = parse_without_entities(nlp, [text], 8)
    assert doc.ents == ()  # the recogniser has not run yet
    full = nlp(text)
    assert [entity_type(t) for t in doc] == [t.ent_type_ for t in full]
    assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in full.ents]
    # a lower-case source is read without the recogniser
    (lazy,) = parse_without_entities(nlp, ["The organisers said the water was safe."], 8)
    assert source_role(list(lazy[:2])) == "both"
    assert lazy.ents == ()


def test_the_pipeline_is_loaded_afresh_once_its_vocabulary_has_grown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nli.nlp
    from nli.parsed import parse_claims
    from nli.segment import split_sentences

    text = (
        'Zorblat Quenmarsh, a spokesman, said the report was "completely false". '
        "Vexlora Times reported that Plimbrook troops had crossed the border."
    )
    sentences = split_sentences(text)
    first = load_nlp()
    before = parse_claims(sentences)
    # under the limit: the same pipeline
    monkeypatch.setattr(nli.nlp, "MAX_NEW_STRINGS", 10**9)
    assert nli.nlp.bounded_nlp() is first
    # over it: a fresh pipeline, which finds the same claims
    monkeypatch.setattr(nli.nlp, "MAX_NEW_STRINGS", -1)
    after = parse_claims(sentences)
    assert load_nlp() is not first
    assert after == before
    assert any(c.kind == "statement" for c in after) and any(c.kind == "report" for c in after)


def test_attribute_matches_are_spacys_on_every_fixture_sentence() -> None:
    import json
    from pathlib import Path

    from spacy.pipeline import AttributeRuler

    from nli.clean import clean_text
    from nli.nlp import attribute_matches
    from nli.segment import split_sentences

    root = Path(__file__).resolve().parent.parent / "fixtures"
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "articles").glob("*.txt"))]
    with open(root / "real" / "dev.jsonl", encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in list(handle)[:60]]
    sentences = [s.text for t in texts for s in split_sentences(t, clean_text(t))]
    nlp = load_nlp()
    ruler = nlp.get_pipe("attribute_ruler")
    assert ruler.match != AttributeRuler.match.__get__(ruler)  # the fast one is in place
    fast = attribute_matches(ruler)
    docs = list(nlp.pipe(sentences, disable=["ner", "attribute_ruler", "lemmatizer"]))
    assert len(docs) > 500
    matched = 0
    for doc in docs:
        expected = AttributeRuler.match(ruler, doc)  # spaCy's Matcher
        assert fast(doc) == expected, doc.text
        matched += len(expected)
    assert matched > 5000
