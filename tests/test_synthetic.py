"""Tests for scripts/training/synthetic.py: template phenomena, negation, real pairs, the script."""

from __future__ import annotations

import csv
import doctest
import gzip
import importlib.util
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
import synthetic
from synthetic import (
    DETAIL_SLOTS,
    EVENTS,
    INGREDIENTS,
    LABEL_WEIGHTS,
    PHENOMENON_INGREDIENT,
    REAL_PHENOMENA,
    TEMPLATE_PHENOMENA,
    Quantity,
    ReportSentence,
    SyntheticPair,
    change_number,
    count_pairs,
    draw_scenario,
    embed_clause,
    make_pairs,
    negate_clause,
    number_relation,
    real_pairs,
    report_sentences,
    select_phenomena,
    shift_date,
    template_pair,
    template_pairs,
    template_slots,
    trim_clause,
)

from nli.types import LABELS

# The generator is training code: it lives in scripts/training (on the tests' path, pyproject.toml).
TRAINING = Path(__file__).resolve().parent.parent / "scripts" / "training"


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
    assert counts["ingredient"] == {"compatible": 1, "denial": 1}


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
        ("hypothesis", "ingredient", "label", "origin", "phenomenon", "premise")
    }
    assert {row["origin"] for row in rows} == {"real", "template"}
    printed = capsys.readouterr().out
    assert "wrote 80 pairs" in printed and "contradiction" in printed


