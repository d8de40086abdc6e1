"""Who said it, normalised: one canonical entity per person or body within an article.

An article names one speaker in several ways: "border guard spokesman Andriy Demchenko",
"Demchenko", "He"; "Niger's defence ministry", "the defence ministry", "a ministry
statement". :func:`resolve_mentions` reads the speaker (or source) texts of an article's
claims in text order and gives each a canonical entity and, apart, the role words:

- a person is named by the longest full name the article gives for that surname
  ("Lieutenant Colonel Hilferty" -> "Bryan Hilferty"); titles and honorifics ("Col.",
  "Lieutenant Colonel", "Alhaji") and roles ("spokesman", "Minister of Information")
  go to ``role``;
- "he" / "she" is the last person named before it; "the spokesman", "the minister"
  is the last person with that role; "the ministry", "the government" is the last body
  with that word in its name;
- a body mention whose words appear, in order, inside an earlier one is that one
  ("the defence ministry" after "Niger's defence ministry"; "U.S. military" and "the
  U.S. military");
- outlets have common aliases across a collection ("AP", "the Associated Press").

It is a heuristic on the mention texts alone; :mod:`nli.summarize` groups by it, and
``scripts/eval_speakers.py`` measures it on the real-news dev half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Titles and honorifics before a name; dropped from the entity, kept in ``role``.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "reverend",
        "father",
        "alhaji",
        "sheikh",
        "capt",
        "captain",
        "col",
        "colonel",
        "lt",
        "lieutenant",
        "gen",
        "general",
        "maj",
        "major",
        "sgt",
        "sergeant",
        "adm",
        "admiral",
        "cmdr",
        "commander",
        "brig",
        "brigadier",
        "cpl",
        "corporal",
        "pvt",
        "president",
        "vice",
        "prime",
        "premier",
        "chancellor",
        "secretary",
        "minister",
        "deputy",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "mayor",
        "judge",
        "justice",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chief",
        "director",
        "head",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "officer",
        "official",
    ]
)
#: Nouns that make a capitalised phrase a body, not a person.
BODY_WORDS = frozenset(
    [
        "ministry",
        "department",
        "office",
        "army",
        "military",
        "forces",
        "force",
        "navy",
        "government",
        "govt",
        "service",
        "services",
        "police",
        "council",
        "agency",
        "embassy",
        "commission",
        "committee",
        "company",
        "corporation",
        "corp",
        "inc",
        "ltd",
        "group",
        "party",
        "bank",
        "university",
        "court",
        "parliament",
        "congress",
        "senate",
        "kremlin",
        "pentagon",
        "house",
        "news",
        "tv",
        "television",
        "radio",
        "newspaper",
        "times",
        "post",
        "agency",
        "press",
        "bureau",
        "union",
        "federation",
        "association",
        "institute",
        "guard",
        "guards",
        "coalition",
        "command",
        "headquarters",
        "administration",
        "authority",
        "authorities",
        "state",
        "states",
        "republic",
        "kingdom",
        # outlets: "Daily Mirror" is no person
        "daily",
        "weekly",
        "mirror",
        "telegraph",
        "guardian",
        "herald",
        "tribune",
        "journal",
        "gazette",
        "express",
        "mail",
        "sun",
        "star",
        "observer",
        "independent",
        "reporters",
        "magazine",
        "network",
        "channel",
        "website",
        "site",
        "blog",
        "wire",
    ]  # fmt: skip
)
#: Role nouns a definite mention ("the spokesman") may refer back with.
ROLE_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "secretary",
        "president",
        "official",
        "officer",
        "chief",
        "director",
        "head",
        "ambassador",
        "governor",
        "mayor",
        "general",
        "colonel",
        "commander",
    ]
)
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person"}
#: Words after which a speaker text has become the rest of its sentence.
_CLAUSE_WORDS = frozenset(
    ["are", "is", "was", "were", "will", "would", "has", "have", "had", "initially",
     "published", "reportedly", "that", "which", "learned", "said", "says", "told",
     "yesterday", "today", "tonight", "earlier"]
)  # fmt: skip
#: Lower-case words that may follow a name in a speaker text ("Sutter, who", "Malik himself").
_AFTER_NAME = frozenset(
    ["who", "said", "says", "told", "himself", "herself", "also", "has", "had", "was", "is"]
)
_DETERMINERS = ("the ", "a ", "an ")
_OUTLET_ALIASES = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "agence france presse": "Agence France-Presse",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "bbc": "BBC",
    "bbc news": "BBC",
    "the bbc": "BBC",
    "cnn": "CNN",
    "nyt": "The New York Times",
    "new york times": "The New York Times",
    "the new york times": "The New York Times",
    "wsj": "The Wall Street Journal",
    "wall street journal": "The Wall Street Journal",
    "the wall street journal": "The Wall Street Journal",
    "tass": "TASS",
    "itar-tass": "TASS",
    "xinhua": "Xinhua",
    "xinhua news agency": "Xinhua",
}
_LEADING_PHRASE = re.compile(r"^(?:(?!the\b|a\b|an\b|his\b|her\b|its\b)[a-z]|\w+ly\b|\w+ing\b)")
_REFERRING_SUFFIX = re.compile(r"\s+(?:statement|statements|communique|report)\s*$")
_WORD = re.compile(r"[\w.'’-]+")


@dataclass(frozen=True)
class Mention:
    """A speaker or source text of one claim, where the claim starts in its article."""

    text: str | None
    start: int


@dataclass(frozen=True)
class Entity:
    """The canonical entity of a mention (None: no speaker named, or no one to resolve to).

    Attributes:
        entity (str | None): The canonical name ("Andriy Demchenko").
        role (str | None): Role and title words of the mention ("border guard spokesman").
        kind (str | None): ``"person"`` or ``"body"``.
    """

    entity: str | None
    role: str | None = None
    kind: str | None = None


def canonical_outlet(name: str | None) -> str | None:
    """One name per outlet across a collection: ``"AP"`` and ``"the Associated Press"`` alike.

    Example:
        >>> canonical_outlet("the Associated Press"), canonical_outlet("AP")
        ('Associated Press', 'Associated Press')
        >>> canonical_outlet("Daily Planet")
        'Daily Planet'
    """
    if name is None:
        return None
    cleaned = " ".join(str(name).split())
    return _OUTLET_ALIASES.get(cleaned.lower().rstrip("."), cleaned)


def _clean(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace(" ,", ",").replace(" .", ".")
    text = text.replace(" - ", "-").replace(" 's", "'s").replace("( ", "(").replace(" )", ")")
    text = re.sub(r"^date \d{4}-\d{2}-\d{2}\s+", "", text)  # a stored page's date line
    text = re.sub(r"^[A-Z][A-Z ]+(?:\([^)]*\))?\s*-\s*", "", text)  # "LONDON (AFP) - " dateline
    # "a ministry statement" is the ministry; "the Sky News report" is Sky News
    stripped = _REFERRING_SUFFIX.sub("", text)
    if stripped.lower().strip() not in ("", "the", "a", "an"):  # "the statement" stays
        text = stripped
    text = re.sub(r"^(?:however|but|and|meanwhile|still),\s*", "", text, flags=re.IGNORECASE)
    text = " ".join(text.split()).strip(" ,;:.")
    # Leading phrases before the speaker: "for the timeline, McGuinness"; "Swiftly
    # responding to the rumours, a spokesperson for the couple".
    parts = text.split(", ")
    while len(parts) > 1 and _LEADING_PHRASE.match(parts[0]):
        parts = parts[1:]
    text = ", ".join(parts)
    # A speaker text that runs on into its clause ("Chicago police are trying to ...",
    # "Al-Sabah initially"): the speaker is what comes before the verb.
    words = text.split()
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in _CLAUSE_WORDS:
            text = " ".join(words[:i]).strip(" ,;:.")
            break
    for determiner in _DETERMINERS:
        if text.lower().startswith(determiner):
            text = text[len(determiner) :]
            break
    return text


def _key(text: str) -> tuple[str, ...]:
    """Lower-case words without possessives, for comparing body names."""
    words = [w.lower().removesuffix("'s").strip(".'") for w in _WORD.findall(text)]
    return tuple(w for w in words if w and w not in ("the", "a", "an"))


def _is_name_word(word: str) -> bool:
    bare = word.strip(".,")
    return bool(bare) and bare[0].isupper() and bare.lower().strip(".") not in TITLES


def _person_name(text: str) -> tuple[str | None, bool]:
    """The person's name in a mention, and whether a title introduced it.

    The name is the last run of capitalised words that are neither titles nor body
    words, within any comma-separated part ("Col. Roger King, a U.S. military
    spokesman" -> "Roger King"; "Spokesman Lieutenant Colonel Bryan Hilferty" -> "Bryan
    Hilferty").
    """
    best: tuple[str | None, bool] = (None, False)
    for part in text.split(","):
        words = part.split()
        runs: list[tuple[list[str], bool, bool]] = []
        current: list[str] = []
        titled = False
        for i, word in enumerate(words):
            if _is_name_word(word):
                if not current:
                    titled = i > 0 and words[i - 1].lower().strip(".") in TITLES
                current.append(word.strip(".,"))
                continue
            if current:
                # "Several European countries", "Indian army": capitals before a noun
                # describe it; a name ends its phrase or goes on with a verb or "who".
                adjective = word[:1].islower() and word.lower() not in _AFTER_NAME
                runs.append((current, titled, adjective))
            current = []
        if current:
            runs.append((current, titled, False))
        for run, was_titled, adjective in runs:
            if adjective or any(w.lower() in BODY_WORDS for w in run):
                continue
            if len(run) >= 2 or was_titled:
                best = (" ".join(run), was_titled)
    return best


def _role(text: str, name: str | None) -> str | None:
    rest = text.replace(name, " ") if name else text
    words = [w.strip(",.") for w in rest.split()]
    kept = [w for w in words if w and (w.lower() in TITLES or w.lower() in ROLE_NOUNS)]
    if not kept:
        return None
    parts = [p.strip(" ,") for p in rest.split(",") if p.strip(" ,")]
    described = next((p for p in parts if any(w in p for w in kept)), None)
    return _clean(described) if described else " ".join(kept)


@dataclass
class _Known:
    entity: str
    kind: str
    key: tuple[str, ...]
    role: str | None

    @property
    def is_role(self) -> bool:
        """A person known by role alone ("his spokeswoman", "a Samsung representative")."""
        return self.kind == "body" and any(w in ROLE_NOUNS for w in self.key)


def _surname_match(known: list[_Known], surname: str) -> _Known | None:
    """The last person whose name has ``surname`` as a word ("Hua" of "Hua Chunying")."""
    word = surname.lower()
    for item in reversed(known):
        if item.kind == "person" and word in (w.lower() for w in item.entity.split()[1:]):
            return item
    for item in reversed(known):  # family name first, as in Chinese names
        if item.kind == "person" and item.entity.split()[0].lower() == word:
            return item
    return None


def _proper(text: str) -> bool:
    """Whether a name has a capitalised word after its first (a proper name, not "Police")."""
    return any(w[:1].isupper() for w in text.split()[1:]) or (
        len(text.split()) == 1 and text[:1].isupper() and text.lower() not in BODY_WORDS
        and text.lower() not in _GENERIC
    )  # fmt: skip


#: Nouns that name no one in particular: never merged by containment.
_GENERIC = frozenset(
    ["reports", "report", "claims", "claim", "rumours", "rumors", "rumour", "rumor",
     "allegations", "allegation", "sources", "officials", "media", "witnesses", "story"]
)  # fmt: skip


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return 0 < n <= len(longer) and any(
        longer[i : i + n] == shorter for i in range(len(longer) - n + 1)
    )


def _resolve_one(text: str, known: list[_Known]) -> Entity:
    cleaned = _clean(text)
    if not cleaned:
        return Entity(None)
    first = cleaned.split()[0].lower()
    if first in _PRONOUNS:
        person = next((k for k in reversed(known) if k.kind == "person" or k.is_role), None)
        return Entity(person.entity, person.role, person.kind) if person else Entity(None)
    # "the ministry", and "a ministry statement": both refer to a ministry named before
    definite = text.strip().lower().startswith("the ") or bool(_REFERRING_SUFFIX.search(text))
    key = _key(cleaned)
    if definite and len(key) == 1 and key[0] in ROLE_NOUNS:  # "the spokesman"
        for item in reversed(known):
            if item.kind == "person" and item.role and key[0] in item.role.lower():
                return Entity(item.entity, item.role, "person")
    name, titled = _person_name(cleaned)
    head = cleaned.split(",")[0].strip()  # "Sutter, who was also a writer"
    if name is None and len(head.split()) == 1 and head[:1].isupper():
        earlier = _surname_match(known, head.strip("."))
        if earlier is not None:  # "Andanar" after "Martin Andanar"
            return Entity(earlier.entity, earlier.role, "person")
    if name is not None:
        surname = name.split()[-1]
        earlier = _surname_match(known, surname)
        role = _role(cleaned, name)
        if earlier is not None and (len(name.split()) == 1 or earlier.entity == name):
            return Entity(earlier.entity, role or earlier.role, "person")
        if earlier is not None and len(earlier.entity.split()) == 1:
            earlier.entity = name  # the full name came second: it names them both
            return Entity(name, role or earlier.role, "person")
        if len(name.split()) >= 2 or titled:
            known.append(_Known(name, "person", _key(name), role))
            return Entity(name, role, "person")
    # A body: the same words as an earlier body, or a part of its name.
    head_key = _key(head)
    for item in reversed(known):
        if item.kind != "body":
            continue
        if (
            item.key == head_key
            or (definite and _contains(item.key, head_key))
            or (len(head_key) >= 2 and _contains(item.key, head_key))
        ):
            return Entity(item.entity, None, "body")
    entity = canonical_outlet(head) or head  # "Foxnews.es, a hoax website": the name
    if entity.lower() in _GENERIC:  # "Reports" opening a sentence is "reports"
        entity = entity.lower()
    known.append(_Known(entity, "body", head_key, None))
    return Entity(entity, None, "body")


def resolve_mentions(mentions: Sequence[Mention]) -> list[Entity]:
    """The canonical entity of each speaker or source mention of one article.

    Mentions are read in text order (by ``start``) so that "he" and "the ministry"
    refer back; the result is in the order given.

    Args:
        mentions (Sequence[Mention]): Speaker and source texts of the article's claims.

    Returns:
        list[Entity]: One per mention; ``Entity(None)`` for a mention without text or
        a pronoun with no one before it.

    Example:
        >>> found = resolve_mentions([
        ...     Mention("border guard spokesman Andriy Demchenko", 10),
        ...     Mention("Demchenko", 80), Mention("He", 120),
        ...     Mention("Niger's defence ministry", 200), Mention("the defence ministry", 300),
        ... ])
        >>> [e.entity for e in found]  # doctest: +NORMALIZE_WHITESPACE
        ['Andriy Demchenko', 'Andriy Demchenko', 'Andriy Demchenko',
         "Niger's defence ministry", "Niger's defence ministry"]
        >>> found[0].role
        'border guard spokesman'
    """
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    known: list[_Known] = []
    resolved: dict[int, Entity] = {}
    by_text: dict[tuple[str, int], Entity] = {}
    for i in order:
        mention = mentions[i]
        if mention.text is None or not mention.text.strip():
            resolved[i] = Entity(None)
            continue
        same = by_text.get((mention.text, mention.start))  # one claim as statement and report
        resolved[i] = same or _resolve_one(mention.text, known)
        by_text[(mention.text, mention.start)] = resolved[i]
    # A person first named by surname alone and later in full takes the full name.
    full = {k.entity.split()[-1].lower(): k.entity for k in known if k.kind == "person"}
    by_role = _roles_to_people(known)
    out = []
    for i in range(len(mentions)):
        entity = resolved[i]
        if entity.kind == "person" and entity.entity is not None:
            entity = Entity(full.get(entity.entity.split()[-1].lower(), entity.entity),
                            entity.role, entity.kind)  # fmt: skip
        elif entity.entity in by_role:
            person = by_role[entity.entity]
            entity = Entity(full.get(person.entity.split()[-1].lower(), person.entity),
                            person.role, "person")  # fmt: skip
        out.append(entity)
    return out


def _roles_to_people(known: list[_Known]) -> dict[str, _Known]:
    """Role-only mentions tied to the one person named with that role in the article.

    "Venezuelan defense minister" is "Venezuelan defense minister Vladimir Padrino
    Lopez"; "a spokesman for Myanmar's junta" is "Junta spokesman Zaw Min Tun": the
    same role noun and another word in common. Two candidates: no tie.
    """
    people = [k for k in known if k.kind == "person" and k.role]
    ties: dict[str, _Known] = {}
    for item in known:
        if not item.is_role:
            continue
        nouns = {w for w in item.key if w in ROLE_NOUNS}
        others = {w for w in item.key if w not in ROLE_NOUNS and w not in _ROLE_STOP}
        candidates = [
            person
            for person in people
            if nouns & set(_key(person.role or "")) and others & set(_key(person.role or ""))
        ]
        if len({c.entity for c in candidates}) == 1:
            ties[item.entity] = candidates[0]
    return ties


_ROLE_STOP = frozenset(["for", "of", "at", "in", "to", "and", "his", "her", "its", "their"])


def add_speaker_entities(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each finding's statement and report their canonical entity and role.

    ``statement`` gains ``speaker_entity`` and ``speaker_role``, ``report`` gains
    ``source_entity`` and ``source_role`` (null when no one is named). The mentions of
    one article are those of its findings (a statement's in ``article_id``, a report's
    in ``report_article_id``), resolved together by :func:`resolve_mentions`.

    Example:
        >>> found = add_speaker_entities([
        ...     {"article_id": "a", "report_article_id": "a",
        ...      "statement": {"speaker": "Interior Minister Nouhad Mashnuq", "span": [0, 9]},
        ...      "report": {"source": "Reuters", "span": [40, 60]}},
        ...     {"article_id": "a", "report_article_id": "a",
        ...      "statement": {"speaker": "Mashnuq", "span": [90, 99]},
        ...      "report": {"source": "the AP", "span": [120, 140]}}])
        >>> [(f["statement"]["speaker_entity"], f["report"]["source_entity"]) for f in found]
        [('Nouhad Mashnuq', 'Reuters'), ('Nouhad Mashnuq', 'Associated Press')]
        >>> found[0]["statement"]["speaker_role"]
        'Interior Minister'
    """
    by_article: dict[str, dict[tuple[str | None, int], Mention]] = {}

    def mention_of(claim: dict[str, Any], who: str) -> Mention:
        span = claim.get("span") or [0, 0]
        return Mention(claim.get(who), int(span[0]))

    for finding in findings:
        for claim, who, article in (
            (finding["statement"], "speaker", finding["article_id"]),
            (
                finding["report"],
                "source",
                finding.get("report_article_id") or finding["article_id"],
            ),
        ):
            mention = mention_of(claim, who)
            by_article.setdefault(str(article), {})[(mention.text, mention.start)] = mention
    resolved: dict[tuple[str, str | None, int], Entity] = {}
    for article, mentions in by_article.items():
        ordered = list(mentions.values())
        for mention, entity in zip(ordered, resolve_mentions(ordered), strict=True):
            resolved[(article, mention.text, mention.start)] = entity
    out = []
    for finding in findings:
        statement, report = dict(finding["statement"]), dict(finding["report"])
        for claim, who, article in (
            (statement, "speaker", finding["article_id"]),
            (report, "source", finding.get("report_article_id") or finding["article_id"]),
        ):
            mention = mention_of(claim, who)
            entity = resolved[(str(article), mention.text, mention.start)]
            claim[f"{who}_entity"] = entity.entity
            claim[f"{who}_role"] = entity.role
        out.append({**finding, "statement": statement, "report": report})
    return out
