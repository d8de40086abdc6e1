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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nli.types import Claim

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
        "datuk",
        "dato",
        "seri",
        "chief",
        "director",
        "head",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "officer",
        "official",
        "commissioner",
        "superintendent",
        "inspector",
        "collector",
        "attorney",
        "prosecutor",
        "sheriff",
        "archbishop",
        "bishop",
        "cde",
        "comrade",
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
        "organization",
        "organisation",
        "foundation",
        "alliance",
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
        "yard",  # "Scotland Yard"
        # firms and institutions ("Vulcan Materials Co.", "Crimson Hospital")
        "co",
        "llc",
        "plc",
        "limited",
        "incorporated",
        "hospital",
        "clinic",
        "board",
        "club",
        "school",
        "college",
        "airlines",
        "airways",
        "centre",
        "center",
        "fund",
        "trust",
        "battalion",
        "brigade",
        "regiment",
        "division",
        "unit",
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
        "rep",
        "representative",
        "publicist",
        "manager",
        "agent",
        "lawyer",
        "attorney",
        "sheriff",
        "commissioner",
        "superintendent",
    ]
)
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person"}
#: Words after which a speaker text has become the rest of its sentence.
_CLAUSE_WORDS = frozenset(
    ["are", "is", "was", "were", "will", "would", "has", "have", "had", "initially",
     "published", "reportedly", "that", "which", "learned", "said", "says", "say", "told", "also",
     "yesterday", "today", "tonight", "earlier", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday", "who", "does", "did", "do", "can", "could", "may",
     "might", "must", "should", "still", "already", "now", "again", "never", "didn't",
     "doesn't", "don't", "wasn't", "isn't", "hasn't", "haven't", "won't", "wouldn't",
     "can't", "cannot", "couldn't", "shouldn't", "aren't", "weren't", "hadn't"]
)  # fmt: skip
#: Participles that put the speaker to an act: "Nasa forced to deny", "club quick to deny".
_PUSHED = frozenset(["forced", "prompted", "moved", "quick", "rushed", "compelled", "obliged"])
_WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
#: Lower-case "-ing" words that are no participle ending a speaker text.
_NOT_PARTICIPLES = frozenset(
    ["during", "including", "regarding", "according", "following", "acting"]
)  # "acting Chief"
#: Lower-case words that may follow a name in a speaker text ("Sutter, who", "Malik himself").
_AFTER_NAME = frozenset(
    ["who", "said", "says", "told", "himself", "herself", "also", "has", "had", "was", "is",
     "on", "in", "at", "from", "to", "during", "after", "before", "with"]
)  # fmt: skip
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
_LEADING_PHRASE = re.compile(
    r"^(?:(?!the\b|a\b|an\b|his\b|her\b|its\b)[a-z]|\w+ly\b|\w+ing\b"
    r"|(?i:for|in|at|after|amid|despite|on|during|since|before|with|without|as|when|while"
    r"|asked|faced|citing|quoting|according|and|but|so|firstly|secondly|finally)\b)"
)
#: A time before the speaker, the whole of its comma-separated part: "Monday, the Journal",
#: "Last week, the ministry", "Over the weekend, Mboweni" (not "Monday Okpebholo, the
#: governor": a name).
_TIME_PHRASE = re.compile(
    r"(?:(?:on|last|this|early|late|earlier|later)\s+|(?:over|at|during|in|on)\s+the\s+)*"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend|month|year"
    r"|night|morning|afternoon|evening|yesterday|today|tonight|earlier|later)",
    re.IGNORECASE,
)
#: Words for the press at large: "a media report" names no outlet.
_MEDIA_WORDS = frozenset(["media", "news", "press", "newspaper", "online", "social"])
_REFERRING_SUFFIX = re.compile(r"\s+(?:statement|statements|communique|report)\s*$")
_WORD = re.compile(r"[\w.'’-]+")


@dataclass(frozen=True)
class Mention:
    """A speaker or source text of one claim, where the claim starts in its article.

    Attributes:
        text (str | None): The speaker (statement) or source (report) text.
        start (int): Where the claim starts in its article.
        kind (str | None): ``"statement"`` or ``"report"`` when known: "the report"
            refers back to the last report's source, "the company" to the last body
            that made a statement. Defaults to None (unknown).
    """

    text: str | None
    start: int
    kind: str | None = None


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


def _known_outlet(name: str) -> bool:
    """Whether a name is one of the outlets :func:`canonical_outlet` knows ("AP", "Reuters")."""
    return name.lower().rstrip(".") in _OUTLET_ALIASES


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
    text = text.lstrip("'\"“” ")  # a mention cut after a closing quote: "' the minister"
    text = text.replace(" - ", "-").replace(" 's", "'s").replace("( ", "(").replace(" )", ")")
    text = re.sub(r"^date \d{4}-\d{2}-\d{2}\s+", "", text)  # a stored page's date line
    # "LONDON (AFP) - ", "MOSCOW, May 12 (Reuters) - ": a dateline
    text = re.sub(r"^[A-Z][A-Z ]+(?:,\s*[A-Z][a-z]+\.? \d+)?\s*(?:\([^)]*\))?\s*-\s*", "", text)
    # "Tokyo, Aug. 15 (Jiji Press)--Japan": a dateline with the agency and a double dash
    text = re.sub(
        r"^[A-Z][\w .']*,\s*[A-Z][a-z]+\.?\s*\d{1,2}\s*\([^)]*\)\s*(?:--|[-–—])\s*", "", text
    )
    # "Washington (AFP) March 22, 2000 - ": a news agency's dateline with a date after it
    text = re.sub(
        r"^[A-Z][\w .']*\((?:AFP|Reuters|AP|UPI|PTI|IANS|ANI|dpa|Xinhua|EFE)\)"
        r"(?:\s*[A-Z][a-z]+\.? \d{1,2}(?:,? \d{4})?)?\s*[-–—]\s*",
        "",
        text,
    )
    text = _trailing_speaker(_drop_leading_phrases(text))
    # "Mwalimu in an interview with Xinhua", "the ministry in a statement on Monday"
    text = _SPOKEN_IN.sub("", text) or text
    # "a ministry statement" is the ministry; "the Sky News report" is Sky News
    stripped = _REFERRING_SUFFIX.sub("", text)
    rest = stripped.lower().split()
    # "the statement" stays; so does "a media report", hearsay that names no one
    if rest and rest[-1] not in ("the", "a", "an") and rest[-1] not in _MEDIA_WORDS:
        text = stripped
    # A speaker text that runs on into its clause ("Chicago police are trying to ...",
    # "Al-Sabah initially"): the speaker is what comes before the verb.
    words = text.split()
    for i, word in enumerate(words[1:], start=1):
        # a participle or an adverb after a name: "Tewari responding to a question",
        # "Health Ministry categorically", "Malik flatly"
        verb_form = words[i - 1][:1].isupper() and (
            (word.endswith("ing") and word.islower() and word not in _NOT_PARTICIPLES)
            or _adverb(word)
        )
        clause = word.lower() in _CLAUSE_WORDS and not word.isupper()  # "the WHO" stays
        # "Nasa forced to deny": a headline's speaker runs on into its verb
        clause = clause or (word in _PUSHED and words[i + 1 : i + 2] == ["to"])
        if word.lower() in _WEEKDAYS and words[i - 1].lower() == "on":
            clause = False  # "Bedfordshire on Sunday"; "Najib Razak on Friday" ends at "on"
        if clause or verb_form:
            text = " ".join(words[:i]).strip(" ,;:.")
            break
    for determiner in _DETERMINERS:
        if text.lower().startswith(determiner):
            text = text[len(determiner) :]
            break
    return text


