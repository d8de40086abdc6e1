"""Find attributed claims in sentences: official statements and third-party reports.

The rules are deliberately simple and explainable; they follow the annotation guidelines in
``fixtures/ANNOTATION.md`` (see also DESIGN.md, "The core idea: polarity before NLI").

**1. Cues.** A sentence holds a claim only when it has an attribution cue: a speech verb
(:data:`SPEECH_VERBS`), a denial verb (:data:`DENIAL_VERBS`), an evaluation verb
(:data:`EVALUATION_VERBS`: "described X as Y", "blamed X on Y", "accused X of Y"), an
evidence verb used by a document or a third party (:data:`EVIDENCE_VERBS`: "satellite images
showed ...") or "according to". A cue is skipped when it is negated ("did not deny",
"declined to comment"), passive ("had been told"), used as a noun ("after reports that"), or
sits inside the content of another cue ("X said witnesses told him ...").

**2. Readings.** Around each cue the sentence is cut into a **source** and a **content**:
the quote before the cue ('"P," X said' / '"P," said X'), the subject before the cue with a
quote, a *that*-clause, a denied object or a bare reported clause after it ('X said (that)
P'), a trailing attribution ('P, X said'), or 'According to X, P' / 'P, according to X'.

**3. Kind.** The source decides the kind (:func:`classify_source`), checked in this order:

- pronouns ("he", "she", "it", "they") and short names ("Brask said") take the kind of the
  source they refer back to (the last person, organisation or group of the article);
- documents and evidence (:data:`DOCUMENT_WORDS`), anonymous sources (:data:`ANONYMOUS_WORDS`)
  and third parties (:data:`THIRD_PARTY_WORDS`: media, witnesses, staff speaking for
  themselves, experts, civil society, international organisations) -> ``"report"``;
- the article's **principal** (the party named as speaking in the headline or the lead, with
  its definite references such as "the company") -> ``"statement"``;
- authorities and the people who speak for an institution (:data:`OFFICIAL_WORDS`) ->
  ``"statement"``;
- any other organisation or person: ``"statement"`` only when the article has no principal,
  otherwise ``"report"`` (another company, a hospital that treated patients, a resident).

**4. Polarity.** A reported denial ("X denied that P", "X rejected reports that P", "It is not
true that P", "X described the allegation as a fabrication") gives content P and polarity
``"-"``: a report that entails P contradicts the official. Anything else, including negated
assertions ("we have no troops in Syria", said X), gives the asserted clause and ``"+"``.

A sentence gives at most one claim of each kind ("Iran denies having troops but sources told
Reuters that troops had arrived" gives both); a multi-sentence quotation gives one claim per
quoted sentence, and a quoted sentence with no cue right after an attributed quote continues
it. Refusals ("said it would not comment further") give no claim.

Example:
    >>> from nli.types import Sentence
    >>> c = attribute_sentence(Sentence("Iran denied that its troops were in Syria.", 0, 42))
    >>> (c.kind, c.speaker, c.cue, c.content, c.polarity)
    ('statement', 'Iran', 'denied', 'its troops were in Syria', '-')
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nli.clean import strip_dateline
from nli.types import Claim, ClaimKind, Polarity, Sentence

# --------------------------------------------------------------------------- lexicons

#: Verbs that deny or reject what follows them (content -> polarity "-").
DENIAL_VERBS: tuple[str, ...] = (
    "denied", "denies", "deny", "denying",
    "rejected", "rejects", "reject",
    "dismissed", "dismisses", "dismiss",
    "refuted", "refutes", "refute",
    "ruled out", "rules out", "rule out",
)  # fmt: skip

#: Verbs that introduce speech (content -> polarity "+"). "report(s)" in the present tense
#: is a cue only in a headline ("Doctors report cholera cases") or before "that".
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "told", "tells", "tell",
    "stated", "states", "added", "adds",
    "insisted", "insists", "insist", "declared", "declares", "announced", "announces",
    "claimed", "claims", "confirmed", "confirms", "revealed", "reveals",
    "acknowledged", "acknowledges", "admitted", "admits", "warned", "warns",
    "maintained", "maintains", "argued", "argues", "alleged", "alleges", "explained",
    "stressed", "noted", "wrote", "writes", "reported", "reports", "report", "assured",
)  # fmt: skip

#: Speech verbs that take a noun phrase as their claim: "confirmed the visit", "Doctors
#: report cholera cases".
NP_OBJECT_VERBS: tuple[str, ...] = (
    "confirmed", "confirms", "reported", "reports", "report", "announced", "announces",
    "revealed", "reveals",
)  # fmt: skip

#: Speech verbs that are cues only with a quote or a that-clause ("admitted 400 patients",
#: "warned people to stay indoors" are no claims).
THAT_ONLY_VERBS: tuple[str, ...] = (
    "admitted", "admits", "acknowledged", "acknowledges", "maintained", "maintains",
    "argued", "argues", "noted", "stressed", "explained", "warned", "warns", "assured",
    "declared", "declares",
)  # fmt: skip

#: Verbs by which documents, data and third parties present evidence ("images showed P").
#: They are cues only when the source is classified as a third party.
EVIDENCE_VERBS: tuple[str, ...] = (
    "showed", "shows", "show", "appeared to show", "appear to show", "found", "finds",
    "indicated", "indicates", "suggested", "suggests", "lists", "listed", "names", "named",
    "outlined", "outlines", "documented",
)  # fmt: skip

#: Verbs that evaluate an object: "described X as Y", "called X Y", "blamed X on Y",
#: "accused X of Y". A falsity word in Y ("a fabrication") makes it a denial of X.
EVALUATION_VERBS: tuple[str, ...] = (
    "described", "describes", "called", "calls", "blamed", "blames", "accused", "accuses",
)  # fmt: skip

#: Words that, in front of a cue, cancel it: "did not deny", "declined to comment".
NEGATORS: tuple[str, ...] = (
    "did not", "didn't", "does not", "doesn't", "do not", "don't", "would not",
    "wouldn't", "could not", "couldn't", "will not", "won't", "declined to", "refused to",
    "has not", "have not", "had not", "hasn't", "haven't", "never", "not",
)  # fmt: skip

#: Sources that are documents or evidence: always third-party reports, whoever wrote them.
DOCUMENT_WORDS: tuple[str, ...] = (
    "report", "reports", "study", "studies", "survey", "memo", "letter", "letters",
    "filing", "filings", "record", "records", "document", "documents", "figures", "data",
    "statistics", "images", "imagery", "photographs", "photos", "pictures", "footage",
    "video", "videos", "recording", "tests", "test results", "samples", "readings",
    "analysis", "audit", "note", "emails", "messages", "cables", "transcript", "logs",
    "text of", "calendar", "notice", "paper", "findings", "inquiry", "investigation",
    "assessment", "review",
)  # fmt: skip

#: Anonymous sources: third parties even when they are close to the official side.
ANONYMOUS_WORDS: tuple[str, ...] = (
    "source", "sources", "insider", "insiders", "person close", "people close",
    "person familiar", "people familiar", "familiar with", "with knowledge",
    "asked not to be named", "condition of anonymity", "declined to be named",
)  # fmt: skip

#: News media: third parties, and mere channels when they relay an official's words
#: ("..., he said, according to Mehr News Agency").
MEDIA_WORDS: tuple[str, ...] = (
    "media", "newspaper", "newspapers", "news agency", "news site", "broadcaster",
    "television", "channel", "magazine", "journalist", "journalists", "reporter",
    "reporters", "correspondent", "editor", "reuters", "ap", "afp", "associated press",
    "bloomberg", "bbc", "cnn",
)  # fmt: skip

#: Third parties besides the media: witnesses, people speaking for themselves, experts, civil
#: society, international organisations and the political opposition.
THIRD_PARTY_WORDS: tuple[str, ...] = MEDIA_WORDS + (
    # witnesses and people speaking for themselves
    "witness", "witnesses", "resident", "residents", "villager", "villagers", "locals",
    "relatives", "families", "family", "parents", "neighbours", "neighbors", "customers",
    "passengers", "patients", "traders", "shop owners", "shopkeepers", "farmers",
    "fishermen", "anglers", "employees", "employee", "workers", "worker", "staff",
    "colleagues", "doctor", "doctors", "nurse", "nurses", "medics", "paramedics",
    "coach", "students", "pharmacists", "retailers", "protesters", "protest", "fans",
    "supporters", "eyewitness", "eyewitnesses",
    # experts and examiners
    "analyst", "analysts", "expert", "experts", "economist", "economists", "researcher",
    "researchers", "scientist", "scientists", "academic", "academics", "investigator",
    "investigators", "inspector", "inspectors", "auditor", "auditors", "monitor",
    "monitors", "observer", "observers", "observatory", "consultancy", "consultants",
    "laboratory", "lab", "university", "institute", "think tank",
    # civil society and opposition
    "group", "groups", "ngo", "ngos", "charity", "campaigners", "campaign", "activist",
    "activists", "union", "unions", "association", "industry body", "lobby", "watchdog",
    "watch", "amnesty", "opposition", "rights",
    # international organisations and diplomats
    "united nations", "un", "who", "imf", "world bank", "diplomat", "diplomats",
    "independent",
)  # fmt: skip

#: Authorities, and people who speak for an institution (matched as whole words).
OFFICIAL_WORDS: tuple[str, ...] = (
    "government", "minister", "ministers", "ministry", "ministries", "president", "premier",
    "chancellor", "cabinet", "administration", "white house", "kremlin", "pentagon",
    "department", "agency", "authority", "authorities", "council", "commission",
    "commissioner", "regulator", "office", "embassy", "ambassador", "consulate", "army",
    "navy", "air force", "military", "police", "officers", "guards", "guard", "forces",
    "commander", "general", "colonel", "lieutenant", "prosecutor", "prosecutors", "court",
    "judge", "governor", "mayor", "city", "municipality", "state", "senator", "lawmaker",
    "lawmakers", "parliament", "spokesman", "spokeswoman", "spokesperson", "press officer",
    "officer", "official", "officials", "secretary", "director", "chair", "chairman",
    "chairwoman", "chief executive", "ceo", "cfo", "coo", "chief", "executive",
    "executives", "manager", "boss", "head", "board", "committee", "federation", "league",
    "company", "we",
)  # fmt: skip

#: Roles of a single person (for "he"/"she"): "army spokesman Colonel Dario Fenz".
PERSON_ROLES: tuple[str, ...] = (
    "minister", "president", "premier", "chancellor", "commissioner", "ambassador",
    "commander", "general", "colonel", "lieutenant", "prosecutor", "judge", "governor",
    "mayor", "senator", "lawmaker", "spokesman", "spokeswoman", "spokesperson", "officer",
    "official", "secretary", "director", "chair", "chairman", "chairwoman",
    "chief executive", "ceo", "cfo", "coo", "executive", "manager", "boss", "head",
    "doctor", "nurse", "coach", "editor", "analyst", "expert", "economist", "researcher",
    "scientist", "investigator", "inspector", "auditor", "diplomat", "witness", "resident",
    "person", "insider", "journalist", "reporter", "correspondent", "founder", "owner",
)  # fmt: skip

#: Heads of an organisation's name (for "it"): "the ministry", "the council".
ORGANISATION_HEADS: tuple[str, ...] = (
    "ministry", "government", "army", "navy", "police", "agency", "authority", "council",
    "office", "department", "commission", "federation", "league", "city", "board",
    "committee", "embassy", "court", "administration", "cabinet", "military",
)  # fmt: skip

#: Words of the state (not of a company): a principal named with one is an authority, so
#: "the company" cannot refer to it.
STATE_WORDS: tuple[str, ...] = ORGANISATION_HEADS[:-2] + (
    "minister", "president", "premier", "chancellor", "commissioner", "ambassador",
    "governor", "mayor", "senator", "lawmaker", "prosecutor", "judge", "officials",
)  # fmt: skip

#: Nouns of a definite reference to the principal organisation: "the company said".
ORGANISATION_NOUNS: tuple[str, ...] = (
    "company", "firm", "group", "club", "bank", "lender", "airline", "carrier", "hospital",
    "league", "chain", "retailer", "maker", "developer", "manufacturer", "insurer",
    "operator", "owner", "organisers", "organizers", "committee", "board", "business",
)  # fmt: skip

#: Falsity words that turn an evaluation ("described X as a fabrication") into a denial.
FALSITY_WORDS: tuple[str, ...] = (
    "false", "baseless", "untrue", "groundless", "unfounded", "fabricated", "fabrication",
    "lie", "lies", "nonsense", "propaganda", "fake", "invented", "absurd", "ridiculous",
    "inaccurate", "wrong", "misleading", "fiction", "speculation",
)  # fmt: skip

#: Content patterns that are themselves denials of P: "it is not true that P", "there is
#: no evidence that P", "reports of P were false".
DENIAL_CONTENT = re.compile(
    r"^(?:it is|it's|it was) (?:not true|untrue|false|baseless|a lie) that (?P<p>.+)$"
    r"|^there (?:is|was) no evidence that (?P<q>.+)$"
    r"|^(?:the |these |such |media )?(?:reports?|claims?|allegations?|accusations?|rumou?rs?)"
    r" (?:of|that|about) (?P<r>.+?) (?:were|was|are|is) (?:false|baseless|untrue|groundless|"
    r"unfounded|wrong|lies)$",
    re.IGNORECASE,
)

#: Nouns naming a claim that a denial verb can take before "that": "rejected reports that P".
CLAIM_NOUNS = (
    r"(?:as (?:false|baseless|untrue|groundless|unfounded|\"?baseless\"?) )?"
    r"(?:the |these |those |such |media )?(?:reports?|claims?|allegations?|"
    r"accusations?|suggestions?|rumou?rs?|speculation|assertions?)"
)

# --------------------------------------------------------------------------- patterns

_QUOTES = '"“”'
_Q = "[" + _QUOTES + "]"
_NOT_Q = "[^" + _QUOTES + "]"
_ALL_CUES = DENIAL_VERBS + SPEECH_VERBS + EVIDENCE_VERBS + EVALUATION_VERBS


def _alternation(words: Sequence[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_CUE = re.compile(
    r"(?P<neg>\b(?:" + _alternation(NEGATORS) + r")\s+(?:(?:confirm|comment) or\s+)?)?"
    r"\b(?P<verb>" + _alternation(_ALL_CUES) + r")\b"
    r"|\b(?P<acc>according\s+to)\b",
    re.IGNORECASE,
)
#: A be-auxiliary right before a cue makes it passive ("had been told", "is expected").
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
#: Words before a cue that make it a noun ("after reports that", "the claims").
_NOUN_BEFORE = re.compile(
    r"\b(?:a|an|the|these|those|such|media|press|news|after|amid|of|to|by|with|despite|"
    r"following|new|earlier|recent|his|her|its|their|our|unconfirmed|initial|first|latest|"
    r"further|any|no)\s+$",
    re.IGNORECASE,
)
#: A verb of denial right before "reports" makes it a noun: "US Disputes Reports that P",
#: "are disputing reports that P" (the parse reads the denial).
_REJECTED_BEFORE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|disput\w*|reject\w*|dismiss\w*|refut\w*|rebut\w*|"
    r"debunk\w*|quash\w*|dispel\w*|contradict\w*|repudiat\w*|downplay\w*|scotch\w*)\s+$",
    re.IGNORECASE,
)
#: A capitalised word right before a capitalised cue makes the cue part of a name.
_NAME_BEFORE = re.compile(r"\b[A-Z][\w.'’-]*\s+$")
#: Adjunct clause breaks: the source of a cue is looked for after the last one.
_CLAUSE_BREAK = re.compile(
    r";|:|\b(?:learned|learnt|heard|knew|said|says|told|added|noted|believes?|thinks?)\s+that\b|"
    r"\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bafter\b|\bwhere\b|"
    r"\bwhen\b(?!\s+(?:asked|speaking|responding|pressed|questioned)\b)|"
    r"\bbecause\b|(?<!such )\bas\b(?!\s+(?:well|a result|part|of|if|soon|long|much|many|"
    r"early|late|usual|expected|[\"“]?(?:" + _alternation(FALSITY_WORDS) + r"))\b)",
    re.IGNORECASE,
)
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)
_TRAILING_RELATIVE = re.compile(r"\s+(?:that|which|who)$", re.IGNORECASE)
#: The first of two coordinated verbs before a cue: "The company did not immediately confirm
#: or [deny]", "Police would neither confirm nor [deny]": the source is what comes before it.
_COORDINATED_VERB = re.compile(
    r"\s+(?:did|does|do|would|will|could|can|has|have|had)\s+(?:not\s+|neither\s+|never\s+)?"
    r"(?:\w+ly\s+)?\w+\s+(?:or|nor)$",
    re.IGNORECASE,
)
#: A message its source put out, between the source and the cue: "released a statement".
_ISSUED_MESSAGE = re.compile(
    r"\s+(?:(?:has|had|have)\s+)?(?:released|issued|put out|posted|published|sent)\s+"
    r"(?:a|an|the|its|his|her|their)\s+(?:[\w-]+\s+)?"
    r"(?:statement|tweet|post|release|letter|e-?mail|note)$",
    re.IGNORECASE,
)
_ACCORDING_END = re.compile(r",?\s*according to\b.*$", re.IGNORECASE)
#: Where the content of a cue ends: the next adjunct clause ("..., after researchers said").
_CONTENT_CUT = re.compile(
    r",\s*(?:after|where|although|though|while|whereas|as|but|despite|amid)\b"
    r"|;|\s+(?:but|as|while|after|whereas)\s+(?=(?:[\w'-]+\s+){0,4}(?:"
    + _alternation(SPEECH_VERBS + DENIAL_VERBS)
    + r")\b)",
    re.IGNORECASE,
)
#: Words that qualify a rejected object: "rejected the report as baseless".
_AS_QUALIFIER = re.compile(
    r"\s+as\s+[\"“]?(?:[\w-]+\s+){0,2}(?:" + _alternation(FALSITY_WORDS) + r")\b.*$",
    re.IGNORECASE,
)
_DISMISSIVE = re.compile(
    r"\s+(?:were|are|was|is) (?:false|baseless|untrue|groundless|unfounded)\b.*$",
    re.IGNORECASE,
)
#: Time, place and channel phrases between a cue and its content ("said on Monday that").
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:on|in|at(?!\s+(?:least|most)\b)|during|late|early|earlier|last|this|to|by|"
    r"from|for|via)\s+"
    r"(?:(?!that\b|it\b|they\b|he\b|she\b|we\b)[\w'.-]+\s+){0,5}?"
    r"(?:[\w'.-]+)\s*,?\s*)*",
    re.IGNORECASE,
)
_TIME_WORD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|year|"
    r"morning|afternoon|evening|night|weekend|today|yesterday)"
)
#: A trailing phrase after a cue that is only an adverbial ("..., X said on Monday.").
_TRAIL_ADVERBIAL = re.compile(
    r"^(?:(?:on|in|at|during|late|early|earlier|last|this|after|before|when|while|"
    r"to|by|through|from|via)\b[^;\"“”]*)?$",
    re.IGNORECASE,
)
#: A finite verb or auxiliary: tells a clause ("it had returned") from a phrase ("on Monday").
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|had|has|have|would|will|could|can|did|does|do|may|might|"
    r"must|should|remain|remains|remained)\b|\b\w{3,}ed\b",
    re.IGNORECASE,
)
#: An auxiliary: a source phrase never has one ("the competition had" is content).
_AUX = re.compile(
    r"\b(?:is|are|was|were|be|been|had|has|have|would|will|could|can|did|does|do|may|"
    r"might|must|should)\b",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"^(?:it|they|he|she|we|the \w+)?\s*(?:would|will|could|did)?\s*(?:not|no longer)\s+"
    r"(?:comment|respond|elaborate)\b|^no comment\b",
    re.IGNORECASE,
)
_TRAILING_SUBJECT_NOISE = re.compile(
    r"(?:\s+(?:has|have|had|has also|have also|also|again|repeatedly|routinely|"
    r"previously|earlier|later|now|today|(?:on|late on|early on|last|this|earlier this)\s+"
    + _TIME_WORD
    + r"|on \w+day|in a statement))+\s*$",
    re.IGNORECASE,
)
#: A frame in front of a subject: "Last winter, the hospital ...", "In a statement, X said".
_LEADING_FRAME = re.compile(
    r"^(?:(?:(?:last|this|on|in|at|earlier|later|late|early|during|after|before)\b[^,]{0,80}"
    r"|(?:when\s+)?(?:asked|speaking|responding|pressed|questioned|writing)\b[^,]{0,80}),\s*)+",
    re.IGNORECASE,
)
#: Capitalised words that are never a person's name.
_NOT_NAMES = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "the", "a", "an",
))  # fmt: skip
_PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "group", "we": "we", "i": "we"}
_PROPER = re.compile(r"[A-Z][\w&'.-]*")
_TITLE_PREFIX = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Gen|Col|Lt|Sir|Prof)\.?$")

#: How much a reading is trusted; per sentence and kind the best-scored one is kept.
_READING_SCORE: dict[str, int] = {
    "quote-before": 3, "quote": 3, "that": 3, "evaluation": 2, "object": 2, "trailing": 2,
    "bare": 1, "according": 1,
}  # fmt: skip


@dataclass(frozen=True)
class _Parse:
    """One attribution found in a sentence, before its source is classified (internal)."""

    source: str
    cue: str
    content: str
    polarity: Polarity
    reading: str
    evidence: bool = False  # an evidence verb: valid only for a third-party source

    @property
    def score(self) -> int:
        """Trust in the reading: quotes and that-clauses 3, bare clauses 1."""
        return _READING_SCORE[self.reading]


@dataclass
class _Entity:
    """A source the article has mentioned, for pronouns and short names (internal)."""

    name: str
    kind: ClaimKind
    type: str  # "person", "org", "group" or "document"


@dataclass
class SourceContext:
    """What the article so far says about its sources; used to classify the next one.

    Attributes:
        principal_words (set[str]): Lower-cased name words and head nouns of the principal.
        principal_is_state (bool): The principal is an authority (its definite references
            "the company" then cannot mean it).
        people (dict[str, ClaimKind]): Kind of each person name met with a role.
        last (dict[str, _Entity]): The last person, organisation and group met.
    """

    principal_words: set[str] = field(default_factory=set)
    principal_is_state: bool = False
    people: dict[str, ClaimKind] = field(default_factory=dict)
    last: dict[str, _Entity] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled whole-word alternation per lexicon (lexicons are module constants)."""
    return re.compile(r"(?<![\w-])(?:" + _alternation(words) + r")(?![\w-])")


