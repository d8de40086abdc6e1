"""Synthetic in-domain NLI training pairs: official statements against third-party reports.

The default model is fine-tuned on general NLI data, but it has to judge a narrow kind of
pair: the premise is what a third party reports ("Hundreds of Iranian troops arrived in
Aleppo on Tuesday."), the hypothesis is what an official asserts ("We have no troops in
Syria."). This module writes such pairs from *phenomena*, not from any labelled example:
each phenomenon is a small seeded function over slot-filled event templates, and a second
path derives pairs from real news sentences (see :func:`real_pairs`).

Label conventions (premise = report, hypothesis = official content, as in
:meth:`nli.model.ContradictionScorer.score_pairs`). Each phenomenon belongs to one
*ingredient* (:data:`INGREDIENTS`), the unit an ablation switches on or off:

=============  =======================  =============  ======================================
ingredient     phenomenon               label          premise -> hypothesis
=============  =======================  =============  ======================================
denial         direct_denial            contradiction  event -> "there are no X in Y"
denial         denial_verb              contradiction  event -> "we deny that P"
denial         negated_report           contradiction  "no X are in Y" -> "X are in Y"
denial         negated_agreement        entailment     "A has no X in Y" -> "we have no X in Y"
blanket        blanket_denial           contradiction  event -> "the report is false", "that's
                                                       not accurate", "claims of X are nonsense"
blanket        blanket_confirmation     entailment     event -> "the report is accurate"
blanket        blanket_other_topic      neutral        event -> "the story about <other event>
                                                       is made up"
hedge          non_denial               neutral        event -> "we have no indication that P",
                                                       "declined to comment", "premature"
hedge          hedged_report            neutral        "X may have ..., unconfirmed" -> denial
conflict       number_conflict          contradiction  "at least 40 killed" -> "only 12 died"
conflict       date_conflict            contradiction  "... on Tuesday" -> "... on Friday"
conflict       place_conflict           contradiction  "leak at the Lyon plant" -> "... Turin"
conflict       entity_swap_exclusive    contradiction  "it was A that ..." -> "it was B that ..."
compatible     separate_incident        neutral        event -> "in a separate incident, <same
                                                       kind, other place, date and count>"
compatible     number_undetermined      neutral        "at least 40" -> "exactly 55"
compatible     entity_swap_open         neutral        "A did X" -> "B has not done X"
compatible     scope_mismatch           neutral        "3 soldiers killed" -> "no civilian deaths"
compatible     unrelated_event          neutral        A's event X -> A's statement on event Z
confirmation   confirmation             entailment     event -> the event itself, less detail
confirmation   official_confirmation    entailment     event -> "we can confirm that P"
confirmation   paraphrase               entailment     one unique fact -> other wording
confirmation   number_match             entailment     "2,300 jobs" -> "more than 2,000 jobs"
=============  =======================  =============  ======================================

A blanket denial is written as the official says it (the hypothesis is "The report is
false.", not the report's content): that is the text ``nli pairs`` and the real-news pair
set hand the model. ``nli score`` on articles does not show it to the model:
:func:`nli.findings.hypothesis` puts the paired report's own content in its place and
scores entailment, so there the premise and the hypothesis are the same text.

Real-sentence phenomena (``origin == "real"``) are listed in :data:`REAL_PHENOMENA`; each
belongs to an ingredient too.

Every function that draws takes a :class:`random.Random`, so the same seed gives the same
pairs. The tables (slot vocabularies, event templates, denial/hedge wrappers, the verb
lexicon) are data, in ``synthetic_events.json`` next to this file, read once at import;
nothing else reads files.

This is training code, not part of the runtime ``nli`` package: ``make_synthetic.py`` and the
tests put ``scripts/training`` on ``sys.path`` and ``import synthetic``.

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
import json
import logging
import math
import random
import re
import string
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
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

    @property
    def ingredient(self) -> str:
        """The ingredient the phenomenon belongs to (see :data:`INGREDIENTS`)."""
        return PHENOMENON_INGREDIENT[self.phenomenon]

    def as_dict(self) -> dict[str, str]:
        """Return the pair as a JSON-ready dict, with its ``ingredient``."""
        return {**asdict(self), "ingredient": self.ingredient}


# --------------------------------------------------------------------------------------
# The data tables (slot vocabularies, event templates, wrappers, verb lexicon) live in
# synthetic_events.json next to this file and are read once, at import.
# --------------------------------------------------------------------------------------

#: The data file that holds the tables.
TABLES_PATH = Path(__file__).with_name("synthetic_events.json")


def _tupled(value: Any) -> Any:
    """Turn JSON lists into tuples, recursively (the tables are read-only)."""
    if isinstance(value, list):
        return tuple(_tupled(item) for item in value)
    if isinstance(value, dict):
        return {key: _tupled(item) for key, item in value.items()}
    return value


def _load_tables(path: Path = TABLES_PATH) -> dict[str, Any]:
    """Read the data file; lists become tuples, objects stay dicts in file order."""
    with path.open(encoding="utf-8") as handle:
        return {key: _tupled(value) for key, value in json.load(handle).items()}


_TABLES = _load_tables()


# --------------------------------------------------------------------------------------
# Slot vocabularies. Companies, groups, drugs and rivers are invented on purpose: the
# templates accuse them of things.
# --------------------------------------------------------------------------------------

#: (country, demonym, cities)
COUNTRIES: tuple[tuple[str, str, tuple[str, ...]], ...] = _TABLES["countries"]

#: Invented companies by sector.
COMPANIES: dict[str, tuple[str, ...]] = _TABLES["companies"]

#: Third parties that a report can be attributed to.
SOURCES: tuple[str, ...] = _TABLES["sources"]

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


def _event_type(spec: Mapping[str, Any]) -> EventType:
    """Build an :class:`EventType` from its entry in the data file."""
    fields = dict(spec)
    if fields.get("number") is not None:
        fields["number"] = NumberSpec(**fields["number"])
    return EventType(**fields)


EVENTS: tuple[EventType, ...] = tuple(_event_type(spec) for spec in _TABLES["events"])

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
DENIAL_WRAPPERS: tuple[str, ...] = _TABLES["denial_wrappers"]

#: Denial wrappers in the third person; only for clauses that are not first person.
THIRD_PERSON_DENIALS: tuple[str, ...] = _TABLES["third_person_denials"]

#: Denial wrappers around a noun phrase of the event.
NOUN_DENIALS: tuple[str, ...] = _TABLES["noun_denials"]

#: Hedges around a real clause (the clause is neither asserted nor denied).
HEDGE_WRAPPERS: tuple[str, ...] = _TABLES["hedge_wrappers"]

#: Attributions of a premise to a third party: "according to witnesses, P".
ATTRIBUTIONS: tuple[str, ...] = _TABLES["attributions"]

#: Blanket denials are "<subject> <predicate>" (subject and predicate agree in number), in
#: a frame ("let me be clear: {b}"), or a standalone phrase ("Nonsense.").
BLANKET_SUBJECTS: tuple[tuple[str, str], ...] = _TABLES["blanket_subjects"]
BLANKET_PREDICATES: tuple[tuple[str, str], ...] = _TABLES["blanket_predicates"]
BLANKET_FRAMES: tuple[str, ...] = _TABLES["blanket_frames"]
BLANKET_STANDALONE: tuple[str, ...] = _TABLES["blanket_standalone"]

#: Blanket denials that name the topic of what they deny ("claims of {np} are nonsense").
BLANKET_TOPIC_FRAMES: tuple[str, ...] = _TABLES["blanket_topic_frames"]

#: Statements that the report as a whole is right ("the report is accurate").
BLANKET_CONFIRMATIONS: tuple[str, ...] = _TABLES["blanket_confirmations"]

#: Non-denials around a clause P: neither assert nor deny it ("we have no indication that P").
NON_DENIAL_WRAPPERS: tuple[str, ...] = _TABLES["non_denial_wrappers"]

#: Non-denials around a noun phrase of the event ("we are not aware of any {np}").
NON_DENIAL_NOUNS: tuple[str, ...] = _TABLES["non_denial_nouns"]

#: Non-denials that name nothing ("no comment", "{speaker} declined to comment").
NON_DENIAL_STANDALONE: tuple[str, ...] = _TABLES["non_denial_standalone"]

#: An official confirming a clause P in their own voice ("we can confirm that P").
CONFIRMATION_WRAPPERS: tuple[str, ...] = _TABLES["confirmation_wrappers"]

#: Markers that a clause is about another incident than the one reported.
SEPARATE_INCIDENT_WRAPPERS: tuple[str, ...] = _TABLES["separate_incident_wrappers"]

#: Who speaks for a country or a company, in the third person.
SPEAKERS: dict[str, tuple[str, ...]] = _TABLES["speakers"]


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


_ARTICLE_BEFORE_SLOT = re.compile(r"\b([Aa]) (?=\{(\w+)\})")


def _fill(template: str, slots: Mapping[str, str]) -> str:
    """Fill a template's slots; "a {slot}" becomes "an" before a vowel ("an Iranian")."""

    def article(match: re.Match[str]) -> str:
        value = slots.get(match[2], "")
        vowel = value[:1] in tuple("AEIOaeio") and not value.lower().startswith(("eu", "one"))
        return f"{match[1]}n " if vowel else match[0]

    return _ARTICLE_BEFORE_SLOT.sub(article, template).format_map(slots)


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


