"""Synthetic in-domain NLI training pairs: official statements against third-party reports.

The default model is fine-tuned on general NLI data, but it has to judge a narrow kind of
pair: the premise is what a third party reports ("Hundreds of Iranian troops arrived in
Aleppo on Tuesday."), the hypothesis is what an official asserts ("We have no troops in
Syria."). This module writes such pairs from *phenomena*, not from any labelled example:
each phenomenon is a small seeded function over slot-filled event templates, and a second
path derives pairs from real news sentences (see :func:`real_pairs`).

Label conventions (premise = report, hypothesis = official content, as in
:meth:`nli.model.ContradictionScorer.score_pairs`):

=======================  =============  ================================================
phenomenon               label          premise -> hypothesis
=======================  =============  ================================================
direct_denial            contradiction  event -> "there are no X in Y" (official voice)
denial_verb              contradiction  event -> "we deny that P" / "claims that P are false"
number_conflict          contradiction  "at least 40 killed" -> "only 12 people died"
date_conflict            contradiction  "... on Tuesday" -> "... on Friday" (one event)
place_conflict           contradiction  "leak at the Lyon plant" -> "... at the Turin plant"
entity_swap_exclusive    contradiction  "it was A that ..." -> "it was B that ..."
negated_report           contradiction  "no X are in Y" -> "X are in Y"
confirmation             entailment     event -> the event itself, less detail
paraphrase               entailment     one unique fact -> same fact, other wording
number_match             entailment     "2,300 jobs" -> "more than 2,000 jobs"
negated_agreement        entailment     "A has no X in Y" -> "we have no X in Y"
entity_swap_open         neutral        "A did X" -> "B has not done X" (both may be true)
unrelated_event          neutral        A's event X -> A's statement on event Z
hedged_report            neutral        "X may have ..., unconfirmed" -> firm denial
scope_mismatch           neutral        "3 soldiers killed" -> "no civilian casualties"
number_undetermined      neutral        "at least 40" -> "exactly 55"
=======================  =============  ================================================

Real-sentence phenomena (``origin == "real"``) are listed in :data:`REAL_PHENOMENA`.

Every function that draws takes a :class:`random.Random`, so the same seed gives the same
pairs; nothing here reads files.

Example:
    >>> import random
    >>> pairs = template_pairs(6, random.Random(0))
    >>> len(pairs), sorted({p.label for p in pairs}) <= sorted(LABEL_WEIGHTS)
    (6, True)
    >>> negate_clause("The troops had arrived in Aleppo")
    'The troops had not arrived in Aleppo'
"""

from __future__ import annotations

import functools
import logging
import math
import random
import re
import string
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nli.types import Label

logger = logging.getLogger(__name__)

Origin = Literal["template", "real"]

#: Target share of each label (contradiction is the class the project scores).
LABEL_WEIGHTS: dict[str, float] = {"contradiction": 0.4, "entailment": 0.3, "neutral": 0.3}


@dataclass(frozen=True)
class SyntheticPair:
    """One training pair.

    Attributes:
        premise (str): The third-party report (NLI premise).
        hypothesis (str): The official statement's content (NLI hypothesis).
        label (str): ``contradiction``, ``neutral`` or ``entailment``.
        phenomenon (str): Which phenomenon produced the pair (see module docstring).
        origin (str): ``"template"`` or ``"real"`` (derived from a real news sentence).
    """

    premise: str
    hypothesis: str
    label: Label
    phenomenon: str
    origin: Origin = "template"

    def as_dict(self) -> dict[str, str]:
        """Return the pair as a JSON-ready dict."""
        return asdict(self)


# --------------------------------------------------------------------------------------
# Slot vocabularies. Companies, groups, drugs and rivers are invented on purpose: the
# templates accuse them of things.
# --------------------------------------------------------------------------------------

#: (country, demonym, cities)
COUNTRIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Iran", "Iranian", ("Tehran", "Isfahan", "Tabriz", "Mashhad", "Shiraz")),
    ("Russia", "Russian", ("Kazan", "Rostov", "Novosibirsk", "Samara")),
    ("Turkey", "Turkish", ("Izmir", "Gaziantep", "Bursa", "Konya")),
    ("Syria", "Syrian", ("Aleppo", "Homs", "Hama", "Latakia", "Idlib")),
    ("Ukraine", "Ukrainian", ("Kharkiv", "Odesa", "Dnipro", "Lviv")),
    ("Nigeria", "Nigerian", ("Lagos", "Kano", "Maiduguri", "Ibadan")),
    ("Ethiopia", "Ethiopian", ("Mekelle", "Gondar", "Bahir Dar", "Dire Dawa")),
    ("Sudan", "Sudanese", ("Port Sudan", "El Fasher", "Kassala", "Omdurman")),
    ("Egypt", "Egyptian", ("Alexandria", "Aswan", "Port Said", "Luxor")),
    ("Pakistan", "Pakistani", ("Lahore", "Karachi", "Peshawar", "Quetta")),
    ("India", "Indian", ("Mumbai", "Chennai", "Kolkata", "Lucknow")),
    ("China", "Chinese", ("Wuhan", "Chengdu", "Guangzhou", "Tianjin")),
    ("Venezuela", "Venezuelan", ("Maracaibo", "Valencia", "Barquisimeto")),
    ("Colombia", "Colombian", ("Medellin", "Cali", "Barranquilla", "Cucuta")),
    ("Brazil", "Brazilian", ("Recife", "Manaus", "Salvador", "Curitiba")),
    ("Mexico", "Mexican", ("Monterrey", "Guadalajara", "Tijuana", "Puebla")),
    ("France", "French", ("Lyon", "Marseille", "Toulouse", "Lille")),
    ("Germany", "German", ("Hamburg", "Leipzig", "Dortmund", "Bremen")),
    ("Poland", "Polish", ("Gdansk", "Krakow", "Wroclaw", "Lodz")),
    ("Belarus", "Belarusian", ("Gomel", "Grodno", "Vitebsk", "Mogilev")),
    ("Lebanon", "Lebanese", ("Sidon", "Tyre", "Baalbek", "Byblos")),
    ("Iraq", "Iraqi", ("Mosul", "Basra", "Kirkuk", "Erbil")),
    ("Libya", "Libyan", ("Benghazi", "Misrata", "Sirte", "Sabha")),
    ("Kenya", "Kenyan", ("Mombasa", "Kisumu", "Nakuru", "Eldoret")),
    ("Indonesia", "Indonesian", ("Surabaya", "Medan", "Makassar", "Bandung")),
    ("Israel", "Israeli", ("Haifa", "Ashdod", "Beersheba", "Eilat")),
    ("Azerbaijan", "Azerbaijani", ("Ganja", "Sumqayit", "Lankaran")),
    ("Armenia", "Armenian", ("Gyumri", "Vanadzor", "Kapan")),
    ("North Korea", "North Korean", ("Wonsan", "Hamhung", "Sinpo")),
    ("Myanmar", "Burmese", ("Mandalay", "Sittwe", "Myitkyina")),
)

#: Invented companies by sector.
COMPANIES: dict[str, tuple[str, ...]] = {
    "motors": ("Veltro Motors", "Karsten Automotive", "Orion Mobility", "Hanshin Motors",
               "Duvall Motor Group"),
    "chemicals": ("Norwick Chemicals", "Bellmont Chemical", "Altara Industries",
                  "Ridgefield Polymers", "Soren Chemie"),
    "mining": ("Kestrel Mining", "Granite Peak Resources", "Ossory Minerals", "Copperline Metals"),
    "energy": ("Castell Energy", "Northmarsh Oil", "Sunvale Power", "Petrova Energy"),
    "pharma": ("Halden Pharma", "Corvant Therapeutics", "Mirelle Labs", "Aster Biosciences"),
    "bank": ("Auriga Bank", "Fenwick Savings", "Ledgerstone Bank", "Pallas Financial"),
    "telecom": ("Brightline Telecom", "Nexacom", "Skyreach Mobile", "Tellara Networks"),
    "tech": ("Lumen Data", "Quillsoft", "Parallax Systems", "Cobaltix"),
    "retail": ("Harbor & Finch", "Meridian Stores", "Tollgate Retail", "Brookvale Market"),
    "food": ("Greenacre Foods", "Oakridge Dairy", "Sunfield Farms", "Maple Crest Foods"),
    "construction": ("Tarrant Construction", "Ironbridge Group", "Calder Engineering",
                     "Westmark Builders"),
    "electronics": ("Voltari Electronics", "Pixelon", "Corvex Devices", "Tandem Audio"),
}  # fmt: skip

#: Third parties that a report can be attributed to.
SOURCES: tuple[str, ...] = (
    "witnesses", "local residents", "two people familiar with the matter",
    "a regional news agency", "human rights monitors", "a local newspaper",
    "sources close to the investigation", "independent observers", "a former employee",
    "journalists at the scene", "documents seen by reporters", "an industry newsletter",
    "union representatives", "a person with knowledge of the decision", "a monitoring group",
    "investigators", "aid workers in the area", "a leaked internal report",
)  # fmt: skip

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

#: Slots that carry detail a hypothesis may only mention when its premise does.
DETAIL_SLOTS = ("n", "vague", "place", "when")