#: Lower-case words in "-ly" that are no adverb: "the Kardashian family", "the Nation daily".
_NOT_ADVERBS = frozenset(
    ["family", "assembly", "daily", "weekly", "monthly", "quarterly", "yearly", "fortnightly",
     "ally", "rally", "supply", "anomaly", "monopoly", "friendly", "elderly", "early", "only"]
)  # fmt: skip


def _adverb(word: str) -> bool:
    """Whether a word reads as an adverb in "-ly" ("categorically", "flatly").

    Example:
        >>> [_adverb(w) for w in ("categorically", "family", "Italy", "fly")]
        [True, False, False, False]
    """
    return len(word) > 4 and word.islower() and word.endswith("ly") and word not in _NOT_ADVERBS


#: Where a mention's words were said, when the speaker text runs on into it.
_SPOKEN_IN = re.compile(
    r"(?<=\w)\s+in (?:an? |the |his |her |its |their )?(?:\w+ )?(?:interview|statement|"
    r"post|tweet|e-?mail|letter|press release|briefing|conversation|video)\b.*$"
)


def _drop_leading_phrases(text: str) -> str:
    """A mention without the discourse words and phrases before its speaker: "for the
    timeline, McGuinness" -> "McGuinness"; "Swiftly responding to the rumours, a
    spokesperson for the couple" -> "a spokesperson for the couple"; "for specific M23
    operations, the report" -> "the report"."""
    text = re.sub(r"^(?:however|but|and|meanwhile|still),\s*", "", text, flags=re.IGNORECASE)
    # "According to the ministry, the South Korean media outlet": the outlet, whose report
    # the ministry described (an appositive person, "a spokesman", stays the first part)
    relayed = re.match(r"^according to [^,]+,\s+(.+)$", text, flags=re.IGNORECASE)
    if relayed is not None and relayed.group(1).split()[-1].lower() in _OUTLET_NOUNS:
        text = relayed.group(1)
    text = re.sub(r"^according to\s+", "", text, flags=re.IGNORECASE)
    text = " ".join(text.split()).strip(" ,;:.")
    parts = text.split(", ")
    while len(parts) > 1 and (_LEADING_PHRASE.match(parts[0]) or _TIME_PHRASE.fullmatch(parts[0])):
        parts = parts[1:]
    return ", ".join(parts)


def _trailing_speaker(text: str) -> str:
    """The speaker at the end of a mention that took in the claim before it: "Fourteen
    officers had been arrested, Karam" -> "Karam"; "Rumors of a killer are false --
    police" -> "police". The tail after the last comma or dash is the speaker when it
    is short and capitalised (a comma) or short (a dash) and the text before has a verb."""
    for mark, named in ((r"\s+(?:--|—|–)\s+", False), (r",\s+", True)):
        parts = re.split(mark, text)
        tail = parts[-1].split()
        if len(parts) < 2 or not 0 < len(tail) <= 4:
            continue
        if named and not all(_is_name_word(w) for w in tail):
            continue
        before = " ".join(parts[:-1]).split()
        if any(w.lower() in _VERBS for w in before[1:]):
            return parts[-1].strip(" ,;:.")
    return text


#: Finite verbs that show a mention took in a clause ("... had been arrested, Karam").
_VERBS = frozenset(
    ["is", "are", "was", "were", "has", "have", "had", "will", "would", "did", "does"]
)


def _key(text: str) -> tuple[str, ...]:
    """Lower-case words without possessives, for comparing body names."""
    words = [(w[:-2] if w.lower().endswith("'s") else w).strip(".'") for w in _WORD.findall(text)]
    # "top officials" are the "officials" of before ("Top Gear" keeps its capital)
    return tuple(
        w.lower() for w in words if w and w.lower() not in _UNKEYED and w not in _RANK_WORDS
    )


_UNKEYED = frozenset(["the", "a", "an", "these", "those"])
#: Lower-case words of rank that do not tell two groups apart ("top officials", "officials").
_RANK_WORDS = frozenset(["top", "senior"])


def _is_name_word(word: str) -> bool:
    bare = word.strip(".,")
    if re.match(r"^[a-z]{1,3}-[A-Z]", bare):  # "al-Momani", "el-Sisi"
        return True
    return bool(bare) and bare[0].isupper() and bare.lower().strip(".") not in TITLES


def _person_name(text: str) -> tuple[str | None, bool]:
    """The person's name in a mention, and whether a title introduced it.

    The name is the last run of capitalised words that are neither titles nor body
    words, in the first comma-separated part that has one ("Col. Roger King, a U.S.
    military spokesman at Bagram Air Base" -> "Roger King"; "Spokesman Lieutenant Colonel
    Bryan Hilferty" -> "Bryan Hilferty"). A run after "of"/"for" that follows a name
    belongs to that name ("Department of Homeland Security", "Observatory for Human
    Rights") and is no person.
    """
    best: tuple[str | None, bool] = (None, False)
    for part in text.split(","):
        if best[0] is not None:
            break
        words = part.split()
        # (words, after a title, an adjective ends it, starts after "<title> of")
        runs: list[tuple[list[str], bool, bool, bool]] = []
        current: list[str] = []
        titled = of_title = False
        for i, word in enumerate(words):
            after = next((w for w in words[i + 1 :] if w not in _NAME_PARTICLES), None)
            if current and word in _NAME_PARTICLES and after is not None and _is_name_word(after):
                current.append(word)  # "Eduardo del Rosario", "Luis de la Fuente"
                continue
            if _is_name_word(word):
                if not current:
                    titled = i > 0 and words[i - 1].lower().strip(".") in TITLES
                    of_title = (
                        i > 1
                        and words[i - 1].lower() == "of"
                        and words[i - 2].lower().strip(".") in TITLES
                    )
                    if _names_a_body_part(words, i):
                        titled = False
                        current = ["of"]  # marks the run as part of a body's name
                current.append(word.strip(".,"))
                continue
            if current:
                # "Several European countries", "Indian army": capitals before a noun
                # describe it; a name ends its phrase or goes on with a verb or "who".
                adjective = word[:1].islower() and word.lower() not in _AFTER_NAME
                # "Prime Minister Julia Gillard of Australia": a titled name goes on with
                # "of" and the place
                adjective = adjective and not (titled and word.lower() == "of")
                runs.append((current, titled, adjective, of_title))
            current = []
        if current:
            runs.append((current, titled, False, of_title))
        for run, was_titled, adjective, after_title_of in runs:
            # "Superintendent of Police Ashutosh Bagri": after "<title> of", a body word, then
            # a name of two or more words with none ("Army Public School" is no person)
            lead = next((j for j, w in enumerate(run) if w.lower() not in BODY_WORDS), len(run))
            rest = run[lead:]
            named = len(rest) >= 2 and not any(w.lower() in BODY_WORDS for w in rest)
            if after_title_of and lead and named:
                run, was_titled = rest, True
            if adjective or run[0] == "of" or any(w.lower() in BODY_WORDS for w in run):
                continue
            if len(run) >= 2 or was_titled:
                best = (" ".join(run), was_titled)
    return best


#: Lower-case words inside a person's name ("Eduardo del Rosario", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset(
    ["de", "del", "della", "da", "di", "dos", "das", "du", "van", "von", "der", "den", "bin",
     "ibn", "la", "le"]
)  # fmt: skip


def _names_a_body_part(words: list[str], i: int) -> bool:
    """Whether the capitalised word ``words[i]`` goes on a body's name after "of"/"for"
    ("Ministry of Foreign Affairs"), not after a title ("Secretary of State John Kerry")."""
    if i < 2 or words[i - 1].lower() not in ("of", "for"):
        return False
    before = words[i - 2].strip(".,")
    return before.lower() in BODY_WORDS or (before[:1].isupper() and before.lower() not in TITLES)