def _other_event(s: Scenario, rng: random.Random) -> tuple[EventType, dict[str, str]] | None:
    """Another event the same party could be accused of, with its slots filled.

    The second event keeps this scenario's party and places; only its own slots (and its
    number and time) are new. Events whose claims overlap this one's are never drawn.
    """
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
    own = {*other.extras, *(k for pools in other.sector_extras.values() for k in pools)}
    own |= {name + "2" for name in own}
    slots = {**extra.slots, **{k: v for k, v in s.slots.items() if k not in own}}
    slots["n"], slots["vague"], slots["when"] = (extra.slots[k] for k in ("n", "vague", "when"))
    return other, slots


def _unrelated_event(s: Scenario, rng: random.Random) -> Clauses:
    """A report of this event against the same party's statement on another event."""
    drawn = _other_event(s, rng)
    if drawn is None:
        return None
    other, slots = drawn
    pool = other.deny + other.fact if rng.random() < 0.5 else other.deny
    hypothesis = _pick(rng, [t for t in pool if not set(template_slots(t)) & {"n", "vague"}])
    return _attribute(_fill(_report(s, rng), s.slots), rng, 0.2), _fill(hypothesis, slots)


def _speaker(s: Scenario, rng: random.Random) -> str:
    """Who speaks for the accused party, in the third person ("the ministry", "Iran")."""
    return _pick(rng, (*SPEAKERS[s.event.actor], s.slots["actor"]))