def _word_tuple(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word list (long vocabularies read best as prose)."""
    return tuple(text.split())


_FIRST_PERSON = re.compile(r"\b(?:we|our|us|ours)\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Numbers and dates.
# --------------------------------------------------------------------------------------

NumberKind = Literal["exact", "only", "at_least", "more_than", "fewer_than", "no_more_than"]

_NUMBER_PREFIX: dict[str, tuple[str, ...]] = {
    "exact": ("",),
    "only": ("only ",),
    "at_least": ("at least ", "no fewer than "),
    "more_than": ("more than ", "over "),
    "fewer_than": ("fewer than ",),
    "no_more_than": ("no more than ", "at most "),
}

_SMALL_WORDS = _word_tuple(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS_WORDS = _word_tuple("twenty thirty forty fifty sixty seventy eighty ninety")


@dataclass(frozen=True)
class NumberSpec:
    """The number slot of an event: its range and whether it is an amount of money."""

    low: int
    high: int
    money: bool = False


@dataclass(frozen=True)
class Quantity:
    """A number claim: ``kind`` ('at least', 'more than', ...) applied to ``value``."""

    kind: NumberKind
    value: int


def spell_number(value: int) -> str | None:
    """Return the number in words when it is short to say, else None.

    Example:
        >>> spell_number(40), spell_number(300), spell_number(2000), spell_number(137)
        ('forty', 'three hundred', 'two thousand', None)
    """
    if 0 <= value < 20:
        return _SMALL_WORDS[value]
    if value < 100 and value % 10 == 0:
        return _TENS_WORDS[value // 10 - 2]
    if value < 1000 and value % 100 == 0:
        return f"{_SMALL_WORDS[value // 100]} hundred"
    if value < 20000 and value % 1000 == 0:
        return f"{_SMALL_WORDS[value // 1000]} thousand"
    return None


def format_number(value: int, style: int, *, money: bool = False, currency: str = "$") -> str:
    """Write a count or an amount of money in one of several equivalent styles.

    Args:
        value (int): The number (for money: in whole currency units).
        style (int): Which wording; every style gives the same value, and styles that do
            not apply to a value fall back to digits with commas.
        money (bool): Format as an amount of money.
        currency (str): ``$``, ``€`` or ``£``.

    Returns:
        str: e.g. ``2,300``, ``2300``, ``forty``, ``1.5 million``, ``$4.5 million``,
        ``4.5 million euros``.

    Example:
        >>> format_number(1500000, 0), format_number(1500000, 1)
        ('1.5 million', '1,500,000')
        >>> format_number(4500000, 0, money=True), format_number(4500000, 2, money=True)
        ('$4.5 million', '4.5 million dollars')
    """
    names = {"$": "dollars", "€": "euros", "£": "pounds"}
    millions = f"{value / 1_000_000:g} million" if value >= 1_000_000 else None
    if millions and value % 100_000:
        millions = None
    if money:
        if style % 3 == 0:
            return f"{currency}{millions}" if millions else f"{currency}{value:,}"
        if style % 3 == 1:
            return f"{currency}{value:,}"
        return f"{millions or f'{value:,}'} {names[currency]}"
    style %= 3
    if style == 0:
        return millions or f"{value:,}"
    if style == 1:
        return f"{value:,}"
    return spell_number(value) or millions or f"{value:,}"


def vague_amount(value: int) -> str:
    """Return a vague phrase true of ``value`` ('hundreds of' for 300).

    Example:
        >>> vague_amount(300), vague_amount(45), vague_amount(7)
        ('hundreds of', 'dozens of', 'several')
    """
    if value < 20:
        return "several"
    if value < 100:
        return "dozens of"
    if value < 1000:
        return "hundreds of"
    if value < 1_000_000:
        return "thousands of"
    return "millions of"


def _interval(quantity: Quantity) -> tuple[float, float]:
    """The integers a quantity claim allows, as a closed interval."""
    v = quantity.value
    bounds: dict[str, tuple[float, float]] = {
        "exact": (v, v),
        "only": (v, v),
        "at_least": (v, math.inf),
        "more_than": (v + 1, math.inf),
        "fewer_than": (0, v - 1),
        "no_more_than": (0, v),
    }
    return bounds[quantity.kind]


def number_relation(premise: Quantity, hypothesis: Quantity) -> Label:
    """Label of 'the count is <premise>' against 'the count is <hypothesis>'.

    Entailment when every count the premise allows satisfies the hypothesis,
    contradiction when none does, neutral otherwise.

    Example:
        >>> number_relation(Quantity("exact", 40), Quantity("more_than", 30))
        'entailment'
        >>> number_relation(Quantity("at_least", 40), Quantity("only", 12))
        'contradiction'
        >>> number_relation(Quantity("at_least", 40), Quantity("exact", 55))
        'neutral'
    """
    p_low, p_high = _interval(premise)
    h_low, h_high = _interval(hypothesis)
    if h_low <= p_low and p_high <= h_high:
        return "entailment"
    if p_high < h_low or h_high < p_low:
        return "contradiction"
    return "neutral"


def _nice(value: float) -> int:
    """Round to two significant digits (numbers in news are round)."""
    if value < 20:
        return max(2, round(value))
    digits = int(math.floor(math.log10(value))) - 1
    return int(round(value / 10**digits) * 10**digits)


def _draw_number(spec: NumberSpec, rng: random.Random) -> int:
    """A round number, log-uniform in the spec's range."""
    value = math.exp(rng.uniform(math.log(spec.low), math.log(spec.high)))
    return _nice(value)


def _render_quantity(
    q: Quantity, style: int, spec: NumberSpec, currency: str, rng: random.Random
) -> str:
    prefixes = _NUMBER_PREFIX[q.kind]
    prefix = prefixes[rng.randrange(len(prefixes))]
    if spec.money and q.kind == "fewer_than":
        prefix = "less than "
    return prefix + format_number(q.value, style, money=spec.money, currency=currency)


WhenKind = Literal["weekday", "date", "month", "time"]


@dataclass(frozen=True)
class When:
    """A point in time: a weekday, a day of a month, a month of a year, or a clock hour."""

    kind: WhenKind
    a: int
    b: int = 0


def draw_when(kinds: Sequence[WhenKind], rng: random.Random) -> When:
    """Draw a time of one of ``kinds``."""
    kind = kinds[rng.randrange(len(kinds))]
    if kind == "weekday":
        return When(kind, rng.randrange(7))
    if kind == "date":
        return When(kind, rng.randint(1, 28), rng.randrange(12))
    if kind == "month":
        return When(kind, rng.randrange(12), rng.randint(2015, 2024))
    return When(kind, rng.randrange(24))


def other_when(when: When, rng: random.Random) -> When:
    """A different time of the same kind (clearly different: not the next hour)."""
    while True:
        other = draw_when([when.kind], rng)
        if other.kind == "time" and min(abs(other.a - when.a), 24 - abs(other.a - when.a)) < 3:
            continue
        if other != when:
            return other


def format_when(when: When, style: int) -> str:
    """Write a time as a phrase ('on Tuesday', 'on 14 March', 'at 3 a.m.', 'at 03:00').

    Example:
        >>> format_when(When("date", 14, 2), 0), format_when(When("date", 14, 2), 1)
        ('on 14 March', 'on March 14')
        >>> format_when(When("time", 21), 0), format_when(When("time", 21), 1)
        ('at 9 p.m.', 'at 21:00')
    """
    if when.kind == "weekday":
        return f"on {WEEKDAYS[when.a]}"
    if when.kind == "date":
        month = MONTHS[when.b]
        return f"on {when.a} {month}" if style % 2 == 0 else f"on {month} {when.a}"
    if when.kind == "month":
        return f"in {MONTHS[when.a]} {when.b}"
    hour = when.a % 12 or 12
    if style % 2 == 0:
        return f"at {hour} {'a.m.' if when.a < 12 else 'p.m.'}"
    return f"at {when.a:02d}:00"


# --------------------------------------------------------------------------------------
# Events: the templates. A template is a clause in lower case except for names (which come
# from slots), without final punctuation, so it can stand alone or follow "that".
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    """One kind of reported event with its templates.

    Attributes:
        name: Event name ("troops").
        domain: military, government, corporate, health, environment, technology, crime, sport.
        actor: Whether the accused party is a country or a company.
        sectors: Company sectors that fit (company events only).
        place: Where ``{place}`` lies: in the target ``country``, at ``home`` (the actor's
            country) or ``any`` country.
        number: The ``{n}`` slot (count or money); ``None`` when the event has none.
        when_kinds: Kinds of ``{when}`` that fit.
        extras: Extra slot pools; each also gets an alternative ``<name>2``.
        sector_extras: Extra slot pools that depend on the company's sector.
        report: Third-party reports of the event (premises).
        fact: Statements of the event entailed by every report that has their detail slots.
        deny: Official negations of the core proposition (first person allowed).
        deny3: Third-person negations of the same proposition, each entailing every ``deny``.
        hedge: Hedged or unconfirmed reports (neutral against facts and denials).
        facets: (key slot, paraphrases) of one *unique* fact: the same clause with another
            value of the key slot contradicts it.
        exclusive: The slot naming the one party that did it, and clauses with that role.
        scope: (premise, hypothesis) pairs about neighbouring facts: neutral.
        noun: Noun phrases of the event for "we deny any ..." / "there has been no ...".
    """

    name: str
    domain: str
    actor: Literal["country", "company"]
    report: tuple[str, ...]
    fact: tuple[str, ...]
    deny: tuple[str, ...]
    deny3: tuple[str, ...]
    hedge: tuple[str, ...]
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclusive: tuple[str, tuple[str, ...]] | None = None
    scope: tuple[tuple[str, str], ...] = ()
    noun: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    place: Literal["target", "home", "any"] = "home"
    number: NumberSpec | None = None
    when_kinds: tuple[WhenKind, ...] = ("weekday", "date")
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sector_extras: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)


