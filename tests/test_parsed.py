"""Claims from spaCy's parse (nli/parsed.py): roles, blanket denials, carried reports."""

from __future__ import annotations

import pytest

from nli.claims import extract_claims
from nli.parsed import _blanket, parse_claims
from nli.segment import split_sentences
from nli.types import Article, Claim

pytest.importorskip("spacy")


def _claims(text: str) -> list[Claim]:
    return parse_claims(split_sentences(text))


def test_a_denial_of_reports_gives_the_statement_and_the_report_it_carries() -> None:
    text = (
        "Pentagon spokeswoman Alyssa Farah denied reports that the United States was "
        "sending 14,000 more troops to the Middle East."
    )
    claims = _claims(text)
    statements = [c for c in claims if c.kind == "statement"]
    carried = [c for c in claims if c.kind == "report" and c.within is not None]
    assert statements and statements[0].polarity == "-"
    assert "14,000 more troops" in statements[0].content
    assert len(carried) == 1
    report = carried[0]
    assert text[report.span[0] : report.span[1]] == report.text
    assert report.text.startswith("the United States was sending")
    assert report.within == statements[0].span


def test_an_outlet_as_subject_is_a_report_and_an_official_quote_a_statement() -> None:
    text = (
        "Reuters also published a similar report, putting the deployment at 5,000 troops. "
        '"There is no 10,000 and there is no 5,000," Defense Secretary Patrick Shanahan said.'
    )
    claims = _claims(text)
    kinds = {(c.kind, c.text[:20]) for c in claims}
    assert ("report", "Reuters also publish") in kinds
    statement = next(c for c in claims if c.kind == "statement")
    assert statement.text == "There is no 10,000 and there is no 5,000"
    assert statement.speaker == "Defense Secretary Patrick Shanahan"


def test_passive_rejection_by_an_official_is_a_blanket_statement() -> None:
    text = "The two reports were rejected by acting Defense Secretary Patrick Shanahan."
    claims = _claims(text)
    statement = next(c for c in claims if c.kind == "statement")
    assert statement.blanket and statement.polarity == "-"
    assert "Shanahan" in (statement.speaker or "")


def test_an_unattributed_report_marker_makes_a_report() -> None:
    claims = _claims("The layoffs were reportedly planned for Wednesday by the board.")
    assert [c.kind for c in claims] == ["report"]


@pytest.mark.parametrize(
    ("text", "blanket"),
    [
        ("To be clear, the reporting is wrong.", True),
        ("That's not accurate", True),
        ("It's all nonsense", True),
        ("It is not true that Russia is advancing in Syria", False),
        ("We have no troops in Syria", False),
        # a short denial of the reported event as a whole
        ("No such incident took place", True),
        ("There is nothing like this incident.", True),
        ("No such plan exists for the army to move troops to the capital soon", False),
        ("Nothing like this has ever happened here before", False),
        ("There's no such plan", True),
    ],
)
def test_blanket_denials(text: str, blanket: bool) -> None:
    assert _blanket(text) is blanket


def test_extract_claims_finders_differ_only_by_the_parse_layer() -> None:
    text = (
        "Reuters also published a similar report, putting the number of troops at 5,000. "
        "The ministry said no troops had been sent."
    )
    rules = extract_claims(Article("a", text), "rules")
    parsed = extract_claims(Article("a", text), "parse")
    assert set(rules) <= set(parsed)
    assert any(c.kind == "report" and c.text.startswith("Reuters") for c in parsed)
    with pytest.raises(ValueError, match="finder"):
        extract_claims(Article("a", text), "regex")


def test_a_follow_up_calling_the_report_untrue_is_blanket_but_not_true_that_p_is_not() -> None:
    text = (
        "The university said it would remain open next semester. This is not true. "
        '"It is not true that the campus will close in the spring," the president said.'
    )
    claims = _claims(text)
    blanket = [c for c in claims if c.blanket]
    assert [c.text for c in blanket] == ["This is not true."]
    assert blanket[0].kind == "statement" and blanket[0].speaker == "The university"
    assert not any(c.blanket for c in claims if "campus" in c.text)


def _carried(text: str) -> list[str]:
    return [text[c.span[0] : c.span[1]] for c in _claims(text) if c.kind == "report" and c.within]


def test_a_denial_that_p_is_a_statement_and_carries_no_report() -> None:
    # measured on the dev half: carrying P as a report cost 0.04 of top-1 (the denial
    # paired with its own words ranks above the real report), so P is not carried
    text = "The company has denied that it plans to lay off thousands of engineers this year."
    claims = _claims(text)
    assert any(c.kind == "statement" and c.polarity == "-" for c in claims)
    assert _carried(text) == []