def blanket_statement(rng: random.Random) -> str:
    """A blanket denial in the official's voice: it names no claim, only the report.

    Returns:
        str: A clause without final punctuation ("these reports are baseless",
        "let me be clear: that's not accurate", "nonsense").

    Example:
        >>> blanket_statement(random.Random(3))
        'the media reports are groundless from start to finish'
    """
    if rng.random() < 0.2:
        return _pick(rng, BLANKET_STANDALONE)
    subject, number = _pick(rng, BLANKET_SUBJECTS)
    predicate = _pick(rng, BLANKET_PREDICATES)[0 if number == "sg" else 1]
    core = f"{subject} {predicate}"
    if subject in ("that", "it") and predicate.startswith("is ") and rng.random() < 0.5:
        core = f"{subject}'s {predicate[3:]}"
    return _pick(rng, BLANKET_FRAMES).format(b=core)


def _report_and_premise(s: Scenario, rng: random.Random, attribution: float) -> tuple[str, str]:
    """A report template of the scenario and the premise it gives (sometimes attributed)."""
    report = _report(s, rng)
    return report, _attribute(_fill(report, s.slots), rng, attribution)


def _blanket_denial(s: Scenario, rng: random.Random) -> Clauses:
    # reports that get blanket denials are usually attributed ("..., a newspaper reported")
    report, premise = _report_and_premise(s, rng, 0.5)
    nouns = [n for n in s.event.noun if _entailed_detail(report, n)]
    if nouns and rng.random() < 0.3:
        topic = _fill(_pick(rng, nouns), s.slots)
        return premise, _pick(rng, BLANKET_TOPIC_FRAMES).format(np=topic)
    return premise, blanket_statement(rng)