def _role(text: str, name: str | None) -> str | None:
    rest = text.replace(name, " ") if name else text
    words = [w.strip(",.") for w in rest.split()]
    kept = [w for w in words if w and w.lower() in TITLES | ROLE_NOUNS | _KIN]
    if not kept:
        return None
    parts = [p.strip(" ,") for p in rest.split(",") if p.strip(" ,")]
    # the part with a role noun ("Dr Thome, his spokesman": "his spokesman"), else a title
    nouns = [w for w in kept if w.lower() in ROLE_NOUNS | _KIN]
    described = next((p for p in parts if any(w in p for w in nouns)), None) or next(
        (p for p in parts if any(w in p for w in kept)), None
    )
    return _clean(described) if described else " ".join(kept)


@dataclass
class _Known:
    entity: str
    kind: str
    key: tuple[str, ...]
    role: str | None
    #: Named by the name alone ("Yolande Makolo"), with no description in the mention.
    bare: bool = False

    @property
    def is_role(self) -> bool:
        """A person known by role alone ("his spokeswoman", "a Samsung representative")."""
        return self.kind == "body" and any(w in ROLE_NOUNS for w in self.key)


def _surname_match(known: list[_Known], surname: str) -> _Known | None:
    """The last person whose name has ``surname`` as a word ("Hua" of "Hua Chunying")."""
    word = surname.lower()
    for item in reversed(known):
        if item.kind == "person" and any(
            _same_surname(word, w) for w in item.entity.lower().split()[1:]
        ):
            return item
    for item in reversed(known):  # family name first, as in Chinese names
        if item.kind == "person" and item.entity.split()[0].lower() == word:
            return item
    return None


def _same_surname(word: str, surname: str) -> bool:
    """ "Momani" is "al-Momani"; a long name misspelt by one letter is the same name
    ("Tulemagabetov", "Tulemaganbetov")."""
    if word == surname or word == surname.split("-")[-1]:
        return True
    if min(len(word), len(surname)) < 8 or abs(len(word) - len(surname)) > 1:
        return False
    return _one_edit(word, surname)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one inserted, deleted or changed letter."""
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]
    return len(b) - len(a) <= 1


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


@dataclass
class _Context:
    """What the mentions before the current one established, in text order."""

    known: list[_Known]
    #: Each earlier mention's entity with the kinds of claim it was found for (one claim
    #: may be read both as a statement and as a report), for "they" and "the report".
    history: list[tuple[Entity, frozenset[str | None]]]
    #: The entities of earlier mentions that named a spokesperson ("a Microsoft
    #: spokesperson"), for a later bare "the spokesperson" or "a representative".
    spokes: list[Entity] = field(default_factory=list)
    #: Where in ``history`` a statement's speaker is a body described, not named ("the
    #: Iran-backed Lebanese Shi'ite group"), with no named body before: the next named
    #: body of a statement is the one described.
    described: list[int] = field(default_factory=list)

    def last(
        self,
        *,
        kind: str | None = None,
        person: bool | None = None,
        generic: bool = False,
        also: bool = False,
    ) -> Entity | None:
        """The latest entity before (only of that claim kind, or ``also`` of other kinds
        too; a person or not; or "reports")."""
        for entity, kinds in reversed(self.history):
            if entity.entity is None:
                continue
            if entity.entity.lower() in _GENERIC | {HEARSAY_ENTITY, RUMOUR_ENTITY} and not generic:
                continue
            if kind is not None and (kind not in kinds if also else kinds != {kind}):
                continue
            if person is not None and (entity.kind == "person") != person:
                continue
            return entity
        return None


def _pronoun(cleaned: str, definite: bool, kind: str | None, context: _Context) -> Entity | None:
    """A pronoun: "he"/"she" the last person, "it" the last body, "they" the last named.

    An acronym in capitals ("the WHO", "IT") is a name, not a pronoun.
    """
    word = cleaned.split()[0]
    if len(word) > 1 and word.isupper():
        return None
    first = word.lower()
    if first in _PRONOUNS:
        person = next((k for k in reversed(context.known) if k.kind == "person" or k.is_role), None)
        return Entity(person.entity, person.role, person.kind) if person else Entity(None)
    if len(cleaned.split()) > 1:  # "its secretary general Iqbal Jhagra" is someone else
        return None
    if first == "it":
        return context.last(person=False) or Entity(None)
    if first in ("they", "them"):
        return context.last() or Entity(None)
    if first in _RELATIVE:  # "which" names no one by itself
        return Entity(None)
    return None


_RELATIVE = frozenset(["who", "which", "that", "whom"])
#: Nouns for hearsay that no one in particular is named as the source of.
_HEARSAY = frozenset(
    ["report", "reports", "reporting", "rumour", "rumours", "rumor", "rumors", "claim", "claims",
     "allegation", "allegations", "speculation", "accusation", "accusations", "story", "stories",
     "theory", "theories"]
)  # fmt: skip
#: Words that end the head of a noun phrase ("reports in some sections of the media").
_HEAD_END = frozenset(["in", "of", "on", "about", "that", "from", "by", "over", "at", "here"])
#: The one entity of an article's unattributed hearsay ("reports", "earlier reports", "rumours").
HEARSAY_ENTITY = "reports"
#: ... and of its rumours, kept apart from its reports.
RUMOUR_ENTITY = "rumours"
_RUMOUR = frozenset(["rumour", "rumours", "rumor", "rumors", "speculation"])


def _head_words(cleaned: str) -> list[str]:
    """The words of a mention's first noun phrase, up to a preposition or "that"."""
    words = cleaned.split(",")[0].split()
    for i, word in enumerate(words):
        if i > 0 and word.lower() in _HEAD_END:
            return words[:i]
    return words


def _hearsay(cleaned: str, definite: bool, kind: str | None, context: _Context) -> Entity | None:
    """Unattributed hearsay: "reports", "media reports", "the rumours".

    All of an article's unattributed hearsay is one entity, "reports" ("the report" is
    :func:`_the_output`).
    """
    head = _head_words(cleaned)
    if not head or head[-1].lower() not in _HEARSAY:
        return None
    if any(w[:1].isupper() for w in head[1:]):  # "the Sky News report" names its source
        return None
    if _agent(cleaned):  # "the story in the Bedfordshire on Sunday": that paper
        return None
    if re.search(r"\b(?:on|in) its\b", cleaned, re.I):  # "the report on its website"
        found = _last_named_source(context)
        if found is not None:
            return found
    if head[-1].lower() in _RUMOUR:  # "rumours" are not "media reports"
        return Entity(RUMOUR_ENTITY, None, "body")
    return Entity(HEARSAY_ENTITY, None, "body")


def _the_output(cleaned: str, definite: bool, kind: str | None, context: _Context) -> Entity | None:
    """A definite output: "the report", "the fake story" is whoever made the last report;
    "the statement", "the communique" whoever made the last statement (bodies only)."""
    words = cleaned.lower().split()
    noun = words[-1] if words else ""
    # lower-case adjectives before the noun ("the fake story"), nothing after it
    described = all(w.isalpha() and w.islower() for w in cleaned.split()[:-1])
    if not definite or noun not in _ONE_OUTPUT or len(words) > 3 or not described:
        return None
    return context.last(kind=_ONE_OUTPUT[noun], person=False, generic=True)


#: What "the <noun>" a body put out is, and so the kind of claim its maker made.
_ONE_OUTPUT = {
    "report": "report",
    "story": "report",
    "statement": "statement",
    "communique": "statement",
    "announcement": "statement",
}


