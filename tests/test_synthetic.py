"""Tests for scripts/training/synthetic.py: template phenomena, negation, real pairs, the script."""

from __future__ import annotations

import csv
import doctest
import gzip
import importlib.util
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from nli.types import LABELS

# The generator is training code: it lives in scripts/training, which is not a package.
TRAINING = Path(__file__).resolve().parent.parent / "scripts" / "training"
sys.path.insert(0, str(TRAINING))

import synthetic  # noqa: E402
from synthetic import (  # noqa: E402
    DETAIL_SLOTS,
    EVENTS,
    LABEL_WEIGHTS,
    REAL_PHENOMENA,
    TEMPLATE_PHENOMENA,
    Quantity,
    ReportSentence,
    SyntheticPair,
    count_pairs,
    draw_scenario,
    embed_clause,
    make_pairs,
    negate_clause,
    number_relation,
    real_pairs,
    report_sentences,
    template_pair,
    template_pairs,
    template_slots,
    trim_clause,
)

SCRIPT = TRAINING / "make_synthetic.py"

# Two short news bodies on different topics, written for these tests.
BODY_ROADS = (
    "Witnesses said the army had closed the main road to Kessa on Monday.\n\n"
    "Local officials told reporters that the convoy, which carried food and medicine, "
    "reached the city on Tuesday.\n\n"
    "According to residents, the river flooded the lower town of Kessa, but the bridge "
    "survived.\n\n"
    "The ministry denied that soldiers had fired on the crowd."
)
BODY_PHONES = (
    "Analysts said the company sold 40,000 phones in March, according to a market survey.\n\n"
    "Sources told the newspaper that Halvard Telecom will launch a cheaper tablet in the "
    "autumn.\n\n"
    "The chief executive said the company may open new stores."
)


@pytest.fixture(scope="module")
def sentences() -> list[ReportSentence]:
    return report_sentences(BODY_ROADS, 0) + report_sentences(BODY_PHONES, 1)


@pytest.fixture(scope="module")
def many_template_pairs() -> list[SyntheticPair]:
    return template_pairs(3000, random.Random(5))


# --- determinism -----------------------------------------------------------------------


def test_template_pairs_are_identical_under_the_same_seed() -> None:
    assert template_pairs(300, random.Random(7)) == template_pairs(300, random.Random(7))


def test_template_pairs_differ_under_another_seed() -> None:
    assert template_pairs(50, random.Random(7)) != template_pairs(50, random.Random(8))


def test_make_pairs_is_deterministic_with_real_sentences(
    sentences: list[ReportSentence],
) -> None:
    first = make_pairs(120, random.Random(3), sentences=sentences, real_fraction=0.3)
    second = make_pairs(120, random.Random(3), sentences=sentences, real_fraction=0.3)
    assert first == second


# --- labels and phenomena --------------------------------------------------------------


def test_template_labels_follow_the_40_30_30_split_exactly(
    many_template_pairs: list[SyntheticPair],
) -> None:
    counts = Counter(pair.label for pair in many_template_pairs)
    assert counts == {"contradiction": 1200, "entailment": 900, "neutral": 900}


def test_make_pairs_keeps_label_balance_when_real_sentences_run_short(
    sentences: list[ReportSentence],
) -> None:
    # a handful of real sentences cannot fill 30% of 400 pairs: templates fill the rest
    pairs = make_pairs(400, random.Random(1), sentences=sentences, real_fraction=0.3)
    counts = Counter(pair.label for pair in pairs)
    assert len(pairs) == 400
    for label, share in LABEL_WEIGHTS.items():
        assert abs(counts[label] / 400 - share) <= 0.02


def test_every_template_phenomenon_appears(many_template_pairs: list[SyntheticPair]) -> None:
    assert {pair.phenomenon for pair in many_template_pairs} == set(TEMPLATE_PHENOMENA)


