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