#: Nouns for what a body puts out: a mention "X by/from/in Y" is Y.
_OUTPUT_NOUNS = _HEARSAY | frozenset(
    ["statement", "statements", "video", "footage", "photographs", "photos", "data", "article",
     "information", "investigation", "communique", "interview", "post", "tweet", "release"]
)  # fmt: skip


def _agent(cleaned: str) -> str | None:
    """Who put out what a mention names: "A statement released by Alstom" -> "Alstom".

    Example:
        >>> _agent("The story in the Bedfordshire on Sunday"), _agent("reports of his death")
        ('Bedfordshire on Sunday', None)
    """
    words = cleaned.split(",")[0].split()
    for i, word in enumerate(words):
        if word.lower().strip(".") not in _OUTPUT_NOUNS:
            continue
        rest = words[i + 1 :]
        if rest and rest[0].lower() in _MADE:
            rest = rest[1:]
        if len(rest) >= 2 and rest[0].lower() in ("by", "from", "in"):
            break
        if len(rest) >= 2 and rest[0].lower() == "of" and rest[1].lower() in ("these", "those"):
            break  # "the joint communique of these countries"
    else:
        return None
    agent = rest[1:]
    if agent and agent[0].lower() == "the":
        agent = agent[1:]
    for i, word in enumerate(agent):
        if i > 0 and word.lower() in _AGENT_END:  # "experts for the UN seen by the AFP"
            agent = agent[:i]
            break
    referring = bool(agent) and agent[0].lower() in ("these", "those")  # named before
    if not referring and not any(w[:1].isupper() for w in agent):
        return None  # "reports in some sections of the media"
    return " ".join(agent)


_MADE = frozenset(["released", "provided", "issued", "published", "carried", "posted", "read"])
_AGENT_END = frozenset(["seen", "which", "who", "that", "and"])


def _resolve_one(text: str, kind: str | None, context: _Context) -> Entity:
    cleaned = _clean(text)
    if not cleaned or cleaned.lower() in _NO_ONE or _DATELINE.fullmatch(cleaned):
        return Entity(None)
    # "the ministry", and "a ministry statement": both refer to a ministry named before
    opening = _drop_leading_phrases(text.lstrip("'\"“” ")).lower()
    definite = opening.startswith(("the ", "these ", "those ")) or bool(
        _REFERRING_SUFFIX.search(text)
    )
    makers = _MAKERS_OF.match(cleaned)
    if makers is not None:  # "the authors of the communique": who made it
        return _resolve_one("the " + makers.group(1), kind, context)
    for rule in (_pronoun, _the_output, _hearsay):
        found = rule(cleaned, definite, kind, context)
        if found is not None:
            return found
    agent = _agent(cleaned)
    if agent is not None:
        found = _resolve_one(agent, kind, context)
        for item in context.known:  # "data from Benzinga Pro" is no name alone
            item.bare = item.bare and item.entity != found.entity
        return found
    return (
        _member_of_group(cleaned, context.known)
        or _made_for(cleaned, context.known)
        or _same_spokesperson(cleaned, context)
        or _described_person(cleaned, definite, context)
        or _person(cleaned, context.known)
        or _spokesperson_for(cleaned, kind, context)
        or _same_source(cleaned, definite, context)
        or _body(cleaned, definite, kind, context)
    )


def _same_source(cleaned: str, definite: bool, context: _Context) -> Entity | None:
    """ "The source with knowledge of Kim's health" after "a source with access to North
    Korea's leadership": a definite single source described again is the article's one
    source before it (with several before, no one by this rule)."""
    words = cleaned.split(",")[0].split()
    if not definite or not words or words[0].lower() != "source" or len(words) < 3:
        return None
    if words[1].lower() not in ("with", "close", "familiar", "in", "at", "from", "who"):
        return None
    sources = {
        item.entity for item in context.known if item.kind == "body" and item.key[:1] == ("source",)
    }
    if len(sources) != 1:
        return None  # none, or several sources the description could be any of
    return Entity(next(iter(sources)), None, "body")


def _made_for(cleaned: str, known: list[_Known]) -> Entity | None:
    """What a body made for someone is that body's: "The investigation for the UN" after
    "independent experts for the UN" (a body named before whose name ends "for <them>")."""
    found = re.match(r"^(?:[a-z-]+\s+)*?(\w+)\s+for\s+(.+)$", cleaned.split(",")[0])
    if found is None or found.group(1).lower() not in _OUTPUT_NOUNS:
        return None
    tail = ("for", *_key(found.group(2)))
    for item in reversed(known):
        if item.kind == "body" and len(item.key) > len(tail) and item.key[-len(tail) :] == tail:
            return Entity(item.entity, None, "body")
    return None


#: "The authors of X" made X: the mention refers to whoever made X.
_MAKERS_OF = re.compile(
    r"^(?:authors?|makers?|writers?|signatories)\s+of\s+(?:the\s+)?(\w+)$", re.IGNORECASE
)


def _member_of_group(cleaned: str, known: list[_Known]) -> Entity | None:
    """One of a group named before is that group: "One witness", "another resident",
    "one of the residents" after "Witnesses", "Two Rohingya residents"."""
    found = re.match(r"^(?:one|another)\s+(of\s+(?:the\s+)?)?([a-z]+)$", cleaned, re.I)
    if found is None:
        return None
    noun = found.group(2).lower()
    plurals = {noun + "s", noun + "es", re.sub(r"y$", "ies", noun)}
    if found.group(1):  # "one of the witnesses": the noun is the group's
        plurals = {noun}
    for item in reversed(known):
        if item.kind == "body" and item.key and item.key[-1] in plurals:
            return Entity(item.entity, None, "body")
    return None


#: Mentions that are a discourse word left by the claim finder, not a speaker.
_NO_ONE = frozenset(["meanwhile", "meantime", "however", "instead", "published", "breaking"])
#: A dateline left alone as a speaker text: "BEIJING, April 3".
_DATELINE = re.compile(r"[A-Z]{2,}(?: [A-Z]{2,})*,\s*[A-Z][a-z]+\.?\s*\d{1,2}")
#: Nouns for a person that "the ..." may refer back with ("the Chinese diplomat").
PERSON_NOUNS = ROLE_NOUNS | frozenset(
    ["diplomat", "envoy", "guitarist", "singer", "actor", "actress", "star", "coach", "player",
     "lawyer", "attorney", "politician", "leader", "founder", "frontbencher", "senator",
     "superintendent", "commissioner", "inspector", "chairman", "chairwoman", "owner",
     "collector", "magistrate", "sheriff", "archbishop", "bishop", "premier", "chancellor"]
)  # fmt: skip
_AGE = re.compile(r"^\d+-year-old$")


def _described_person(cleaned: str, definite: bool, context: _Context) -> Entity | None:
    """A described person ("the spokesman", "the Chinese diplomat") named before.

    The last person whose role has the noun; failing that, the last person named. A
    mention that names a place or body before the noun ("The Florida governor") takes only
    a person whose role has the noun and names no other place or body ("Gov. Rick Scott",
    not "Pentagon spokesman John Kirby" for "the Kremlin spokesman"), else no one; so does
    a mention holding a full name of its own.
    """
    head = _head_words(cleaned)
    if definite and len(head) == 1 and re.fullmatch(r"[A-Z]{2,5}", head[0]):
        return _role_acronym(head[0], context.known)
    if not definite or not head:
        return None
    noun = head[-1].lower().strip(".")
    # "the Collector" is the role noun capitalised; "the Florida governor" a place before it
    places = {w.strip(".,'") for w in head[:-1] if _is_name_word(w) and not _adjective(w)}
    if _is_name_word(head[-1]) and noun not in PERSON_NOUNS:
        return None
    if noun not in PERSON_NOUNS and not _AGE.match(noun):
        return None
    name = _person_name(cleaned)[0]
    if name is not None and len(name.split()) >= 2:
        return None  # "the executive director of the NDRMMC, Eduardo del Rosario": named here
    for item in reversed(context.known):
        if item.kind != "person" or not item.role or noun not in _role_words(item.role).split():
            continue
        if places and _role_names(item.role) - places:
            continue  # "the Kremlin spokesman" is not "Pentagon spokesman John Kirby"
        return Entity(item.entity, item.role, "person")
    last = context.last(person=True)
    if places or (last is not None and set(_key(last.role or "")) & _KIN):
        return None  # "the Yemeni official" is not "his sister Lucy Somers"
    return last