EVENTS: tuple[EventType, ...] = (
    EventType(
        name="troops", domain="military", actor="country", place="target",
        number=NumberSpec(150, 6000),
        report=(
            "{vague} {demonym} troops arrived in {place} {when}",
            "{n} {demonym} soldiers were deployed to {country} {when}",
            "{actor} has sent {vague} ground troops to {country}",
            "a convoy carrying {n} {demonym} troops crossed into {country} {when}",
            "{vague} {demonym} soldiers are fighting alongside government forces in {place}",
            "{actor} has quietly moved {n} combat troops into {country}",
        ),
        fact=(
            "{demonym} troops are in {country}",
            "{actor} has soldiers on the ground in {country}",
            "we have troops deployed in {country}",
            "our soldiers are in {country}",
            "there are {demonym} forces in {country}",
            "{demonym} soldiers are present in {place}",
            "{actor} has {n} soldiers in {country}",
            "{vague} {demonym} troops are in {country}",
        ),
        deny=(
            "we have no fighting troops in {country}",
            "there are no {demonym} troops in {country}",
            "{actor} does not have a single soldier in {country}",
            "our armed forces are not present in {country}",
            "no {demonym} ground forces are operating in {country}",
            "none of our soldiers are in {country}",
            "no {demonym} soldiers are stationed in {place}",
        ),
        deny3=(
            "there are no {demonym} troops in {country}",
            "{actor} has no soldiers in {country}",
            "no {demonym} forces are present anywhere in {country}",
        ),
        hedge=(
            "{demonym} troops may have entered {country} {when}, according to unconfirmed reports",
            "it is not clear whether {actor} has sent soldiers to {country}",
            "unverified posts on social media suggested that {demonym} troops could be heading to "
            "{place}",
            "analysts believe {actor} might be preparing to send troops to {country}",
            "{actor} is said to be considering whether to send troops to {country}",
        ),
        facets=(
            ("when", ("the first {demonym} units crossed into {country} {when}",
                      "{demonym} troops first entered {country} {when}",
                      "the initial {demonym} deployment reached {country} {when}")),
            ("n", ("the {demonym} contingent in {country} numbers {n} soldiers",
                   "{actor} has {n} troops deployed in {country}",
                   "the {demonym} force in {country} is made up of {n} soldiers")),
            ("place", ("the {demonym} force in {country} has its headquarters in {place}",
                       "the headquarters of the {demonym} force in {country} is in {place}")),
        ),
        exclusive=("actor", (
            "the troops who entered {place} {when} were {demonym}",
            "the soldiers who entered {place} {when} were sent by {actor}",
            "the forces that took control of {place} {when} were {demonym}, not {other_demonym}",
        )),
        scope=(
            ("{demonym} military advisers are training local officers in {place}",
             "we have no combat troops in {country}"),
            ("{vague} {demonym} troops are massed on their side of the border with {country}",
             "there are no {demonym} troops inside {country}"),
            ("{demonym} warships docked at a port in {country} {when}",
             "{actor} has no ground troops in {country}"),
            ("{demonym} volunteers are fighting in {country}, according to their families",
             "no regular {demonym} army units are deployed in {country}"),
        ),
        noun=("{demonym} military presence in {country}",
              "deployment of {demonym} troops in {country}"),
    ),
    EventType(
        name="airstrike", domain="military", actor="country", place="target",
        number=NumberSpec(3, 150), when_kinds=("weekday", "date", "time"),
        report=(
            "{demonym} warplanes bombed a market in {place} {when}, killing {n} civilians",
            "an air strike by {demonym} jets hit a residential district of {place} {when}",
            "{actor} carried out air strikes on {place} {when}",
            "{n} people were killed when {demonym} aircraft struck a hospital in {place}",
            "{demonym} drones attacked targets in {place} {when}, leaving {n} people dead",
        ),
        fact=(
            "{demonym} aircraft have carried out strikes in {country}",
            "{actor} has conducted air strikes in {country}",
            "we have carried out air strikes in {country}",
            "our air force has struck targets in {country}",
            "{demonym} strikes killed {n} people",
            "there have been {demonym} air strikes in {country}",
        ),
        deny=(
            "we have not carried out any air strikes in {country}",
            "{demonym} aircraft have not attacked any targets in {country}",
            "our air force has not struck any target in {country}",
            "no {demonym} aircraft have struck {place}",
            "{actor} has not bombed anything in {country}",
        ),
        deny3=(
            "{actor} has not carried out any air strikes in {country}",
            "no {demonym} aircraft have struck targets anywhere in {country}",
        ),
        hedge=(
            "the strike on {place} may have been carried out by {demonym} jets, a local monitor "
            "said",
            "it remains unclear who carried out the air strike on {place} {when}",
            "unconfirmed reports said {demonym} aircraft could have been involved in the bombing "
            "of {place}",
            "{actor} is believed to be weighing air strikes in {country}",
        ),
        facets=(
            ("when", ("the air strike on {place} took place {when}",
                      "{place} was bombed {when}",
                      "the bombing of {place} happened {when}")),
            ("n", ("the air strike on {place} killed {n} people",
                   "{n} people died in the bombing of {place}",
                   "the death toll from the strike on {place} is {n}")),
            ("place", ("the market hit by the air strike {when} is in {place}",
                       "the air strike {when} hit a market in {place}")),
        ),
        exclusive=("actor", (
            "the air strike on {place} {when} was carried out by {demonym} jets",
            "{demonym} aircraft were responsible for the bombing of {place} {when}",
            "the jets that bombed {place} {when} belonged to {actor}",
            "it was {demonym} aircraft, not {other_demonym} ones, that bombed {place} {when}",
        )),
        scope=(
            ("{n} soldiers were killed when {demonym} jets struck a military base near {place}",
             "no civilians have been killed in our operations in {country}"),
            ("{demonym} jets struck an ammunition depot near {place} {when}",
             "our air strikes have not hit any hospitals or schools"),
            ("{demonym} aircraft flew reconnaissance missions over {place}",
             "we have not bombed {place}"),
        ),
        noun=("{demonym} air strikes in {country}", "bombing by our air force in {country}"),
    ),
    EventType(
        name="border", domain="government", actor="country", place="home",
        number=NumberSpec(200, 20000), when_kinds=("weekday", "date", "time"),
        report=(
            "{actor} closed its border with {country} {when}",
            "{demonym} authorities have shut every crossing on the border with {country}, "
            "including the one at {place}",
            "{demonym} authorities sealed the frontier with {country} {when}, stranding {n} "
            "travellers",
            "{actor} shut all crossings into {country} {when}",
        ),
        fact=(
            "{actor} has closed the border with {country}",
            "we have shut our border with {country}",
            "the border between {actor} and {country} is closed",
            "{demonym} authorities have closed the border",
            "the crossing at {place} is closed",
        ),
        deny=(
            "the border with {country} remains open",
            "we have not closed the border with {country}",
            "none of our crossings into {country} has been closed",
            "{actor} has not sealed its frontier with {country}",
            "the crossing at {place} is open",
        ),
        deny3=(
            "{actor} has not closed any of its crossings into {country}",
            "every crossing between {actor} and {country} remains open",
        ),
        hedge=(
            "{actor} could close its border with {country} as early as next week, officials "
            "familiar with the plans said",
            "there were unconfirmed reports that the crossing at {place} had been shut {when}",
            "it is unclear whether the border with {country} is still open",
        ),
        facets=(
            ("when", ("{actor} closed the border with {country} {when}",
                      "the border with {country} was sealed by {actor} {when}",
                      "{demonym} authorities shut the frontier with {country} {when}")),
            ("n", ("{n} travellers were stranded when {actor} closed the border with {country}",
                   "{actor_gen} closure of the border with {country} left {n} travellers "
                   "stranded")),
            ("place", ("the only crossing that {actor} closed was at {place}",
                       "the crossing that {demonym} authorities shut is the one at {place}")),
        ),
        scope=(
            ("{actor} closed the crossing at {place} to cargo trucks {when}",
             "the border with {country} remains open to travellers"),
            ("{actor} suspended flights to {country} {when}",
             "we have not closed the land border with {country}"),
        ),
        noun=("closure of the border with {country}",),
    ),
    EventType(
        name="arrests", domain="crime", actor="country", place="home",
        number=NumberSpec(3, 400),
        report=(
            "police in {place} arrested {n} protesters {when}",
            "{n} demonstrators were detained by {demonym} security forces in {place} {when}",
            "{demonym} police rounded up {vague} protesters in {place} {when}",
            "security forces in {place} detained {vague} demonstrators at a protest {when}",
        ),
        fact=(
            "protesters were arrested in {place}",
            "our police detained demonstrators",
            "{demonym} security forces have arrested protesters",
            "demonstrators were taken into custody in {place}",
            "police detained {n} people in {place}",
        ),
        deny=(
            "no protesters have been arrested in {place}",
            "our police have not detained a single demonstrator",
            "there have been no arrests of protesters in {actor}",
            "no demonstrators were detained in {place}",
        ),
        deny3=(
            "{demonym} police have not arrested any protesters",
            "no demonstrators anywhere in {actor} have been detained",
        ),
        hedge=(
            "some protesters in {place} may have been detained, according to unverified social "
            "media posts",
            "activists said they were trying to confirm reports of arrests in {place}",
            "it is not known whether anyone was detained during the protest in {place} {when}",
        ),
        facets=(
            ("when", ("the arrests at the protest in {place} took place {when}",
                      "police detained the protesters in {place} {when}")),
            ("n", ("{n} protesters were detained during the demonstration in {place}",
                   "the number of protesters arrested in {place} is {n}",
                   "police arrested {n} protesters at the demonstration in {place}")),
            ("place", ("the protesters were arrested at a rally in {place}",
                       "the rally where the arrests took place was held in {place}")),
        ),
        scope=(
            ("police in {place} arrested {n} people suspected of looting {when}",
             "no peaceful protesters have been detained in {place}"),
            ("{n} protesters were injured in clashes with police in {place}",
             "nobody was arrested during the demonstrations in {place}"),
        ),
        noun=("arrests of protesters in {place}",),
    ),
    EventType(
        name="layoffs", domain="corporate", actor="company", place="any",
        sectors=("motors", "chemicals", "energy", "bank", "telecom", "tech", "retail",
                 "food", "electronics", "construction"),
        number=NumberSpec(40, 12000), when_kinds=("weekday", "date", "month"),
        report=(
            "{actor} laid off {n} workers at its plant in {place} {when}",
            "{n} employees at {actor_gen} {place} factory lost their jobs {when}",
            "{actor} has cut {vague} jobs, according to an internal memo",
            "{actor} told {n} staff {when} that their jobs had been eliminated",
            "{actor} has eliminated {n} positions across its operations",
        ),
        fact=(
            "{actor} has cut jobs",
            "we have laid off staff",
            "workers at {actor} lost their jobs",
            "{actor} has reduced its workforce",
            "our company has made {n} employees redundant",
            "jobs were cut at the {place} plant",
        ),
        deny=(
            "we have not laid off any workers",
            "there have been no job cuts at {actor}",
            "{actor} has not eliminated a single position",
            "no employees at our {place} plant have lost their jobs",
            "our workforce has not been reduced",
        ),
        deny3=(
            "{actor} has not cut any jobs anywhere",
            "no workers at {actor} have been laid off",
        ),
        hedge=(
            "{actor} may cut up to {n} jobs next year, analysts said",
            "{actor} is reportedly considering job cuts at its {place} plant",
            "union leaders fear that {actor} could announce layoffs soon",
        ),
        facets=(
            ("n", ("{actor} laid off {n} workers",
                   "the number of jobs cut at {actor} is {n}",
                   "{n} people lost their jobs at {actor}")),
            ("when", ("{actor} announced the layoffs {when}",
                      "the job cuts at {actor} were announced {when}")),
            ("place", ("all of the job cuts at {actor} were made at its {place} factory",
                       "the only {actor} plant that lost jobs is the one in {place}")),
        ),
        exclusive=("actor", (
            "it was {actor} that cut {n} jobs in {place} {when}",
            "the {n} layoffs announced in {place} {when} were made by {actor}",
        )),
        scope=(
            ("{actor} cut {n} contractor positions at its {place} site",
             "none of our permanent employees have been laid off"),
            ("{actor} froze hiring at its {place} plant {when}",
             "we have not laid off any workers"),
            ("{n} workers at {actor} took voluntary retirement {when}",
             "we have not fired anyone"),
        ),
        noun=("job cuts at {actor}", "layoffs at our {place} plant"),
    ),
    EventType(
        name="data_breach", domain="technology", actor="company", place="any",
        sectors=("bank", "telecom", "tech", "retail"),
        number=NumberSpec(8000, 60_000_000), when_kinds=("weekday", "date", "month"),
        extras={"group": ("a criminal gang known as Black Lantern",
                          "the hacking group Silent Viper",
                          "a ransomware gang called Nightjar", "a group of teenage hackers",
                          "a hacking unit linked to a foreign government",
                          "a former employee of the company")},
        report=(
            "hackers stole the personal data of {n} customers from {actor} {when}",
            "a breach at {actor} exposed {n} customer records, including passwords",
            "{actor_gen} servers were accessed by an unauthorised group {when}, and customer data "
            "was copied",
            "the personal details of {vague} {actor} customers are being sold online after a "
            "cyberattack",
        ),
        fact=(
            "{actor} suffered a data breach",
            "hackers gained access to customer data at {actor}",
            "our systems were breached",
            "customer information held by {actor} was compromised",
            "the data of {n} customers was exposed",
        ),
        deny=(
            "no customer data has been compromised",
            "our systems have not been breached",
            "{actor} has not suffered any data breach",
            "hackers did not gain access to any of our customer information",
            "customer records at {actor} have remained secure",
        ),
        deny3=(
            "{actor} has not suffered a data breach",
            "no customer data held by {actor} has been accessed by anyone outside the company",
        ),
        hedge=(
            "{actor} may have been targeted by hackers, a security researcher said",
            "a hacking forum claimed, without evidence, to hold data stolen from {actor}",
            "it is unclear whether any customer data at {actor} was accessed",
        ),
        facets=(
            ("n", ("the breach at {actor} affected {n} customers",
                   "{n} customer records were exposed in the {actor} breach",
                   "hackers took the data of {n} {actor} customers")),
            ("when", ("the breach at {actor} happened {when}",
                      "hackers broke into {actor_gen} systems {when}",
                      "the cyberattack on {actor} took place {when}")),
        ),
        exclusive=("group", (
            "the attack on {actor} was carried out by {group}",
            "{group} was behind the breach at {actor}",
            "the hackers who breached {actor} were {group}",
        )),
        scope=(
            ("hackers accessed the email accounts of {n} {actor} employees",
             "no customer data has been compromised"),
            ("{actor_gen} website was knocked offline by a denial-of-service attack {when}",
             "hackers did not gain access to any of our customer information"),
        ),
        noun=("breach of our customer database", "unauthorised access to {actor} customer data"),
    ),
    EventType(
        name="contamination", domain="environment", actor="company", place="any",
        sectors=("chemicals", "mining", "energy", "food"),
        number=NumberSpec(2, 900), when_kinds=("weekday", "date", "month"),
        extras={
            "substance": ("benzene", "mercury", "cyanide", "ammonia", "lead", "arsenic",
                          "chromium", "sulphuric acid", "diesel"),
            "river": ("Kolva River", "Marrow River", "Tessa River", "Brenn River", "Ilse River",
                      "Sorrel River"),
        },
        report=(
            "a leak at {actor_gen} plant in {place} released {substance} into the {river} {when}",
            "tests showed that {actor_gen} plant near {place} had leaked {substance} into the "
            "{river}",
            "{actor_gen} {place} plant discharged {n} tonnes of waste containing {substance} into "
            "the {river}",
            "{substance} from {actor_gen} {place} facility has polluted the {river}, killing "
            "thousands of fish",
        ),
        fact=(
            "{substance} from {actor_gen} plant entered the {river}",
            "our facility released {substance} into the {river}",
            "the {river} was contaminated by {actor}",
            "{actor} polluted the {river}",
            "{substance} from the {place} site reached the {river}",
        ),
        deny=(
            "no {substance} from our plant has entered the {river}",
            "the {river} has not been contaminated by our operations",
            "our {place} facility has not released any pollutants into the {river}",
            "{actor} has not discharged any {substance} into the {river}",
            "our site has had no impact on water quality in the {river}",
        ),
        deny3=(
            "{actor} has not released any {substance} or other pollutants into the {river}",
            "the {river} has not been polluted by {actor} in any way",
        ),
        hedge=(
            "environmental groups suspect that {actor_gen} plant may be the source of {substance} "
            "found in the {river}",
            "it is not yet known where the {substance} detected in the {river} came from",
            "local residents fear the {river} could be contaminated by {actor_gen} {place} "
            "facility",
        ),
        facets=(
            ("when", ("the {substance} leak at {actor_gen} plant began {when}",
                      "{substance} started leaking from {actor_gen} plant {when}")),
            ("n", ("{n} tonnes of {substance} were released into the {river}",
                   "the leak released {n} tonnes of {substance} into the {river}")),
            ("place", ("the leak occurred at {actor_gen} plant in {place}",
                       "the {substance} came from {actor_gen} facility in {place}")),
        ),
        exclusive=("actor", (
            "the {substance} in the {river} came from {actor_gen} plant",
            "{actor} is the company responsible for the {substance} spill in the {river}",
            "it was {actor_gen} plant that leaked {substance} into the {river}",
        )),
        scope=(
            ("{actor_gen} plant released {substance} into the air {when}",
             "no {substance} from our plant has entered the {river}"),
            ("{substance} was found in soil at a disused site that {actor} sold years ago",
             "our current operations have not polluted the {river}"),
        ),
        noun=("{substance} pollution from our plant",
              "contamination of the {river} by our facility"),
    ),
    EventType(
        name="bribery", domain="crime", actor="company", place="target",
        sectors=("construction", "mining", "energy", "telecom", "pharma"),
        number=NumberSpec(50_000, 40_000_000, money=True), when_kinds=("month",),
        report=(
            "{actor} paid {n} in bribes to officials in {country} to win a port contract",
            "investigators found that {actor} funnelled {n} in bribes to a minister in {country}",
            "{actor} bribed government officials in {country} {when}, according to court documents",
            "documents show that {actor} paid {n} in kickbacks to officials in {country}",
        ),
        fact=(
            "{actor} paid bribes",
            "our company made illegal payments to officials in {country}",
            "{actor} bribed officials in {country}",
            "officials in {country} took bribes from {actor}",
            "{actor} paid {n} in bribes",
        ),
        deny=(
            "we have never paid bribes to anyone",
            "{actor} has made no improper payments to officials in {country}",
            "our company did not bribe any officials",
            "no bribe was ever paid by {actor} to officials in {country}",
        ),
        deny3=(
            "{actor} has never paid a bribe or made any improper payment to anyone",
            "no bribe or improper payment of any kind has ever been made by {actor}",
        ),
        hedge=(
            "prosecutors are investigating whether {actor} paid bribes in {country}",
            "{actor} may have made improper payments to officials in {country}, a former employee "
            "alleged",
            "it is unclear whether any money from {actor} reached officials in {country}",
        ),
        facets=(
            ("n", ("the bribes paid by {actor} totalled {n}",
                   "{actor} paid {n} in bribes",
                   "the amount {actor} paid to officials was {n}")),
            ("when", ("{actor} paid the bribes {when}",
                      "the bribes from {actor} were paid {when}")),
        ),
        exclusive=("actor", (
            "the company that bribed officials in {country} was {actor}",
            "it was {actor} that paid the bribes in {country}",
            "the bribes in {country} were paid by {actor}",
        )),
        scope=(
            ("{actor} paid {n} to a consultant in {country} whose role is under investigation",
             "we have never paid bribes to government officials"),
            ("a former {actor} manager admitted paying bribes in {country} while working for "
             "another firm",
             "{actor} has never paid bribes"),
        ),
        noun=("bribery of officials in {country}", "improper payment to officials in {country}"),
    ),
    EventType(
        name="emissions", domain="environment", actor="company", place="any",
        sectors=("chemicals", "energy", "mining", "motors"),
        number=NumberSpec(2, 40), when_kinds=("date", "month"),
        extras={"pollutant": ("sulphur dioxide", "nitrogen oxides", "fine particulates", "methane",
                              "benzene", "carbon monoxide")},
        report=(
            "{actor_gen} {place} plant emitted {n} times the permitted level of {pollutant} {when}",
            "{actor} exceeded legal limits for emissions of {pollutant} at its {place} plant",
            "{actor_gen} plant in {place} has been releasing more {pollutant} than its permit "
            "allows",
        ),
        fact=(
            "{actor} broke emissions rules",
            "our {place} plant exceeded pollution limits",
            "emissions from {actor_gen} plant were above legal limits",
            "we breached our emissions permit",
        ),
        deny=(
            "our emissions are within legal limits",
            "{actor} has complied with all emissions rules",
            "our {place} plant has never exceeded its permitted {pollutant} levels",
            "we have not breached any pollution limits",
        ),
        deny3=(
            "{actor} has not breached any emissions rules at any of its plants",
            "all of {actor_gen} emissions have stayed within legal limits",
        ),
        hedge=(
            "{actor_gen} {place} plant may be emitting more {pollutant} than allowed, campaigners "
            "said",
            "regulators are checking whether {actor} exceeded its emissions limits",
            "it is not clear if the {pollutant} detected near {place} came from {actor_gen} plant",
        ),
        facets=(
            ("n", ("{actor_gen} {place} plant emitted {n} times the permitted level of {pollutant}",
                   "{pollutant} emissions from {actor_gen} {place} plant were {n} times the legal "
                   "limit")),
            ("when", ("{actor_gen} plant breached its {pollutant} limit {when}",
                      "the {pollutant} limit at {actor_gen} plant was breached {when}")),
        ),
        exclusive=("actor", (
            "the plant that exceeded the {pollutant} limit in {place} belongs to {actor}",
            "it was {actor_gen} plant that breached the {pollutant} limit in {place}",
        )),
        scope=(
            ("{actor_gen} {place} plant exceeded its noise limits {when}",
             "our emissions are within legal limits"),
            ("a plant in {place} that {actor} sold last year exceeded its emissions limits",
             "our plants are within all emissions limits"),
        ),
        noun=("breach of emissions limits at our plants",),
    ),
    EventType(
        name="drug_side_effects", domain="health", actor="company", place="any",
        sectors=("pharma",), number=NumberSpec(3, 900), when_kinds=("date", "month"),
        extras={
            "drug": ("Zolventra", "Cardimax", "Neuralex", "Lumitrex", "Ostavir", "Pravenol",
                     "Duralin", "Xelotane"),
            "effect": ("liver damage", "heart rhythm problems", "severe skin reactions",
                       "kidney failure", "memory loss", "blood clots", "seizures"),
        },
        report=(
            "{n} patients taking {drug} developed {effect} during clinical trials",
            "{drug}, made by {actor}, has been linked to {n} cases of {effect} in patients",
            "a study found that patients on {actor_gen} drug {drug} suffered {effect}",
            "doctors in {place} reported that {vague} patients taking {drug} developed {effect}",
        ),
        fact=(
            "patients taking {drug} have developed {effect}",
            "{drug} has been linked to {effect}",
            "some people on our drug {drug} suffered {effect}",
            "{effect} occurred in patients using {drug}",
            "there were {n} cases of {effect} among {drug} patients",
        ),
        deny=(
            "no patient taking {drug} has developed {effect}",
            "there have been no cases of {effect} in patients using {drug}",
            "{drug} has a clean safety record with no cases of {effect}",
            "none of the patients on our drug has suffered {effect}",
        ),
        deny3=(
            "no patient who has taken {drug} has ever developed {effect}",
            "{effect} has not occurred in anyone using {drug}",
        ),
        hedge=(
            "researchers are investigating whether {drug} may be linked to {effect}",
            "some doctors suspect {drug} could cause {effect}, but no study has confirmed it",
            "it is not known if the cases of {effect} in {place} are related to {drug}",
        ),
        facets=(
            ("n", ("{n} patients on {drug} developed {effect}",
                   "the number of cases of {effect} linked to {drug} is {n}",
                   "{drug} has been linked to {n} cases of {effect}")),
            ("when", ("the first case of {effect} in a {drug} patient was reported {when}",
                      "the first {effect} case in a patient taking {drug} was reported {when}")),
        ),
        exclusive=("drug", (
            "the drug linked to the {effect} cases is {drug}",
            "the {effect} cases were caused by {drug}",
        )),
        scope=(
            ("{n} patients taking {drug} reported mild headaches",
             "no patient taking {drug} has developed {effect}"),
            ("patients on a rival drug developed {effect} in a separate trial",
             "{drug} has not been linked to {effect}"),
        ),
        noun=("link between {drug} and {effect}",),
    ),
    EventType(
        name="election_fraud", domain="government", actor="country", place="home",
        number=NumberSpec(300, 90000),
        extras={"party": ("the ruling party", "the main opposition party",
                          "the National Renewal Party",
                          "the Democratic Front", "the Green Alliance", "the governing coalition")},
        report=(
            "election officials in {place} were filmed stuffing ballot boxes {when}",
            "observers found {n} fake ballots at polling stations in {place}",
            "{n} votes in {place} were cast in the names of dead people, an audit found",
            "{party} rigged the vote count in {place}, according to international monitors",
        ),
        fact=(
            "there was fraud in the election in {place}",
            "the vote in {place} was rigged",
            "ballots in {place} were tampered with",
            "irregularities occurred during voting in {place}",
            "{n} fraudulent ballots were cast in {place}",
        ),
        deny=(
            "the election in {place} was free and fair",
            "there was no fraud in the vote in {place}",
            "no ballots were tampered with in {place}",
            "the vote count in {place} was accurate and transparent",
            "not a single fraudulent vote was cast in {place}",
        ),
        deny3=(
            "there was no fraud of any kind in the election in {place}",
            "the vote in {place} was not rigged and no ballot was tampered with",
        ),
        hedge=(
            "opposition activists allege that the vote in {place} may have been rigged, but have "
            "offered no evidence",
            "monitors said they could not yet say whether there was fraud in {place}",
            "an investigation into possible irregularities in {place} is under way",
        ),
        facets=(
            ("n", ("{n} fraudulent ballots were found in {place}",
                   "auditors identified {n} fake votes in {place}",
                   "the number of forged ballots discovered in {place} is {n}")),
            ("when", ("the fake ballots in {place} were discovered {when}",
                      "auditors found the fraudulent votes in {place} {when}")),
        ),
        exclusive=("party", (
            "the ballot stuffing in {place} was organised by {party}",
            "{party} was behind the vote rigging in {place}",
        )),
        scope=(
            ("{n} ballots in {place} were rejected because they were filled in incorrectly",
             "there was no fraud in the vote in {place}"),
            ("turnout in {place} was unusually high",
             "the election in {place} was free and fair"),
        ),
        noun=("vote rigging in {place}", "fraud in the election in {place}"),
    ),
    EventType(
        name="recall", domain="corporate", actor="company", place="any",
        sectors=("motors", "food", "electronics"), number=NumberSpec(500, 2_000_000),
        sector_extras={
            "motors": {"product": ("cars", "delivery vans", "pickup trucks", "SUVs", "buses"),
                       "defect": ("brake fault", "faulty airbag", "steering defect", "fuel leak",
                                  "battery fault")},
            "food": {"product": ("jars of baby food", "packs of frozen chicken", "bags of salad",
                                 "tins of tuna", "bottles of apple juice"),
                     "defect": ("labelling error", "salmonella risk", "packaging fault",
                                "contamination risk", "listeria risk")},
            "electronics": {"product": ("laptops", "phone chargers", "e-scooters", "power banks",
                                        "smart speakers"),
                            "defect": ("battery fault", "wiring defect", "fire risk",
                                       "charging fault", "software fault")},
        },
        report=(
            "{actor} recalled {n} {product} {when} because of a {defect}",
            "{actor} has pulled {vague} {product} from shops after finding a {defect}",
            "a {defect} forced {actor} to recall {n} {product}",
            "owners of {n} {actor} {product} have been told to return them because of a {defect}",
        ),
        fact=(
            "{actor} has recalled {product}",
            "we recalled some of our {product}",
            "{product} made by {actor} were recalled",
            "{actor} has withdrawn {product} from sale",
            "{actor} recalled {n} {product}",
        ),
        deny=(
            "we have not recalled any {product}",
            "none of our {product} have been recalled",
            "{actor} has not withdrawn any {product} from sale",
            "there has been no recall of {actor} {product}",
        ),
        deny3=(
            "{actor} has not recalled or withdrawn any {product}",
            "no {actor} {product} have been recalled",
        ),
        hedge=(
            "{actor} may have to recall some {product} if a review confirms a {defect}, analysts "
            "said",
            "regulators are examining complaints about a possible {defect} in {actor} {product}",
            "it is unclear whether {actor} will recall any {product}",
        ),
        facets=(
            ("n", ("the {actor} recall covers {n} {product}",
                   "{actor} recalled {n} {product}",
                   "the number of {product} recalled by {actor} is {n}")),
            ("when", ("{actor} announced the recall {when}",
                      "the recall of {actor} {product} was announced {when}")),
        ),
        exclusive=("actor", (
            "the {product} recalled because of a {defect} were made by {actor}",
            "it was {actor} that recalled {n} {product} {when}",
        )),
        scope=(
            ("{actor} issued a safety notice about its {product} {when}",
             "we have not recalled any {product}"),
            ("{actor} recalled {n} {product} made by a supplier for another brand",
             "none of our own {product} have been recalled"),
        ),
        noun=("recall of our {product}",),
    ),
    EventType(
        name="weapons", domain="military", actor="country", place="target",
        number=NumberSpec(5, 400),
        extras={"group": ("the Northern Front", "the Free Valley Brigade", "the Red River militia",
                          "the Sahel Liberation Front", "the Crescent Brigade",
                          "the Mountain Defence Force")},
        report=(
            "{actor} shipped large quantities of rifles and rockets to {group} in {country} {when}",
            "a cargo plane carrying {demonym} weapons for {group} landed in {place} {when}",
            "{n} tonnes of {demonym} arms were delivered to {group}, according to a UN panel",
            "missiles supplied by {actor} were found in {group} depots in {place}",
        ),
        fact=(
            "{actor} has armed {group}",
            "we supplied weapons to {group}",
            "{demonym} arms reached {group}",
            "{group} received weapons from {actor}",
            "{actor} delivered {n} tonnes of weapons to {group}",
        ),
        deny=(
            "we have never supplied weapons to {group}",
            "{actor} has not sent any arms to {group}",
            "{group} has received no weapons from us",
            "no {demonym} weapons have ever been delivered to {group}",
        ),
        deny3=(
            "{actor} has never supplied any weapons to {group}",
            "{group} has never received arms of any kind from {actor}",
        ),
        hedge=(
            "{group} may have obtained {demonym} weapons on the black market, a UN panel said",
            "it is unclear how {group} acquired its rockets",
            "western officials suspect that {actor} could be arming {group}",
        ),
        facets=(
            ("n", ("{actor} delivered {n} tonnes of weapons to {group}",
                   "the weapons shipment to {group} weighed {n} tonnes")),
            ("when", ("the {demonym} cargo plane carrying weapons for {group} landed {when}",
                      "the {demonym} arms shipment for {group} arrived {when}")),
            ("place", ("the {demonym} cargo plane carrying weapons for {group} landed in {place}",
                       "the {demonym} arms for {group} were unloaded in {place}")),
        ),
        exclusive=("actor", (
            "the weapons found in {group} depots were supplied by {actor}",
            "the rockets used by {group} came from {actor}",
            "it was {actor} that armed {group}",
        )),
        scope=(
            ("{actor} supplied armoured vehicles to the government of {country}",
             "we have never supplied weapons to {group}"),
            ("{demonym} humanitarian aid reached areas of {country} held by {group}",
             "{actor} has not sent any arms to {group}"),
        ),
        noun=("supply of weapons to {group}", "arms shipment to {group}"),
    ),
    EventType(
        name="plant_explosion", domain="corporate", actor="company", place="any",
        sectors=("chemicals", "energy", "mining"), number=NumberSpec(2, 120),
        when_kinds=("weekday", "date", "time"),
        report=(
            "an explosion at {actor_gen} plant in {place} injured {n} workers {when}",
            "a fire broke out at {actor_gen} processing plant in {place} {when}, sending {vague} "
            "workers to hospital",
            "{n} workers were hurt in a blast at {actor_gen} {place} facility",
        ),
        fact=(
            "there was an accident at {actor_gen} plant",
            "workers were injured at our {place} site",
            "an incident occurred at {actor_gen} facility in {place}",
            "{n} workers were injured at {actor_gen} plant",
        ),
        deny=(
            "there has been no accident at our {place} plant",
            "no workers have been injured at our facilities",
            "nobody has been hurt at any {actor} site",
            "there has been no accident at our {place} site and no one has been injured",
        ),
        deny3=(
            "there has been no accident at any {actor} facility and no worker has been hurt",
        ),
        hedge=(
            "residents near {place} reported hearing a loud bang, possibly from {actor_gen} plant",
            "it is not yet known whether anyone was hurt at {actor_gen} {place} site",
            "smoke was seen near {actor_gen} {place} plant, but the cause was unclear",
        ),
        facets=(
            ("n", ("the explosion at {actor_gen} plant injured {n} workers",
                   "{n} people were hurt in the blast at {actor_gen} plant")),
            ("when", ("the explosion at {actor_gen} plant happened {when}",
                      "the blast at the {actor} facility occurred {when}")),
            ("place", ("the explosion happened at {actor_gen} plant in {place}",
                       "the {actor} facility where the blast occurred is in {place}")),
        ),
        exclusive=("actor", (
            "the plant where the explosion happened belongs to {actor}",
            "the blast in {place} {when} was at a plant owned by {actor}",
        )),
        scope=(
            ("{n} workers at {actor_gen} {place} plant were treated for heat exhaustion",
             "there has been no explosion at our {place} plant"),
            ("a fire damaged an empty warehouse next to {actor_gen} {place} plant",
             "no workers have been injured at our facilities"),
        ),
        noun=("accident at our {place} plant",),
    ),
    EventType(
        name="doping", domain="sport", actor="country", place="any",
        number=NumberSpec(2, 30),
        extras={"banned": ("a banned steroid", "EPO", "meldonium", "a banned stimulant",
                           "testosterone", "a masking agent")},
        report=(
            "{n} members of the {demonym} national team tested positive for {banned} {when}",
            "samples from {vague} {demonym} athletes contained traces of {banned}, the "
            "anti-doping agency said",
            "{demonym} athletes failed drug tests at the championships in {place} {when}",
            "the anti-doping agency said {n} {demonym} competitors had tested positive for "
            "{banned}",
        ),
        fact=(
            "{demonym} athletes have failed drug tests",
            "our athletes tested positive for a banned substance",
            "{demonym} competitors have been caught doping",
            "{n} {demonym} athletes failed doping tests",
        ),
        deny=(
            "none of our athletes has failed a drug test",
            "{demonym} athletes are clean and have passed every test",
            "there has not been a single positive doping test in our team",
            "no {demonym} competitor has tested positive for a banned substance",
        ),
        deny3=(
            "no {demonym} athlete has ever failed a doping test",
        ),
        hedge=(
            "{demonym} athletes could face extra drug tests amid rumours of doping",
            "the anti-doping agency is reviewing unusual blood values of some {demonym} athletes",
            "it is not known whether any {demonym} athletes will be tested before the "
            "championships",
        ),
        facets=(
            ("n", ("{n} {demonym} athletes tested positive",
                   "the number of {demonym} athletes who failed drug tests is {n}")),
            ("when", ("the positive tests of {demonym} athletes were announced {when}",
                      "the {demonym} doping cases came to light {when}")),
            ("place", ("the {demonym} athletes failed their tests at the championships in {place}",
                       "the championships where the {demonym} athletes tested positive were held "
                       "in {place}")),
        ),
        exclusive=("actor", (
            "the athletes who tested positive for {banned} {when} were {demonym}",
            "it was the {demonym} team whose athletes tested positive for {banned} {when}",
        )),
        scope=(
            ("a {demonym} team physiotherapist was banned for supplying a cold medicine",
             "none of our athletes has failed a drug test"),
            ("{n} {demonym} athletes missed the championships because of injuries",
             "{demonym} athletes are clean and have passed every test"),
        ),
        noun=("doping in our team",),
    ),
    EventType(
        name="outbreak", domain="health", actor="country", place="home",
        number=NumberSpec(5, 4000),
        extras={"disease": ("cholera", "measles", "typhoid", "dengue fever", "bird flu",
                            "diphtheria", "polio")},
        report=(
            "{n} cases of {disease} have been confirmed in {place}",
            "hospitals in {place} are treating {vague} patients with {disease}",
            "an outbreak of {disease} in {place} has killed {n} people",
            "doctors in {place} confirmed {vague} cases of {disease} {when}",
        ),
        fact=(
            "there are cases of {disease} in {place}",
            "{disease} has broken out in {place}",
            "we have confirmed cases of {disease}",
            "people in {place} have been infected with {disease}",
        ),
        deny=(
            "there are no cases of {disease} in {place}",
            "{actor} is free of {disease}",
            "not a single {disease} infection has been recorded in {place}",
            "we have not detected any {disease} in the country",
        ),
        deny3=(
            "there are no cases of {disease} anywhere in {actor}",
            "no {disease} infection has been recorded anywhere in {actor}",
        ),
        hedge=(
            "doctors in {place} suspect some patients may have {disease}, but tests are pending",
            "unconfirmed reports suggest {disease} could be spreading in {place}",
            "it is not clear whether the illness in {place} is {disease}",
        ),
        facets=(
            ("n", ("{n} cases of {disease} have been confirmed in {place}",
                   "the number of confirmed {disease} cases in {place} is {n}")),
            ("when", ("the first case of {disease} in {place} was confirmed {when}",
                      "{disease} was first confirmed in {place} {when}")),
        ),
        exclusive=("disease", (
            "the illness spreading in {place} is {disease}",
            "the patients in {place} have been diagnosed with {disease}",
        )),
        scope=(
            ("{n} cases of {disease} were confirmed in {other}",
             "there are no cases of {disease} in {actor}"),
            ("{vague} people in {place} have fallen ill with food poisoning",
             "there are no cases of {disease} in {place}"),
        ),
        noun=("{disease} outbreak in {place}",),
    ),
    EventType(
        name="missile_test", domain="military", actor="country", place="home",
        number=NumberSpec(2, 12), when_kinds=("weekday", "date", "time"),
        report=(
            "{actor} test-fired a ballistic missile into the sea {when}",
            "{actor} launched {n} short-range missiles from a site near {place} {when}",
            "satellite images showed a {demonym} missile launch from {place} {when}",
        ),
        fact=(
            "{actor} has carried out a missile test",
            "we have launched missiles",
            "a {demonym} missile was fired",
            "{demonym} forces fired missiles from {place}",
        ),
        deny=(
            "we have not tested any missiles",
            "no missile has been launched from {demonym} territory",
            "{actor} has carried out no missile launches this year",
            "there has been no launch from {place}",
        ),
        deny3=(
            "{actor} has not launched or tested a single missile this year",
        ),
        hedge=(
            "{actor} may be preparing a missile test, analysts said",
            "it is unclear whether the object seen over {place} was a {demonym} missile",
            "{actor} could carry out a missile launch in the coming days",
        ),
        facets=(
            ("when", ("{actor} carried out the missile test {when}",
                      "the {demonym} missile launch took place {when}")),
            ("n", ("{actor} fired {n} missiles in the test",
                   "the number of missiles {actor} launched in the test is {n}")),
            ("place", ("the {demonym} missiles were launched from a site near {place}",
                       "the launch site used by {actor} in the test is near {place}")),
        ),
        exclusive=("actor", (
            "the missile that landed in the sea {when} was fired by {actor}",
            "it was {actor} that launched the missile {when}",
        )),
        scope=(
            ("{actor} tested a new rocket engine {when}",
             "we have not launched any missiles"),
            ("{actor} held a military parade featuring missiles {when}",
             "we have not tested any missiles"),
        ),
        noun=("missile launch from our territory",),
    ),
)  # fmt: skip