def test_a_denied_object_named_by_a_reporting_participle_is_carried() -> None:
    text = (
        "The minister described the purported arms deal reported in some sections of the "
        'local media as "fake news".'
    )
    assert _carried(text) == [
        "the purported arms deal reported in some sections of the local media"
    ]


def test_information_according_to_which_p_is_carried() -> None:
    text = (
        "The government of Mali has denied information according to which mercenaries "
        "from a private company arrived on its territory."
    )
    carried = _carried(text)
    assert len(carried) == 1 and "mercenaries from a private company arrived" in carried[0]


@pytest.mark.parametrize(
    ("text", "report"),
    [
        # the parser hangs the that-clause on "newspaper", not on "reports"
        (
            "A spokesman for the health ministry denied reports in a local newspaper that "
            "militants in Mosul had Ebola.",
            "militants in Mosul had Ebola",
        ),
        # a short object keeps its claim noun
        (
            "The minister on Thursday refuted rumours of his resignation, stating that he "
            "will stay.",
            "rumours of his resignation",
        ),
        # "of 78 persons" hangs on "rumour": the object runs to the end of the noun phrase
        (
            "The state government has denied the rumour of death of 78 persons from a "
            "strange disease in the state.",
            "death of 78 persons from a strange disease in the state",
        ),
        (
            "The department debunked the conspiracy theory that fighters have attempted to "
            "cross the border, saying the rumor is not supported by any intelligence.",
            "fighters have attempted to cross the border",
        ),
    ],
)
def test_claim_nouns_carry_their_reports(text: str, report: str) -> None:
    assert report in _carried(text)


def test_a_passive_denial_by_an_agent_is_a_statement_of_its_own() -> None:
    text = "The relatives said 30 people were killed, a charge stoutly denied by officials."
    claims = _claims(text)
    denial = [c for c in claims if c.kind == "statement" and c.blanket]
    assert [(text[c.span[0] : c.span[1]], c.speaker) for c in denial] == [
        ("a charge stoutly denied by officials", "officials")
    ]
    # the participle names no claim of its own
    assert not [c for c in _carried(text) if "denied" in c]
    assert any(c.kind == "report" and c.speaker == "The relatives" for c in claims)


def test_a_participle_denial_is_a_statement_of_the_noun_it_describes() -> None:
    text = (
        "There have been conflicting reports about the identity of the woman, with an "
        "Iraqi official denying on Wednesday she was his ex-wife."
    )
    speakers = [c.speaker for c in _claims(text) if c.kind == "statement" and c.polarity == "-"]
    assert "an Iraqi official" in speakers


def test_calling_reports_a_rumour_inside_another_sentence_is_a_denial() -> None:
    text = (
        "The denial was made in an email to a news site, with a company spokesperson calling "
        "reports of the impending layoffs a rumor."
    )
    denials = [c for c in _claims(text) if c.kind == "statement" and c.polarity == "-"]
    assert [c.speaker for c in denials] == ["a company spokesperson"]


def test_reports_as_subject_of_be_that_p_are_a_report_even_with_a_speech_verb_inside() -> None:
    text = (
        "The reports on social media were that the minister had tendered in his resignation "
        "letter, citing ill-health."
    )
    assert [c.kind for c in _claims(text)] == ["report"]
    # a blanket denial with the same subject stays a statement
    falsity = _claims("The reports on social media were false, the ministry said.")
    assert not any(c.kind == "report" and c.span[0] == 0 and c.within is None for c in falsity)


def test_a_speech_participle_after_a_claim_noun_is_left_out_of_the_reported_claim() -> None:
    text = "The ministry denied reports claiming that troops had crossed the border."
    reports = [c for c in extract_claims(Article(id="a", text=text)) if c.kind == "report"]
    assert [c.content for c in reports] == ["troops had crossed the border"]


def test_a_hearsay_noun_in_a_sentence_with_no_claim_of_its_own_names_a_report() -> None:
    text = (
        "Amuneke's denial came following reports that he had been sacked as coach of the club. "
        "The weather in Cairo was mild."
    )
    reports = [c for c in _claims(text) if c.kind == "report"]
    assert [text[c.span[0] : c.span[1]] for c in reports] == [
        "he had been sacked as coach of the club"
    ]
    assert reports[0].within is None  # carried inside no denial