#: Words for a relative or friend: one named so is not "the official" or "the spokesman".
_KIN = frozenset(
    ["sister", "brother", "father", "mother", "wife", "husband", "son", "daughter", "widow",
     "cousin", "uncle", "aunt", "niece", "nephew", "girlfriend", "boyfriend", "friend",
     "neighbour", "neighbor", "grandmother", "grandfather", "relative", "fiancee", "fiance"]
)  # fmt: skip


def _role_names(role: str) -> set[str]:
    """The proper names in a role ("Pentagon" in "Pentagon spokesman"), not its title words
    ("Chief Minister", "Gov.")."""
    return {
        w.strip(".,'")
        for w in role.split()
        if _is_name_word(w) and not _adjective(w) and w.lower().strip(".,") not in _ROLE_TITLE_WORDS
    }


#: Abbreviated titles and the role noun each stands for ("Gov. Rick Scott" is a governor).
_TITLE_NOUNS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general",
    "col": "colonel", "capt": "captain", "lt": "lieutenant", "sgt": "sergeant",
    "supt": "superintendent", "insp": "inspector", "pres": "president", "amb": "ambassador",
    "cmdr": "commander", "adm": "admiral", "maj": "major", "atty": "attorney",
}  # fmt: skip


#: Words of a role that are titles or role nouns, not the names of a place or body.
_ROLE_TITLE_WORDS = PERSON_NOUNS | TITLES | frozenset(_TITLE_NOUNS)


def _role_words(role: str) -> str:
    """A role in lower case with its abbreviated titles spelled out ("Gov." -> "governor")."""
    words = [w.strip(".,") for w in role.lower().split()]
    return " ".join(_TITLE_NOUNS.get(w, w) for w in words)


def _role_acronym(acronym: str, known: list[_Known]) -> Entity | None:
    """The last person whose role the acronym spells: "the DCP" after "Chinmoy Biswal,
    the deputy commissioner of police (south-east)"."""
    for item in reversed(known):
        if item.kind != "person" or not item.role:
            continue
        words = [w for w in _key(re.sub(r"\(.*?\)", "", item.role)) if w not in _FUNCTION_WORDS]
        if len(words) >= 2 and "".join(w[0] for w in words) == acronym.lower():
            return Entity(item.entity, item.role, "person")
    return None


def _role_noun(role: str | None) -> bool:
    """Whether a role has a role noun ("his spokesman"), not a title alone ("Dr")."""
    return role is not None and any(w in ROLE_NOUNS for w in _key(role))


def _adjective(word: str) -> bool:
    """A capitalised adjective of nationality before a noun ("Chinese", "Venezuelan")."""
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:an|ian|ese|ish|i)", word.strip(".,")))


def _person(cleaned: str, known: list[_Known]) -> Entity | None:
    """A person named in the mention, or by surname alone after their full name."""
    name, titled = _person_name(cleaned)
    head = cleaned.split(",")[0].strip()  # "Sutter, who was also a writer"
    # "Puerta, the losing finalist at Roland Garros": the surname before the comma, not a
    # name inside its description
    single = len(head.split()) == 1 and head[:1].isupper()
    if single and name is not None and name != head and _surname_match(known, head.strip(".")):
        name = None
    if name is None and single:
        earlier = _surname_match(known, head.strip("."))
        if earlier is not None:  # "Andanar" after "Martin Andanar"
            return Entity(earlier.entity, earlier.role, "person")
    if name is None:
        return None
    before = cleaned.split(name)[0].split()
    if before and before[-1].lower() in _OUTLET_NOUNS | _FIRM_NOUNS:
        return None  # "US website National Report" is no person
    surname = name.split()[-1]
    earlier = _surname_match(known, surname)
    role = _role(cleaned, name)
    if earlier is not None and _role_noun(role) and not _role_noun(earlier.role):
        earlier.role = role  # "Dr Thome", then "Dr Thome, his spokesman": the spokesman
    if earlier is not None and (len(name.split()) == 1 or earlier.entity == name):
        return Entity(earlier.entity, role or earlier.role, "person")
    if earlier is not None and len(earlier.entity.split()) == 1:
        earlier.entity = name  # the full name came second: it names them both
        return Entity(name, role or earlier.role, "person")
    if len(name.split()) >= 2 or titled:
        known.append(
            _Known(
                name,
                "person",
                _key(name),
                role,
                bare=cleaned.replace(".", "") == name.replace(".", ""),
            )
        )
        return Entity(name, role, "person")
    return None


#: Nouns for one who speaks for someone else ("a spokeswoman for the company").
_SPEAKS_FOR = frozenset(
    ["spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative",
     "representatives", "rep", "officer", "publicist"]
)  # fmt: skip


def _spokesperson_for(cleaned: str, kind: str | None, context: _Context) -> Entity | None:
    """An unnamed spokesperson of a body is that body: "a spokesperson for Texas Prime
    Turkey Farm", "a press officer for the council", "a Samsung representative" (after
    Samsung). One for a person ("a rep for the actor") stays a role of their own."""
    words = cleaned.split(",")[0].split()
    at = next((i for i, w in enumerate(words) if w.lower() in _SPEAKS_FOR), None)
    if at is None:
        return None
    after = words[at + 1 :]
    if len(after) >= 2 and after[0].lower() in ("for", "of", "at", "from"):
        earlier = _known_body(_key(_clean(" ".join(after[1:]))), context.known, definite=True)
        # one for a body named before is that body; "a spokesman for Myanmar's junta" named
        # first stays a role, to be tied to the junta spokesman named later
        return Entity(earlier.entity, None, "body") if earlier is not None else None
    if not after and [w.lower() for w in words[:at]][-1:] == ["company"]:
        # "an unnamed company spokesperson": the company that made the last statement
        return _last_named_source(context, "statement", outlets=False)
    before = [w for w in words[:at] if w.lower() not in ("press", "media", "company")]
    if before and not after and all(w[:1].isupper() for w in before):
        earlier = _known_body(_key(" ".join(before)), context.known, definite=True)
        if earlier is not None:  # "a Samsung representative" after "Samsung"
            return Entity(earlier.entity, None, "body")
    return None


def _same_spokesperson(cleaned: str, context: _Context) -> Entity | None:
    """A bare "the spokesperson", "a representative" is whoever the last mention of a
    spokesperson was ("a Microsoft spokesperson" -> Microsoft); with none before, no one
    by this rule."""
    words = cleaned.split(",")[0].split()
    if not words or words[-1].lower() not in _SPEAKS_FOR:
        return None
    if any(not w.islower() for w in words[:-1]) or len(words) > 3:
        return None  # "a U.K. spokesperson", "the ministry's spokesman" say whose
    if not context.spokes:
        return None
    # someone else named in between ("One of Hunter's sources"; hearsay does not count):
    # the spokesperson may speak for them, so no one by this rule
    last = context.last()
    if len(words) == 1 and last is not None and last != context.spokes[-1]:
        return None  # "the actor's publicist" says whose; a bare "a spokesperson" does not
    return context.spokes[-1]