def test_every_phenomenon_has_its_declared_label(many_template_pairs: list[SyntheticPair]) -> None:
    for pair in many_template_pairs:
        assert pair.label == TEMPLATE_PHENOMENA[pair.phenomenon][0]
        assert pair.origin == "template"


def test_pairs_have_no_empty_text_and_premise_differs_from_hypothesis(
    many_template_pairs: list[SyntheticPair],
) -> None:
    for pair in many_template_pairs:
        assert pair.premise.strip() and pair.hypothesis.strip()
        assert pair.premise != pair.hypothesis
        assert pair.label in LABELS


def test_pairs_are_unique(many_template_pairs: list[SyntheticPair]) -> None:
    keys = [(pair.premise, pair.hypothesis) for pair in many_template_pairs]
    assert len(keys) == len(set(keys))


def test_rendered_text_has_no_unfilled_slots_and_is_sentence_cased(
    many_template_pairs: list[SyntheticPair],
) -> None:
    for pair in many_template_pairs:
        for text in (pair.premise, pair.hypothesis):
            assert "{" not in text and "}" not in text
            assert text[0].isupper() or text[0].isdigit() or text[0] in "$€£"
            assert text.endswith(".")
            assert "  " not in text


def test_template_premises_are_never_in_the_official_first_person(
    many_template_pairs: list[SyntheticPair],
) -> None:
    for pair in many_template_pairs:
        assert not re.search(r"\b(?:we|our|us)\b", pair.premise, re.IGNORECASE), pair


def test_unknown_phenomenon_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown phenomenon"):
        template_pair("sarcasm", random.Random(0))


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        template_pairs(-1, random.Random(0))


# --- the event tables ------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.name)
def test_every_template_of_an_event_fills_from_a_drawn_scenario(event) -> None:  # type: ignore[no-untyped-def]
    templates = [*event.report, *event.fact, *event.deny, *event.deny3, *event.hedge]
    templates += [t for _, facet in event.facets for t in facet]
    templates += [t for pair in event.scope for t in pair] + list(event.noun)
    if event.exclusive:
        templates += list(event.exclusive[1])
    scenario = draw_scenario(event, random.Random(0))
    for template in templates:
        template.format_map(scenario.slots)  # raises KeyError on a misspelt slot


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.name)
def test_facets_state_their_key_slot_in_every_template(event) -> None:  # type: ignore[no-untyped-def]
    for key, templates in event.facets:
        assert key in DETAIL_SLOTS
        for template in templates:
            assert key in template_slots(template), template


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.name)
def test_third_person_denials_are_no_narrower_than_the_official_ones(event) -> None:  # type: ignore[no-untyped-def]
    # deny3 must entail every deny template (negated_agreement): it may only be scoped to a
    # detail (a place) that every official denial of the event is scoped to as well
    details = set(DETAIL_SLOTS)
    for template in event.deny3:
        scope = set(template_slots(template)) & details
        for official in event.deny:
            assert scope <= set(template_slots(official)) & details, (template, official)
        assert not re.search(r"\b(?:we|our|us)\b", template), template


# --- numbers ---------------------------------------------------------------------------


# fmt: off
NUMBER_CASES = [
    # the same exact count rephrased
    (("exact", 40), ("exact", 40), "entailment"),
    # a lower bound below the exact count holds
    (("exact", 40), ("more_than", 30), "entailment"),
    # an official minimising: "at least 40" against "only 12"
    (("at_least", 40), ("only", 12), "contradiction"),
    # two different exact counts
    (("exact", 2300), ("exact", 500), "contradiction"),
    # "at least 40" says nothing about whether it was 55
    (("at_least", 40), ("exact", 55), "neutral"),
    # "more than 100" against "fewer than 90"
    (("more_than", 100), ("fewer_than", 90), "contradiction"),
    # "fewer than 10" entails "no more than 10"
    (("fewer_than", 10), ("no_more_than", 10), "entailment"),
]
# fmt: on


