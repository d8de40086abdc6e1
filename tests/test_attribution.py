"""Tests for nli.attribution: statements, reports, polarity and the example article."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nli.attribution import attribute_sentence, find_claims
from nli.clean import clean_text
from nli.segment import split_sentences
from nli.types import Sentence

# The real 2015 article in ../shared/examples beside the repository.
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "examples"
    / "newsweek-2015-iran-syria-denial.txt"
)


def _sent(text: str, start: int = 0) -> Sentence:
    return Sentence(text, start, start + len(text))


def _split(text: str) -> list[Sentence]:
    """A simple splitter: sentence ends at . ! ? (plus a closing quote) before a space."""
    out = []
    for m in re.finditer(r"[^\n]+?(?:[.!?][\"”]?(?=\s|$)|$)", text):
        if m.group().strip():
            lead = len(m.group()) - len(m.group().lstrip())
            out.append(
                Sentence(
                    m.group().strip(), m.start() + lead, m.start() + lead + len(m.group().strip())
                )
            )
    return out


# fmt: off
CASES = [
    # direct (negated) assertion in quotes: content is the asserted clause, polarity +
    ('"We have no fighting troops in Syria," said Hossein Amir-Abdollahian.',
     "statement", "We have no fighting troops in Syria", "+"),
    # reported denial with "that": content is the denied proposition, polarity -
    ("Iran denied that its troops were fighting in Syria.",
     "statement", "its troops were fighting in Syria", "-"),
    # rejection of reports with a "that"-clause: the reported proposition, polarity -
    ("The ministry rejected reports that its troops had crossed the border.",
     "statement", "its troops had crossed the border", "-"),
    # dismissal without a clause: the rejected object is the content
    ("The ministry rejected the report as baseless.", "statement", "the report", "-"),
    # "reports that P were false" after a speech verb is a denial of P
    ("The ministry said reports that its troops had crossed were false.",
     "statement", "its troops had crossed", "-"),
    # "it is not true that P" inside a quote denies P
    ('"It is not true that Iran sent troops," the spokesman said.',
     "statement", "Iran sent troops", "-"),
    # witness report: a third-party source, polarity +
    ("Witnesses said dozens of soldiers crossed the border on Monday.",
     "report", "dozens of soldiers crossed the border on Monday", "+"),
    # trailing attribution by residents
    ("Troops crossed the border, residents said.", "report", "Troops crossed the border", "+"),
    # "according to" a report
    ("Hundreds of troops arrived, according to a report by Human Rights Watch.",
     "report", "Hundreds of troops arrived", "+"),
    # sources told a news agency: report even though Reuters follows the cue
    ("Lebanese sources told Reuters that hundreds of troops had arrived.",
     "report", "hundreds of troops had arrived", "+"),
    # satellite images as a source
    ("Satellite images showed new tanks at the base.", "report", "new tanks at the base", "+"),
]
# fmt: on


@pytest.mark.parametrize(("text", "kind", "content", "polarity"), CASES)
def test_attribute_sentence_cases(text: str, kind: str, content: str, polarity: str) -> None:
    claim = attribute_sentence(_sent(text, 10))
    assert claim is not None
    assert (claim.kind, claim.content, claim.polarity) == (kind, content, polarity)
    assert claim.span == (10, 10 + len(text))


@pytest.mark.parametrize(
    "text",
    [
        # plain narrative: no attribution cue
        "The offensive to retake Aleppo began last week.",
        # "did not deny" asserts nothing
        "The spokesman did not deny that troops were present.",
        # "declined to comment" asserts nothing
        "The ministry declined to comment.",
    ],
)
def test_attribute_sentence_none(text: str) -> None:
    assert attribute_sentence(_sent(text)) is None


def test_speaker_and_cue_are_recorded() -> None:
    claim = attribute_sentence(_sent("A spokeswoman for the ministry denied that it happened."))
    assert claim is not None
    assert (claim.speaker, claim.cue) == ("A spokeswoman for the ministry", "denied")


def test_example_article_statement_and_report() -> None:
    claims = find_claims(_split(EXAMPLE.read_text(encoding="utf-8")))
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    troops = [c for c in statements if "we have no fighting troops" in c.content]
    assert troops and troops[0].polarity == "+"
    assert troops[0].speaker and "Amir-Abdollahian" in troops[0].speaker
    arrived = [c for c in reports if "hundreds of troops had arrived" in c.content]
    assert arrived and arrived[0].speaker == "Lebanese sources"
    assert arrived[0].polarity == "+"


def test_example_article_spans_point_into_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for claim in find_claims(_split(text)):
        start, end = claim.span
        assert text[start:end] == claim.text
        assert claim.content in claim.text


@given(st.text(max_size=300))
def test_attribute_sentence_never_raises(text: str) -> None:
    claim = attribute_sentence(_sent(text))
    if claim is not None:
        assert claim.content
        assert claim.content in text


@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list('ab "said, that denied.')), max_size=40), max_size=6
    )
)
def test_find_claims_content_within_text(texts: list[str]) -> None:
    for claim in find_claims([_sent(t) for t in texts]):
        assert claim.content in claim.text


def _kinds_of(text: str, sentence_start: str) -> list[str]:
    """Kinds of the claims whose sentence starts with ``sentence_start``."""
    return [c.kind for c in find_claims(split_sentences(text)) if c.text.startswith(sentence_start)]


def test_headline_with_cue_is_a_claim() -> None:
    text = "Halvern Motors says Dunmore plant will stay open\n\nWorkers were worried."
    claims = find_claims(split_sentences(text))
    assert [(c.kind, c.content) for c in claims] == [("statement", "Dunmore plant will stay open")]


def test_headline_can_hold_a_report_and_a_statement() -> None:
    text = "Doctors report cholera cases as ministry insists district is safe\n\nIt rained."
    assert sorted(_kinds_of(text, "Doctors")) == ["report", "statement"]


def test_sentence_with_denial_and_source_gives_both_kinds() -> None:
    text = (
        "Iran routinely denies having any combat forces in Syria but Lebanese sources told "
        "Reuters that hundreds of troops had arrived."
    )
    claims = find_claims([_sent(text)])
    by_kind = {c.kind: c for c in claims}
    assert by_kind["statement"].content == "having any combat forces in Syria"
    assert by_kind["statement"].polarity == "-"
    assert by_kind["report"].content == "hundreds of troops had arrived"


def test_pronoun_takes_the_kind_of_the_last_source() -> None:
    text = (
        "Researchers at Cobalt Labs said they had found a leaked database. "
        "They said the data included home addresses. "
        "The bank said no data had been accessed. "
        "It added that services were running normally."
    )
    assert _kinds_of(text, "They said") == ["report"]
    assert _kinds_of(text, "It added") == ["statement"]


def test_he_refers_to_the_last_person_named_even_without_a_claim() -> None:
    text = (
        "The club faced questions about manager Tomas Reyl. "
        "The team doctor said the striker was injured. "
        "Reyl, who joined two years ago, led training as usual. "
        '"I focus on the next match," he told reporters.'
    )
    assert _kinds_of(text, '"I focus') == ["statement"]


def test_short_name_takes_the_kind_of_its_role() -> None:
    text = (
        "Defence ministry says border is calm\n\n"
        "Defence minister Anton Brask spoke on Tuesday. "
        "Union official Peter Lund said workers were angry. "
        '"We have no troops there," Brask said. '
        '"It is a scandal," Lund said.'
    )
    assert _kinds_of(text, '"We have no troops') == ["statement"]
    assert _kinds_of(text, '"It is a scandal') == ["report"]


def test_company_reference_is_the_principal_only_in_a_company_story() -> None:
    company = "Milvia Foods denies contamination\n\nThe company said its formula was safe."
    ministry = (
        "Defence ministry denies missile hit airliner\n\nThe airline said the plane was fine."
    )
    assert _kinds_of(company, "The company") == ["statement"]
    assert _kinds_of(ministry, "The airline") == ["report"]


def test_other_organisations_are_third_parties_when_a_principal_is_known() -> None:
    text = (
        "Milvia Foods denies contamination\n\n"
        "Milvia Foods said its products were safe. "
        "Arden Children's Hospital said it had treated three infants for salmonella."
    )
    assert _kinds_of(text, "Arden") == ["report"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a union official is a third party even though "official" is an official word
        ('"Our members deserve an answer," said union official Peter Lund.', "report"),
        # an anonymous source close to the board is a third party
        ("A person close to the board said there were no plans to sack him.", "report"),
        # the head noun decides: a commissioner, not data
        ("The data protection commissioner said her office had contacted the firm.", "statement"),
        # data is a document, whoever published it
        ("Flight tracking data showed the plane turned back.", "report"),
        # opposition politicians accuse; they are third parties
        ("Opposition lawmakers accused the minister of misleading parliament.", "report"),
        # a spokesman describing an allegation as a fabrication is an official denial
        ('A spokesman described the allegation as "a fabrication by the opposition."', "statement"),
    ],
)
def test_source_lexicon_decides_the_kind(text: str, kind: str) -> None:
    claim = attribute_sentence(_sent(text))
    assert claim is not None and claim.kind == kind


def test_falsity_evaluation_is_a_denial_of_its_object() -> None:
    claim = attribute_sentence(_sent('A spokesman described the allegation as "a fabrication."'))
    assert claim is not None and (claim.content, claim.polarity) == ("the allegation", "-")


@pytest.mark.parametrize(
    "text",
    [
        # an evidence verb only counts for documents and third parties
        "Police found a body near the river.",
        # a refusal is no claim even with a speech verb
        "The ministry said it would not comment further.",
        # a passive cue has no source
        "Residents were told to stay indoors.",
        # "reports" as a noun after a preposition
        "The chief executive sought to reassure staff amid reports of deep cuts.",
        # present-tense "reports" without a that-clause is no attribution
        "The company reports its annual results next Thursday.",
        # "admitted" needs a that-clause or a quote
        "Last winter, the hospital admitted more than 400 patients.",
    ],
)
def test_sentences_without_a_claim(text: str) -> None:
    assert attribute_sentence(_sent(text)) is None


def test_cue_inside_a_quotation_belongs_to_the_quote() -> None:
    text = '"Our tests found no E. coli in the supply," the director of public health said.'
    claims = find_claims([_sent(text)])
    assert [(c.kind, c.content) for c in claims] == [
        ("statement", "Our tests found no E. coli in the supply")
    ]


def test_quoted_sentence_after_an_attributed_quote_continues_it() -> None:
    text = (
        '"Our tests found nothing," Dr. Aoife Brennan said. '
        '"There is no need to boil water." '
        "The weather was fine."
    )
    claims = find_claims(split_sentences(text))
    assert [c.content for c in claims] == [
        "Our tests found nothing",
        "There is no need to boil water",
    ]
    assert claims[1].speaker == claims[0].speaker


def test_quoted_sentences_in_one_segment_give_one_claim_each() -> None:
    text = '"We have no troops in Syria. Iran only gives advice," said Amir-Abdollahian.'
    claims = find_claims([_sent(text)])
    assert [c.content for c in claims] == ["We have no troops in Syria", "Iran only gives advice"]


def test_media_relaying_an_official_is_a_channel_not_a_report() -> None:
    text = "He added that Iran had sent more advisers, according to Mehr News Agency."
    assert [c.kind for c in find_claims([_sent(text)])] == ["statement"]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLD_FILES = ("articles.jsonl", "articles_heldout.jsonl")


def _gold(name: str) -> list[tuple[dict, str]]:
    path = FIXTURES / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append((record, (path.parent / record["file"]).read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize("name", GOLD_FILES)
def test_fixture_annotations_point_into_their_articles(name: str) -> None:
    for record, text in _gold(name):
        for key in ("statements", "reports"):
            for item in record[key]:
                start, end = item["span"]
                assert text[start:end] == item["text"], (record["id"], item["text"])
        # every statement x report combination is labelled exactly once
        combos = sorted((p["statement"], p["report"]) for p in record["pairs"])
        expected = [
            (s, r) for s in range(len(record["statements"])) for r in range(len(record["reports"]))
        ]
        assert combos == expected, record["id"]
        assert {p["label"] for p in record["pairs"]} <= {"contradiction", "neutral", "entailment"}


def _precision_recall(name: str) -> dict[str, tuple[float, float]]:
    """Span-overlap precision and recall per kind, as scripts/eval_extraction.py counts them."""
    counts = {kind: [0, 0, 0, 0] for kind in ("statement", "report")}
    for record, text in _gold(name):
        claims = find_claims(split_sentences(text, clean_text(text)))
        for kind in counts:
            predicted = [c.span for c in claims if c.kind == kind]
            gold = [tuple(item["span"]) for item in record[kind + "s"]]
            hit = [any(p[0] < g[1] and g[0] < p[1] for g in gold) for p in predicted]
            found = [any(p[0] < g[1] and g[0] < p[1] for p in predicted) for g in gold]
            c = counts[kind]
            c[0], c[1], c[2], c[3] = (
                c[0] + sum(hit),
                c[1] + len(hit),
                c[2] + sum(found),
                c[3] + len(found),
            )
    return {kind: (c[0] / c[1], c[2] / c[3]) for kind, c in counts.items()}


def test_extraction_meets_the_target_on_the_fixture_articles() -> None:
    # the target: precision and recall >= 0.9 for both kinds (fixtures/ANNOTATION.md)
    for kind, (precision, recall) in _precision_recall("articles.jsonl").items():
        assert precision >= 0.9 and recall >= 0.9, kind


def test_extraction_generalises_to_the_heldout_articles() -> None:
    # a regression guard only: the rules are never tuned on the held-out articles
    for kind, (precision, recall) in _precision_recall("articles_heldout.jsonl").items():
        assert precision >= 0.85 and recall >= 0.85, kind


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # the subject of "had reported" starts after "learned that"
        ("The reporter learned that one village had reported 54 people dead or missing.",
         "one village"),
        # "that" of a relative clause is no part of the source
        ("China on Tuesday said that reports that suggested it had lost 40 soldiers were false.",
         "reports"),
        # the message it put out is no part of the source
        ("The club released a statement denying that the coach had been sacked.", "The club"),
    ],
)  # fmt: skip
def test_a_source_starts_after_that_of_a_verb_of_knowing_and_ends_before_a_relative(
    text: str, source: str
) -> None:
    claims = find_claims(split_sentences(text, clean_text(text)))
    assert source in [c.speaker for c in claims]


def test_a_source_naming_two_known_people_takes_the_kind_of_the_first_named() -> None:
    from nli.attribution import SourceContext, classify_source

    ctx = SourceContext(
        principal_words={"ministry"}, people={"Brask": "statement", "Lund": "report"}
    )
    # text order, not a set's order (which changes with the process's hash seed)
    assert classify_source("Brask and Lund", ctx) == "statement"
    assert classify_source("Lund and Brask", ctx) == "report"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a long leading frame before the subject
        ("In a statement on the singer's official Facebook page on Tuesday, his U.S. reps said "
         "the singer was recovering well.", "his U.S. reps"),
        # "when" opens the clause whose subject speaks
        ("This followed from November last year when the company announced 1,300 job cuts at "
         "its plants.", "the company"),
        # ... but "when asked" is a frame inside the subject's clause
        ("The minister, when asked about the deal, said that no contract had been signed.",
         "The minister"),
    ],
)  # fmt: skip
def test_the_speaker_is_the_subject_after_a_frame_or_a_when_clause(text: str, speaker: str) -> None:
    claims = find_claims([_sent(text)])
    assert [c.speaker for c in claims if c.kind == "statement"] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The company did not immediately confirm or deny the existence of the product.",
         "The company"),
        ("Police would neither confirm nor deny the claims.", "Police"),
    ],
)  # fmt: skip
def test_the_speaker_of_confirm_or_deny_ends_before_the_first_verb(text: str, speaker: str) -> None:
    # the first verb of "confirm or deny" is no part of who speaks
    claims = find_claims([_sent(text)])
    assert [c.speaker for c in claims if c.kind == "statement"] == [speaker]


def test_a_capitalised_cue_after_a_name_word_is_part_of_the_name() -> None:
    text = (
        "Gabriel's representatives in the United States, told People en Espanol that the "
        "articles about the singer's health were wrong."
    )
    claim = attribute_sentence(_sent(text))
    assert claim is not None and claim.cue == "told"
    assert claim.speaker == "Gabriel's representatives in the United States"
    # in a headline, Title Case cues stay cues
    headline = find_claims([_sent("Defence Minister Says Troops Never Crossed The Border")])
    assert [c.cue for c in headline] == ["Says"]


@pytest.mark.parametrize(
    "text",
    [
        "U.S. forces in Afghanistan are disputing reports that an air strike killed 11 civilians.",
        "The army flatly denies reports that troops crossed the border.",
    ],
)
def test_reports_right_after_a_verb_of_denial_are_no_cue(text: str) -> None:
    assert not any(c.cue and c.cue.lower() == "reports" for c in find_claims([_sent(text)]))


def test_a_denial_of_reports_reads_as_the_denial_with_the_report_it_carries() -> None:
    from nli.claims import extract_claims
    from nli.types import Article

    pytest.importorskip("spacy")
    text = (
        "U.S. forces in Afghanistan are disputing reports that an air strike killed 11 civilians."
    )
    claims = extract_claims(Article("a", text))
    statements = [c for c in claims if c.kind == "statement"]
    assert [(c.speaker, c.cue, c.polarity) for c in statements] == [
        ("U.S. forces in Afghanistan", "disputing", "-")
    ]
    carried = [c for c in claims if c.kind == "report" and c.within == statements[0].span]
    assert carried and carried[0].content.startswith("an air strike killed 11 civilians")


def test_a_verdict_before_the_object_of_described_is_a_denial_of_that_object() -> None:
    text = (
        'Prime Minister Julia Gillard has described as "inaccurate" a TV report alleging that '
        "spy agencies fell victim to cyberattacks."
    )
    claim = attribute_sentence(_sent(text))
    assert claim is not None and (claim.kind, claim.polarity) == ("statement", "-")
    assert claim.content.startswith("a TV report alleging")


def test_the_outlet_of_a_dateline_does_not_make_the_speaker_a_third_party() -> None:
    text = "(CNN) -- Prime Minister Julia Gillard has denied that hackers breached her office."
    claims = find_claims([_sent(text)])
    assert [(c.kind, c.speaker) for c in claims] == [("statement", "Prime Minister Julia Gillard")]


def test_a_cue_in_a_sentence_in_capitals_stays_a_cue() -> None:
    claims = find_claims([_sent("Later, THE MINISTRY DENIED THAT TROOPS CROSSED THE BORDER.")])
    assert [c.cue for c in claims] == ["DENIED"]


def test_a_quote_is_not_cut_after_an_abbreviation() -> None:
    text = (
        'His legal team said in a statement: "Mr. Jackson is confident that after a trial '
        'Mr. Jackson will be fully exonerated. The charges are false."'
    )
    contents = [c.content for c in find_claims(split_sentences(text))]
    assert not any(c.endswith("Mr") for c in contents)
    assert any(
        "Mr. Jackson is confident that after a trial Mr. Jackson will" in c for c in contents
    )


@pytest.mark.parametrize(
    "text",
    [
        'The ministry said in a statement: "Troops were never sent to the border."',
        'The ministry said in a brief statement, "Troops were never sent to the border."',
    ],
)
def test_the_message_a_quote_came_in_is_not_its_content(text: str) -> None:
    (claim,) = find_claims(split_sentences(text))
    assert claim.content == "Troops were never sent to the border"