def _known_body(key: tuple[str, ...], known: list[_Known], *, definite: bool) -> _Known | None:
    """The earlier body a mention's words name: the same words, a part of its name
    ("the defence ministry"), its acronym ("the DSWD"), or its name at the mention's end
    ("a statement from the Public Affairs Unit of the Finance Ministry")."""
    # "the FBI" is not "the FBI and the U.S. attorney's office": a joint mention holds
    # two bodies, and neither of them alone is it
    bodies = [
        item
        for item in reversed(known)
        if item.kind == "body" and (item.key == key or not _joint(item.entity))
    ]
    for item in bodies:
        if _acronym_of(key, item.entity) or _expands(key, item.entity):
            return item  # "the DSWD regional office", "KNDF"; the other way round
        if key and key == _key(_BRACKETED.sub("", item.entity)):
            return item  # "Asus" after "Asus (華碩)"
        if item.key == key or ((definite or len(key) >= 2) and _contains(item.key, key)):
            return item
    for item in bodies:
        if item.entity.lower() in _GENERIC:
            continue
        if (
            len(key) > len(item.key)
            and key[-len(item.key) :] == item.key
            and (_proper(item.entity) or _capitalised_body_word(item.entity))
        ):
            return item  # "The Nigerian Army" after a headline's "Army"
        if not _proper(item.entity):
            continue
        if _CORPORATE.intersection(item.key[1:]) and item.key[: len(key)] == key:
            return item  # "Toyota" after "Toyota Motor Corp"
        if _subsequence(key, item.key) or _subsequence(item.key, key):
            return item
        if _same_group(key, item.key) or _same_group(item.key, key):
            return item
    return None


def _joint(name: str) -> bool:
    """Whether a name joins two bodies ("FBI and the U.S. attorney's office", "Uber and its
    rival Ola"), not one body's name with "and" in it ("Food and Drug Administration").

    Example:
        >>> _joint("Uber and its rival Ola"), _joint("Ministry of Science and Technology")
        (True, False)
    """
    return re.search(r"\s(?:and|&)\s+(?:the|its|his|her|their|a|an|other)\s", name) is not None


def _capitalised_body_word(name: str) -> bool:
    """A body named by one capitalised body word alone ("Army", "Police" in a headline)."""
    return len(name.split()) == 1 and name[:1].isupper() and name.lower() in BODY_WORDS


#: A part of a name in brackets: another name for the same body ("Asus (華碩)").
_BRACKETED = re.compile(r"\s*\([^)]*\)")