def test_a_quote_running_over_paragraphs_follows_up_the_speaker_before() -> None:
    text = (
        "The minister said there was no contract of that kind between the two countries.\n\n"
        "“There is no arms contract between Nigeria and the United States apart from the planes."
        "\n\n“We are quite satisfied with the progress so far,” he added."
    )
    statements = [c for c in _claims(text) if c.kind == "statement"]
    quoted = [text[c.span[0] : c.span[1]] for c in statements]
    assert (
        "There is no arms contract between Nigeria and the United States apart from the planes"
        in quoted
    )
    follow_up = next(c for c in statements if c.span[0] == text.index("There is no arms"))
    assert follow_up.speaker == statements[0].speaker


def test_an_outlet_quoting_a_named_official_as_saying_p_gives_the_official_s_statement() -> None:
    text = (
        "However, on Thursday the daily cited Prime Minister Thongloun Sisoulith as saying that "
        "the number missing was 131."
    )
    statements = [c for c in _claims(text) if c.kind == "statement"]
    assert [(c.speaker, c.content) for c in statements] == [
        ("Prime Minister Thongloun Sisoulith", "the number missing was 131")
    ]
    denial = _claims(
        "State media quoted the ministry as denying that troops had crossed the border."
    )
    assert [(c.kind, c.speaker, c.polarity) for c in denial] == [("statement", "the ministry", "-")]


def test_an_outlet_quoting_unnamed_sources_as_saying_p_reports_p() -> None:
    text = (
        "The South China Morning Post quoted unidentified sources with ties to the Chinese "
        "military as saying that Beijing was building the camp."
    )
    claims = _claims(text)
    assert [(c.kind, c.speaker, c.content) for c in claims] == [
        ("report", "The South China Morning Post", "Beijing was building the camp")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-07-01 Ukraine's border guards dismissed claims from Belarus that it was "
        "reinforcing troops on their mutual border.",
        "KUALA LUMPUR (BERNAMA) - Prime Minister Najib Razak denied that the talks had failed.",
    ],
)
def test_no_speaker_keeps_the_page_date_or_dateline_before_it(text: str) -> None:
    speakers = [c.speaker for c in extract_claims(Article("a", text)) if c.speaker]
    assert speakers
    assert not any(s.lower().startswith("date") or "BERNAMA" in s for s in speakers)


@pytest.mark.parametrize(
    ("headline", "speaker"),
    [
        ("Reports of soldier abduction in J&K incorrect, he is safe: Defence Ministry",
         "Defence Ministry"),
        ("Police push to end false social media claims involving deaths of teen, woman", None),
    ],
)  # fmt: skip
def test_a_headline_calling_a_report_false_is_a_denial_too(
    headline: str, speaker: str | None
) -> None:
    text = f"{headline}\n\nOfficials spoke to reporters on Saturday about the case."
    claims = _claims(text)
    end = len(headline)
    on_headline = [c for c in claims if c.span[1] <= end]
    assert any(c.kind == "report" for c in on_headline)
    statements = [c for c in on_headline if c.kind == "statement"]
    assert [(c.span, c.blanket, c.polarity, c.speaker) for c in statements] == [
        ((0, end), True, "-", speaker)
    ]


def test_a_headline_naming_speculation_is_no_denial() -> None:
    text = "Speculation grows that the minister will resign after the vote\n\nHe did not comment."
    claims = _claims(text)
    assert not any(c.kind == "statement" and c.blanket for c in claims)


def test_a_paragraph_introduced_by_a_colon_is_the_introducers_words() -> None:
    text = (
        "Reports that the firm will cut off users of the browser are false, the company says."
        "\n\nThe firm's spokesman Jason Lee wrote in a blog post:\n\n"
        "The firm is not asking customers to stop using the browser. "
        "We have no policy against any browser.\n\n"
        "The browser lets people surf the web with more anonymity."
    )
    claims = _claims(text)
    block = [c for c in claims if c.speaker and "Jason Lee" in c.speaker]
    assert [c.text for c in block] == [
        "The firm is not asking customers to stop using the browser.",
        "We have no policy against any browser.",
    ]
    assert all(c.kind == "statement" and c.cue is None for c in block)
    for c in block:
        assert text[c.span[0] : c.span[1]] == c.text
    # the next paragraph is the writer's again
    assert not any("anonymity" in c.text for c in claims)