@pytest.mark.parametrize(("premise", "hypothesis", "label"), NUMBER_CASES)
def test_number_relation(premise, hypothesis, label) -> None:  # type: ignore[no-untyped-def]
    assert number_relation(Quantity(*premise), Quantity(*hypothesis)) == label


# --- negation and trimming -------------------------------------------------------------


# fmt: off
NEGATION_CASES = [
    # copula
    ("The minister was in Syria", "The minister was not in Syria"),
    # perfect auxiliary keeps its participle
    ("The troops had arrived in Aleppo.", "The troops had not arrived in Aleppo"),
    # simple past takes did + base form
    ("Police arrested the suspect on Tuesday", "Police did not arrest the suspect on Tuesday"),
    # irregular past
    ("He sent troops to Syria", "He did not send troops to Syria"),
    # doubled consonant
    ("The plant stopped production", "The plant did not stop production"),
    # phrasal verb keeps its particle; y -> ied
    ("The army carried out strikes", "The army did not carry out strikes"),
    # modal "will" and "can"
    ("Apple will launch the watch in February", "Apple will not launch the watch in February"),
    ("The army can reach the town", "The army cannot reach the town"),
    # third person present
    ("The company plans to cut jobs", "The company does not plan to cut jobs"),
    # passive
    ("She was taken to hospital by her sisters", "She was not taken to hospital by her sisters"),
    # existential with an indefinite object
    ("There was an explosion at the plant", "There was no explosion at the plant"),
    # quantified subject: "hundreds did not arrive" would not contradict "hundreds arrived"
    ("Hundreds of troops had arrived in Aleppo", None),
    # already negative
    ("The ministry did not close the border", None),
    # hedged
    ("The man may have died", None),
    # a nested claim: the scope of "not" would be unclear
    ("The agency said the plant was closed", None),
    # a relative clause inside the subject
    ("The woman, who lives in Rome, was arrested", None),
    # a participle before the real verb
    ("The man arrested on Tuesday was released", None),
    # an adverb after the auxiliary reads badly with "not"
    ("Obama has already left", None),
    # a verb missing from the lexicon is not guessed past
    ("The rebels ambushed the patrol near the dam", None),
]
# fmt: on


@pytest.mark.parametrize(("clause", "expected"), NEGATION_CASES)
def test_negate_clause(clause: str, expected: str | None) -> None:
    assert negate_clause(clause) == expected


# fmt: off
TRIM_CASES = [
    # a non-restrictive relative clause
    ("James Foley, who studied at Marquette, was killed in Syria",
     "James Foley was killed in Syria"),
    # a trailing weekday
    ("The troops arrived in Aleppo on Tuesday", "The troops arrived in Aleppo"),
    # a leading time adverbial
    ("On Sunday, police found 28 bodies in the graves", "Police found 28 bodies in the graves"),
    # the first of two clauses joined by "but"
    ("The rebels seized the town, but government forces retook it", "The rebels seized the town"),
    # nothing safe to drop
    ("The company sold its shares", None),
]
# fmt: on


@pytest.mark.parametrize(("clause", "expected"), TRIM_CASES)
def test_trim_clause(clause: str, expected: str | None) -> None:
    assert trim_clause(clause) == expected


def test_embed_clause_lowercases_common_words_but_not_names() -> None:
    assert embed_clause("The army left") == "the army left"
    assert embed_clause("Iran sent troops") == "Iran sent troops"
    assert embed_clause("Analysts expect a rise", {"analysts"}) == "analysts expect a rise"


# --- real sentences --------------------------------------------------------------------


def test_report_sentences_keep_reports_and_skip_denials(sentences: list[ReportSentence]) -> None:
    contents = [item.content for item in sentences]
    assert "the army had closed the main road to Kessa on Monday" in contents
    assert "Halvard Telecom will launch a cheaper tablet in the autumn" in contents
    # a denial's content is not a report; a hedged "may" statement is not firm enough
    assert not any("fired on the crowd" in content for content in contents)
    assert not any("open new stores" in content for content in contents)