EVENTS_BY_NAME: dict[str, EventType] = {event.name: event for event in EVENTS}

#: Event pairs whose claims are not independent (an air strike puts armed forces in a
#: country; a leak can count as an accident or an emission): never "unrelated".
OVERLAPPING_EVENTS: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"airstrike", "troops"}),
        frozenset({"contamination", "emissions"}),
        frozenset({"contamination", "plant_explosion"}),
        frozenset({"emissions", "plant_explosion"}),
    }
)

#: Wrappers that deny a clause P in the official's voice (contradicted by a report of P).
DENIAL_WRAPPERS: tuple[str, ...] = (
    "we deny that {p}",
    "we categorically deny that {p}",
    "it is not true that {p}",
    "it is false that {p}",
    "claims that {p} are baseless",
    "reports that {p} are completely false",
    "the allegation that {p} is untrue",
    "there is no truth to reports that {p}",
    "we reject suggestions that {p}",
    "the suggestion that {p} is fake news",
    "any claim that {p} is a lie",
    "it is simply untrue that {p}",
)

#: Denial wrappers in the third person; only for clauses that are not first person.
THIRD_PERSON_DENIALS: tuple[str, ...] = (
    "{speaker} denies that {p}",
    "{speaker} has rejected reports that {p}",
    "{speaker} denied that {p}",
)

