"""Speaker normalisation within an article (nli.speakers)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from nli.config import ArticleConfig, ScoringConfig
from nli.runs import run_score
from nli.speakers import Mention, add_speaker_entities, canonical_outlet, resolve_mentions
from nli.types import Claim


def _entities(*texts: str | None, kind: str | None = None) -> list[str | None]:
    mentions = [Mention(text, 100 * i, kind) for i, text in enumerate(texts)]
    return [e.entity for e in resolve_mentions(mentions)]


def test_a_person_is_named_by_the_full_name_whatever_the_mention():
    assert (
        _entities(
            "Spokesman Lieutenant Colonel Bryan Hilferty", "Lieutenant Colonel Hilferty", "He"
        )
        == ["Bryan Hilferty"] * 3
    )


def test_a_surname_first_takes_the_full_name_given_later():
    assert _entities("Lt Gen Thakur", "Lt Gen BS Thakur") == ["BS Thakur", "BS Thakur"]


def test_family_name_first_and_a_trailing_clause():
    assert _entities("Foreign Ministry spokeswoman Hua Chunying", "Hua") == ["Hua Chunying"] * 2
    assert _entities("Kurt Sutter, creator of the drama", "Sutter, who also wrote it") == [
        "Kurt Sutter",
        "Kurt Sutter",
    ]


def test_two_people_are_not_merged():
    assert _entities("Col. Roger King", "Capt. Christa D'Andrea") == [
        "Roger King",
        "Christa D'Andrea",
    ]
    # short surnames one letter apart are two people
    assert _entities("Ann Lee", "Lea") == ["Ann Lee", "Lea"]


def test_a_body_and_its_later_references():
    assert (
        _entities("Niger's defence ministry", "the defence ministry", "a ministry statement")
        == ["Niger's defence ministry"] * 3
    )
    assert _entities("The U.S. military", "U.S. military") == ["U.S. military"] * 2


def test_a_role_alone_is_the_one_person_named_with_that_role():
    assert (
        _entities(
            "Venezuelan defense minister", "Venezuelan defense minister Vladimir Padrino Lopez"
        )
        == ["Vladimir Padrino Lopez"] * 2
    )
    # two spokesmen of the junta: the role alone is tied to neither
    assert _entities(
        "a junta spokesman", "junta spokesman Zaw Min Tun", "junta spokesman Ye Htut"
    ) == ["junta spokesman", "Zaw Min Tun", "Ye Htut"]


def test_an_outlet_is_not_a_person():
    assert _entities("Robert Plant's publicist Ann Lee", "the Daily Mirror", "he") == [
        "Ann Lee",
        "Daily Mirror",
        "Ann Lee",
    ]


def test_a_speaker_text_that_runs_into_its_clause_is_cut_at_the_verb():
    assert _entities("Chicago police are trying to calm a community", "Chicago police") == [
        "Chicago police",
        "Chicago police",
    ]


def test_an_adverb_after_the_name_ends_the_speaker_text():
    assert _entities("The Health Ministry categorically", "the Health Ministry") == [
        "Health Ministry",
        "Health Ministry",
    ]
    # a noun in "-ly" is part of the name
    assert _entities("the Kardashian family") == ["Kardashian family"]


def test_sheriff_archbishop_and_comrade_are_titles_before_a_name():
    assert _entities("Sheriff Larry Sims", "Sims") == ["Larry Sims", "Larry Sims"]
    assert _entities("Archbishop Chrysostomos", "the archbishop") == ["Chrysostomos"] * 2
    assert _entities("Cde Goodwills Masimirembwa", "Cde Masimirembwa") == [
        "Goodwills Masimirembwa",
        "Goodwills Masimirembwa",
    ]


def test_generic_report_nouns_do_not_swallow_names():
    assert _entities("Reports", "Reuters", "the reports") == ["reports", "Reuters", "reports"]


def _kinded(*mentions: tuple[str, str]) -> list[str | None]:
    """Entities of (text, claim kind) mentions given in text order."""
    found = resolve_mentions([Mention(t, 100 * i, k) for i, (t, k) in enumerate(mentions)])
    return [e.entity for e in found]


def test_unattributed_hearsay_is_one_entity_per_article():
    assert (
        _entities("reports", "Earlier reports", "media reports", "the allegations")
        == ["reports"] * 4
    )


def test_a_report_by_someone_is_theirs():
    assert (
        _entities("Bedfordshire on Sunday", "The story in the Bedfordshire on Sunday")
        == ["Bedfordshire on Sunday"] * 2
    )
    assert _entities("A statement released by Alstom", "Alstom") == ["Alstom"] * 2


def test_the_report_is_the_source_of_the_last_report_and_the_statement_its_speaker():
    assert _kinded(
        ("The Myanmar government's Information Committee", "statement"),
        ("Sky News Arabiya TV", "report"),
        ("The report", "report"),
        ("the statement", "statement"),
    ) == [
        "Myanmar government's Information Committee",
        "Sky News Arabiya TV",
        "Sky News Arabiya TV",
        "Myanmar government's Information Committee",
    ]


def test_the_report_skips_a_speaker_read_as_statement_and_report():
    mentions = [
        Mention("Melissa Fleming", 0, "statement"),
        Mention("Melissa Fleming", 0, "report"),
        Mention("the report", 50, "report"),
    ]
    assert resolve_mentions(mentions)[2].entity != "Melissa Fleming"


def test_the_company_is_the_last_body_that_made_a_statement():
    assert _kinded(
        ("troubled UK banknote manufacturer De La Rue", "statement"),
        ("Sky News", "report"),
        ("the company", "statement"),
    ) == ["De La Rue", "Sky News", "De La Rue"]


def test_an_unnamed_spokesperson_for_a_body_named_before_is_that_body():
    assert (
        _entities("Central Bedfordshire Council", "a press officer for the council", "The council")
        == ["Central Bedfordshire Council"] * 3
    )
    assert (
        _entities("South Korean electronics giant Samsung", "a Samsung representative")
        == ["Samsung"] * 2
    )
    # a spokesperson for a person is their own role, not the person
    assert _entities("actor Paul Rudd", "a rep for the actor")[1] != "Paul Rudd"


def test_it_is_the_last_body_and_a_bare_relative_pronoun_no_one():
    assert _entities("US website National Report", "Jane Roe", "It", "which") == [
        "National Report",
        "Jane Roe",
        "National Report",
        None,
    ]


def test_a_described_person_is_the_last_person_named():
    assert (
        _entities("Chinese Foreign Ministry spokesperson Wang Wenbin", "the Chinese diplomat")
        == ["Wang Wenbin"] * 2
    )
    assert _entities("Emmanuel Amuneke", "the 49-year-old") == ["Emmanuel Amuneke"] * 2


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        # a leading phrase before the speaker
        (("Apple", "For the second time in a week, Apple"), ["Apple", "Apple"]),
        # a preposition after a name does not make it a description
        (("Tarik Jasarevic from the organisation",), ["Tarik Jasarevic"]),
        # a participle ends the speaker text
        (("Manish Tewari", "Tewari responding to a question"), ["Manish Tewari"] * 2),
        # a description before a name
        (("News agency Bloomberg", "Bloomberg"), ["Bloomberg", "Bloomberg"]),
        # a body's name that a later mention ends with
        (
            (
                "The Finance Ministry",
                "a statement from the Public Affairs Unit of the Finance Ministry",
            ),
            ["Finance Ministry"] * 2,
        ),
        # the same first and last words with words left out
        (("Iran Guards", "Iran's Revolutionary Guards"), ["Iran Guards"] * 2),
        # an acronym: in brackets, or the initials of the name
        (
            ("the Department of Social Welfare and Development (DSWD)", "the DSWD regional office"),
            ["Department of Social Welfare and Development (DSWD)"] * 2,
        ),
        (
            ("Karenni Nationalities Defence Force", "KNDF"),
            ["Karenni Nationalities Defence Force"] * 2,
        ),
        # a surname without its particle, and a long surname misspelt by one letter
        (("Mohammed al-Momani", "Momani"), ["Mohammed al-Momani"] * 2),
        (("Damir Tulemagabetov", "Tulemaganbetov"), ["Damir Tulemagabetov"] * 2),
        # a role noun alone is the one person named with it
        (("minister", "defence minister Maria Eagle"), ["Maria Eagle"] * 2),
        # a dateline with a date
        (("MOSCOW, May 12 (Reuters) - Allegations of doping", "Allegations"), ["reports"] * 2),
    ],
)
def test_mention_forms(mentions, expected):
    assert _entities(*mentions) == expected


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ((None, "He"), [None, None]),  # no one named: nothing to resolve to
        (("he",), [None]),  # a pronoun first
        (("",), [None]),  # empty text
    ],
)
def test_nothing_to_resolve_to(mentions, expected):
    assert _entities(*mentions) == expected


def test_mentions_are_resolved_in_text_order_whatever_the_order_given():
    mentions = [Mention("He", 200), Mention("border guard spokesman Andriy Demchenko", 10)]
    assert [e.entity for e in resolve_mentions(mentions)] == ["Andriy Demchenko"] * 2


def test_roles_are_kept_apart_from_the_name():
    (entity,) = resolve_mentions([Mention("Andriy Demchenko, Ukrainian border guard spokesman", 0)])
    assert (entity.entity, entity.role, entity.kind) == (
        "Andriy Demchenko",
        "Ukrainian border guard spokesman",
        "person",
    )


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("AP", "Associated Press"),
        ("the Associated Press", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Daily Planet", "Daily Planet"),  # unknown outlets keep their name
    ],
)
def test_canonical_outlet(name, canonical):
    assert canonical_outlet(name) == canonical


def test_cross_article_reports_are_resolved_in_their_own_article():
    findings = [
        {
            "article_id": "a",
            "report_article_id": "b",
            "statement": {"speaker": "Minister Jane Roe", "span": [0, 5]},
            "report": {"source": "He", "span": [0, 5]},  # nobody named before it in b
        }
    ]
    (out,) = add_speaker_entities(findings)
    assert out["statement"]["speaker_entity"] == "Jane Roe"
    assert out["report"]["source_entity"] is None
    assert "speaker_entity" not in findings[0]["statement"]  # the input is left alone


def test_findings_of_a_run_carry_entities(tmp_path: Path, tiny_scorer, tiny_model_dir: Path):
    text = (
        '"We have no troops in Karsk," defence minister Ivan Petrov said. Witnesses told '
        'Reuters that troops had arrived. "Nonsense," Petrov said of the Reuters report.'
    )
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
        finder="rules",
        pairing="topics",
    )
    out = tmp_path / "f.jsonl"
    run_score(source, out, config, scorer=tiny_scorer)
    findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert findings
    speakers = {(f["statement"]["speaker"], f["statement"]["speaker_entity"]) for f in findings}
    assert all(entity == "Ivan Petrov" for _, entity in speakers), speakers
    assert all("source_entity" in f["report"] for f in findings)


class _SoldiersScoreHigh:
    """The tiny scorer, but a pair scores 0.9 when its statement mentions soldiers, else 0.1."""

    def __init__(self, scorer: Any) -> None:
        self._scorer = scorer

    def score_pairs(self, statements: Any, reports: Any, **options: Any) -> Any:
        scored = self._scorer.score_pairs(statements, reports, **options)
        return [
            dataclasses.replace(s, score=0.9 if "soldiers" in statement else 0.1)
            for statement, s in zip(statements, scored, strict=True)
        ]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scorer, name)


def test_the_entity_of_a_kept_finding_does_not_depend_on_min_score(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    # "Petrov" is Ivan Petrov because the first statement names him in full; --min-score
    # drops that statement's finding, not what the article says.
    text = (
        "Defence minister Ivan Petrov said there were no troops in Karsk. Witnesses told "
        "Reuters that troops had arrived in Karsk. Petrov said on Tuesday that no soldiers "
        "were in Karsk."
    )
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    scorer = _SoldiersScoreHigh(tiny_scorer)
    entities = []
    for min_score in (None, 0.5):
        config = ArticleConfig(
            scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
            finder="rules",
            pairing="topics",
            min_score=min_score,
        )
        out = tmp_path / f"f-{min_score}.jsonl"
        run_score(source, out, config, scorer=scorer)
        findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        entities.append(
            {f["statement"]["speaker"]: f["statement"]["speaker_entity"] for f in findings}
        )
    every, kept = entities
    assert every == {"Defence minister Ivan Petrov": "Ivan Petrov", "Petrov": "Ivan Petrov"}
    assert kept == {"Petrov": "Ivan Petrov"}  # the full name's finding was not written


def test_entities_are_resolved_over_the_claims_given_and_kept_when_present():
    claims = {
        "a": [
            Claim("statement", "t", "c", "Interior Minister Nouhad Mashnuq", None, "+", (0, 9)),
            Claim("statement", "t", "c", "Mashnuq", None, "+", (90, 99)),
            Claim("report", "t", "c", "Reuters", None, "+", (40, 60)),
        ]
    }
    findings = [
        {
            "article_id": "a",
            "statement": {"speaker": "Mashnuq", "span": [90, 99]},
            "report": {"source": "Reuters", "span": [40, 60]},
        }
    ]
    (alone,) = add_speaker_entities(findings)
    assert alone["statement"]["speaker_entity"] == "Mashnuq"  # its findings only
    (found,) = add_speaker_entities(findings, claims)
    assert found["statement"]["speaker_entity"] == "Nouhad Mashnuq"
    assert add_speaker_entities([found]) == [found]  # resolved already: kept as it is


def test_an_acronym_in_capitals_is_no_pronoun():
    assert (
        _entities("the World Health Organization", "the WHO") == ["World Health Organization"] * 2
    )
    assert _entities("Jane Roe", "who") == ["Jane Roe", None]  # a lower-case "who" still is


def test_an_organization_is_a_body_not_a_person():
    (entity,) = resolve_mentions([Mention("the World Health Organization", 0)])
    assert (entity.entity, entity.kind) == ("World Health Organization", "body")


def test_a_leading_phrase_before_the_report_leaves_the_report():
    assert (
        _kinded(
            ("Sky News Arabiya TV", "report"),
            ("for specific operations, the report", "report"),
        )
        == ["Sky News Arabiya TV"] * 2
    )


def test_a_joint_mention_is_its_one_conjunct_named_before():
    assert (
        _entities("the WHO", "The Ministry of Health and the World Health Organization")
        == ["WHO"] * 2
    )
    # two conjuncts named before, or none: a body of its own
    assert _entities("the WHO", "the Ministry of Health", "the WHO and the ministry")[2] not in (
        "WHO",
        "Ministry of Health",
    )
    assert _entities("Several European countries and Canada") == [
        "Several European countries and Canada"
    ]


def test_a_name_spelled_out_after_its_acronym_is_that_body():
    assert _entities("the KNDF", "the Karenni Nationalities Defence Force") == ["KNDF"] * 2
    assert _entities("the WHO", "the World Food Programme") == ["WHO", "World Food Programme"]
    # a lower-case or one-word mention is no spelled-out name
    assert _entities("the WHO", "Witnesses")[1] != "WHO"


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        # the claim before a comma, then the speaker's name
        (
            ("Jesús Murillo Karam", "Fourteen officers had been arrested, Karam"),
            ["Jesús Murillo Karam"] * 2,
        ),
        # the claim before a dash, then the speaker
        (
            ("Chicago police", "Rumors of a killer on the loose are false -- police"),
            ["Chicago police"] * 2,
        ),
        # no verb before the comma: an appositive, not a claim
        (("Kurt Sutter, Creator", "Sutter"), ["Kurt Sutter"] * 2),
        # a lower-case tail after a comma is a description, not the speaker
        (("Andriy Demchenko, border guard spokesman",), ["Andriy Demchenko"]),
    ],
)
def test_a_speaker_after_the_claim_it_took_in(mentions, expected):
    assert _entities(*mentions) == expected


def test_an_adverb_after_the_speaker_ends_the_speaker_text():
    assert (
        _entities("Chicago police", "Police still have to look into it") == ["Chicago police"] * 2
    )


def test_one_of_a_group_named_before_is_that_group():
    assert _entities("Witnesses", "One witness", "one of the witnesses") == ["witnesses"] * 3
    assert _entities("Two Rohingya residents", "another resident") == ["Two Rohingya residents"] * 2
    # no group with that noun before: one of its own
    assert _entities("Witnesses", "One resident") == ["witnesses", "One resident"]


def test_the_role_is_the_part_with_a_role_noun_not_a_title_alone():
    (entity,) = resolve_mentions([Mention("Dr Thome, his spokesman", 0)])
    assert (entity.entity, entity.role) == ("Thome", "his spokesman")


def test_a_role_whose_owner_is_named_is_the_person_with_that_role():
    # "the singer's spokesman": the singer is whose spokesman, no word of the role
    assert (
        _entities("the singer's spokesman", "Dr Thome", "Dr Thome, his spokesman") == ["Thome"] * 3
    )
    # a role word that is no owner still has to match
    assert _entities("the army spokesman", "Dr Thome, his spokesman")[0] != "Thome"


def test_an_unnamed_spokesman_is_the_person_named_next_by_name_alone():
    assert _entities("A Jordanian government spokesman", "rumours", "Mohammed al-Momani") == [
        "Mohammed al-Momani",
        "rumours",
        "Mohammed al-Momani",
    ]


@pytest.mark.parametrize("role", ["Jackson's rep", "his representative", "the singer's publicist"])
def test_a_rep_or_publicist_is_the_person_named_next_initials_and_all(role):
    # "Raymone K. Bain" is named by the name alone, though the name loses the initial's dot
    assert _entities(role, "rumours", "Raymone K. Bain", "Bain") == [
        "Raymone K Bain",
        "rumours",
        "Raymone K Bain",
        "Raymone K Bain",
    ]


@pytest.mark.parametrize(
    "mentions",
    [
        # the next person is named with a description: someone else
        ("A government spokesman", "Jane Roe, a witness"),
        # named through what they put out, not by the name alone
        ("the spokesperson", "data from Benzinga Pro"),
        # a role that is not one who speaks for a body
        ("official", "Jane Roe"),
        # a person with a role noun in the article: the role is tied by role or not at all
        ("A government spokesman", "Jane Roe", "army spokesman John Doe"),
    ],
)
def test_an_unnamed_role_is_not_tied_to_the_next_person_otherwise(mentions):
    found = _entities(*mentions)
    assert found[0] != found[1]


def test_the_same_group_for_a_body_is_one_entity():
    assert (
        _entities("experts for the UN Security Council", "independent experts for the UN")
        == ["experts for the UN Security Council"] * 2
    )
    # the same body, another group: not merged
    found = _entities("officials at the US embassy", "staff at the US embassy")
    assert found[0] != found[1]
    # two words in common are not enough
    found = _entities("Ministry of Health", "Ministry of Defence")
    assert found[0] != found[1]


def test_a_described_story_is_the_last_reports_source():
    assert (
        _kinded(("Foxnews.es, a hoax website", "report"), ("The fake story", "report"))
        == ["Foxnews.es"] * 2
    )
    # hearsay in the plural, or a story with more after it, stays hearsay
    assert _kinded(("Foxnews.es", "report"), ("the fake reports", "report"))[1] == "reports"


def test_a_bare_spokesperson_is_the_spokesperson_mentioned_before():
    assert (
        _entities("Microsoft", "a Microsoft spokesperson", "the spokesperson") == ["Microsoft"] * 3
    )
    assert _entities("a rep for the actor", "a representative") == ["rep for the actor"] * 2
    # whose spokesperson it is, said in capitals, is another one; none before: no one by this rule
    assert _entities("a Microsoft spokesperson", "a U.K. spokesperson")[1] == "U.K. spokesperson"
    assert _entities("the spokesperson") == ["spokesperson"]


def test_the_makers_of_a_statement_and_these_countries_refer_back():
    mentions = [
        Mention("Several European countries and Canada", 0, "statement"),
        Mention("The joint communique of these countries", 100, "statement"),
        Mention("The authors of the communique", 200, "statement"),
    ]
    assert [e.entity for e in resolve_mentions(mentions)] == [
        "Several European countries and Canada"
    ] * 3


def test_what_a_body_made_for_someone_is_that_bodys():
    found = _entities("a report by independent experts for the UN", "The investigation for the UN")
    assert found == ["independent experts for the UN"] * 2
    # a body of its own that works for the UN is not that body
    assert _entities("independent experts for the UN", "The agency for the UN")[1] != found[0]


def test_an_acronym_of_the_name_a_mention_ends_with():
    assert (
        _entities("His supporters in the Pakistan People's Party", "The PPP")
        == ["His supporters in the Pakistan People's Party"] * 2
    )


def test_rumours_are_kept_apart_from_reports_and_a_media_report_is_hearsay():
    assert _entities("rumours", "media reports", "a media report", "Rumours") == [
        "rumours", "reports", "reports", "rumours"
    ]  # fmt: skip
    assert _entities("theories") == ["reports"]


def test_an_outlet_noun_and_its_website_are_the_named_source_read_both_ways():
    mentions = [
        Mention("Sahara Reporters", 0, "report"),
        Mention("Sahara Reporters", 0, "statement"),
        Mention("the report on its website", 100, "report"),
        Mention("The online medium", 200, "report"),
    ]
    assert {e.entity for e in resolve_mentions(mentions)} == {"Sahara Reporters"}


def test_top_or_senior_officials_are_the_officials_named_before():
    assert _entities("officials", "top officials", "senior officials") == ["officials"] * 3
    # other words still tell groups apart, and a capital keeps a name whole
    assert len(set(_entities("officials", "top army officials"))) == 2
    assert len(set(_entities("Gear", "Top Gear"))) == 2


def test_a_titled_name_goes_on_with_of_and_a_place():
    found = resolve_mentions(
        [Mention("Prime Minister Julia Gillard of Australia", 0), Mention("Gillard", 100)]
    )
    assert [(e.entity, e.role) for e in found] == [
        ("Julia Gillard", "Prime Minister of Australia"),
        ("Julia Gillard", "Prime Minister of Australia"),
    ]
    # an untitled run before "of" is still a body's name
    assert _entities("Bank of America")[0] != "Bank"


def test_a_company_is_its_short_name_and_a_speaker_drops_where_it_spoke():
    assert _entities("Toyota Motor Corp", "Toyota") == ["Toyota Motor Corp"] * 2
    assert _entities("Ummy Mwalimu", "Mwalimu in an interview with Xinhua") == ["Ummy Mwalimu"] * 2
    # a company's short name is its first word, not any word of it
    assert _entities("Toyota Motor Corp", "Motor") == ["Toyota Motor Corp", "Motor"]


def test_a_rep_is_the_publicist_and_a_manager_the_manager_named_in_the_article():
    assert (
        _entities("rep", "friend and publicist Stan Rosenfield", "Rosenfield")
        == ["Stan Rosenfield"] * 3
    )
    assert _entities("his manager", "manager David Mallie") == ["David Mallie"] * 2
    # a spokeswoman is not the spokesman named later
    assert _entities("a military spokeswoman", "Col. Roger King, a military spokesman")[0] != (
        "Roger King"
    )


def test_a_headline_speaker_ends_before_forced_to():
    assert _entities("Nasa forced to deny", "Nasa has been forced to deny") == ["Nasa", "Nasa"]


def _statements(*texts: str) -> list[str | None]:
    return _entities(*texts, kind="statement")


def test_a_described_body_is_the_body_named_before_or_next():
    assert (
        _statements("Toyota Motor Corp", "The world's biggest automaker")
        == ["Toyota Motor Corp"] * 2
    )
    # described in the lede, named later: the next named body that made a statement
    assert (
        _statements("The Iran-backed Lebanese Shi'ite group", "Hezbollah", "Hezbollah")
        == ["Hezbollah"] * 3
    )
    # a description with a proper name in it names a body of its own
    assert (
        _statements("Toyota Motor Corp", "the Geneva-based United Nations health agency")[1]
        != "Toyota Motor Corp"
    )


def test_a_body_named_with_a_description_is_that_description_later():
    found = resolve_mentions(
        [
            Mention("the monitoring group SITE", 0, "report"),
            Mention("the monitoring group", 90, "report"),
        ]
    )
    assert [e.entity for e in found] == ["SITE", "SITE"]


def test_according_to_and_a_spokesman_from_are_not_part_of_the_name():
    assert (
        _entities("According to the Department of Homeland Security", "a DHS spokesman")
        == ["Department of Homeland Security"] * 2
    )
    assert _statements("Scotland Yard", "A spokesman from Scotland Yard") == ["Scotland Yard"] * 2


def test_a_role_acronym_is_the_person_with_that_role():
    assert (
        _entities("Chinmoy Biswal, the deputy commissioner of police (south-east)", "The DCP")
        == ["Chinmoy Biswal"] * 2
    )
    # an acronym that spells no one's role stays a body
    assert _entities("Chinmoy Biswal, the deputy commissioner of police", "the WHO")[1] == "WHO"


def test_a_bare_spokesperson_after_someone_else_is_not_the_spokesperson_before():
    first, second = _entities("a Microsoft spokesperson", "the spokesperson")
    assert first == second
    found = _entities("a DHS spokesman", "One of Hunter's sources", "a spokesperson")
    assert found[2] != found[0]
    # one that says whose is still the spokesperson named before
    assert _entities("a rep for the actor", "Twitter user MAbiga6", "the actor's publicist")[2] == (
        "rep for the actor"
    )


def test_a_name_in_brackets_and_a_company_spokesperson_are_the_body_named_before():
    assert _entities("Asus (華碩)", "Asus") == ["Asus (華碩)"] * 2
    assert (
        _statements("Durex", "an unnamed company spokesperson", "the spokesperson") == ["Durex"] * 3
    )
    # with no company named before, a company spokesperson is no one by this rule
    assert _statements("an unnamed company spokesperson")[0] != "Durex"


def test_commissioner_collector_and_attorney_are_titles_before_a_name():
    found = resolve_mentions(
        [
            Mention("Health & Family Welfare Department Commissioner D Randeep", 0, "statement"),
            Mention("the Commissioner", 100, "statement"),
        ]
    )
    assert [e.entity for e in found] == ["D Randeep", "D Randeep"]
    assert found[0].role is not None and "Commissioner" in found[0].role
    assert _entities("District Attorney Tom Sneddon", "Sneddon") == ["Tom Sneddon"] * 2


def test_a_headline_s_bare_body_word_is_the_body_named_in_full_later():
    assert _statements("Army", "The Nigerian Army") == ["Army", "Army"]
    # a named body is not taken for a bare word named before it
    assert _statements("Police", "Scotland Yard")[1] == "Scotland Yard"


def _resolved(*mentions: tuple[str, str]) -> list[str | None]:
    """Entities of (text, kind) mentions, 50 characters apart."""
    found = resolve_mentions(
        [Mention(text, 50 * i, kind) for i, (text, kind) in enumerate(mentions)]
    )
    return [e.entity for e in found]


def test_a_time_before_the_speaker_is_no_speaker():
    assert (
        _resolved(
            ("the Wall Street Journal", "report"),
            ("Monday, the Journal", "report"),
            ("the newspaper", "report"),
        )
        == ["The Wall Street Journal"] * 3
    )
    # a name that starts with a weekday is a name
    assert _resolved(
        ("Monday Okpebholo, the governor of Edo", "statement"), ("Okpebholo", "statement")
    ) == ["Monday Okpebholo", "Monday Okpebholo"]
    # a time of several words: "Over the weekend", "Earlier this week"
    assert _resolved(
        ("Finance Minister Tito Mboweni", "statement"),
        ("Over the weekend, Mboweni", "statement"),
        ("Earlier this week, the ministry", "statement"),
    ) == ["Tito Mboweni", "Tito Mboweni", "ministry"]


def test_a_surname_before_its_description_and_a_role_spelled_out_or_capitalised():
    # the surname before the comma, not a name inside the description
    assert (
        _resolved(
            ("Argentina's Mariano Puerta", "statement"),
            ("Puerta, the losing finalist at Roland Garros in June", "statement"),
        )
        == ["Argentina's Mariano Puerta"] * 2
    )
    # a speaker text running on into a negated verb ends before it
    assert (
        _resolved(("Mac Maharaj, Zuma's spokesman", "statement"), ("Maharaj didn't", "statement"))
        == ["Mac Maharaj"] * 2
    )
    assert _resolved(("The police say two men", "statement"), ("the police", "statement")) == [
        "police",
        "police",
    ]
    assert (
        _resolved(
            ("District magistrate Ajay Shankar Pandey", "statement"),
            ("the district magistrate", "statement"),
        )
        == ["Ajay Shankar Pandey"] * 2
    )
    # an abbreviated title is its role noun; a place before the noun needs that role
    assert _resolved(("Gov. Rick Scott", "statement"), ("The Florida governor", "statement")) == [
        "Rick Scott",
        "Rick Scott",
    ]
    assert _resolved(
        ("the spokesman Ali Khan", "statement"), ("The Florida governor", "statement")
    ) == ["Ali Khan", "Florida governor"]
    # the role noun capitalised
    assert (
        _resolved(("District Collector K. Safirulla", "statement"), ("the Collector", "statement"))
        == ["K Safirulla"] * 2
    )


def test_the_source_described_again_is_the_last_source():
    assert _resolved(
        ("a source with access to North Korea's leadership", "report"),
        ("The source with knowledge of Kim's health", "report"),
        ("Kim's sister", "statement"),
    ) == ["source with access to North Korea's leadership"] * 2 + ["Kim's sister"]
    # with no source before, a described source is a new one
    assert _resolved(("The source with knowledge of the talks", "report")) == [
        "source with knowledge of the talks"
    ]


def test_rules_that_must_not_fire_too_widely():
    # a place before a role noun takes no one whose role names another place or body
    assert _resolved(
        ("Pentagon spokesman John Kirby", "statement"), ("The Kremlin spokesman", "statement")
    ) == ["John Kirby", "Kremlin spokesman"]
    # a hyphen after an agency's name is no dateline's dash
    assert _resolved(("Washington (AFP) Al-Qaeda militants", "report")) == [
        "Washington (AFP) Al-Qaeda militants"
    ]
    # an outlet named like a time is no time
    assert _resolved(("The Week, the magazine", "report")) == ["Week"]
    # with two sources before, a described source may be either: no one by that rule
    assert (
        _resolved(
            ("a source in the police", "report"),
            ("a source close to the army", "report"),
            ("The source with knowledge of the talks", "report"),
        )[2]
        == "source with knowledge of the talks"
    )


def test_a_news_agency_dateline_is_no_part_of_the_speaker():
    assert _resolved(
        ("Washington ( AFP ) March 22 , 2000 - NASA", "statement"),
        ("NASA", "statement"),
        ("LONDON (Reuters) - Britain's defence ministry", "statement"),
    ) == ["NASA", "NASA", "Britain's defence ministry"]


def test_two_given_names_with_one_surname_are_two_people():
    assert _resolved(("Luke Somers", "report"), ("his sister Lucy Somers", "statement")) == [
        "Luke Somers",
        "Lucy Somers",
    ]
    # a title kept before the surname is no given name: one person
    assert _resolved(("Ex-Gov Suswam", "statement"), ("Dr Gabriel Suswam", "statement")) == [
        "Gabriel Suswam",
        "Gabriel Suswam",
    ]


def test_a_name_with_a_particle_or_after_a_body_word_is_a_name():
    assert _resolved(
        ("Manila-based OCHA spokeswoman Orla Fagan", "statement"),
        ("the executive director of the NDRMMC, Eduardo del Rosario", "statement"),
    ) == ["Orla Fagan", "Eduardo del Rosario"]
    assert _resolved(
        ("Morena Superintendent of Police Ashutosh Bagri", "statement"), ("Bagri", "statement")
    ) == ["Ashutosh Bagri", "Ashutosh Bagri"]
    # only after "<title> of": a body's name that goes on in capitals is no person
    assert _resolved(("Army Public School", "statement"), ("Navy Seal Team Six", "report")) == [
        "Army Public School",
        "Navy Seal Team Six",
    ]


def test_a_company_spokesman_is_not_the_outlet_that_reported():
    found = _resolved(
        ("the Wall Street Journal", "statement"), ("a company spokesman", "statement")
    )
    assert found == ["The Wall Street Journal", "company spokesman"]


def test_a_joint_mention_is_neither_of_its_bodies():
    assert _resolved(
        ("the FBI and the U.S. attorney’s office in Boston", "statement"),
        ("the FBI", "statement"),
        ("Uber and its rival Ola", "statement"),
        ("Ola", "statement"),
    ) == ["FBI and the U.S. attorney's office in Boston", "FBI", "Uber and its rival Ola", "Ola"]
    # "and" inside one body's name joins nothing
    assert _resolved(
        ("the Food and Drug Administration", "statement"), ("the administration", "statement")
    ) == ["Food and Drug Administration", "Food and Drug Administration"]


def test_an_acting_chief_is_named_and_an_outlet_relayed_by_according_to_is_the_outlet():
    assert _resolved(
        ("United States Park Police", "statement"),
        ("Park Police acting Chief Gregory Monahan", "statement"),
        ("Monahan", "statement"),
    ) == ["United States Park Police", "Gregory Monahan", "Gregory Monahan"]
    assert _resolved(
        ("the Foreign Ministry", "statement"),
        ("According to the ministry, the South Korean media outlet", "report"),
        ("The report", "report"),
    ) == ["Foreign Ministry", "South Korean media outlet", "South Korean media outlet"]


def test_a_relative_is_not_the_official_described_next():
    found = resolve_mentions(
        [Mention("his sister Lucy Somers", 0, "statement"), Mention("the Yemeni official", 50)]
    )
    assert [e.entity for e in found] == ["Lucy Somers", "Yemeni official"]
    assert found[0].role == "his sister"


def test_a_described_body_is_not_named_next_across_a_person_of_its_service():
    assert _resolved(
        ("the local fire department", "statement"),
        ("fire service spokesman Pedro Aihara", "statement"),
        ("Vallourec", "statement"),
    ) == ["local fire department", "Pedro Aihara", "Vallourec"]


def test_the_publication_is_the_outlet_named_by_a_body_word():
    assert (
        _resolved(
            ("Cheryl", "statement"),
            ("The spokesperson", "report"),
            ("The Sun", "report"),
            ("The publication", "report"),
        )[-1]
        == "Sun"
    )


def test_the_premier_and_the_company_read_both_ways_refer_back():
    assert _resolved(
        ("Malaysian Prime Minister Mahathir Mohamad", "statement"), ("the Premier", "statement")
    ) == ["Mahathir Mohamad", "Mahathir Mohamad"]
    found = resolve_mentions(
        [
            Mention("INM", 0, "statement"),
            Mention("INM", 0, "report"),  # one claim read both as statement and as report
            Mention("The company", 50, "statement"),
        ]
    )
    assert [e.entity for e in found] == ["INM", "INM", "INM"]


def test_a_report_is_the_one_outlet_that_reported():
    assert _resolved(
        ("report", "report"),
        ("Malaysian Prime Minister Mahathir Mohamad", "statement"),
        ("The Wall Street Journal", "report"),
        ("the report", "report"),
        ("reports", "report"),
    ) == [
        "The Wall Street Journal",
        "Mahathir Mohamad",
        "The Wall Street Journal",
        "The Wall Street Journal",
        "reports",
    ]
    # two outlets: whose report it is, the mention does not say
    assert _resolved(
        ("report", "report"), ("The Irish Times", "report"), ("Danish broadcaster DR", "report")
    ) == ["reports", "Irish Times", "DR"]
    # a body that reported is no outlet without an outlet's name or description
    assert _resolved(("report", "report"), ("the media wing of the army", "report"))[0] == (
        "reports"
    )


def test_a_hospital_or_firm_is_a_body_and_a_description_takes_the_noun_its_name_ends_in():
    found = resolve_mentions(
        [
            Mention("Crimson Hospital", 0, "statement"),
            Mention("the hospital", 50, "statement"),
            Mention("Vulcan Materials Co.", 100, "statement"),
            Mention("Bulgaria's Tennis Federation", 150, "statement"),
            Mention("the Bulgarian federation", 200, "statement"),
        ]
    )
    assert [e.entity for e in found] == [
        "Crimson Hospital",
        "Crimson Hospital",
        "Vulcan Materials Co",
        "Bulgaria's Tennis Federation",
        "Bulgaria's Tennis Federation",
    ]
    assert {e.kind for e in found} == {"body"}


def test_a_described_role_is_the_person_with_that_bare_role_named_next():
    assert _resolved(
        ("The Warren County sheriff", "statement"),
        ("Sheriff Larry Sims", "statement"),
        ("Sims", "statement"),
    ) == ["Larry Sims", "Larry Sims", "Larry Sims"]
    # someone else named in between: the role may be theirs, so no tie
    assert (
        _resolved(
            ("the United manager himself", "statement"),
            ("Ferguson", "statement"),
            ("manager Martin Jol", "report"),
        )[0]
        != "Martin Jol"
    )


def test_a_dateline_with_a_double_dash_or_alone_names_no_one():
    assert _resolved(
        ("Tokyo, Aug. 15 (Jiji Press)--Japan", "statement"),
        ("BEIJING, April 3", "report"),
        ("Murphy also angrily", "statement"),
    ) == ["Japan", None, "Murphy"]


def test_a_body_word_alone_is_the_body_named_next_with_that_word():
    assert _resolved(
        ("police", "statement"), ("A statement from Police Scotland", "statement")
    ) == ["Police Scotland", "Police Scotland"]
    assert _resolved(("police", "statement"), ("Vallourec", "statement")) == [
        "police",
        "Vallourec",
    ]