def test_real_pairs_cover_every_real_phenomenon(sentences: list[ReportSentence]) -> None:
    pairs = real_pairs(sentences, 60, random.Random(0))
    assert {pair.phenomenon for pair in pairs} == set(REAL_PHENOMENA)
    for pair in pairs:
        assert pair.origin == "real"
        assert pair.label == REAL_PHENOMENA[pair.phenomenon]
        assert pair.premise and pair.hypothesis and pair.premise != pair.hypothesis


def test_real_denial_is_the_negated_content(sentences: list[ReportSentence]) -> None:
    pairs = real_pairs(sentences, 60, random.Random(0))
    denials = [pair for pair in pairs if pair.phenomenon == "real_denial"]
    assert "The army had not closed the main road to Kessa on Monday." in {
        pair.hypothesis for pair in denials
    }


def test_real_other_topic_never_pairs_sentences_of_one_body(
    sentences: list[ReportSentence],
) -> None:
    by_content = {item.content[:20].lower(): item.group for item in sentences}
    for pair in real_pairs(sentences, 60, random.Random(2)):
        if pair.phenomenon != "real_other_topic":
            continue
        groups = {
            group
            for start, group in by_content.items()
            if start in pair.premise.lower() or start in pair.hypothesis.lower()
        }
        assert groups == {0, 1}


def test_real_pairs_of_no_sentences_is_empty() -> None:
    assert real_pairs([], 10, random.Random(0)) == []


def test_count_pairs_counts_labels_phenomena_and_origins() -> None:
    pairs = [
        SyntheticPair("A b c.", "D e f.", "neutral", "unrelated_event"),
        SyntheticPair("A b c.", "G h i.", "contradiction", "real_denial", "real"),
    ]
    counts = count_pairs(pairs)
    assert counts["label"] == {"contradiction": 1, "neutral": 1}
    assert counts["origin"] == {"real": 1, "template": 1}
    assert counts["phenomenon"] == {"real_denial": 1, "unrelated_event": 1}


# --- the data file and the doctests ---------------------------------------------------


def test_tables_come_from_the_data_file() -> None:
    assert synthetic.TABLES_PATH.name == "synthetic_events.json"
    assert synthetic.TABLES_PATH.parent == TRAINING
    assert len(EVENTS) == len(synthetic._TABLES["events"])
    assert all(isinstance(event.report, tuple) for event in EVENTS)
    assert any(event.number is not None for event in EVENTS)


def test_module_doctests() -> None:
    # The module is outside the nli package, so pytest's --doctest-modules does not see it.
    result = doctest.testmod(synthetic)
    assert result.attempted > 0
    assert result.failed == 0


# --- the script ------------------------------------------------------------------------


def _load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_synthetic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_writes_rows_with_origins_and_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fnc1 = tmp_path / "data" / "stance" / "fnc1"
    fnc1.mkdir(parents=True)
    with gzip.open(fnc1 / "train_bodies.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerow(["0", BODY_ROADS])
        writer.writerow(["1", BODY_PHONES])
    out = tmp_path / "synthetic.jsonl"
    args = ["--data-dir", str(tmp_path / "data"), "-o", str(out), "--n", "80", "--seed", "4"]
    assert _load_script().main(args) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 80
    assert {tuple(sorted(row)) for row in rows} == {
        ("hypothesis", "label", "origin", "phenomenon", "premise")
    }
    assert {row["origin"] for row in rows} == {"real", "template"}
    printed = capsys.readouterr().out
    assert "wrote 80 pairs" in printed and "contradiction" in printed


def test_script_reports_a_missing_data_dir(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    assert _load_script().main(["--data-dir", str(tmp_path), "-o", str(out), "--n", "5"]) == 2
    assert not out.exists()