#: Denial wrappers around a noun phrase of the event.
NOUN_DENIALS: tuple[str, ...] = (
    "we deny any {np}",
    "there has been no {np}",
    "reports of any {np} are false",
    "we categorically reject allegations of any {np}",
)

#: Hedges around a real clause (the clause is neither asserted nor denied).
HEDGE_WRAPPERS: tuple[str, ...] = (
    "unconfirmed reports suggest that {p}",
    "it is not yet known whether {p}",
    "some observers speculated that {p}, but there is no evidence",
    "it remains unclear whether {p}",
    "there are unverified claims that {p}",
    "a rumour circulating online says that {p}, though it could not be verified",
)

#: Attributions of a premise to a third party: "according to witnesses, P".
ATTRIBUTIONS: tuple[str, ...] = (
    "according to {src}, {p}",
    "{p}, according to {src}",
    "{p}, {src} said",
    "{src} said that {p}",
    "{src} reported that {p}",
)


# --------------------------------------------------------------------------------------
# Rendering.
# --------------------------------------------------------------------------------------

_FORMATTER = string.Formatter()


@functools.lru_cache(maxsize=4096)
def template_slots(template: str) -> tuple[str, ...]:
    """Names of the ``{slots}`` in a template, in order.

    Example:
        >>> template_slots("{n} {demonym} troops arrived in {place}")
        ('n', 'demonym', 'place')
    """
    return tuple(name for _, name, _, _ in _FORMATTER.parse(template) if name)


def _details(template: str) -> set[str]:
    """Detail slots a template states; an exact ``{n}`` also states ``{vague}``."""
    slots = set(template_slots(template)) & set(DETAIL_SLOTS)
    if "n" in slots:
        slots.add("vague")
    return slots


def _entailed_detail(premise: str, hypothesis: str) -> bool:
    """True when every detail the hypothesis mentions is also in the premise."""
    hyp = set(template_slots(hypothesis)) & set(DETAIL_SLOTS)
    return hyp <= _details(premise)


def sentence_case(clause: str) -> str:
    """Capitalise the first letter and end with a full stop.

    Example:
        >>> sentence_case("hundreds of troops arrived in Aleppo")
        'Hundreds of troops arrived in Aleppo.'
    """
    clause = clause.strip()
    if not clause:
        return clause
    clause = clause[0].upper() + clause[1:]
    return clause if clause[-1] in ".!?" else clause + "."


def _pick(rng: random.Random, items: Sequence[Any]) -> Any:
    return items[rng.randrange(len(items))]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class Scenario:
    """One drawn instance of an event: the event and the slot values."""

    event: EventType
    slots: dict[str, str]
    quantity: int
    when: When
    currency: str


def _company_sector(event: EventType, rng: random.Random) -> str:
    return _pick(rng, event.sectors)


def draw_scenario(event: EventType, rng: random.Random, *, sector: str | None = None) -> Scenario:
    """Fill every slot an event's templates may use.

    Args:
        event (EventType): The event.
        rng (random.Random): Source of randomness.
        sector (str, optional): Company sector to draw from (for a second event of the
            same company); defaults to one of the event's sectors.

    Returns:
        Scenario: Slot values with alternatives (``other``, ``place2``, ``<extra>2``).
    """
    slots: dict[str, str] = {}
    home, other_home, target = (COUNTRIES[i] for i in rng.sample(range(len(COUNTRIES)), 3))
    if event.actor == "country":
        slots.update(actor=home[0], demonym=home[1], other=other_home[0],
                     other_demonym=other_home[1])  # fmt: skip
    else:
        sector = sector if sector in event.sectors else _company_sector(event, rng)
        pool = COMPANIES[sector]
        first, second = rng.sample(range(len(pool)), 2)
        slots.update(actor=pool[first], other=pool[second], demonym=home[1],
                     other_demonym=other_home[1])  # fmt: skip
    slots["actor_gen"] = _possessive(slots["actor"])
    slots["other_gen"] = _possessive(slots["other"])
    slots["country"] = target[0]
    cities = {"target": target[2], "home": home[2], "any": _pick(rng, COUNTRIES)[2]}[event.place]
    place, place2 = rng.sample(list(cities), 2)
    slots["place"], slots["place2"] = place, place2
    pools = {**event.extras, **event.sector_extras.get(sector or "", {})}
    for name, pool_values in pools.items():
        first, second = rng.sample(range(len(pool_values)), 2)
        slots[name], slots[name + "2"] = pool_values[first], pool_values[second]
    spec = event.number or NumberSpec(2, 100)
    quantity = _draw_number(spec, rng)
    currency = _pick(rng, ("$", "$", "€", "£"))
    slots["n"] = format_number(quantity, rng.randrange(3), money=spec.money, currency=currency)
    slots["vague"] = vague_amount(quantity)
    when = draw_when(event.when_kinds, rng)
    slots["when"] = format_when(when, rng.randrange(2))
    return Scenario(event, slots, quantity, when, currency)


def _fill(template: str, slots: Mapping[str, str]) -> str:
    return template.format_map(slots)


def _swapped(slots: Mapping[str, str], slot: str) -> dict[str, str]:
    """Slots with the party in ``slot`` replaced by its alternative (both ways)."""
    out = dict(slots)
    pairs: tuple[tuple[str, str], ...]
    if slot == "actor":
        pairs = (("actor", "other"), ("actor_gen", "other_gen"), ("demonym", "other_demonym"))
    else:
        pairs = ((slot, slot + "2"),)
    for a, b in pairs:
        out[a], out[b] = slots[b], slots[a]
    return out


_ATTRIBUTED = re.compile(r"\baccording to\b|\bsaid\b|\bfound\b|\bshow(?:s|ed)?\b")


def _attribute(clause: str, rng: random.Random, probability: float) -> str:
    """Sometimes attribute a premise clause to a third party ('..., witnesses said')."""
    if rng.random() >= probability or _ATTRIBUTED.search(clause):
        return clause
    return _pick(rng, ATTRIBUTIONS).format(src=_pick(rng, SOURCES), p=clause)


def _third_person(template: str) -> bool:
    return _FIRST_PERSON.search(template) is None


def _premise_templates(templates: Iterable[str]) -> list[str]:
    """Templates usable as a third-party premise (never in the official's first person)."""
    return [t for t in templates if _third_person(t)]


# --------------------------------------------------------------------------------------
# Phenomena over templates. Each returns (premise, hypothesis) clauses or None when the
# drawn event cannot express the phenomenon.
# --------------------------------------------------------------------------------------

Clauses = tuple[str, str] | None
Generator = Callable[[Scenario, random.Random], Clauses]


def _report(s: Scenario, rng: random.Random) -> str:
    return _pick(rng, _premise_templates(s.event.report))


def _direct_denial(s: Scenario, rng: random.Random) -> Clauses:
    report = _report(s, rng)
    options = [d for d in s.event.deny if _entailed_detail(report, d)]
    if not options:
        return None
    return _attribute(_fill(report, s.slots), rng, 0.3), _fill(_pick(rng, options), s.slots)


def _denial_verb(s: Scenario, rng: random.Random) -> Clauses:
    report = _report(s, rng)
    premise = _attribute(_fill(report, s.slots), rng, 0.3)
    nouns = [n for n in s.event.noun if _entailed_detail(report, n)]
    if nouns and rng.random() < 0.25:
        return premise, _pick(rng, NOUN_DENIALS).format(np=_fill(_pick(rng, nouns), s.slots))
    facts = [f for f in s.event.fact if _entailed_detail(report, f)]
    fact = _pick(rng, facts)
    clause = _fill(fact, s.slots)
    if _third_person(fact) and rng.random() < 0.3:
        speaker = _pick(rng, (s.slots["actor"], "the government", "the company", "the ministry"))
        if s.event.actor == "company":
            speaker = _pick(rng, (s.slots["actor"], "the company", "the firm"))
        return premise, _pick(rng, THIRD_PERSON_DENIALS).format(speaker=speaker, p=clause)
    return premise, _pick(rng, DENIAL_WRAPPERS).format(p=clause)


def _confirmation(s: Scenario, rng: random.Random) -> Clauses:
    report = _report(s, rng)
    facts = [f for f in s.event.fact if _entailed_detail(report, f)]
    return _attribute(_fill(report, s.slots), rng, 0.2), _fill(_pick(rng, facts), s.slots)


def _reworded(s: Scenario, rng: random.Random) -> dict[str, str]:
    """The same slots written differently: number and date in another style."""
    spec = s.event.number or NumberSpec(2, 100)
    out = dict(s.slots)
    out["n"] = format_number(s.quantity, rng.randrange(3), money=spec.money, currency=s.currency)
    out["when"] = format_when(s.when, rng.randrange(2))
    return out