def _blanket_confirmation(s: Scenario, rng: random.Random) -> Clauses:
    _, premise = _report_and_premise(s, rng, 0.5)
    return premise, _pick(rng, BLANKET_CONFIRMATIONS)


def _blanket_other_topic(s: Scenario, rng: random.Random) -> Clauses:
    """A blanket denial that names another event of the same party: it denies nothing here."""
    drawn = _other_event(s, rng)
    if drawn is None:
        return None
    other, slots = drawn
    topic = _fill(_pick(rng, other.noun), slots)
    _, premise = _report_and_premise(s, rng, 0.4)
    return premise, _pick(rng, BLANKET_TOPIC_FRAMES).format(np=topic)


def _non_denial(s: Scenario, rng: random.Random) -> Clauses:
    """A firm report against an official who neither confirms nor denies it."""
    report, premise = _report_and_premise(s, rng, 0.3)
    speaker = _speaker(s, rng)
    choice = rng.random()
    nouns = [n for n in s.event.noun if _entailed_detail(report, n)]
    if choice < 0.15:
        return premise, _pick(rng, NON_DENIAL_STANDALONE).format(speaker=speaker)
    if choice < 0.35 and nouns:
        topic = _fill(_pick(rng, nouns), s.slots)
        return premise, _pick(rng, NON_DENIAL_NOUNS).format(np=topic, speaker=speaker)
    # an official unsure whether *they* did something reads oddly: third-person facts only
    facts = [f for f in s.event.fact if _third_person(f) and _entailed_detail(report, f)]
    if not facts:
        return None
    clause = _fill(_pick(rng, facts), s.slots)
    return premise, _pick(rng, NON_DENIAL_WRAPPERS).format(p=clause, speaker=speaker)


def _official_confirmation(s: Scenario, rng: random.Random) -> Clauses:
    report, premise = _report_and_premise(s, rng, 0.3)
    facts = [f for f in s.event.fact if _entailed_detail(report, f)]
    return premise, _pick(rng, CONFIRMATION_WRAPPERS).format(p=_fill(_pick(rng, facts), s.slots))


def _separate_incident(s: Scenario, rng: random.Random) -> Clauses:
    """The same kind of event at another place, time and count, marked as another incident.

    Both can be true, so the pair is neutral; without the marker the reader would take the
    two for one event and the details would conflict (that is ``*_conflict``).
    """
    details = {"n", "vague", "place", "when"}
    templates = [t for t in _premise_templates(s.event.report) if set(template_slots(t)) & details]
    if not templates:
        return None
    _, premise = _report_and_premise(s, rng, 0.2)
    spec = s.event.number or NumberSpec(2, 100)
    quantity = s.quantity
    while quantity == s.quantity:
        quantity = _draw_number(spec, rng)
    changed = dict(s.slots)
    changed["place"] = s.slots["place2"]
    changed["when"] = format_when(other_when(s.when, rng), rng.randrange(2))
    changed["n"] = format_number(quantity, rng.randrange(3), money=spec.money, currency=s.currency)
    changed["vague"] = vague_amount(quantity)
    clause = _fill(_pick(rng, templates), changed)
    return premise, _pick(rng, SEPARATE_INCIDENT_WRAPPERS).format(p=clause)