def test_a_colon_without_a_speech_verb_introduces_nothing() -> None:
    text = (
        "The firm answered its critics on Monday.\n\nHere are the facts:\n\n"
        "The firm does not monitor browsing. Nobody was dismissed."
    )
    assert _claims(text) == []


def test_issuing_a_denial_is_a_blanket_denial_by_the_passive_subject() -> None:
    text = (
        "Rumours that the actor had died swept the internet on Sunday. By the evening his "
        "agent was prompted to issue a denial."
    )
    denials = [c for c in _claims(text) if c.kind == "statement" and c.blanket]
    assert len(denials) == 1
    assert denials[0].speaker == "his agent" and denials[0].polarity == "-"


def test_sources_who_deny_are_read_in_both_roles() -> None:
    text = (
        "Sources in the Kurdish underground in Syria denied on Sunday that the volunteer had "
        "been captured by the militants."
    )
    kinds = {c.kind for c in _claims(text) if c.polarity == "-"}
    assert kinds == {"statement", "report"}


@pytest.mark.parametrize(
    ("text", "report", "denial"),
    [
        (
            "While some social media posts claimed that a student had lost his life during "
            "the protests, the police denied any such incident.",
            "While some social media posts claimed that a student had lost his life during "
            "the protests",
            "the police denied any such incident",
        ),
        (
            "Valleywag has reported twice this week that Apple has laid off small groups of "
            "workers, but the company has now denied both reports.",
            "Valleywag has reported twice this week that Apple has laid off small groups of "
            "workers",
            "the company has now denied both reports",
        ),
    ],
)
def test_a_denial_by_another_source_in_the_sentence_gets_its_own_clause(
    text: str, report: str, denial: str
) -> None:
    claims = _claims(text)
    denials = [c for c in claims if c.polarity == "-"]
    assert [c.text for c in denials] == [denial]
    assert denials[0].kind == "statement" and denials[0].blanket
    assert any(c.text == report for c in claims if c.polarity == "+")
    for c in claims:
        assert text[c.span[0] : c.span[1]] == c.text


def test_sources_saying_a_claim_is_not_true_are_read_in_both_roles() -> None:
    text = (
        "Sources close to the production also said it wasn’t true that the car had been "
        "stolen from the set."
    )
    assert {c.kind for c in _claims(text)} == {"statement", "report"}


def test_a_broadcasting_corporation_s_program_reporting_is_a_report() -> None:
    text = (
        "The Australian Broadcasting Corporation's investigative program Four Corners reported "
        "that hackers had breached the agency's systems."
    )
    claims = parse_claims(split_sentences(text))
    assert [c.kind for c in claims] == ["report"]


def test_a_headline_attributed_after_a_dash_is_that_source_s_statement() -> None:
    text = (
        " date 2021-03-14 •Soldiers only had injuries, none was killed – Army\n\n"
        "By A Reporter, Abuja\n\nA source put the casualty figure at 15 soldiers."
    )
    claims = parse_claims(split_sentences(text))
    first = claims[0]
    assert (first.kind, first.speaker, first.content) == (
        "statement",
        "Army",
        "Soldiers only had injuries, none was killed",
    )
    # a page's own date line with no headline after it stays page furniture
    dated = parse_claims(split_sentences(" date 2022-04-15 Friday, Apr 15, 2022\n\nTroops Killed"))
    assert all("2022" not in c.text for c in dated)
    # a date line glued to the article's first sentence is no furniture, even when a
    # headline-shaped line follows it
    glued = parse_claims(
        split_sentences(
            " date 2021-04-19 Bhopal: At least 10 Covid patients have reportedly died due to low"
            " pressure in an oxygen tank at a medical college in Shahdol district.\n\nThe"
            " hospital has however dismissed the news as factually incorrect, according to NDTV"
            " report\n\n"
        )
    )
    assert any(c.kind == "report" and "reportedly died" in c.text for c in glued)


def test_a_gerund_denial_belongs_to_the_subject_that_took_the_step() -> None:
    def first(text: str) -> tuple[str, str | None, str]:
        claim = parse_claims(split_sentences(text))[0]
        return claim.kind, claim.speaker, claim.polarity

    assert first("United have taken the unusual step of denying the story publicly.") == (
        "statement",
        "United",
        "-",
    )
    assert first("The club responded by denying that it had made a bid for him.") == (
        "statement",
        "The club",
        "-",
    )
    # the object of "accused ... of denying" is the one denying: no denial by the accusers
    assert first("Critics accused the minister of denying that troops were sent.") != (
        "statement",
        "Critics",
        "-",
    )
