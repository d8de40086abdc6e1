"""Merging the rules and parse layers of claim finding, and both roles (nli/combine.py)."""

from __future__ import annotations

from dataclasses import replace

from nli.combine import both_roles, merge_claims
from nli.types import Claim


def _claim(kind: str, speaker: str, polarity: str, span: tuple[int, int]) -> Claim:
    return Claim(kind, "t", "some content here", speaker, "said", polarity, span)  # type: ignore[arg-type]


def test_both_roles_makes_other_parties_reports_too_and_leaves_the_deniers_side() -> None:
    denial = _claim("statement", "Ukrainian Minister Anna Berg", "-", (0, 10))
    person = _claim("statement", "Kurt Lanz", "+", (11, 20))
    own_office = _claim("statement", "a ministry spokesman", "+", (21, 30))
    rival = _claim("statement", "the Belarus Defence Ministry", "+", (31, 40))
    same_side = _claim("statement", "the Ukraine Defence Ministry", "+", (41, 50))
    out = {(c.kind, c.span) for c in both_roles([denial, person, own_office, rival, same_side])}
    assert ("report", (11, 20)) in out
    assert ("report", (31, 40)) in out
    assert ("report", (21, 30)) not in out
    assert ("report", (41, 50)) not in out
    assert ("report", (0, 10)) not in out
    # without a denial in the article, roles stay as they are
    assert both_roles([person, own_office]) == [person, own_office]


def test_a_speakers_relative_clause_does_not_put_it_on_the_deniers_side() -> None:
    denial = _claim("statement", "Ukraine’s border guards", "-", (0, 10))
    rival = _claim(
        "statement",
        "Belarus, a close Russian ally that has backed Moscow's war in Ukraine",
        "+",
        (11, 20),
    )
    out = {(c.kind, c.span) for c in both_roles([denial, rival])}
    assert ("report", (11, 20)) in out  # Belarus speaks for another side than Ukraine's


def test_a_place_after_the_denier_is_not_its_side_and_dotted_names_count() -> None:
    # "U.S. forces in Afghanistan" deny: they speak for the U.S., not for Afghanistan, so
    # Afghan officials (an office of another side) may be the report they answer
    denial = _claim("statement", "U.S. forces in Afghanistan", "-", (0, 10))
    afghans = _claim(
        "statement",
        "Afghan officials with the U.S.-allied transitional government in Uruzgan Province",
        "+",
        (11, 20),
    )
    us_office = _claim("statement", "a U.S. military spokesman", "+", (21, 30))
    out = {(c.kind, c.span) for c in both_roles([denial, afghans, us_office])}
    assert ("report", (11, 20)) in out
    assert ("report", (21, 30)) not in out  # the denier's own side ("U.S." is a name)


def test_merge_keeps_the_rules_and_adds_what_they_missed() -> None:
    rule = _claim("statement", "X", "+", (0, 10))
    same = _claim("statement", "X", "+", (2, 8))
    new = _claim("report", "Y", "+", (12, 20))
    assert merge_claims([rule], [same, new]) == [rule, new]


def test_a_report_that_sets_itself_against_reports_is_paired_as_a_statement_too() -> None:
    text = (
        "No suspected cases of Ebola have been found in Iraq, despite reports to the contrary "
        "in Iraqi media in the past week, the World Health Organization said on Tuesday."
    )
    claims = [
        Claim("report", text, "No suspected cases of Ebola have been found in Iraq", "the WHO",
              "said", "+", (0, len(text))),
    ]  # fmt: skip
    kinds = sorted(c.kind for c in both_roles(claims))
    assert kinds == ["report", "statement"]
    plain = [replace(claims[0], text="Witnesses said troops crossed the border.")]
    assert [c.kind for c in both_roles(plain)] == ["report"]