def test_script_reports_a_missing_data_dir(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    assert _load_script().main(["--data-dir", str(tmp_path), "-o", str(out), "--n", "5"]) == 2
    assert not out.exists()


# --- ingredients (issue 16: real-news phenomena, each switchable) ----------------------

# fmt: off
NEW_PHENOMENA = [
    # a blanket denial ("the report is false") of the report in the premise
    ("blanket_denial", "contradiction", "blanket"),
    # "the report is accurate"
    ("blanket_confirmation", "entailment", "blanket"),
    # a blanket denial that names another event of the same party
    ("blanket_other_topic", "neutral", "blanket"),
    # "we have no indication that P", "declined to comment", "it is premature to say"
    ("non_denial", "neutral", "hedge"),
    # "we can confirm that P"
    ("official_confirmation", "entailment", "confirmation"),
    # the same kind of event at another place, time and count, marked as separate
    ("separate_incident", "neutral", "compatible"),
    # conflicting count, date and place of one event
    ("number_conflict", "contradiction", "conflict"),
    ("date_conflict", "contradiction", "conflict"),
    ("place_conflict", "contradiction", "conflict"),
]
# fmt: on


@pytest.mark.parametrize(("phenomenon", "label", "ingredient"), NEW_PHENOMENA)
def test_ingredient_phenomena_carry_their_label_and_ingredient(
    phenomenon: str, label: str, ingredient: str
) -> None:
    rng = random.Random(11)
    for _ in range(30):
        pair = template_pair(phenomenon, rng)
        assert pair.label == label
        assert pair.ingredient == ingredient
        assert pair.as_dict()["ingredient"] == ingredient
        assert pair.premise != pair.hypothesis


def test_every_phenomenon_belongs_to_exactly_one_ingredient() -> None:
    listed = [name for names in INGREDIENTS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(TEMPLATE_PHENOMENA) | set(REAL_PHENOMENA)
    assert set(PHENOMENON_INGREDIENT) == set(listed)


@pytest.mark.parametrize("ingredient", list(INGREDIENTS))
def test_every_ingredient_can_be_drawn_from_templates_alone(ingredient: str) -> None:
    assert set(INGREDIENTS[ingredient]) & set(TEMPLATE_PHENOMENA)


def test_blanket_denials_do_not_restate_the_claim_they_deny() -> None:
    # the pair is (report, what the official says): a bare blanket denial names no party,
    # place or country; one that names a topic names the event's own noun phrase
    rng = random.Random(2)
    frames = [f.split("{np}")[0] for f in synthetic.BLANKET_TOPIC_FRAMES]
    for _ in range(300):
        scenario = draw_scenario(EVENTS[rng.randrange(len(EVENTS))], rng)
        clauses = synthetic._blanket_denial(scenario, rng)
        assert clauses is not None
        hypothesis = clauses[1]
        if any(hypothesis.startswith(frame) for frame in frames):
            nouns = [n.format_map(scenario.slots) for n in scenario.event.noun]
            assert any(noun in hypothesis for noun in nouns), hypothesis
            continue
        for slot in ("actor", "country", "place", "demonym"):
            assert scenario.slots[slot] not in hypothesis, hypothesis
        # nor is it a denial of an embedded proposition ("reports that P are false")
        assert not re.search(
            r"\b(?:deny|claims?|reports?|allegations?|suggestions?|true|false|untrue) that\b",
            hypothesis,
        ), hypothesis


_DENIAL_WORDS = re.compile(
    r"\b(?:deny|denies|denied|false|untrue|baseless|lies?|nonsense|fake|groundless)\b|not true"
)


@pytest.mark.parametrize("phenomenon", ["non_denial", "official_confirmation"])
def test_non_denials_and_confirmations_never_deny(phenomenon: str) -> None:
    rng = random.Random(3)
    for _ in range(200):
        pair = template_pair(phenomenon, rng)
        hypothesis = pair.hypothesis.lower().replace("neither confirm nor deny", "")
        assert not _DENIAL_WORDS.search(hypothesis), pair


def test_separate_incidents_say_they_are_another_incident() -> None:
    rng = random.Random(4)
    for _ in range(200):
        hypothesis = template_pair("separate_incident", rng).hypothesis.lower()
        assert re.search(r"separate|unrelated|different|unconnected|nothing to do", hypothesis)


@pytest.mark.parametrize("ingredient", list(INGREDIENTS))
def test_leaving_an_ingredient_out_removes_its_pairs_and_keeps_the_label_split(
    ingredient: str, sentences: list[ReportSentence]
) -> None:
    phenomena = select_phenomena(exclude=[ingredient])
    pairs = make_pairs(
        300, random.Random(4), sentences=sentences, real_fraction=0.3, phenomena=phenomena
    )
    assert len(pairs) == 300
    assert ingredient not in {pair.ingredient for pair in pairs}
    assert Counter(pair.label for pair in pairs) == {
        "contradiction": 120,
        "entailment": 90,
        "neutral": 90,
    }


def test_all_ingredients_together_draw_every_ingredient(sentences: list[ReportSentence]) -> None:
    pairs = make_pairs(600, random.Random(6), sentences=sentences, real_fraction=0.3)
    assert {pair.ingredient for pair in pairs} == set(INGREDIENTS)


def test_one_ingredient_alone_draws_only_its_pairs() -> None:
    pairs = make_pairs(90, random.Random(5), phenomena=select_phenomena(["blanket"]))
    assert {pair.ingredient for pair in pairs} == {"blanket"}
    assert {pair.label for pair in pairs} == {"contradiction", "entailment", "neutral"}


def test_an_ingredient_without_some_labels_drops_them_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING"):
        pairs = make_pairs(50, random.Random(5), phenomena=select_phenomena(["conflict"]))
    assert len(pairs) == 50
    assert {pair.label for pair in pairs} == {"contradiction"}
    assert "neutral" in caplog.text and "entailment" in caplog.text


def test_unknown_ingredient_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ingredient or phenomenon 'sarcasm'"):
        select_phenomena(["sarcasm"])


def test_a_single_phenomenon_can_be_left_out() -> None:
    chosen = select_phenomena(exclude=["real_blanket"])
    assert "blanket_denial" in chosen and "real_blanket" not in chosen


# --- conflicting dates and counts in real clauses -------------------------------------


# fmt: off
SHIFT_CASES = [
    # one weekday: replaced by another
    ("Police arrested the man on Tuesday", True),
    # one month
    ("The company sold the plant in March", True),
    # two days: which one the event was on is unclear
    ("The talks ran from Monday to Friday", False),
    # a weekday in a name is no date
    ("The Sunday Times said the minister left", False),
    # "May" is also a modal verb: never changed
    ("The plant closed in May", False),
    # no date at all
    ("The army closed the road", False),
]
# fmt: on


@pytest.mark.parametrize(("clause", "changes"), SHIFT_CASES)
def test_shift_date(clause: str, changes: bool) -> None:
    shifted = shift_date(clause, random.Random(0))
    if not changes:
        assert shifted is None
        return
    assert shifted is not None and shifted != clause
    old = [w for w in clause.split() if w not in shifted.split()]
    new = [w for w in shifted.split() if w not in clause.split()]
    assert len(old) == len(new) == 1
    assert new[0] in synthetic.WEEKDAYS + synthetic.MONTHS and new[0] != "May"


# fmt: off
NUMBER_CHANGE_CASES = [
    # an exact count
    ("Police found 28 bodies in the graves", True),
    # with thousands separators
    ("The company sold 40,000 phones in March", True),
    # a percentage
    ("Shares fell 20 percent after the announcement", True),
    # a lower bound: a smaller number would not conflict
    ("At least 40 people were killed", False),
    # an estimate
    ("About 300 troops crossed the border", False),
    # the end of a range
    ("The flights lasted five to 10 minutes", False),
    # a number inside a name
    ("Flight 17 crashed near the border", False),
    # two numbers (one a year)
    ("The rate rose 5% in 2014", False),
    # a clock time
    ("The attack began at 3 p.m.", False),
    # a day of a month
    ("Troops arrived on 14 March", False),
    # one: "4 person" would not agree
    ("Only 1 soldier was hurt", False),
]
# fmt: on


@pytest.mark.parametrize(("clause", "changes"), NUMBER_CHANGE_CASES)
def test_change_number(clause: str, changes: bool) -> None:
    changed = change_number(clause, random.Random(0))
    if not changes:
        assert changed is None
        return
    assert changed is not None
    old = [w for w in clause.split() if w not in changed.split()]
    new = [w for w in changed.split() if w not in clause.split()]
    assert len(old) == len(new) == 1
    a, b = (int(w.replace(",", "")) for w in (old[0], new[0]))
    assert max(a, b) >= 1.9 * min(a, b)


def test_real_conflicts_and_non_denials_have_their_labels(
    sentences: list[ReportSentence],
) -> None:
    pools = synthetic._real_candidates(sentences, random.Random(0))
    for name in ("real_blanket", "real_date_conflict", "real_number_conflict",
                 "real_non_denial", "real_official_confirmation"):  # fmt: skip
        assert pools[name], name
        for pair in pools[name]:
            assert pair.label == REAL_PHENOMENA[name] and pair.origin == "real"
    # "... closed the main road to Kessa on Monday" comes back on another day
    kessa = [p for p in pools["real_date_conflict"] if "main road to Kessa on" in p.hypothesis]
    assert kessa and not any(pair.hypothesis.endswith("on Monday.") for pair in kessa)


# --- the script: ingredients and the bodies training may not read ----------------------

# Invented town names: each marks the body it is written in.
TOWNS = ("Arvel", "Brisko", "Calden", "Dunmere", "Estrava", "Fallow", "Gressby", "Hollin",
         "Ivrance", "Jorvale")  # fmt: skip


def _town_body(town: str) -> str:
    return (
        f"Witnesses said the army had closed the main road to {town} on Monday.\n\n"
        f"Local officials told reporters that the convoy reached {town} on Tuesday."
    )


def _write_bodies(data_dir: Path, bodies: dict[str, str]) -> None:
    fnc1 = data_dir / "stance" / "fnc1"
    fnc1.mkdir(parents=True)
    with gzip.open(fnc1 / "train_bodies.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        for body_id, text in bodies.items():
            writer.writerow([body_id, text])


def test_split_bodies_separates_the_excluded_ids(tmp_path: Path) -> None:
    bodies = {f"9000{i}": _town_body(town) for i, town in enumerate(TOWNS[:3])}
    _write_bodies(tmp_path, bodies)
    kept, held = _load_script().split_bodies(tmp_path, excluded={"90001"})
    assert kept == [bodies["90000"], bodies["90002"]]
    assert held == [bodies["90001"]]


def test_sentences_an_excluded_body_repeats_are_dropped() -> None:
    # FNC-1 repeats text under other body ids: a kept body quoting an excluded one
    kept = _town_body("Arvel") + "\n\nWitnesses said the dam at Brisko had burst on Friday."
    held = [_town_body("Brisko") + "\n\nWitnesses said the dam at Brisko had burst on Friday."]
    script = _load_script()
    found = script.collect_sentences([kept], max_bodies=None, seed=0)
    left = script.drop_shared_sentences(found, held)
    assert any("Brisko" in item.sentence for item in found)
    assert left and not any("Brisko" in item.sentence for item in left)


def test_script_never_reads_the_holdout_or_the_real_news_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import fnc1_holdout

    ids = [str(90001 + i) for i in range(len(TOWNS))]
    town_of = dict(zip(ids, TOWNS, strict=True))
    held = fnc1_holdout.heldout_ids(ids)
    real_set = next(body for body in ids if body not in held)
    monkeypatch.setattr(fnc1_holdout, "real_set_body_ids", lambda *_: frozenset({real_set}))
    _write_bodies(tmp_path / "data", {body: _town_body(town_of[body]) for body in ids})
    out = tmp_path / "synthetic.jsonl"
    args = ["--data-dir", str(tmp_path / "data"), "-o", str(out), "--n", "300", "--seed", "2",
            "--real-fraction", "1.0"]  # fmt: skip
    assert _load_script().main(args) == 0
    text = out.read_text(encoding="utf-8")
    excluded = held | {real_set}
    assert len(excluded) == 3
    for body in ids:
        if body in excluded:
            assert town_of[body] not in text, body
    assert any(town_of[body] in text for body in ids if body not in excluded)
    assert "3 skipped" in capsys.readouterr().out


def test_script_without_an_ingredient_writes_none_of_its_rows(tmp_path: Path) -> None:
    _write_bodies(tmp_path / "data", {"90001": BODY_ROADS, "90002": BODY_PHONES})
    out = tmp_path / "synthetic.jsonl"
    args = ["--data-dir", str(tmp_path / "data"), "-o", str(out), "--n", "200", "--seed", "4",
            "--without", "blanket,hedge"]  # fmt: skip
    assert _load_script().main(args) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 200
    assert {row["ingredient"] for row in rows}.isdisjoint({"blanket", "hedge"})
    for row in rows:
        assert row["ingredient"] == PHENOMENON_INGREDIENT[row["phenomenon"]]


def test_script_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    _write_bodies(tmp_path / "data", {"90001": BODY_ROADS, "90002": BODY_PHONES})
    outputs = []
    for name in ("a.jsonl", "b.jsonl"):
        out = tmp_path / name
        args = ["--data-dir", str(tmp_path / "data"), "-o", str(out), "--n", "150", "--seed", "9"]
        assert _load_script().main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_script_refuses_an_unknown_ingredient(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _load_script().parse_args(["-o", str(tmp_path / "x.jsonl"), "--ingredients", "sarcasm"])