#: Words of a company's legal name that its short name leaves out ("Toyota Motor Corp").
_CORPORATE = frozenset(
    ["corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "plc", "co", "group"]
)


def _same_group(mention: tuple[str, ...], earlier: tuple[str, ...]) -> bool:
    """Whether a mention ends with a group "<noun> for/of/at <name>" that a body named
    before starts with ("independent experts for the UN" and "experts for the UN
    Security Council"): three words or more, from a word that is no function word,
    with "for", "of" or "at" inside."""
    for start in range(len(mention) - 2):
        run = mention[start:]
        if run[0] in _FUNCTION_WORDS or not set(run[1:-1]) & {"for", "of", "at"}:
            continue
        if _contains(earlier, run) and earlier.index(run[0]) == 0:
            return True
    return False


def _acronym_of(key: tuple[str, ...], name: str) -> bool:
    """Whether a mention's first word is the acronym of a body's name: its initials
    ("Karenni Nationalities Defence Force" for "KNDF") or the one in brackets
    ("Department of Social Welfare and Development (DSWD)")."""
    if not key or len(key[0]) < 2:
        return False
    bracketed = re.findall(r"\(([A-Za-z]{2,})\)", name)
    initials = "".join(w[0] for w in name.split() if w[:1].isupper())
    if len(key[0]) >= 3 and name.split()[-1][:1].isupper():
        # "the PPP" after "His supporters in the Pakistan People's Party": the name
        # the mention ends with
        tail = "".join(w[0] for w in name.split()[-len(key[0]) :])
        if tail.lower() == key[0]:
            return True
    return key[0] in {b.lower() for b in bracketed} or (
        len(initials) >= 2 and key[0] == initials.lower()
    )


def _expands(key: tuple[str, ...], acronym: str) -> bool:
    """Whether a mention of two words or more spells out a body named before by its
    acronym alone: "Karenni Nationalities Defence Force" after "the KNDF" (the initials
    of its words other than "of", "and", "the")."""
    if len(key) < 2 or len(acronym) < 2 or not acronym.isupper() or not acronym.isalpha():
        return False
    initials = "".join(w[0] for w in key if w not in _FUNCTION_WORDS)
    return initials == acronym.lower()


def _subsequence(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether ``shorter`` (two words or more) is ``longer`` with words left out, with the
    same first and last word ("Iran Guards" and "Iran's Revolutionary Guards")."""
    if len(shorter) < 2 or len(longer) <= len(shorter) or shorter[0] != longer[0]:
        return False
    if shorter[-1] != longer[-1]:
        return False
    rest = iter(longer)
    return all(word in rest for word in shorter)


def _appositive_name(head: str) -> str:
    """The name after a description: "News agency Bloomberg" -> "Bloomberg", "Iraqi
    newspaper Al-Sabah" -> "Al-Sabah"; other mentions as they are."""
    words = head.split()
    lower = [i for i, w in enumerate(words) if w[:1].islower() and not w.endswith("'s")]
    if any(words[i] in ("and", "&") for i in lower):
        return head  # "Uber and its rival Ola": both, not the last name
    if not lower or lower[-1] == len(words) - 1 or words[lower[-1]] in _FUNCTION_WORDS:
        return head
    return " ".join(words[lower[-1] + 1 :])


_FUNCTION_WORDS = frozenset(["and", "of", "for", "by", "the", "to", "in", "at", "on", "with"])
#: Nouns for an outlet that "the paper", "the online medium" refer back with.
_OUTLET_NOUNS = frozenset(
    ["paper", "newspaper", "daily", "tabloid", "outlet", "website", "site", "medium",
     "magazine", "broadcaster", "channel", "network", "publication", "agency"]
)  # fmt: skip


def _body(cleaned: str, definite: bool, kind: str | None, context: _Context) -> Entity:
    """A body: one named before in other words, or a new one."""
    known = context.known
    first = cleaned.split(",")[0].strip()
    head = _appositive_name(first)
    head_key = _key(head)
    bare = len(head_key) == 1 and head_key[0] in BODY_WORDS  # "Police are dispelling ..."
    earlier = _known_body(head_key, known, definite=definite or bare) or _one_conjunct(head, known)
    if earlier is not None:
        return Entity(earlier.entity, None, "body")
    if bare and not definite and kind == "statement":
        # "police" said, then "a statement from Police Scotland" ("the company" is below)
        entity = _new_body(head, head_key, known)
        context.described.append(len(context.history))
        return entity
    words = head.split()
    if definite and len(words) >= 2 and words[-1] in BODY_WORDS and _description(words):
        # "the central bank" after "Bangladesh Bank", "the Bulgarian federation" after
        # "Bulgaria's Tennis Federation": a description ending in the noun a name ends in
        noun = (words[-1],)
        for item in reversed(known):
            if item.kind == "body" and item.key[-1:] == noun and _proper(item.entity):
                return Entity(item.entity, None, "body")
    if definite and kind and _description(words):
        # "the paper" after the Daily Mirror reported; "the company" after it said so;
        # "the world's biggest automaker" after Toyota Motor Corp
        outlet = words[-1] in _OUTLET_NOUNS
        if not outlet and words[-1] not in _FIRM_NOUNS:
            return _new_body(head, head_key, known)
        found = context.last(kind="report" if outlet else "statement", person=False)
        if found is None and not outlet:
            # "The company" after "INM said", a claim read both as statement and as report
            found = context.last(kind="statement", person=False, also=True)
            if found is not None and _outlet_name(found.entity or ""):
                found = None  # "the company" is no outlet that reported
        # "the publication" after "The Sun" reported: a capitalised body word may name an
        # outlet, never a body that made statements
        name = found.entity if found is not None else None
        if found is not None and name and name[:1].isupper() and (_proper(name) or outlet):
            return found
        if outlet:  # "the online medium" after "Sahara Reporters" (read both ways)
            found = _last_named_source(context)
            if found is not None:
                return found
        if kind == "statement" and len(words) >= 2:  # the body may be named next
            entity = _new_body(head, head_key, known)
            context.described.append(len(context.history))
            return entity
    entity = _new_body(head, head_key, known)
    description = _key(first[: len(first) - len(head)])
    if head != first and description and description[-1] not in _FUNCTION_WORDS:
        # "the monitoring group SITE": a later "the monitoring group" is SITE
        known.append(_Known(entity.entity or head, "body", description, None))
    return entity


def _description(words: list[str]) -> bool:
    """Whether a mention describes a body without naming it: lower-case words ("the
    company"), with adjectives of place or kind before the noun ("the Iran-backed Lebanese
    Shi'ite group", "the UN nuclear watchdog", "the world's biggest automaker")."""
    if not words or not words[-1].islower():
        return False
    return all(
        w[:1].islower()
        or _adjective(w)
        or re.fullmatch(r"[A-Z][\w']*-[a-z]+", w) is not None  # "Iran-backed"
        or re.fullmatch(r"[A-Z]{2,3}", w) is not None  # "UN", "EU"
        or re.fullmatch(r"[A-Z][a-z]+'(?:ite|i)", w) is not None  # "Shi'ite"
        for w in words[:-1]
    )


def _last_named_source(
    context: _Context, kind: str = "report", *, outlets: bool = True
) -> Entity | None:
    """The last body with a proper name that a claim of ``kind`` was found for (``outlets``
    False: not a known news outlet, such as "the Wall Street Journal")."""
    for entity, kinds in reversed(context.history):
        name = entity.entity or ""
        outlet = _known_outlet(name)
        if entity.kind == "body" and kind in kinds and _proper(name) and (outlets or not outlet):
            return entity
    return None


def _one_conjunct(head: str, known: list[_Known]) -> _Known | None:
    """The one body named before among the conjuncts of a joint mention: "the Ministry of
    Health and the World Health Organization" after "the WHO" is the WHO. Two named
    before, or none: no one."""
    conjuncts = re.split(r"\s+(?:and|&)\s+", head)
    if len(conjuncts) < 2:
        return None
    found = {
        item.entity: item
        for item in (_known_body(_key(c), known, definite=True) for c in conjuncts)
        if item is not None
    }
    return next(iter(found.values())) if len(found) == 1 else None


#: Nouns for a firm or organisation that "the company" may refer back with.
_FIRM_NOUNS = frozenset(
    ["company", "firm", "maker", "manufacturer", "group", "organisation", "organization",
     "club", "carrier", "retailer", "lender", "insurer", "department", "giant", "chain",
     "automaker", "carmaker", "watchdog", "militia", "movement"]
)  # fmt: skip


def _new_body(head: str, head_key: tuple[str, ...], known: list[_Known]) -> Entity:
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
    context = _Context([], [])
    kinds: dict[tuple[str | None, int], set[str | None]] = {}
    for mention in mentions:
        kinds.setdefault((mention.text, mention.start), set()).add(mention.kind)
    known = context.known
    resolved: dict[int, Entity] = {}
    by_text: dict[tuple[str, int], Entity] = {}
    for i in order:
        mention = mentions[i]
        if mention.text is None or not mention.text.strip():
            resolved[i] = Entity(None)
            continue
        same = by_text.get((mention.text, mention.start))  # one claim as statement and report
        resolved[i] = same or _resolve_one(mention.text, mention.kind, context)
        by_text[(mention.text, mention.start)] = resolved[i]
        if same is None:
            context.history.append((resolved[i], frozenset(kinds[(mention.text, mention.start)])))
            if resolved[i].entity and any(w in _SPEAKS_FOR for w in _key(mention.text)):
                context.spokes.append(resolved[i])
    named_next = _named_next(context)
    resolved = {
        i: Entity(named_next[e.entity], None, "body") if e.entity in named_next else e
        for i, e in resolved.items()
    }
    outlet = _one_outlet(context, [(m.text, resolved[i]) for i, m in enumerate(mentions)])
    if outlet is not None:  # "a report", "the report" in an article with one outlet's report
        for i, e in resolved.items():
            text = mentions[i].text or ""
            head = _head_words(_clean(text)) if e.entity == HEARSAY_ENTITY else []
            if head and head[-1].lower() in _ONE_HEARSAY:
                resolved[i] = outlet
    # A person first named by surname alone and later in full takes the full name.
    surnames: dict[str, list[str]] = {}
    for k in known:
        if k.kind == "person":
            surnames.setdefault(k.entity.split()[-1].lower(), []).append(k.entity)
    # "Luke Somers" and "his sister Lucy Somers" are two people: a surname that two given
    # names share stands for neither of them
    full = {
        surname: names[-1]
        for surname, names in surnames.items()
        if len({_given_name(name) for name in names} - {None}) <= 1
    }
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


#: Singular hearsay nouns: one report, which an article's one reporting outlet made.
_ONE_HEARSAY = frozenset(["report", "story", "claim", "allegation", "accusation"])
#: Words in the names of news outlets ("The Irish Times", "Daily Mirror", "Sky News").
_OUTLET_NAME_WORDS = frozenset(
    ["times", "post", "journal", "news", "daily", "mirror", "herald", "telegraph", "guardian",
     "tribune", "press", "gazette", "express", "mail", "observer", "chronicle", "independent",
     "reporters", "tv", "television", "radio", "broadcasting", "magazine", "standard", "sun",
     "star", "inquirer", "bulletin", "dispatch", "wire", "agency", "online"]
)  # fmt: skip


def _outlet_name(name: str) -> bool:
    """Whether a name is a news outlet's: a known outlet, or an outlet's word in it.

    Example:
        >>> _outlet_name("The Irish Times"), _outlet_name("AP"), _outlet_name("Vallourec")
        (True, True, False)
    """
    return _known_outlet(name) or bool(set(_key(name)) & _OUTLET_NAME_WORDS)


def _one_outlet(context: _Context, resolved: Sequence[tuple[str | None, Entity]]) -> Entity | None:
    """The one news outlet that made reports in the article and no claim read only as a
    statement ("The Wall Street Journal" reported; "a report", "the report" is theirs); None
    when there are none or several. An outlet has a known outlet's name, an outlet's word in
    its name, or a mention that calls it one ("Danish state broadcaster DR")."""
    stated = {e.entity for e, kinds in context.history if kinds == {"statement"}}
    called = {e.entity for text, e in resolved if set(_key(text or "")) & _OUTLET_NOUNS}
    found: dict[str, Entity] = {}
    for entity, kinds in context.history:
        name = entity.entity
        if not name or not name[:1].isupper() or name in stated or entity.kind != "body":
            continue
        outlet = _outlet_name(name) or name in called
        if "report" in kinds and outlet and name.lower() not in _GENERIC:
            found[name] = entity
    return next(iter(found.values())) if len(found) == 1 else None


def _given_name(name: str) -> str | None:
    """The word before a person's surname when it is a given name, lower case ("lucy" in
    "Lucy Somers"); None for a surname alone, an initial ("J Muthukumaran") or a title or
    role kept in the name ("Ex-Gov Suswam", "Actor Judd Nelson" gives "judd")."""
    words = name.split()
    if len(words) < 2:
        return None
    word = words[-2].strip(".,").lower()
    parts = set(word.split("-"))
    if len(word) < 2 or parts & (TITLES | PERSON_NOUNS | BODY_WORDS):
        return None
    return word


def _named_next(context: _Context) -> dict[str, str]:
    """Each described body of a statement ("the Iran-backed Lebanese Shi'ite group", in a
    lede) tied to the next body with a proper name that made a statement ("Hezbollah")."""
    ties: dict[str, str] = {}
    for at in context.described:
        described = context.history[at][0].entity
        key = _key(described or "")
        words = set(key) - ROLE_NOUNS - _ROLE_STOP - BODY_WORDS
        one_word = len(key) == 1  # a body word alone ("police"): the body whose name has it
        for entity, kinds in context.history[at + 1 :]:
            if entity.kind == "person" and words & set(_key(entity.role or "")):
                break  # "fire service spokesman Pedro Aihara" speaks for "the fire department"
            name = entity.entity
            if entity.kind == "body" and "statement" in kinds and name and _proper(name):
                if described and (not one_word or key[0] in _key(name)):
                    ties[described] = name
                    break
                if not one_word:
                    break
    return ties


def _roles_to_people(known: list[_Known]) -> dict[str, _Known]:
    """Role-only mentions tied to the one person named with that role in the article.

    "Venezuelan defense minister" is "Venezuelan defense minister Vladimir Padrino
    Lopez"; "a spokesman for Myanmar's junta" is "Junta spokesman Zaw Min Tun": the
    same role noun and another word in common (a role noun alone, "minister": that noun).
    Two candidates: no tie.
    """
    people = [k for k in known if k.kind == "person" and k.role]
    ties: dict[str, _Known] = {}
    for item in known:
        if not item.is_role:
            continue
        nouns = {_role_class(w) for w in item.key if w in ROLE_NOUNS}
        # "the singer's spokesman": whose spokesman is no word of the role
        owners = {w.lower().removesuffix("'s") for w in item.entity.split() if w.endswith("'s")}
        others = {w for w in item.key if w not in ROLE_NOUNS | _ROLE_STOP | owners}
        # "minister" alone: the one person with that role noun; otherwise another word too
        candidates = [
            person
            for person in people
            if nouns & {_role_class(w) for w in _key(person.role or "")}
            and (
                not others
                or others & set(_key(person.role or ""))
                # "The Warren County sheriff" in the lede, then "Sheriff Larry Sims": a bare
                # role named next after the description has no word to tell them apart
                or (_bare_role(person.role) and known.index(person) == known.index(item) + 1)
            )
        ]
        if len({c.entity for c in candidates}) == 1:
            ties[item.entity] = candidates[0]
        elif not candidates:
            named = _next_person(known, item)
            if named is not None:
                ties[item.entity] = named
    return ties


def _bare_role(role: str | None) -> bool:
    """Whether a role is titles and role nouns alone ("Sheriff", "Police Commissioner" is
    not: "Police" names whose)."""
    return all(w in ROLE_NOUNS | TITLES for w in _key(role or ""))


#: Role nouns of one who speaks for a person, one role whatever the word ("rep", "publicist").
_SPEAKER_ROLES = frozenset(["rep", "representative", "publicist"])


def _role_class(word: str) -> str:
    """A role noun, with the words for one who speaks for another taken as one."""
    return "representative" if word in _SPEAKER_ROLES else word


def _next_person(known: list[_Known], item: _Known) -> _Known | None:
    """The person an unnamed spokesperson or minister is when the article names them next
    by the name alone ("A government spokesman said ..." then "Mohammed al-Momani said"):
    the first person named after the role, if no person in the article has a role."""
    if not set(item.key) & _NAMED_NEXT:
        return None
    after = known[known.index(item) + 1 :]
    person = next((k for k in after if k.kind == "person"), None)
    if person is None or not person.bare:
        return None
    if any(k.kind == "person" and _role_noun(k.role) for k in known):
        return None
    return person


#: Role nouns of one who speaks for a government or body, and so is named next.
_NAMED_NEXT = frozenset(
    ["spokesman", "spokeswoman", "spokesperson", "minister", "secretary", "rep", "representative",
     "publicist"]
)  # fmt: skip


_ROLE_STOP = frozenset(["for", "of", "at", "in", "to", "and", "his", "her", "its", "their"])


def add_speaker_entities(
    findings: Sequence[dict[str, Any]], claims: Mapping[str, Sequence[Claim]] | None = None
) -> list[dict[str, Any]]:
    """Give each finding's statement and report their canonical entity and role.

    ``statement`` gains ``speaker_entity`` and ``speaker_role``, ``report`` gains
    ``source_entity`` and ``source_role`` (null when no one is named). The mentions of
    one article (a statement's in ``article_id``, a report's in ``report_article_id``)
    are resolved together by :func:`resolve_mentions`: all the claims found in it when
    ``claims`` holds them (by article id), so an entity does not depend on which pairs
    were scored or kept (``--min-score``); else the speaker and source texts of its
    findings. A finding that carries its entities already keeps them.

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
    pending = [f for f in findings if not _has_entities(f)]
    articles = {article for finding in pending for _, _, article in _claims_of(finding)}
    context = {
        article: [Mention(c.speaker, c.span[0], c.kind) for c in (claims or {}).get(article, ())]
        for article in articles
    }
    known = {
        article: {(m.text, m.start) for m in mentions} for article, mentions in context.items()
    }
    extra: dict[str, dict[tuple[str | None, int], Mention]] = {}
    for finding in pending:  # mentions the article's claims do not hold (all of them without)
        for claim, who, article in _claims_of(finding):
            mention = _mention_of(claim, who)
            if (mention.text, mention.start) not in known[article]:
                extra.setdefault(article, {})[(mention.text, mention.start)] = mention
    resolved: dict[tuple[str, str | None, int], Entity] = {}
    for article in articles:
        ordered = context[article] + list(extra.get(article, {}).values())
        for mention, entity in zip(ordered, resolve_mentions(ordered), strict=True):
            resolved.setdefault((article, mention.text, mention.start), entity)
    out = []
    for finding in findings:
        if _has_entities(finding):
            out.append(finding)
            continue
        statement, report = dict(finding["statement"]), dict(finding["report"])
        for claim, who, article in _claims_of(
            {**finding, "statement": statement, "report": report}
        ):
            mention = _mention_of(claim, who)
            entity = resolved[(article, mention.text, mention.start)]
            claim[f"{who}_entity"] = entity.entity
            claim[f"{who}_role"] = entity.role
        out.append({**finding, "statement": statement, "report": report})
    return out


def _claims_of(finding: dict[str, Any]) -> list[tuple[dict[str, Any], str, str]]:
    """A finding's statement and report, each with its ``who`` key and its article's id."""
    return [
        (finding["statement"], "speaker", str(finding["article_id"])),
        (
            finding["report"],
            "source",
            str(finding.get("report_article_id") or finding["article_id"]),
        ),
    ]


def _mention_of(claim: dict[str, Any], who: str) -> Mention:
    span = claim.get("span") or [0, 0]
    return Mention(claim.get(who), int(span[0]), "statement" if who == "speaker" else "report")


def _has_entities(finding: dict[str, Any]) -> bool:
    return "speaker_entity" in finding["statement"] and "source_entity" in finding["report"]