def _facet_pair(s: Scenario, rng: random.Random, slot: str) -> tuple[str, str] | None:
    """Two templates (premise, hypothesis) of the facet whose key is ``slot``."""
    facets = [templates for key, templates in s.event.facets if key == slot]
    if not facets:
        return None
    facet = _pick(rng, facets)
    with_slot = [t for t in facet if slot in template_slots(t)]
    premise = _pick(rng, _premise_templates(with_slot) or with_slot)
    hypothesis = _pick(rng, [t for t in with_slot if _entailed_detail(premise, t)] or [premise])
    return premise, hypothesis


def _paraphrase(s: Scenario, rng: random.Random) -> Clauses:
    if s.event.facets and rng.random() < 0.6:
        _, facet = _pick(rng, s.event.facets)
        premise = _pick(rng, _premise_templates(facet))
        options = [t for t in facet if t != premise and _entailed_detail(premise, t)]
        if options:
            slots_h = _reworded(s, rng)
            return _fill(premise, s.slots), _fill(_pick(rng, options), slots_h)
    report = _report(s, rng)
    facts = [f for f in s.event.fact if _third_person(f) and _entailed_detail(report, f)]
    return _fill(report, s.slots), _fill(_pick(rng, facts), _reworded(s, rng))


def _conflict(s: Scenario, rng: random.Random, slot: str, new_value: str) -> Clauses:
    pair = _facet_pair(s, rng, slot)
    if pair is None:
        return None
    premise, hypothesis = pair
    changed = dict(s.slots)
    changed[slot] = new_value
    return _attribute(_fill(premise, s.slots), rng, 0.2), _fill(hypothesis, changed)


def _date_conflict(s: Scenario, rng: random.Random) -> Clauses:
    return _conflict(s, rng, "when", format_when(other_when(s.when, rng), rng.randrange(2)))


def _place_conflict(s: Scenario, rng: random.Random) -> Clauses:
    return _conflict(s, rng, "place", s.slots["place2"])


_PREMISE_KINDS: tuple[NumberKind, ...] = ("exact", "exact", "exact", "at_least", "more_than")
_HYPOTHESIS_KINDS: tuple[NumberKind, ...] = (
    "exact", "only", "at_least", "more_than", "fewer_than", "no_more_than",
)  # fmt: skip


def _number_pair(s: Scenario, rng: random.Random, label: Label) -> Clauses:
    """Premise and hypothesis about one count whose relation is ``label``."""
    pair = _facet_pair(s, rng, "n")
    if pair is None:
        return None
    spec = s.event.number or NumberSpec(2, 100)
    for _ in range(40):
        premise_q = Quantity(_pick(rng, _PREMISE_KINDS), s.quantity)
        kind: NumberKind = _pick(rng, _HYPOTHESIS_KINDS)
        factor = _pick(rng, (0.2, 0.35, 0.5, 0.6, 0.75, 1.0, 1.0, 1.4, 1.8, 2.5, 4.0))
        value = max(2, _nice(s.quantity * factor))
        if factor != 1.0 and value == s.quantity:
            continue
        hyp_q = Quantity(kind, value)
        if number_relation(premise_q, hyp_q) != label:
            continue
        if label == "contradiction" and 0.8 < value / s.quantity < 1.25:
            continue  # near misses are too fine a distinction to teach
        p_text = _render_quantity(premise_q, rng.randrange(3), spec, s.currency, rng)
        h_text = _render_quantity(hyp_q, rng.randrange(3), spec, s.currency, rng)
        if label == "entailment" and p_text == h_text:
            continue
        premise, hypothesis = pair
        p_slots = {**s.slots, "n": p_text}
        h_slots = {**s.slots, "n": h_text}
        return _attribute(_fill(premise, p_slots), rng, 0.2), _fill(hypothesis, h_slots)
    return None


def _number_conflict(s: Scenario, rng: random.Random) -> Clauses:
    return _number_pair(s, rng, "contradiction")


def _number_match(s: Scenario, rng: random.Random) -> Clauses:
    return _number_pair(s, rng, "entailment")


def _number_undetermined(s: Scenario, rng: random.Random) -> Clauses:
    return _number_pair(s, rng, "neutral")


def _entity_swap_exclusive(s: Scenario, rng: random.Random) -> Clauses:
    if s.event.exclusive is None:
        return None
    slot, templates = s.event.exclusive
    premise = _pick(rng, templates)
    options = [t for t in templates if _entailed_detail(premise, t)]
    hypothesis = _pick(rng, options)
    return _fill(premise, s.slots), _fill(hypothesis, _swapped(s.slots, slot))


def _entity_swap_open(s: Scenario, rng: random.Random) -> Clauses:
    report = _report(s, rng)
    swapped = _swapped(s.slots, "actor")
    pool = [
        t
        for t in s.event.deny3 + s.event.fact
        if _third_person(t) and ("{actor" in t or "{demonym}" in t)
    ]
    pool = [t for t in pool if _entailed_detail(report, t)]
    if not pool:
        return None
    return _attribute(_fill(report, s.slots), rng, 0.2), _fill(_pick(rng, pool), swapped)


def _negated_report(s: Scenario, rng: random.Random) -> Clauses:
    premise = _pick(rng, s.event.deny3)
    facts = [f for f in s.event.fact if set(template_slots(f)) & {"n", "vague", "when"} == set()]
    return _attribute(_fill(premise, s.slots), rng, 0.3), _fill(_pick(rng, facts), s.slots)


def _negated_agreement(s: Scenario, rng: random.Random) -> Clauses:
    premise = _pick(rng, s.event.deny3)
    options = [d for d in s.event.deny if d != premise]
    return _attribute(_fill(premise, s.slots), rng, 0.2), _fill(_pick(rng, options), s.slots)


#: Hedges about the future ("might be preparing to") imply the event has not happened yet,
#: so they are neutral only against denials, not against statements of the event.
_FUTURE_HEDGE = re.compile(
    r"\b(?:preparing|considering|weighing|next (?:week|year)|soon|coming days|will|"
    r"could (?:close|announce|carry out|face)|may cut|may have to|may be preparing)\b"
)


def _hedged_report(s: Scenario, rng: random.Random) -> Clauses:
    hedge = _pick(rng, s.event.hedge)
    with_facts = rng.random() < 0.35 and not _FUTURE_HEDGE.search(hedge)
    pool = s.event.deny + s.event.fact if with_facts else s.event.deny
    pool = tuple(t for t in pool if not set(template_slots(t)) & {"n", "vague"})
    return _fill(hedge, s.slots), _fill(_pick(rng, pool), s.slots)


def _scope_mismatch(s: Scenario, rng: random.Random) -> Clauses:
    if not s.event.scope:
        return None
    premise, hypothesis = _pick(rng, s.event.scope)
    return _attribute(_fill(premise, s.slots), rng, 0.2), _fill(hypothesis, s.slots)


def _unrelated_event(s: Scenario, rng: random.Random) -> Clauses:
    """A report of this event against the same party's statement on another event."""
    sector = None
    if s.event.actor == "company":
        sector = next((name for name, pool in COMPANIES.items() if s.slots["actor"] in pool), None)
    others = [
        e
        for e in EVENTS
        if e.name != s.event.name
        and e.actor == s.event.actor
        and (sector is None or sector in e.sectors)
        and frozenset((e.name, s.event.name)) not in OVERLAPPING_EVENTS
    ]
    if not others:
        return None
    other = _pick(rng, others)
    extra = draw_scenario(other, rng, sector=sector)
    # the second event keeps this scenario's party and places; only its own slots are new
    own = {*other.extras, *(k for pools in other.sector_extras.values() for k in pools)}
    own |= {name + "2" for name in own}
    slots = {**extra.slots, **{k: v for k, v in s.slots.items() if k not in own}}
    slots["n"], slots["vague"], slots["when"] = (extra.slots[k] for k in ("n", "vague", "when"))
    pool = other.deny + other.fact if rng.random() < 0.5 else other.deny
    hypothesis = _pick(rng, [t for t in pool if not set(template_slots(t)) & {"n", "vague"}])
    return _attribute(_fill(_report(s, rng), s.slots), rng, 0.2), _fill(hypothesis, slots)


#: Template phenomena: name -> (label, generator, weight within its label).
TEMPLATE_PHENOMENA: dict[str, tuple[Label, Generator, float]] = {
    "direct_denial": ("contradiction", _direct_denial, 0.22),
    "denial_verb": ("contradiction", _denial_verb, 0.16),
    "number_conflict": ("contradiction", _number_conflict, 0.15),
    "date_conflict": ("contradiction", _date_conflict, 0.11),
    "place_conflict": ("contradiction", _place_conflict, 0.09),
    "entity_swap_exclusive": ("contradiction", _entity_swap_exclusive, 0.12),
    "negated_report": ("contradiction", _negated_report, 0.15),
    "confirmation": ("entailment", _confirmation, 0.32),
    "paraphrase": ("entailment", _paraphrase, 0.26),
    "number_match": ("entailment", _number_match, 0.2),
    "negated_agreement": ("entailment", _negated_agreement, 0.22),
    "entity_swap_open": ("neutral", _entity_swap_open, 0.2),
    "unrelated_event": ("neutral", _unrelated_event, 0.24),
    "hedged_report": ("neutral", _hedged_report, 0.24),
    "scope_mismatch": ("neutral", _scope_mismatch, 0.18),
    "number_undetermined": ("neutral", _number_undetermined, 0.14),
}


def template_pair(phenomenon: str, rng: random.Random, *, max_tries: int = 50) -> SyntheticPair:
    """Draw one pair of a template phenomenon.

    Args:
        phenomenon (str): A key of :data:`TEMPLATE_PHENOMENA`.
        rng (random.Random): Source of randomness.
        max_tries (int): Events to try before giving up.

    Returns:
        SyntheticPair: With ``origin == "template"``.

    Raises:
        ValueError: For an unknown phenomenon, or one no event can express.
    """
    if phenomenon not in TEMPLATE_PHENOMENA:
        raise ValueError(
            f"unknown phenomenon {phenomenon!r}; expected one of {', '.join(TEMPLATE_PHENOMENA)}"
        )
    label, generate, _ = TEMPLATE_PHENOMENA[phenomenon]
    for _ in range(max_tries):
        scenario = draw_scenario(_pick(rng, EVENTS), rng)
        clauses = generate(scenario, rng)
        if clauses is None:
            continue
        premise, hypothesis = (sentence_case(c) for c in clauses)
        if premise != hypothesis:
            return SyntheticPair(premise, hypothesis, label, phenomenon)
    raise ValueError(f"no event could express {phenomenon!r} in {max_tries} tries")


def template_pairs(
    n: int, rng: random.Random, *, label_weights: Mapping[str, float] | None = None
) -> list[SyntheticPair]:
    """Draw ``n`` distinct template pairs with labels in the given proportions.

    Args:
        n (int): Number of pairs.
        rng (random.Random): Source of randomness.
        label_weights (Mapping[str, float], optional): Share of each label. Defaults to
            :data:`LABEL_WEIGHTS` (40% contradiction, 30% entailment, 30% neutral).

    Returns:
        list[SyntheticPair]: ``n`` pairs, no (premise, hypothesis) repeated.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    weights = dict(label_weights or LABEL_WEIGHTS)
    by_label: dict[str, list[tuple[str, float]]] = {}
    for name, (label, _, weight) in TEMPLATE_PHENOMENA.items():
        by_label.setdefault(label, []).append((name, weight))
    quotas = _quotas(n, weights)
    seen: set[tuple[str, str]] = set()
    pairs: list[SyntheticPair] = []
    for label_name in quotas:
        names = [name for name, _ in by_label[label_name]]
        shares = [weight for _, weight in by_label[label_name]]
        made = 0
        misses = 0
        while made < quotas[label_name]:
            phenomenon = rng.choices(names, weights=shares)[0]
            pair = template_pair(phenomenon, rng)
            key = (pair.premise, pair.hypothesis)
            if key in seen:
                misses += 1
                if misses > 50 * max(quotas[label_name], 1):
                    raise ValueError(
                        f"cannot draw {quotas[label_name]} distinct {label_name} pairs"
                    )
                continue
            seen.add(key)
            pairs.append(pair)
            made += 1
    rng.shuffle(pairs)
    return pairs


def _quotas(n: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split ``n`` into per-label counts proportional to ``weights`` (largest remainder)."""
    unknown = [name for name in weights if name not in LABEL_WEIGHTS]
    if unknown:
        raise ValueError(f"unknown labels in weights: {unknown}")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("label weights must sum to a positive number")
    exact = {name: n * w / total for name, w in weights.items()}
    quotas = {name: int(v) for name, v in exact.items()}
    remainder = sorted(exact, key=lambda name: (quotas[name] - exact[name], name))
    for name in remainder[: n - sum(quotas.values())]:
        quotas[name] += 1
    return quotas


# --------------------------------------------------------------------------------------
# Negating and trimming real clauses. Precision over recall: a clause whose main verb or
# subject cannot be found with confidence gives None, never a guess.
# --------------------------------------------------------------------------------------

#: Auxiliaries and copulas that take "not" directly after them.
_AUXILIARIES = frozenset(_word_tuple("is are was were has have had will can must shall am"))