#: Template phenomena: name -> (label, generator, weight within its label).
TEMPLATE_PHENOMENA: dict[str, tuple[Label, Generator, float]] = {
    "direct_denial": ("contradiction", _direct_denial, 0.18),
    "denial_verb": ("contradiction", _denial_verb, 0.13),
    "negated_report": ("contradiction", _negated_report, 0.12),
    "blanket_denial": ("contradiction", _blanket_denial, 0.17),
    "number_conflict": ("contradiction", _number_conflict, 0.13),
    "date_conflict": ("contradiction", _date_conflict, 0.09),
    "place_conflict": ("contradiction", _place_conflict, 0.08),
    "entity_swap_exclusive": ("contradiction", _entity_swap_exclusive, 0.10),
    "confirmation": ("entailment", _confirmation, 0.22),
    "official_confirmation": ("entailment", _official_confirmation, 0.18),
    "paraphrase": ("entailment", _paraphrase, 0.18),
    "number_match": ("entailment", _number_match, 0.14),
    "negated_agreement": ("entailment", _negated_agreement, 0.16),
    "blanket_confirmation": ("entailment", _blanket_confirmation, 0.12),
    "non_denial": ("neutral", _non_denial, 0.20),
    "hedged_report": ("neutral", _hedged_report, 0.14),
    "separate_incident": ("neutral", _separate_incident, 0.14),
    "blanket_other_topic": ("neutral", _blanket_other_topic, 0.08),
    "entity_swap_open": ("neutral", _entity_swap_open, 0.12),
    "unrelated_event": ("neutral", _unrelated_event, 0.14),
    "scope_mismatch": ("neutral", _scope_mismatch, 0.10),
    "number_undetermined": ("neutral", _number_undetermined, 0.08),
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
    n: int,
    rng: random.Random,
    *,
    label_weights: Mapping[str, float] | None = None,
    phenomena: Collection[str] | None = None,
) -> list[SyntheticPair]:
    """Draw ``n`` distinct template pairs with labels in the given proportions.

    Args:
        n (int): Number of pairs.
        rng (random.Random): Source of randomness.
        label_weights (Mapping[str, float], optional): Share of each label. Defaults to
            :data:`LABEL_WEIGHTS` (40% contradiction, 30% entailment, 30% neutral).
        phenomena (Collection[str], optional): The phenomena that may be drawn (see
            :func:`select_phenomena`). Defaults to all of :data:`TEMPLATE_PHENOMENA`.

    Returns:
        list[SyntheticPair]: ``n`` pairs, no (premise, hypothesis) repeated.

    Raises:
        ValueError: When a label with a positive share has no phenomenon to draw from.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    weights = dict(label_weights or LABEL_WEIGHTS)
    by_label: dict[str, list[tuple[str, float]]] = {}
    for name, (label, _, weight) in TEMPLATE_PHENOMENA.items():
        if phenomena is None or name in phenomena:
            by_label.setdefault(label, []).append((name, weight))
    quotas = _quotas(n, weights)
    seen: set[tuple[str, str]] = set()
    pairs: list[SyntheticPair] = []
    for label_name in quotas:
        if quotas[label_name] and label_name not in by_label:
            raise ValueError(f"no selected template phenomenon gives {label_name!r} pairs")
        if not quotas[label_name]:
            continue
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
_REGULAR_VERBS: tuple[str, ...] = _TABLES["regular_verbs"]

#: Regular verbs that double their last consonant ("stop" -> "stopped").
_DOUBLING_VERBS: tuple[str, ...] = _TABLES["doubling_verbs"]

#: Irregular past tenses -> base forms (ambiguous ones like "cut", "put", "hit" left out).
_IRREGULAR_PAST: dict[str, str] = _TABLES["irregular_past"]


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
    "real_blanket": "contradiction",
    "real_number_conflict": "contradiction",
    "real_date_conflict": "contradiction",
    "real_confirmation": "entailment",
    "real_trimmed": "entailment",
    "real_official_confirmation": "entailment",
    "real_hedged": "neutral",
    "real_non_denial": "neutral",
    "real_other_topic": "neutral",
}

#: Ingredients: named groups of phenomena that an ablation switches on or off together.
INGREDIENTS: dict[str, tuple[str, ...]] = {
    "denial": ("direct_denial", "denial_verb", "negated_report", "negated_agreement",
               "real_denial", "real_denial_verb"),
    "blanket": ("blanket_denial", "blanket_confirmation", "blanket_other_topic", "real_blanket"),
    "hedge": ("non_denial", "hedged_report", "real_non_denial", "real_hedged"),
    "conflict": ("number_conflict", "date_conflict", "place_conflict", "entity_swap_exclusive",
                 "real_number_conflict", "real_date_conflict"),
    "compatible": ("separate_incident", "number_undetermined", "entity_swap_open",
                   "scope_mismatch", "unrelated_event", "real_other_topic"),
    "confirmation": ("confirmation", "official_confirmation", "paraphrase", "number_match",
                     "real_confirmation", "real_trimmed", "real_official_confirmation"),
}  # fmt: skip

#: Phenomenon -> the ingredient it belongs to.
PHENOMENON_INGREDIENT: dict[str, str] = {
    phenomenon: ingredient
    for ingredient, phenomena in INGREDIENTS.items()
    for phenomenon in phenomena
}


def phenomenon_label(phenomenon: str) -> Label:
    """The label every pair of a phenomenon carries.

    Example:
        >>> phenomenon_label("blanket_denial"), phenomenon_label("real_non_denial")
        ('contradiction', 'neutral')
    """
    if phenomenon in TEMPLATE_PHENOMENA:
        return TEMPLATE_PHENOMENA[phenomenon][0]
    if phenomenon in REAL_PHENOMENA:
        return REAL_PHENOMENA[phenomenon]
    raise ValueError(f"unknown phenomenon {phenomenon!r}")


def select_phenomena(
    include: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> frozenset[str]:
    """The phenomena a run may draw: those of ``include`` minus those of ``exclude``.

    Each name is an ingredient (all its phenomena) or a single phenomenon.

    Args:
        include (Iterable[str], optional): Names to draw from. Defaults to every ingredient.
        exclude (Iterable[str]): Names to leave out.

    Returns:
        frozenset[str]: Template and real phenomenon names.

    Raises:
        ValueError: For a name that is neither an ingredient nor a phenomenon.

    Example:
        >>> sorted(select_phenomena(["blanket"], ["real_blanket"]))
        ['blanket_confirmation', 'blanket_denial', 'blanket_other_topic']
        >>> "non_denial" in select_phenomena(exclude=["hedge"])
        False
    """

    def expand(names: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for name in names:
            if name in INGREDIENTS:
                out.update(INGREDIENTS[name])
            elif name in PHENOMENON_INGREDIENT:
                out.add(name)
            else:
                raise ValueError(
                    f"unknown ingredient or phenomenon {name!r}; ingredients are "
                    f"{', '.join(INGREDIENTS)}"
                )
        return out

    chosen = expand(INGREDIENTS if include is None else include)
    return frozenset(chosen - expand(exclude))


_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?! [A-Z])")
#: "May" is left out: it is also a modal verb.
_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)"
    r"\b(?! [A-Z])"
)
_ANY_DATE_WORD = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|today|yesterday|"
    r"tomorrow|tonight)\b"
)


def shift_date(clause: str, rng: random.Random) -> str | None:
    """The clause with its one weekday or month replaced by another, or None.

    Only clauses that name exactly one day or month are changed (with two, which one the
    event happened on is unclear); a weekday or month followed by a name ("Sunday Times")
    is not a date.

    Example:
        >>> shift_date("Police arrested the man on Tuesday", random.Random(0))
        'Police arrested the man on Friday'
        >>> shift_date("The talks ran from Monday to Friday", random.Random(0)) is None
        True
    """
    if len(_ANY_DATE_WORD.findall(clause)) != 1:
        return None
    match = _WEEKDAY.search(clause) or _MONTH.search(clause)
    if match is None:
        return None
    pool = WEEKDAYS if match[1] in WEEKDAYS else tuple(m for m in MONTHS if m != "May")
    new = _pick(rng, [name for name in pool if name != match[1]])
    return clause[: match.start(1)] + new + clause[match.end(1) :]


_DIGITS = re.compile(r"\d[\d,.:/]*")
#: An integer (commas allowed) after a space, the start or a currency sign, and before a
#: space or "%".
_COUNT = re.compile(r"(?:^|(?<=[\s$€£]))(\d{1,3}(?:,\d{3})+|\d+)(?=\s|%)")
#: Capitalised words a count may follow (a name before a number makes it part of the name).
_CAPITALISED_BEFORE_COUNT = frozenset(_word_tuple("The In On At All Only Another"))
#: Words before a number that make it a bound, an estimate or the end of a range ("five to
#: 10"): a different value would not conflict with it.
_BOUND_WORDS = re.compile(
    r"\b(?:at least|at most|more than|less than|fewer than|over|under|up to|nearly|almost|"
    r"about|around|some|roughly|approximately|estimated|as many as|as few as|no more than|"
    r"no fewer than|exceeding|above|below|between|top|topped|of|every|per|each|aged|age|"
    r"number|no|to|and|or|from)\s*[$€£]?$",
    re.IGNORECASE,
)
_AFTER_COUNT_BAD = re.compile(
    r"^\s*(?:a\.m\.|p\.m\.|(?:am|pm|o'clock|times|per|BC|AD)\b|-|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b)"
)


def change_number(clause: str, rng: random.Random) -> str | None:
    """The clause with its one exact count replaced by a clearly different one, or None.

    The new value is at most half or at least twice the old one (round, as news numbers
    are). Clauses with more than one number, a year, a decimal, a time, a bound ("at least
    40") or a number inside a name ("Flight 17") give None.

    Example:
        >>> change_number("The company sold 40,000 phones in March", random.Random(1))
        'The company sold 12,000 phones in March'
        >>> change_number("At least 40 people were killed", random.Random(1)) is None
        True
    """
    if len(_DIGITS.findall(clause)) != 1:
        return None
    match = _COUNT.search(clause)
    if match is None:
        return None
    text = match[1]
    value = int(text.replace(",", ""))
    before, after = clause[: match.start(1)], clause[match.end(1) :]
    if value < 2 or ("," not in text and 1800 <= value <= 2100):
        return None
    previous = before.rstrip("$€£ ").split()
    if previous and previous[-1][:1].isupper() and previous[-1] not in _CAPITALISED_BEFORE_COUNT:
        return None  # "Flight 17", "Article 5", "March 14"
    if _BOUND_WORDS.search(before) or _AFTER_COUNT_BAD.match(after):
        return None
    percent = after.startswith("%") or after.lstrip().startswith(("percent", "per cent"))
    for _ in range(20):
        new = _nice(value * _pick(rng, (0.2, 0.25, 0.3, 0.4, 0.5, 2.0, 2.5, 3.0, 4.0, 5.0)))
        if max(new, value) < 1.9 * min(new, value) or (percent and new > 100):
            continue
        written = f"{new:,}" if "," in text or new >= 10_000 else str(new)
        return before + written + after
    return None


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
        # the new phenomena draw after the old ones, so the old pools stay as they were
        add("real_blanket", premise, blanket_statement(rng))
        shifted = shift_date(content, rng)
        if shifted:
            add("real_date_conflict", premise, shifted)
        changed = change_number(content, rng)
        if changed:
            add("real_number_conflict", premise, changed)
        speaker = _pick(rng, ("the government", "the company", "the ministry", "a spokesman",
                              "the agency", "the department", "the authority"))  # fmt: skip
        embedded = embed_clause(content, common)
        wrapper = _pick(rng, NON_DENIAL_WRAPPERS)
        add("real_non_denial", premise, wrapper.format(p=embedded, speaker=speaker))
        confirmed = _pick(rng, CONFIRMATION_WRAPPERS).format(p=embedded)
        add("real_official_confirmation", premise, confirmed)
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
    phenomena: Collection[str] | None = None,
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
        phenomena (Collection[str], optional): The phenomena that may be drawn (see
            :func:`select_phenomena`). Defaults to all of :data:`REAL_PHENOMENA`.

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
        names = [
            name
            for name, lab in REAL_PHENOMENA.items()
            if lab == label and (phenomena is None or name in phenomena)
        ]
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
    phenomena: Collection[str] | None = None,
) -> list[SyntheticPair]:
    """Draw ``n`` pairs: ``real_fraction`` from real sentences, the rest from templates.

    When the real sentences cannot fill a label's share, templates make up the difference,
    so the label proportions hold for the whole set. A label that no selected phenomenon
    gives is dropped (its share goes to the others) with a warning.

    Args:
        n (int): Number of pairs.
        rng (random.Random): Source of randomness.
        sentences (Sequence[ReportSentence]): Real report sentences (may be empty).
        real_fraction (float): Share of real pairs wanted, in [0, 1].
        label_weights (Mapping[str, float], optional): Defaults to :data:`LABEL_WEIGHTS`.
        phenomena (Collection[str], optional): The phenomena that may be drawn, e.g.
            ``select_phenomena(exclude=["blanket"])``. Defaults to all.

    Returns:
        list[SyntheticPair]: ``n`` distinct pairs in random order.

    Raises:
        ValueError: For a bad ``real_fraction``, or when no selected phenomenon gives a
            label with a positive share.
    """
    if not 0.0 <= real_fraction <= 1.0:
        raise ValueError(f"real_fraction must be in [0, 1], got {real_fraction}")
    weights = dict(label_weights or LABEL_WEIGHTS)
    if phenomena is not None:
        unknown = sorted(set(phenomena) - set(PHENOMENON_INGREDIENT))
        if unknown:
            raise ValueError(f"unknown phenomena: {', '.join(unknown)}")
        # templates can fill any label that a selected template phenomenon gives
        given = {TEMPLATE_PHENOMENA[name][0] for name in phenomena if name in TEMPLATE_PHENOMENA}
        for label in [label for label, w in weights.items() if w > 0 and label not in given]:
            logger.warning("no selected phenomenon gives %s pairs: the label is left out", label)
            weights[label] = 0.0
        if not any(weights.values()):
            raise ValueError("the selected phenomena give none of the weighted labels")
    quotas = _quotas(n, weights)
    real = real_pairs(
        sentences, round(n * real_fraction), rng, label_weights=weights, phenomena=phenomena
    )
    real_counts: Counter[str] = Counter(pair.label for pair in real)
    rest = {label: max(0, quotas[label] - real_counts[label]) for label in quotas}
    template = (
        template_pairs(sum(rest.values()), rng, label_weights=rest, phenomena=phenomena)
        if any(rest.values())
        else []
    )
    pairs = real + template
    rng.shuffle(pairs)
    return pairs


def count_pairs(pairs: Iterable[SyntheticPair]) -> dict[str, dict[str, int]]:
    """Counts of pairs by label, phenomenon, ingredient and origin.

    Example:
        >>> count_pairs([SyntheticPair("a b", "c d", "neutral", "unrelated_event")])["label"]
        {'neutral': 1}
    """
    counters: dict[str, Counter[str]] = {
        key: Counter() for key in ("label", "phenomenon", "ingredient", "origin")
    }
    for pair in pairs:
        counters["label"][pair.label] += 1
        counters["phenomenon"][pair.phenomenon] += 1
        counters["ingredient"][pair.ingredient] += 1
        counters["origin"][pair.origin] += 1
    return {key: dict(sorted(counter.items())) for key, counter in counters.items()}