def _has_word(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` contains one of ``words`` as a whole word (case-insensitive)."""
    return _word_pattern(tuple(words)).search(text.lower()) is not None


def _clean(text: str) -> str:
    """Strip spaces, quotes and final punctuation, keeping an exact substring."""
    return text.strip(" \t\n,;:." + _QUOTES)


def _short_source(subject: str) -> str:
    """Shorten a long source to its head: 'X, an Iranian deputy minister, speaking ...'."""
    subject = _TRAILING_SUBJECT_NOISE.sub("", subject).strip(" ,")
    parts = [p.strip() for p in subject.split(",") if p.strip()]
    if not parts:
        return subject.strip()
    head = parts[0]
    if len(parts) > 1 and re.match(r"(?:a|an|the)\s", parts[1], re.IGNORECASE):
        head = f"{head}, {parts[1]}"
    elif len(parts) > 1 and re.match(r"[A-Z]", parts[1]) and len(parts[1].split()) <= 4:
        head = f"{head}, {parts[1]}"  # "The league's commissioner, Jan Dorn"
    return head


def _subject_region(pre: str) -> str:
    """The words before a cue after the last adjunct clause break or quotation mark.

    A cue right after "but"/"and" ("groups welcomed the figures but warned that P") shares
    the subject of the clause before it.
    """
    cuts = list(_CLAUSE_BREAK.finditer(pre))
    region = pre[cuts[-1].end() :] if cuts else pre
    if cuts and not region.strip() and cuts[-1].group(0).lower() == "but":
        before = pre[: cuts[-1].start()]
        first_verb = re.search(r"\s(?:[a-z]+ed|has|have|had|is|are|was|were)\b", before)
        region = before[: first_verb.start()] if first_verb else ""
    if any(q in region for q in _QUOTES):
        region = re.split(_Q, region)[-1]
    region = _LEADING_FRAME.sub("", region.strip(" ,"))
    # "The club released a statement denying P": the club is the source
    region = _ISSUED_MESSAGE.sub("", region)
    # "The company did not confirm or [deny]": the first verb is no part of the source
    region = _COORDINATED_VERB.sub("", region)
    # "reports that suggested P": the relative pronoun is no part of the source
    return _TRAILING_RELATIVE.sub("", region).strip(" ,")


def _split_denial_content(content: str) -> tuple[str, Polarity]:
    """Turn 'it is not true that P' into (P, '-'); anything else stays (content, '+')."""
    m = DENIAL_CONTENT.match(content)
    if m:
        return _clean(m.group("p") or m.group("q") or m.group("r") or ""), "-"
    return content, "+"


def _cut_content(content: str) -> str:
    """End a content at the next adjunct clause or 'according to'."""
    content = _ACCORDING_END.sub("", content)
    cut = _CONTENT_CUT.search(content)
    if cut and cut.start() > 0:
        content = content[: cut.start()]
    return _clean(content)


#: The message a cue's content came in: "said in a statement:", "wrote in a blog post,".
_CHANNEL = re.compile(
    r"^(?:in|via|through|with) (?:a|an|the|its|his|her|their) (?:[\w-]+ ){0,2}?"
    r"(?:statement|tweet|post|release|letter|e-?mail|note|interview|briefing)\b\s*[,:]?\s*",
    re.IGNORECASE,
)


def _strip_leading_adverbial(rest: str) -> str:
    """Drop 'on Monday', 'in a statement', 'to reporters' between a cue and its content."""
    rest = _CHANNEL.sub("", rest, count=1)
    m = _LEADING_ADVERBIAL.match(rest)
    if m and m.end() and not _FINITE.search(m.group(0)):
        return rest[m.end() :]
    return rest


def _is_clause(text: str) -> bool:
    """Whether ``text`` reads as a clause with content, not a bare phrase."""
    words = text.split()
    if len(words) < 3:
        return False
    return not (_TRAIL_ADVERBIAL.match(text) and not _FINITE.search(text))


def _speaker_like(text: str) -> bool:
    """Whether a phrase after a cue can be its source: '..., said union official Peter Lund'."""
    head = text.split(",", 1)[0].strip()
    words = head.split()
    if not words or len(words) > 10:
        return False
    if words[0].lower() in ("that", "it", "they", "there", "this"):
        return False
    return not _AUX.search(head)


def _content_before(pre: str) -> str:
    """Content in front of a trailing attribution: the quote if any, else the clause."""
    pre = pre.rstrip(" ,")
    if pre.endswith(tuple(_QUOTES)):
        pre = pre[:-1]
    quoted = re.findall(_Q + "(" + _NOT_Q + "+)" + _Q, pre)
    if quoted:
        return _clean(quoted[-1])
    if any(q in pre for q in _QUOTES):  # unclosed quote: the text after the last quote mark
        return _clean(re.split(_Q, pre)[-1])
    return _clean(pre)


# --------------------------------------------------------------------------- readings


def _read_quote_before(pre: str, post: str, cue: str, is_denial: bool) -> _Parse | None:
    """'"P," X said.' / '"P," said X.' / '"P." X said.'."""
    if not re.search(r"[,.?!]?\s*" + _Q + r"\s*,?\s*$", pre.rstrip()) and not re.search(
        _Q + r"\s*,?\s*" + _NOT_Q + r"{1,100}$", pre
    ):
        return None
    closing = max(pre.rfind(q) for q in _QUOTES)
    if closing < 0:
        return None
    between = _clean(pre[closing + 1 :])
    content = _content_before(pre[: closing + 1])
    if not content:
        return None
    if not re.search(r"[,.?!]\s*$", pre[:closing]) and len(content.split()) < 4:
        return None  # a quoted name ('The "Iron Dome" commander said'), not a quotation
    if between:
        if len(between.split()) > 12 or _AUX.search(_TRAILING_SUBJECT_NOISE.sub("", between)):
            return None
        source = between
    else:
        tail = _clean(post)
        if not tail or not _speaker_like(tail):
            return None
        source = tail
    content, pol = _split_denial_content(content)
    if is_denial:
        pol = "-"
    return _Parse(source, cue, content, pol, "quote-before")


def _read_after(subject: str, post: str, cue: str, kind_of_verb: str) -> _Parse | None:
    """'X said "P"' / 'X said (on Monday) that P' / 'X denied P' / 'X said P'."""
    is_denial = kind_of_verb == "denial"
    rest = post.strip()
    q = re.match(r"^[,:]?\s*" + _Q + "(?P<q>" + _NOT_Q + "+)", rest)
    if q:
        content, pol = _split_denial_content(_clean(q.group("q")))
        if is_denial:
            pol = "-"
        return _Parse(subject, cue, content, pol, "quote") if content else None

    t = _THAT.search(post)
    if (
        t
        and len(post[: t.start()].split()) <= 7
        and not re.search(r"[;" + _QUOTES + "]", post[: t.start()])
    ):
        lead = post[: t.start()].strip()
        claim_noun = re.fullmatch(CLAIM_NOUNS, lead, re.IGNORECASE)
        clause = _AS_QUALIFIER.sub("", _cut_content(post[t.end() :]))
        dismissive = _DISMISSIVE.search(clause)
        polarity: Polarity = "+"
        if is_denial or (claim_noun and dismissive):
            polarity = "-"
            if dismissive:
                clause = clause[: dismissive.start()]
        content = _clean(clause)
        if not content:
            return None
        if polarity == "+":
            content, polarity = _split_denial_content(content)
        return _Parse(subject, cue, content, polarity, "that")

    if kind_of_verb == "evaluation":
        return _read_evaluation(subject, rest, cue)
    if is_denial:
        obj = _clean(_AS_QUALIFIER.sub("", _cut_content(_strip_leading_adverbial(rest))))
        obj = re.sub(r"^as\s+[\"“]?\w+[\"”]?\s+", "", obj)  # "dismissed as "baseless" X"
        if not obj or _TRAIL_ADVERBIAL.fullmatch(obj) and not _FINITE.search(obj):
            return None
        return _Parse(subject, cue, obj, "-", "object")

    clause = _strip_leading_adverbial(rest)
    if cue.lower() in ("told", "tells", "tell"):
        # skip the addressee: "told AFP they had", "told reporters in Tarn (that)"
        clause = re.sub(
            r"^(?:(?:the\s+)?[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*)*|reporters|journalists|"
            r"parliament|lawmakers|him|her|them|us|me)\b\s*",
            "",
            clause,
        )
        clause = _strip_leading_adverbial(clause)
    clause = _cut_content(clause)
    if cue.lower() in THAT_ONLY_VERBS or not (
        _is_clause(clause) or (cue.lower() in NP_OBJECT_VERBS and len(clause.split()) >= 2)
    ):
        return None
    content, pol = _split_denial_content(clause)
    return _Parse(subject, cue, content, pol, "bare", evidence=kind_of_verb == "evidence")


def _read_evaluation(subject: str, rest: str, cue: str) -> _Parse | None:
    """'described X as Y', 'called X "Y"', 'blamed X on Y', 'accused X of Y'."""
    verb = cue.lower()
    rest = _cut_content(rest)
    if verb.startswith("call"):
        if re.match(r"(?:for|on|off|up|in|back|out|it|them)\b", rest, re.IGNORECASE):
            return None
        if not (any(q in rest for q in _QUOTES) or _has_word(rest, FALSITY_WORDS)):
            return None
        m = re.match(
            r"(?P<x>.+?)\s+(?:a\s+|an\s+)?(?:"
            + _Q
            + r"|(?:[\w-]+\s+){0,2}(?:"
            + _alternation(FALSITY_WORDS)
            + r")\b)",
            rest,
            re.IGNORECASE,
        )
    elif verb.startswith("describ"):
        # "described as "inaccurate" a TV report alleging P": the verdict before the object
        m = re.match(
            r"as\s+"
            + _Q
            + r"?(?:[\w-]+\s+){0,2}?(?:"
            + _alternation(FALSITY_WORDS)
            + r")"
            + _Q
            + r"?,?\s+(?P<x>.+)$",
            rest,
            re.IGNORECASE,
        ) or re.match(r"(?P<x>.+?)\s+as\s+", rest)
    elif verb.startswith("blame"):
        m = re.match(r"(?P<x>.+?)\s+on\s+", rest)
    else:  # accused X of Y: a passive "accused of" has no X and is no claim
        m = re.match(r"(?P<x>.+?)\s+of\s+", rest)
        if not m:
            return None
    if not rest or len(rest.split()) < 2:
        return None
    falsity = _has_word(rest, FALSITY_WORDS)
    if falsity and m and not verb.startswith(("blame", "accus")):
        content = _clean(m.group("x"))
        return _Parse(subject, cue, content, "-", "evaluation") if content else None
    # "a letter described digging trenches": a bare description is evidence, not a verdict
    bare_description = verb.startswith("describ") and m is None
    return _Parse(subject, cue, _clean(rest), "+", "evaluation", evidence=bare_description)


def _read_trailing(pre: str, post: str, cue: str) -> _Parse | None:
    """'P, X said (on Monday).' / 'P, said X.' / 'P, X said, and ...' (no quotes)."""
    if "," not in pre:
        return None
    idx = pre.rstrip().rfind(",")
    source = _clean(pre[idx + 1 :])
    content = _content_before(pre[: idx + 1])
    tail = _clean(post)
    if not source:
        # "P, said X": X must name someone ("said union official Peter Lund"), so that
        # "The company, which employs 3,000 people, said sales rose" is not read backwards
        named = re.search(r"[A-Z]", tail) or _has_word(
            tail, OFFICIAL_WORDS + THIRD_PARTY_WORDS + ANONYMOUS_WORDS
        )
        if not tail or not _speaker_like(tail) or not named:
            return None
        source = tail
    elif not (_TRAIL_ADVERBIAL.match(tail) or re.match(r"^(?:and|but)\b", tail, re.IGNORECASE)):
        return None
    if len(source.split()) > 10 or _AUX.search(_TRAILING_SUBJECT_NOISE.sub("", source)):
        return None
    if not content or len(content.split()) < 3:
        return None
    content, pol = _split_denial_content(content)
    return _Parse(source, cue, content, pol, "trailing")


def _read_according(text: str, start: int, end: int) -> _Parse | None:
    """'According to X, P.' or 'P, according to X.'."""
    pre, post = text[:start], text[end:]
    if _clean(pre):
        source = _clean(post)
        content = _content_before(pre)
    else:
        comma = post.find(",")
        if comma < 0:
            return None
        source, content = _clean(post[:comma]), _clean(post[comma + 1 :])
    if not source or not content or len(source.split()) > 15:
        return None
    content, pol = _split_denial_content(content)
    return _Parse(source, "according to", content, pol, "according")


def _verb_class(verb: str) -> str:
    """'denial', 'evaluation', 'evidence' or 'speech': the lexicon a cue verb is in."""
    low = re.sub(r"\s+", " ", verb.lower())
    if low in DENIAL_VERBS:
        return "denial"
    if low in EVALUATION_VERBS:
        return "evaluation"
    if low in EVIDENCE_VERBS:
        return "evidence"
    return "speech"


def _quoted_mask(text: str) -> list[bool]:
    """For each character, whether it lies inside a quotation.

    An odd number of quote marks means the quotation runs over several sentences: if the
    sentence opens with a quote mark the rest is quoted, otherwise the text up to the
    first quote mark is the end of a quotation.
    """
    marks = [i for i, ch in enumerate(text) if ch in _QUOTES]
    mask = [False] * (len(text) + 1)
    if len(marks) % 2 == 1:
        if marks[0] == 0 or text[: marks[0]].strip() == "":
            marks.append(len(text))
        else:
            marks.insert(0, -1)
    for open_at, close_at in zip(marks[0::2], marks[1::2], strict=True):
        for i in range(open_at + 1, close_at):
            mask[i] = True
    return mask


def _live_cues(text: str, *, headline: bool = False) -> list[re.Match[str]]:
    """Cue matches that are not negated, passive or nouns.

    Present-tense "report(s)" counts only in a headline or before "that" ("the company
    reports its results" and "a health report said" are no cues).
    """
    quoted = _quoted_mask(text)
    out = []
    for m in _CUE.finditer(text):
        if m.group("neg") or quoted[m.start()]:
            continue
        verb = m.group("verb")
        if verb:
            pre = text[: m.start("verb")]
            if _PASSIVE_BEFORE.search(pre) or _NOUN_BEFORE.search(pre):
                continue
            if not headline and verb.istitle() and _NAME_BEFORE.search(pre):
                continue  # "the United States, told ...": a name, not a cue (all capitals stay)
            post = text[m.end("verb") :].strip()
            if verb.lower() in ("report", "reports") and (
                (not headline and not _THAT.match(post)) or _REJECTED_BEFORE.search(pre)
            ):
                continue
        out.append(m)
    return out


def _sentence_parses(text: str, *, headline: bool = False) -> list[_Parse]:
    """Every attribution reading of one sentence, unclassified.

    Args:
        text (str): The sentence.
        headline (bool): The sentence is the article's headline, where present-tense
            "report(s)" is a cue ("Doctors report cholera cases").

    Returns:
        list[_Parse]: One reading per usable cue (the best reading of that cue).
    """
    cues = _live_cues(text, headline=headline)
    parses: list[_Parse] = []
    for m in cues:
        if m.group("acc"):
            p = _read_according(text, m.start(), m.end())
            if p is not None:
                parses.append(p)
            continue
        verb = m.group("verb")
        kind_of_verb = _verb_class(verb)
        pre, post = text[: m.start("verb")], text[m.end("verb") :]
        candidates: list[_Parse | None] = [
            _read_quote_before(pre, post, verb, kind_of_verb == "denial")
        ]
        region = _subject_region(pre)
        # a cue inside another cue's content ("X said witnesses told him") is no attribution
        nested = any(o.start() >= len(pre) - len(region) and o.end() <= len(pre) for o in cues)
        if region and not nested:
            candidates.append(_read_after(region, post, verb, kind_of_verb))
        if kind_of_verb != "denial":
            candidates.append(_read_trailing(pre, post, verb))
        found = [c for c in candidates if c is not None and c.content and c.content in text]
        if found:
            best = max(found, key=lambda p: p.score)
            if kind_of_verb == "evidence":
                best = dataclasses.replace(best, evidence=True)
            parses.append(best)
    return [p for p in parses if not _REFUSAL.match(p.content)]


# --------------------------------------------------------------------------- sources


def _entity_types(source: str, ctx: SourceContext) -> tuple[str, ...]:
    """What a source phrase names, for later pronouns: person, org, group or document.

    A bare proper name with no role ("Skyward Air", "Brask") may be a person or an
    organisation; it is recorded as both unless the article introduced it as a person.
    """
    low = source.lower()
    if _is_document(low):
        return ("document",)
    head = re.split(r"\b(?:of|at|from|in|for|with|who|which|close|familiar)\b", low)[0].strip()
    words = head.split()
    last = words[-1].strip(",.") if words else ""
    if last.endswith("s") and not last.endswith(("ss", "'s", "us")) and not _person_name(source):
        return ("group",)
    if _has_word(head, PERSON_ROLES):
        return ("person",)
    if _has_word(head, ORGANISATION_HEADS + ORGANISATION_NOUNS):
        return ("org",)
    surname = _person_name(source) or (words[-1].strip(",.").title() if words else "")
    if surname in ctx.people:
        return ("person",)
    return ("person", "org")


def _person_name(source: str) -> str | None:
    """The surname of a person named in ``source`` (two or more capitalised words)."""
    tokens = [t.strip(",.'’") for t in source.split()]
    run: list[str] = []
    best: list[str] = []
    for tok in tokens:
        if tok and tok[0].isupper() and not _TITLE_PREFIX.match(tok):
            run.append(tok)
            if len(run) >= 2:
                best = list(run)
        else:
            run = []
    if not best:
        return None
    surname = best[-1]
    return surname.removesuffix("'s") or None


def _head_phrase(low: str) -> str:
    """The head noun phrase of a lower-cased source: up to a preposition or participle."""
    head = re.split(
        r"\b(?:of|at|from|in|for|with|by|on|who|which|that|close|familiar|seen|taken|set|run|"
        r"made|shown|written|\w+ed)\b",
        low,
        maxsplit=1,
    )[0]
    return head.strip(" ,")


def _is_document(low: str) -> bool:
    """Whether a source is a document or evidence: its head noun is a document word.

    "Flight tracking data" and "a report by the regulator" are documents; "the data
    protection commissioner" is not.
    """
    words = _head_phrase(low).split()
    single = [w for w in DOCUMENT_WORDS if " " not in w]
    multi = [w for w in DOCUMENT_WORDS if " " in w]
    return any(w.strip(",.'") in single for w in words[-2:]) or _has_word(low, multi)


def _matches_principal(source: str, ctx: SourceContext) -> bool:
    """Whether ``source`` names the article's principal or refers to it ("the company")."""
    if not ctx.principal_words:
        return False
    proper = {t.lower().removesuffix("'s") for t in _PROPER.findall(source)}
    proper -= {"the", "a", "an", "he", "she", "it", "they", "we"}
    if proper & ctx.principal_words:
        return True
    m = re.fullmatch(r"(?:the|its)\s+(?:\w+\s+)?(?P<noun>\w+)", source.strip(), re.IGNORECASE)
    if m:
        noun = m.group("noun").lower()
        if noun in ctx.principal_words:
            return True
        if not ctx.principal_is_state and noun in ORGANISATION_NOUNS:
            return True
    return False


def classify_source(source: str, ctx: SourceContext | None = None) -> ClaimKind:
    """Decide whether a source speaks for the official side or is a third party.

    Args:
        source (str): The source phrase ("Lebanese sources", "the company", "He").
        ctx (SourceContext | None): What the article said about its sources so far.

    Returns:
        str: ``"statement"`` or ``"report"``.

    Example:
        >>> classify_source("Lebanese sources"), classify_source("a ministry spokesman")
        ('report', 'statement')
    """
    ctx = ctx if ctx is not None else SourceContext()
    low = source.strip(" \"'“”").lower()
    pronoun = _PRONOUNS.get(low)
    if pronoun == "we":
        return "statement"
    if pronoun is not None:
        entity = ctx.last.get(pronoun)
        if entity is not None:
            return entity.kind
        return "report" if pronoun == "group" else "statement"
    if _is_document(low) or _has_word(low, ANONYMOUS_WORDS + THIRD_PARTY_WORDS):
        return "report"
    if _matches_principal(source, ctx):
        return "statement"
    if _has_word(low, OFFICIAL_WORDS):
        return "statement"
    # in text order (a set's order changes from one process to the next)
    for name in dict.fromkeys(t.strip(",.").removesuffix("'s") for t in _PROPER.findall(source)):
        if name in ctx.people:
            return ctx.people[name]
    if not ctx.principal_words and re.match(r"(?:[A-Z]|the [A-Z])", source.strip()):
        return "statement"  # a bare name in an article without a known principal
    return "report"


def _remember(source: str, kind: ClaimKind, ctx: SourceContext) -> str:
    """Record a classified source for later pronouns; return its display name."""
    pronoun = _PRONOUNS.get(source.strip().lower())
    if pronoun in ("person", "org", "group"):
        entity = ctx.last.get(pronoun)
        return entity.name if entity is not None else source
    name = _short_source(source)
    types = _entity_types(name, ctx)
    surname = _person_name(name)
    if surname is not None and "person" in types:
        ctx.people.setdefault(surname, kind)
    for kind_of in types:
        if kind_of != "document":
            ctx.last[kind_of] = _Entity(name, kind, kind_of)
    return name


_NAME = r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen|Col|Lt|Sir)\.?\s+)?(?:[A-Z][\w'-]+\s+){0,2}[A-Z][\w'-]+"
#: Person-with-role mentions, each with how many final words of the role may hold the role
#: noun: "defence minister Anton Brask", "X, an Iranian deputy foreign minister," and
#: "The league's commissioner, Jan Dorn,".
_ROLE_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"(?P<role>(?:\b[a-z][\w'-]*\s+){1,3})(?P<name>" + _NAME + ")"), 2),
    (re.compile(r"(?P<name>" + _NAME + r"),\s+(?P<role>(?:an?|the)\s+[^,.;]{1,60}),"), 8),
    (re.compile(r"(?P<role>(?:[\w'-]+\s+){0,4}[\w'-]+),\s+(?P<name>" + _NAME + "),"), 5),
)


def _learn_people(sentences: Sequence[Sentence], ctx: SourceContext) -> None:
    """Register people introduced with a role, so a later short name takes its kind.

    Three forms count: "defence minister Anton Brask", "Hossein Amir-Abdollahian, an Iranian
    deputy foreign minister," and "The league's commissioner, Jan Dorn,". The role must
    end in a person role (:data:`PERSON_ROLES`) and is classified like any source.
    """
    for sentence in sentences:
        if not _has_word(sentence.text, PERSON_ROLES):
            continue  # no role noun, so no pattern's role can end in one (and the search is slow)
        for pattern, width in _ROLE_PATTERNS:
            for m in pattern.finditer(sentence.text):
                role = m.group("role").strip()
                role_words = role.split()
                if not _has_word(" ".join(role_words[-width:]), PERSON_ROLES) or _AUX.search(role):
                    continue
                surname = m.group("name").split()[-1]
                if surname.lower() in _NOT_NAMES:
                    continue
                # the role with the words just before it: "Union official Peter Lund"
                before = re.split(r"[,;:.\"“”()]", sentence.text[: m.start()])[-1].split()[-3:]
                context = " ".join([*before, role])
                ctx.people.setdefault(surname, classify_source(context, SourceContext()))


def _headline(sentences: Sequence[Sentence]) -> bool:
    """Whether the first sentence is a headline (no final punctuation)."""
    return bool(sentences) and not re.search(r"[.!?…" + _QUOTES + r"]\s*$", sentences[0].text)


def _principal_phrases(sentences: Sequence[Sentence]) -> list[str]:
    """Candidate names of the principal: the headline's sources, the lead's subject and
    the source of the first claim of the first two body sentences.

    The headline often names the principal by a role ("Chemical firm denies ...") and the
    lead by its name ("Bellway Chemicals denied ..."). When the headline names an authority,
    a non-state source in the lead is not added ("Defence ministry denies ..." then "The
    airline said ...").
    """
    has_headline = _headline(sentences)
    phrases: list[str] = []
    if has_headline:
        phrases.extend(p.source for p in _sentence_parses(sentences[0].text, headline=True))
    body = sentences[1:] if has_headline else sentences
    if body:
        m = re.match(r"(?:(?:The|A|An)\s+)?((?:[A-Z][\w&'.-]*\s*)+)", body[0].text)
        run = m.group(1).strip() if m else ""
        if (
            run
            and run not in ("The", "A", "An")
            and not re.match(r"(?:He|She|It|They|We|I)\b", run)
        ):
            phrases.append(run)
    phrases = [p for p in phrases if _principal_candidate(p)]
    state = any(_has_word(p, STATE_WORDS) for p in phrases)
    for sentence in body[:2]:
        parses = _sentence_parses(sentence.text)
        if parses:
            source = _short_source(parses[0].source)
            if _principal_candidate(source) and (not state or _has_word(source, STATE_WORDS)):
                phrases.append(source)
            break
    return phrases


def _principal_candidate(phrase: str) -> bool:
    """A phrase that can name the principal: no pronoun, document or third party."""
    low = phrase.lower()
    return not (
        _PRONOUNS.get(low.strip())
        or _is_document(low)
        or _has_word(low, ANONYMOUS_WORDS + THIRD_PARTY_WORDS)
    )


def _find_principal(sentences: Sequence[Sentence], ctx: SourceContext) -> None:
    """Record the principal's name words and head nouns, and whether it is an authority."""
    for phrase in _principal_phrases(sentences):
        low = phrase.lower()
        words = {t.lower().removesuffix("'s") for t in _PROPER.findall(phrase)}
        words -= {"the", "a", "an"}
        head = re.split(r"\b(?:of|for|at|in|said|says)\b", low)[0].split()
        if head:
            words.add(head[-1].strip(",.'").removesuffix("'s"))
        ctx.principal_words |= words
        if _has_word(low, STATE_WORDS):
            ctx.principal_is_state = True
    ctx.principal_words -= {"official", "officials", "minister", "says", "said", ""}


# --------------------------------------------------------------------------- claims


def _claims_of_sentence(
    sentence: Sentence, ctx: SourceContext, *, headline: bool = False
) -> list[Claim]:
    """At most one statement and one report of a sentence, best reading first."""
    best: dict[ClaimKind, tuple[_Parse, str]] = {}
    parses = _sentence_parses(sentence.text, headline=headline)
    subject_cues = [p for p in parses if p.reading != "according"]
    parses = [
        # "(CNN) -- Prime Minister X has denied": the outlet of the dateline is no source
        dataclasses.replace(p, source=strip_dateline(p.source) or p.source)
        for p in parses
    ]
    for parse in parses:
        kind = classify_source(_short_source(parse.source), ctx)
        if parse.evidence and kind != "report":
            continue
        if parse.reading == "according" and subject_cues and _has_word(parse.source, MEDIA_WORDS):
            continue  # "..., he said, according to Mehr News Agency": the medium is a channel
        if kind not in best or parse.score > best[kind][0].score:
            best[kind] = (parse, kind)
    claims = []
    for kind, (parse, _) in sorted(best.items(), key=lambda kv: -kv[1][0].score):
        name = _remember(parse.source, kind, ctx)
        claims.append(
            Claim(
                kind=kind,
                text=sentence.text,
                content=parse.content,
                speaker=name or None,
                cue=parse.cue,
                polarity=parse.polarity,
                span=(sentence.start, sentence.end),
            )
        )
    if not claims:
        _note_subject(sentence.text, ctx)
    return claims


def _note_subject(text: str, ctx: SourceContext) -> None:
    """A sentence opening with a known person's name makes them the last person."""
    m = re.match(r"((?:[A-Z][\w'-]+\s+){0,2}[A-Z][\w'-]+)\b", text)
    if m:
        surname = m.group(1).split()[-1]
        if surname in ctx.people:
            ctx.last["person"] = _Entity(surname, ctx.people[surname], "person")


def attribute_sentence(sentence: Sentence) -> Claim | None:
    """Return the best attributed claim of a sentence on its own, or None.

    The sentence is read without article context: pronouns count as official speakers and
    proper names as the article's principal.

    Args:
        sentence (Sentence): One sentence with offsets into its article.

    Returns:
        Claim | None: The statement or report, ``span`` = the sentence's offsets.
    """
    claims = _claims_of_sentence(sentence, SourceContext())
    return claims[0] if claims else None


def _quote_balance(text: str) -> int:
    """Number of quote marks, mod 2 (1: a quotation opens or closes here)."""
    return (text.count('"') + text.count("“") + text.count("”")) % 2


_CLAUSE_SPLIT = re.compile(r";\s*|(?<=[a-z0-9][.!?])\s+(?=[A-Z])")


#: Abbreviations whose full stop ends no sentence ("Mr. Jackson", "Gen. Allen").
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
     "prof", "jr", "sr", "inc", "corp", "co", "no", "vs", "maj", "adm", "rev", "hon", "pres"]
)  # fmt: skip


def _clause_parts(content: str) -> list[str]:
    """``content`` cut at ';' and at sentence ends, not after an abbreviation ("Mr.")."""
    parts: list[str] = []
    for part in _CLAUSE_SPLIT.split(content):
        last = parts[-1].split()[-1].lstrip("\"“'‘(") if parts and parts[-1].split() else ""
        if last.endswith(".") and last[:-1].lower() in _ABBREVIATIONS:
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return parts


def _split_clauses(claim: Claim) -> list[Claim]:
    """Split a content on ';' and sentence ends into one claim per clause.

    A quotation kept as one sentence by the splitter ('"P. Q," said X') gives one claim
    per quoted sentence, each with its own polarity.
    """
    parts = [_clean(p) for p in _clause_parts(claim.content)]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        if claim.polarity == "-":
            return [claim]
        content, pol = _split_denial_content(claim.content)
        return [Claim(claim.kind, claim.text, content, claim.speaker, claim.cue, pol, claim.span)]
    out = []
    for index, part in enumerate(parts):
        content, pol = _split_denial_content(part)
        # A denial cue ("denied that P; Q" or "it is not true that P; Q") governs the first
        # clause only: the clauses after ';' are the speaker's own assertions.
        if index == 0 and claim.polarity == "-":
            pol = "-"
        out.append(
            Claim(claim.kind, claim.text, content, claim.speaker, claim.cue, pol, claim.span)
        )
    return out


def _is_full_quote(text: str) -> bool:
    """A sentence that is one quotation and nothing else: '"There is no need to boil it."'."""
    return bool(re.fullmatch(_Q + _NOT_Q + "+" + _Q + r"\s*", text.strip()))


def find_claims(sentences: list[Sentence]) -> list[Claim]:
    """Return every claim of an article's sentences, in order.

    The first sentence counts as a headline when it has no final punctuation. The
    article's principal is found in the headline and the lead; pronouns and short names
    are resolved to the last source of their type. A quotation that runs over several
    sentences ('"A. B," said X.') gives one claim per quoted sentence, and a sentence that
    is only a quotation, right after an attributed quote, continues it.

    Args:
        sentences (list[Sentence]): The article's sentences, in order.

    Returns:
        list[Claim]: The claims found, in text order.
    """
    ctx = SourceContext()
    _learn_people(sentences, ctx)
    _find_principal(sentences, ctx)
    has_headline = _headline(sentences)
    claims: list[Claim] = []
    previous_quoted: Claim | None = None
    i = 0
    while i < len(sentences):
        sent = sentences[i]
        group = [sent]
        if _quote_balance(sent.text) == 1:
            j = i + 1
            while j < len(sentences) and j - i < 8 and _quote_balance(sentences[j].text) == 0:
                group.append(sentences[j])
                j += 1
            if j < len(sentences) and _quote_balance(sentences[j].text) == 1:
                group.append(sentences[j])
            else:
                group = [sent]
        if len(group) > 1:
            found = _group_claims(group, ctx)
            claims.extend(found)
            previous_quoted = found[-1] if found else None
            i += len(group)
            continue
        found_here = _claims_of_sentence(sent, ctx, headline=has_headline and i == 0)
        if not found_here and previous_quoted is not None and _is_full_quote(sent.text):
            content = _clean(sent.text)
            if content:
                found_here = [
                    Claim(
                        previous_quoted.kind,
                        sent.text,
                        content,
                        previous_quoted.speaker,
                        previous_quoted.cue,
                        "+",
                        (sent.start, sent.end),
                    )
                ]
        for claim in found_here:
            claims.extend(_split_clauses(claim))
        quoted = [c for c in found_here if any(q in c.text for q in _QUOTES)]
        previous_quoted = quoted[0] if quoted else None
        i += 1
    return claims


def _group_claims(group: list[Sentence], ctx: SourceContext) -> list[Claim]:
    """Claims of a multi-sentence quotation; attribution comes from its last or first part."""
    first, last = group[0], group[-1]
    attrs = _claims_of_sentence(last, ctx) or _claims_of_sentence(first, ctx)
    if not attrs:
        out = []
        for s in group[1:-1] if len(group) > 2 else []:
            for c in _claims_of_sentence(s, ctx):
                out.extend(_split_clauses(c))
        return out
    attr = attrs[0]
    claims: list[Claim] = []
    for s in group:
        text = s.text
        if s is last and not text.lstrip().startswith(tuple(_QUOTES)):
            own = [c for c in attrs if c.span == (s.start, s.end)]
            if own:
                for c in own:
                    claims.extend(_split_clauses(c))
                continue
        if s is first and s is not last:
            k = min((text.find(q) for q in _QUOTES if q in text), default=0)
            body = text[k:]
        elif s is last:
            k = max(text.rfind(q) for q in _QUOTES)
            body = text[:k]
        else:
            body = text
        content = _clean(body)
        if not content:
            continue
        base = Claim(attr.kind, text, content, attr.speaker, attr.cue, "+", (s.start, s.end))
        claims.extend(_split_clauses(base))
    return claims