#: Regular verbs (base forms) whose past tense is base + "ed"/"d"/"ied" by the usual rules.
_REGULAR_VERBS = _word_tuple("""
abandon access accept acquire act adopt allow appoint approve arm arrest arrive assault assist
attack attempt award block board boost borrow bomb boycott breach burn call capture cause
charge check clash close collapse collect command complete conduct construct contact contain
convert convict crash create cross damage decide delay deliver demand deploy destroy detain
detect develop die disappear discharge discover donate earn employ end enter escape evacuate
exceed expand explode export expose extend fail file film finish fire fix flood follow force
form gain gather guard halt hand harm head help hijack hire host hunt import improve impose
include infect injure install invade invest investigate jail join kill land launch lift limit
list load lock loot manage mark miss mount move murder need obtain offer open operate order
own pass perform pick place plant play pledge poison post pour prepare prevent print process
produce promise protect protest provide publish pull purchase push raise reach receive record
recover recruit reduce register release relocate remain remove rent repair replace request
rescue resign restore restrict retire return review rule sack save search secure seize sell
sentence settle shell shift sign smuggle spill spray start stay storm strengthen struggle
suffer supply support surround survive suspend switch target test threaten track train trade
carry marry bury try worry apply copy empty hurry rally study qualify identify justify notify
transfer treat turn use vaccinate violate visit vote walk want wash watch weaken work worsen
""")

#: Regular verbs that double their last consonant ("stop" -> "stopped").
_DOUBLING_VERBS = _word_tuple("""
ban plan stop ship drop kidnap commit occur control patrol rob grab trap scrap step slip spot
emit equip submit plot chop stab snub net skip tip tag bar scar ram shop wrap drag plug
""")

#: Irregular past tenses -> base forms (ambiguous ones like "cut", "put", "hit" left out).
_IRREGULAR_PAST: dict[str, str] = {
    "arose": "arise", "became": "become", "began": "begin", "bent": "bend", "blew": "blow",
    "broke": "break", "brought": "bring", "built": "build", "bought": "buy", "caught": "catch",
    "chose": "choose", "came": "come", "dealt": "deal", "dug": "dig", "drew": "draw",
    "drank": "drink", "drove": "drive", "ate": "eat", "fell": "fall", "fed": "feed",
    "felt": "feel", "fought": "fight", "fled": "flee", "flew": "fly", "forgot": "forget",
    "froze": "freeze", "got": "get", "gave": "give", "went": "go", "grew": "grow",
    "hung": "hang", "heard": "hear", "hid": "hide", "held": "hold", "kept": "keep",
    "knew": "know", "laid": "lay", "led": "lead", "left": "leave", "lent": "lend",
    "lost": "lose", "made": "make", "met": "meet", "paid": "pay", "rode": "ride",
    "rose": "rise", "ran": "run", "sold": "sell", "sent": "send", "shook": "shake",
    "shot": "shoot", "sank": "sink", "sat": "sit", "slept": "sleep", "sought": "seek",
    "spent": "spend", "spoke": "speak", "stood": "stand", "stole": "steal", "stuck": "stick",
    "struck": "strike", "swam": "swim", "took": "take", "taught": "teach", "tore": "tear",
    "threw": "throw", "understood": "understand", "undertook": "undertake", "upheld": "uphold",
    "withdrew": "withdraw", "withheld": "withhold", "woke": "wake", "wore": "wear", "won": "win",
    "overthrew": "overthrow", "overtook": "overtake", "oversaw": "oversee", "saw": "see",
    "found": "find", "forbade": "forbid",
}  # fmt: skip


def _past_of(base: str) -> str:
    """Regular past tense of a base form (for the lexicon only)."""
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    if base in _DOUBLING_VERBS:
        return base + base[-1] + "ed"
    return base + "ed"


def _third_of(base: str) -> str:
    """Third-person singular present of a base form."""
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


_PAST_TO_BASE: dict[str, str] = {
    **{_past_of(b): b for b in (*_REGULAR_VERBS, *_DOUBLING_VERBS)},
    **{k: v for k, v in _IRREGULAR_PAST.items() if " " not in k},
}
_THIRD_TO_BASE: dict[str, str] = {
    _third_of(b): b
    for b in (*_REGULAR_VERBS, *_DOUBLING_VERBS, *_IRREGULAR_PAST.values())
    if " " not in b
}

#: A clause with any of these is already negative or hedged: not negated.
_NEGATIVE_OR_HEDGED = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|may|might|could|"
    r"would|should|reportedly|allegedly|possibly|perhaps|probably|likely|apparently|seems?|"
    r"unconfirmed|unverified|rumou?red|suspected|if|unless|whether)\b|n't",
    re.IGNORECASE,
)

#: A clause with a speech or finding verb holds a nested claim: negation scope is unclear.
_NESTED_CLAIM = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|claimed|claims|according|denied|denies|"
    r"announced|confirmed|added|stated|insisted|believed|believes|thinks|thought|warned|"
    r"admitted|alleged|showed|shows|revealed|suggested|suggests|wrote|found that)\b",
    re.IGNORECASE,
)

#: First words of a subject that refers to one known thing ("the", pronouns).
_DEFINITE_STARTS = frozenset(
    _word_tuple("the this that these those his her its their he she it they police")
)

#: First words of a quantified or indefinite subject ("some", "hundreds", "a").
_INDEFINITE_STARTS = frozenset(
    _word_tuple("""
    a an some many several most few all each every any both more less over about nearly
    around at up one two three four five six seven eight nine ten dozens hundreds thousands
    millions there i we you""")
)

#: Words that never end a subject (a verb after them is a participle, not the main verb).
_NOT_SUBJECT_END = frozenset(
    _word_tuple("""the a an this that these those his her its their our my your some any every each
    who which whose whom where when while because although after before as if and or but
    of in on at by for with from to into than""")
)

#: Adverbs right after an auxiliary that make a plain "not" read badly ("has not already").
_AWKWARD_AFTER_AUX = frozenset(_word_tuple("also already still just even only ever finally again"))

_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]*$")


def _strip_end(text: str) -> str:
    return text.strip().rstrip(".!;:, ")


def _subject_ok(subject: list[str]) -> bool:
    """True when the words before the main verb look like one definite subject."""
    if not 1 <= len(subject) <= 10:
        return False
    if any(not _WORD.match(w.strip(",")) or w.endswith(",") for w in subject):
        return False
    lowered = [w.lower() for w in subject]
    if any(w in ("who", "which", "that", "whose", "whom", "where", "when") for w in lowered[1:]):
        return False
    if lowered[-1] in _NOT_SUBJECT_END or (lowered[-1].endswith("ly") and subject[-1].islower()):
        return False
    first = lowered[0]
    if first in _INDEFINITE_STARTS or first[:1].isdigit():
        return False
    if first in _DEFINITE_STARTS:
        return True
    # a proper name: every word capitalised ("Apple", "Gill Rosenberg", "New York Police")
    return all(w[:1].isupper() for w in subject) and len(subject) <= 5


def negate_clause(clause: str) -> str | None:
    """Negate the main verb of a simple declarative clause, or return None.

    Auxiliaries take "not" ("was" -> "was not", "had arrived" -> "had not arrived",
    "can" -> "cannot"); a simple past or present lexical verb takes "did not"/"does not"
    with its base form ("killed" -> "did not kill"). The subject must be definite (a
    name, "the ...", a pronoun): "hundreds of troops did not arrive" would not contradict
    "hundreds of troops arrived". "There was a/an X" becomes "There was no X". Clauses that
    are already negative or hedged, hold a nested claim ("X said ..."), have a complex
    subject, or whose verb is not in the lexicon give None.

    Args:
        clause (str): One clause, with or without final punctuation.

    Returns:
        str | None: The negated clause without final punctuation, or None.

    Example:
        >>> negate_clause("Police arrested the suspect on Tuesday.")
        'Police did not arrest the suspect on Tuesday'
        >>> negate_clause("Hundreds of troops arrived in Aleppo") is None
        True
    """
    text = _strip_end(clause)
    if not text or _NEGATIVE_OR_HEDGED.search(text) or _NESTED_CLAIM.search(text):
        return None
    if re.search(r"[\"“”‘()\[\]?!;:]|’\s|\s’", text):
        return None
    words = text.split()
    if len(words) < 3:
        return None
    lowered = [w.lower().rstrip(",") for w in words]
    if lowered[0] == "there" and lowered[1] in ("was", "is") and lowered[2] in ("a", "an"):
        return " ".join([words[0], words[1], "no", *words[3:]])
    for index in range(1, len(words)):
        word = words[index]
        if not _WORD.match(word) or not word.islower():
            continue
        base = None
        if word in _AUXILIARIES:
            replacement = None
        elif word in _PAST_TO_BASE:
            base, replacement = _PAST_TO_BASE[word], "did not"
        elif word in _THIRD_TO_BASE:
            base, replacement = _THIRD_TO_BASE[word], "does not"
        elif word.endswith("ed") and lowered[index - 1] not in _NOT_SUBJECT_END:
            return None  # most likely a verb missing from the lexicon: do not guess past it
        else:
            continue
        if not _subject_ok(words[:index]):
            return None
        rest = words[index + 1 :]
        if base is not None:
            # a second finite verb before the next comma means the first was a participle
            # ("The man arrested on Tuesday was released")
            until_comma = []
            for w in rest:
                until_comma.append(w.rstrip(","))
                if w.endswith(","):
                    break
            if any(w in _AUXILIARIES or w in _PAST_TO_BASE for w in until_comma):
                return None
            return " ".join([*words[:index], replacement, base, *rest])  # type: ignore[list-item]
        if rest and rest[0].lower() in _AWKWARD_AFTER_AUX:
            return None
        negated = "cannot" if word == "can" else f"{word} not"
        return " ".join([*words[:index], negated, *rest])
    return None


_TRAILING_TIME = re.compile(
    r"\s+(?:on|last|this|early on|late on)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?$"
    r"|\s+(?:in|on)\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?$"
    r"|\s+in\s+(?:19|20)\d\d$",
)
_RELATIVE_ASIDE = re.compile(r",\s+(?:who|which)\s+[^,]+,\s+")
_APPOSITIVE = re.compile(r"^((?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*),\s+(?:a|an|the)\s+[^,]+,\s+")
_LEADING_ADVERBIAL = re.compile(
    r"^(?:On|In|At|Last|Earlier|Late|After|During|Since)\s+[^,]{1,40},\s+(?=[A-Za-z])"
)
_TRAILING_PARTICIPLE = re.compile(r",\s+(?:[a-z]+ing)\b[^,]*$")
_BUT_CLAUSE = re.compile(r"(?:,\s+but\s+|;\s+|,\s+while\s+)")


def _verb_like(word: str) -> bool:
    """True for an auxiliary, a verb of the lexicon, or a lower-case "-ed" word."""
    return (
        word in _AUXILIARIES
        or word in _PAST_TO_BASE
        or word in _THIRD_TO_BASE
        or (word.islower() and word.endswith("ed"))
    )


def _has_finite_verb(text: str) -> bool:
    """True when some word looks like a finite verb (lexicon, or a lower-case "-ed")."""
    return any(
        w in _AUXILIARIES or w in _PAST_TO_BASE or w in _THIRD_TO_BASE or w.endswith("ed")
        for w in text.split()
    )


def trim_clause(clause: str) -> str | None:
    """Return a shorter clause that the given one entails, or None.

    Drops, in order of preference: a non-restrictive "who/which" aside, an appositive after
    a name, a leading time adverbial, a trailing "-ing" phrase, a trailing date, or
    everything after ", but" / ";" / ", while". Every one of these keeps a statement the
    full clause asserts.

    Args:
        clause (str): One clause, with or without final punctuation.

    Returns:
        str | None: The trimmed clause (at least four words, with a verb), or None.

    Example:
        >>> trim_clause("James Foley, who studied at Marquette, was killed in Syria")
        'James Foley was killed in Syria'
        >>> trim_clause("The troops arrived in Aleppo on Tuesday")
        'The troops arrived in Aleppo'
    """
    text = _strip_end(clause)
    if re.search(r"[\"“”]", text):
        return None
    candidates: list[str] = []
    for pattern, keep in ((_RELATIVE_ASIDE, " "), (_APPOSITIVE, r"\1 ")):
        match = pattern.search(text)
        # the aside is only an aside when the main clause's verb follows it
        following = text[match.end() :].split()[:1] if match else []
        if following and _verb_like(following[0]):
            candidates.append(pattern.sub(keep, text, count=1))
    lead = _LEADING_ADVERBIAL.sub("", text, count=1)
    candidates.append(lead[:1].upper() + lead[1:] if lead != text else text)
    candidates.append(_TRAILING_PARTICIPLE.sub("", text))
    candidates.append(_TRAILING_TIME.sub("", text))
    cut = _BUT_CLAUSE.search(text)
    if cut and not re.search(r"\bnot only\b", text[: cut.start()]):
        candidates.append(text[: cut.start()])
    for candidate in candidates:
        candidate = _strip_end(candidate)
        if (
            candidate != text
            and len(candidate.split()) >= 4
            and _has_finite_verb(candidate)
            and candidate.count("(") == candidate.count(")")
        ):
            return candidate
    return None


#: Words at the start of a clause that are lower-cased when the clause follows "that".
_COMMON_STARTS = frozenset(
    _word_tuple("""the a an this that these those it its he his she her they their there some many
    several most police officials authorities hundreds thousands dozens more at over""")
)


def embed_clause(clause: str, common_words: Container[str] = frozenset()) -> str:
    """Lower-case a clause's first word when it is a common word, so it can follow "that".

    Args:
        clause (str): A clause as written at the start of a sentence.
        common_words (Container[str]): Lower-case words known to be common nouns or other
            non-names (see :func:`common_words`); function words are always lower-cased.

    Returns:
        str: The clause, its first letter lower-cased unless the first word is a name.

    Example:
        >>> embed_clause("The army left"), embed_clause("Iran sent troops")
        ('the army left', 'Iran sent troops')
        >>> embed_clause("Analysts expect a rise", {"analysts"})
        'analysts expect a rise'
    """
    first = re.split(r"['’]", clause.split(" ", 1)[0].lower())[0]  # "It's" -> "it"
    if first in _COMMON_STARTS or first in common_words:
        return clause[:1].lower() + clause[1:]
    return clause


def common_words(texts: Iterable[str]) -> frozenset[str]:
    """Words written in lower case more often than capitalised inside sentences.

    A sentence's first word is always capitalised, so whether it is a name ("Apple") or
    a common noun ("Analysts") is read off the same word elsewhere in the texts.

    Example:
        >>> sorted(common_words(["Then analysts met Apple.", "The analysts said so."]))
        ['analysts', 'met', 'said', 'so']
    """
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for text in texts:
        for word in re.findall(r"(?<=\s)[A-Za-z][a-z'-]*", text):
            (upper if word[0].isupper() else lower)[word.lower()] += 1
    return frozenset(word for word, count in lower.items() if count > upper[word])


# --------------------------------------------------------------------------------------
# Pairs from real report sentences.
# --------------------------------------------------------------------------------------

#: Real-sentence phenomena: name -> label.
REAL_PHENOMENA: dict[str, Label] = {
    "real_denial": "contradiction",
    "real_denial_verb": "contradiction",
    "real_confirmation": "entailment",
    "real_trimmed": "entailment",
    "real_hedged": "neutral",
    "real_other_topic": "neutral",
}

#: Words around a claim that make its source doubtful: the claim is not entailed.
_HEDGED_SOURCE = re.compile(
    r"\b(?:unverified|unconfirmed|rumou?rs?|allegedly|reportedly|claims?|claimed|may|might|"
    r"could|possibly|speculat\w*|satire|satirical|hoax|fake|suggest\w*|believ\w*|think\w*|"
    r"thought|fear\w*|alleg\w*|accus\w*|question\w*|doubt\w*|purport\w*|if|whether)\b",
    re.IGNORECASE,
)

#: Hedged content is neither a firm report nor a firm denial: not used at all.
_HEDGED_CONTENT = re.compile(
    r"\b(?:may|might|could|would|should|reportedly|allegedly|apparently|possibly|perhaps|"
    r"probably|likely|believed|rumou?red|seems?|appears?|if|whether|said to)\b",
    re.IGNORECASE,
)

#: Capitalised first words that do not start a subject ("To", "However", "When").
_NON_SUBJECT_STARTS = _word_tuple(
    """to as if when while in on at for by with from after before because although since
    during despite and but or so then however meanwhile also still yet here now that what
    which who how why where specifically instead even only just not no yes please like than
    once until unless whether though thus hence besides indeed but monday tuesday wednesday
    thursday friday saturday sunday today yesterday tomorrow tonight"""
)
_STOPWORDS = frozenset(
    _word_tuple("""
    a an the of to in on at by for with from and or but is are was were be been has have had
    it its this that these those as not no he she they his her their said says will would
    after before about over into than also who which what when where there more most""")
)


@dataclass(frozen=True)
class ReportSentence:
    """A real sentence with an attributed claim: its text and the claim's content."""

    group: int
    sentence: str
    content: str


def _has_main_verb(words: Sequence[str]) -> bool:
    """True when a word of the first dozen is a finite verb: an auxiliary, a verb of the
    lexicon, or an "-ed" word that does not follow a comma or a function word."""
    for index, word in enumerate(words[:12]):
        if word in _AUXILIARIES or word in _PAST_TO_BASE or word in _THIRD_TO_BASE:
            return True
        previous = words[index - 1] if index else ""
        if (
            index
            and word.endswith("ed")
            and word.islower()
            and not previous.endswith(",")
            and previous.lower() not in _NOT_SUBJECT_END
        ):
            return True
    return False


#: A clause ending in a title or an abbreviation was cut by a wrong sentence boundary.
_CUT_AT_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|No|Jr|Sr|Inc|Co|Corp|Ltd|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.?$|\b[a-z]\.[a-z]\.?$"
)


def _usable_content(content: str) -> bool:
    """True for a clean, firm, self-contained declarative clause of moderate length."""
    words = content.split()
    if not 6 <= len(words) <= 40 or content.isupper():
        return False
    if _CUT_AT_ABBREVIATION.search(content) or re.search(r"\band that\b|,$", content):
        return False
    if re.fullmatch(r"[^,]+,\s+(?:who|which)\s+[^,]+", content):
        return False  # "X, who manages Y": a subject whose predicate was cut off
    if re.search(r"[\"“”‘?!()\[\]|@#:]|https?:|’\s|\s’|^’|\.\.\.|(?:^|\s)'|'(?:\s|$)", content):
        return False
    if re.search(r"[.!?]\s+[A-Z]|[a-z]\.[A-Z]", content):
        return False  # more than one sentence: the attribution cut went wrong
    if _FIRST_PERSON.search(content) or re.search(r"\b(?:I|[Mm]e|[Mm]y|[Yy]ou|[Yy]our)\b", content):
        return False
    if re.search(r"[\"'“”‘’]$", content):
        return False
    if _HEDGED_CONTENT.search(content):
        return False
    first = words[0]
    if first.endswith(",") or first.lower() in _NON_SUBJECT_STARTS:
        return False
    if not (first[:1].isupper() or first.lower() in _COMMON_STARTS):
        return False
    return _has_main_verb(words)


@functools.lru_cache(maxsize=1)
def _cue_words() -> re.Pattern[str]:
    """Any attribution cue of :mod:`nli.attribution` (a claim's sentence has one)."""
    from nli.attribution import SPEECH_VERBS

    return re.compile(r"\b(?:" + "|".join(SPEECH_VERBS) + r"|according to)\b", re.IGNORECASE)


def report_sentences(text: str, group: int = 0) -> list[ReportSentence]:
    """Real sentences of a news text that carry a usable attributed claim.

    The text is split with :func:`nli.segment.split_sentences` and read with
    :func:`nli.attribution.find_claims`; a claim is kept when it is a third-party report,
    or a statement with a speech cue (not a denial), and its content is a clean clause.
    Only lines that hold a cue word are split, and only sentences with a cue and balanced
    quotes are read: segmentation is the slow step, and a claim needs a cue in its own
    sentence (quotations running over several sentences are given up; their content is
    rarely a clean report).

    Args:
        text (str): One news body.
        group (int): An id of the text (pairs never mix two sentences of one group as
            "unrelated").

    Returns:
        list[ReportSentence]: In text order, one per usable claim.
    """
    from nli.attribution import DENIAL_VERBS, find_claims
    from nli.segment import split_sentences

    cue = _cue_words()
    ranges = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if cue.search(m[0])]
    candidates = [
        sentence
        for sentence in split_sentences(text, ranges)
        if cue.search(sentence.text) and len(re.findall(r"[\"“”]", sentence.text)) % 2 == 0
    ]
    out: list[ReportSentence] = []
    for claim in find_claims(candidates):
        if claim.polarity != "+" or (claim.cue or "").lower() in DENIAL_VERBS:
            continue
        content = _normalise_space(_strip_end(claim.content))
        if not _usable_content(content):
            continue
        out.append(ReportSentence(group, _normalise_space(claim.text), content))
    return out


def _normalise_space(text: str) -> str:
    """Drop zero-width characters and collapse whitespace (no-break spaces included)."""
    return " ".join(re.sub("[\ufeff\u200b\u200c\u200d]", "", text).split())


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS}


def _unrelated(a: ReportSentence, b: ReportSentence) -> bool:
    """True when two sentences come from different texts and share almost no words."""
    if a.group == b.group:
        return False
    wa, wb = _content_words(a.content), _content_words(b.content)
    shared = wa & wb
    return len(shared) <= 1 and not any(w.isdigit() for w in shared)


def _real_candidates(
    sentences: Sequence[ReportSentence], rng: random.Random
) -> dict[str, list[SyntheticPair]]:
    """Every real pair each sentence can give, grouped by phenomenon."""
    pools: dict[str, list[SyntheticPair]] = {name: [] for name in REAL_PHENOMENA}
    common = common_words(item.sentence for item in sentences)

    def add(name: str, premise: str, hypothesis: str) -> None:
        premise, hypothesis = sentence_case(premise), sentence_case(hypothesis)
        if premise.rstrip(".") != hypothesis.rstrip("."):
            pools[name].append(
                SyntheticPair(premise, hypothesis, REAL_PHENOMENA[name], name, "real")
            )

    def denial(content: str) -> str:
        return _pick(rng, DENIAL_WRAPPERS).format(p=embed_clause(content, common))

    for item in sentences:
        content = item.content
        sentence = _strip_end(item.sentence)
        # the full sentence stands for its claim only when the rest of it is attribution:
        # no quotes, most of it is the content, and nothing around the content hedges it
        sentence_ok = (
            sentence != content
            and len(sentence.split()) <= 60
            and len(content) >= 0.5 * len(sentence)
            and not re.search('["“”‘]', sentence)
            and not _HEDGED_SOURCE.search(sentence.replace(content, " "))
        )
        premise = sentence if sentence_ok and rng.random() < 0.25 else content
        negated = negate_clause(content)
        if negated:
            add("real_denial", premise, negated)
        add("real_denial_verb", premise, denial(content))
        if sentence_ok:
            add("real_confirmation", sentence, content)
        trimmed = trim_clause(content)
        if trimmed:
            add("real_trimmed", content, trimmed)
        hedge = _pick(rng, HEDGE_WRAPPERS).format(p=embed_clause(content, common))
        stance = negated if negated and rng.random() < 0.5 else denial(content)
        add("real_hedged", hedge, stance if rng.random() < 0.7 else content)
        for _ in range(5):
            other = sentences[rng.randrange(len(sentences))]
            if other is item or not _unrelated(item, other):
                continue
            other_negated = negate_clause(other.content)
            choice = rng.random()
            if other_negated and choice < 0.4:
                hypothesis = other_negated
            elif choice < 0.7:
                hypothesis = denial(other.content)
            else:
                hypothesis = other.content
            add("real_other_topic", premise, hypothesis)
            break
    return pools


def real_pairs(
    sentences: Sequence[ReportSentence],
    n: int,
    rng: random.Random,
    *,
    label_weights: Mapping[str, float] | None = None,
) -> list[SyntheticPair]:
    """Draw up to ``n`` pairs from real report sentences, labels in the given proportions.

    For each sentence: its negation as an official denial (contradiction), a denial wrapper
    around it (contradiction), the content as stated by the full attributed sentence or a
    trimmed clause of it (entailment), a hedged version against a denial (neutral), and a
    statement about a sentence of another text on another topic (neutral). Phenomena of a
    label take turns, so one that yields few pairs (negation) is not drowned out.

    Args:
        sentences (Sequence[ReportSentence]): From :func:`report_sentences`.
        n (int): Number of pairs wanted.
        rng (random.Random): Source of randomness.
        label_weights (Mapping[str, float], optional): Defaults to :data:`LABEL_WEIGHTS`.

    Returns:
        list[SyntheticPair]: At most ``n`` distinct pairs (fewer when a label runs out),
        each with ``origin == "real"``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not sentences or n == 0:
        return []
    pools = _real_candidates(sentences, rng)
    quotas = _quotas(n, dict(label_weights or LABEL_WEIGHTS))
    seen: set[tuple[str, str]] = set()
    out: list[SyntheticPair] = []
    for label, quota in quotas.items():
        names = [name for name, lab in REAL_PHENOMENA.items() if lab == label]
        queues = {name: list(pools[name]) for name in names}
        for queue in queues.values():
            rng.shuffle(queue)
        taken = 0
        while taken < quota and any(queues.values()):
            for name in names:
                if taken >= quota or not queues[name]:
                    continue
                pair = queues[name].pop()
                if (pair.premise, pair.hypothesis) in seen:
                    continue
                seen.add((pair.premise, pair.hypothesis))
                out.append(pair)
                taken += 1
        if taken < quota:
            logger.info("real sentences gave %d of %d %s pairs", taken, quota, label)
    rng.shuffle(out)
    return out


def make_pairs(
    n: int,
    rng: random.Random,
    *,
    sentences: Sequence[ReportSentence] = (),
    real_fraction: float = 0.3,
    label_weights: Mapping[str, float] | None = None,
) -> list[SyntheticPair]:
    """Draw ``n`` pairs: ``real_fraction`` from real sentences, the rest from templates.

    When the real sentences cannot fill a label's share, templates make up the difference,
    so the label proportions hold for the whole set.

    Args:
        n (int): Number of pairs.
        rng (random.Random): Source of randomness.
        sentences (Sequence[ReportSentence]): Real report sentences (may be empty).
        real_fraction (float): Share of real pairs wanted, in [0, 1].
        label_weights (Mapping[str, float], optional): Defaults to :data:`LABEL_WEIGHTS`.

    Returns:
        list[SyntheticPair]: ``n`` distinct pairs in random order.
    """
    if not 0.0 <= real_fraction <= 1.0:
        raise ValueError(f"real_fraction must be in [0, 1], got {real_fraction}")
    weights = dict(label_weights or LABEL_WEIGHTS)
    quotas = _quotas(n, weights)
    real = real_pairs(sentences, round(n * real_fraction), rng, label_weights=weights)
    real_counts: Counter[str] = Counter(pair.label for pair in real)
    rest = {label: max(0, quotas[label] - real_counts[label]) for label in quotas}
    template = (
        template_pairs(sum(rest.values()), rng, label_weights=rest) if any(rest.values()) else []
    )
    pairs = real + template
    rng.shuffle(pairs)
    return pairs


def count_pairs(pairs: Iterable[SyntheticPair]) -> dict[str, dict[str, int]]:
    """Counts of pairs by label, by phenomenon and by origin.

    Example:
        >>> count_pairs([SyntheticPair("a b", "c d", "neutral", "unrelated_event")])["label"]
        {'neutral': 1}
    """
    by_label: Counter[str] = Counter()
    by_phenomenon: Counter[str] = Counter()
    by_origin: Counter[str] = Counter()
    for pair in pairs:
        by_label[pair.label] += 1
        by_phenomenon[pair.phenomenon] += 1
        by_origin[pair.origin] += 1
    return {
        "label": dict(sorted(by_label.items())),
        "phenomenon": dict(sorted(by_phenomenon.items())),
        "origin": dict(sorted(by_origin.items())),
    }
