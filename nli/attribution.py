"""Find attributed claims in sentences: official statements and third-party reports.

The rules are deliberately simple and explainable (see DESIGN.md, "The core idea: polarity
before NLI"). A sentence is a claim only when it has an attribution **cue** (a speech or
denial verb, or "according to"); plain narrative returns ``None``. Precision matters more
than recall.

For each cue the sentence is cut into a **speaker** (the words before the cue, or after it
in inverted "..., said X" order) and a **content** (the quoted text, the clause after
"that", or the clause before a trailing attribution). The speaker decides the kind:

- it matches :data:`THIRD_PARTY_WORDS` -> ``"report"`` (checked first, so "news agency"
  beats "agency");
- otherwise -> ``"statement"``: an official title/institution (:data:`OFFICIAL_WORDS`), a
  named person or a pronoun. The denier in a denial is always the official side.

Polarity:

- a *reported denial* ("X denied that P", "X rejected reports that P", "It is not true that
  P") gives content P and polarity ``"-"``: a report that entails P contradicts the denial;
- anything else, including negated assertions ("we have no troops in Syria", said X), gives
  the asserted clause and polarity ``"+"``.

A negated denial ("did not deny", "declined to deny", "refused to confirm or deny") is no
assertion at all and gives ``None``.

Example:
    >>> from nli.types import Sentence
    >>> c = attribute_sentence(Sentence("Iran denied that its troops were in Syria.", 0, 42))
    >>> (c.kind, c.speaker, c.cue, c.content, c.polarity)
    ('statement', 'Iran', 'denied', 'its troops were in Syria', '-')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nli.types import Claim, ClaimKind, Polarity, Sentence

#: Verbs that deny or reject what follows them (content -> polarity "-").
DENIAL_VERBS: tuple[str, ...] = (
    "denied", "denies", "deny", "denying",
    "rejected", "rejects", "reject",
    "dismissed", "dismisses", "dismiss",
    "refuted", "refutes", "refute",
)  # fmt: skip

#: Verbs that introduce speech or a finding (content -> polarity "+").
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "told", "tells", "tell",
    "stated", "states", "added", "adds",
    "insisted", "insists", "declared", "announced", "claimed", "claims",
    "confirmed", "confirms", "revealed", "acknowledged", "admitted", "warned",
    "reported", "reports", "wrote", "showed", "show", "shows", "found", "indicated",
)  # fmt: skip

#: Words in front of a cue that cancel it: "did not deny", "declined to comment".
NEGATORS: tuple[str, ...] = (
    "did not", "didn't", "does not", "doesn't", "do not", "don't", "would not",
    "wouldn't", "could not", "couldn't", "will not", "won't", "declined to", "refused to",
    "never", "not",
)  # fmt: skip

#: Speaker words of the official side (titles, institutions). Matched as whole words.
OFFICIAL_WORDS: tuple[str, ...] = (
    "minister", "ministry", "ministries", "spokesman", "spokeswoman", "spokesperson",
    "president", "prime minister", "premier", "government", "official", "officials",
    "army", "military", "police", "company", "firm", "chief executive", "ceo",
    "department", "agency", "embassy", "ambassador", "foreign ministry", "white house",
    "kremlin", "pentagon", "state department", "secretary", "general", "commander",
    "governor", "mayor", "chairman", "board", "office", "cabinet", "administration",
    "we", "he", "she", "i", "spokesperson", "council", "authority", "authorities",
    "federation", "league", "club", "manager", "coach", "director", "minister's",
    "party", "senator", "lawmaker", "regulator", "inspectorate", "navy", "defence",
    "defense", "foreign minister", "deputy", "chief", "head",
)  # fmt: skip

#: Speaker words of third parties (not the official side). Checked before OFFICIAL_WORDS.
THIRD_PARTY_WORDS: tuple[str, ...] = (
    "source", "sources", "witness", "witnesses", "resident", "residents",
    "activist", "activists", "report", "reports", "media", "newspaper", "news agency",
    "reuters", "ap", "afp", "associated press", "analyst", "analysts", "monitor",
    "monitors", "monitoring group", "observatory", "observer", "observers",
    "satellite images", "satellite imagery", "images", "footage", "video", "documents",
    "investigators", "investigation", "study", "survey", "journalist", "journalists",
    "familiar with the matter", "people familiar", "person familiar", "correspondent",
    "rights group", "human rights watch", "amnesty", "experts",
    "doctor", "doctors", "staff", "traders", "researchers", "records", "tests",
    "person close", "people close", "members of staff", "fishermen", "employees",
    "according to",
)  # fmt: skip

#: Words that open a common-noun speaker ("The ...", "Two ...") rather than a proper name.
COMMON_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "two",
        "three",
        "four",
        "several",
        "some",
        "many",
        "local",
        "independent",
        "other",
    ]
)

#: Nouns naming a claim that a denial verb can take before "that": "rejected reports that P".
CLAIM_NOUNS = (
    r"(?:the |these |those |such |media )?(?:reports?|claims?|allegations?|"
    r"accusations?|suggestions?|rumou?rs?|speculation|assertions?)"
)

#: Content patterns that are themselves denials of P: "it is not true that P".
DENIAL_CONTENT = re.compile(
    r"^(?:it is|it's|it was) (?:not true|untrue|false|baseless|a lie) that (?P<p>.+)$"
    r"|^there (?:is|was) no evidence that (?P<q>.+)$",
    re.IGNORECASE,
)

#: Words after a rejected object that only qualify it: "rejected the report as baseless".
_AS_QUALIFIER = re.compile(
    r"\s+as (?:baseless|false|untrue|groundless|unfounded|fabricated|lies|nonsense|"
    r"propaganda|fake|\"?fake news\"?)\b.*$",
    re.IGNORECASE,
)

_QUOTES = '"“”'
_VERBS = DENIAL_VERBS + SPEECH_VERBS
_CUE = re.compile(
    r"(?P<neg>\b(?:" + "|".join(re.escape(n) for n in NEGATORS) + r")\s+"
    r"(?:(?:confirm|comment) or\s+)?)?"
    r"\b(?P<verb>" + "|".join(_VERBS) + r")\b"
    r"|\b(?P<acc>according to)\b",
    re.IGNORECASE,
)
_TRAIL_ADVERBIAL = re.compile(
    r"^(?:(?:on|in|at|during|late|early|earlier|last|this|after|before|when|while|"
    r"to|by|through|from)\b[^,;:\"“”]*)?$",
    re.IGNORECASE,
)
_DISMISSIVE = re.compile(
    r"\s+(?:were|are|was|is) (?:false|baseless|untrue|groundless|unfounded)\b.*$", re.IGNORECASE
)
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)
_ACCORDING_END = re.compile(r",?\s*according to\b.*$", re.IGNORECASE)
_CLAUSE_CUT = re.compile(r"(?:;|\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b)", re.IGNORECASE)


@dataclass(frozen=True)
class _Parse:
    """One attribution found in a sentence (internal)."""

    kind: ClaimKind
    speaker: str
    cue: str
    content: str
    polarity: Polarity
    score: int


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low) for w in words)


def _classify(speaker: str) -> ClaimKind:
    """Return ``"statement"`` for an official speaker, else ``"report"``.

    Third-party words are checked first ("a person close to the board" is a source,
    not the board); a speaker that names no official role is treated as a third party,
    because a false official statement costs more (it is paired with every report)
    than a missed one.
    """
    if _has_word(speaker, THIRD_PARTY_WORDS):
        return "report"
    if _has_word(speaker, OFFICIAL_WORDS):
        return "statement"
    # A bare proper name ("Hossein Amir-Abdollahian", "Iran", "Bellway Chemicals") is
    # the party the article is about; a common-noun group ("local traders") is not.
    first = speaker.strip(" \"'“”").split(" ", 1)[0]
    if first[:1].isupper() and first.lower() not in COMMON_DETERMINERS:
        return "statement"
    return "report"


def _clean(text: str) -> str:
    """Strip spaces, quotes and final punctuation, keeping an exact substring."""
    strip = " \t\n,;:." + _QUOTES
    return text.strip(strip)


def _short_speaker(subject: str) -> str:
    """Shorten a long subject to its head: 'X, an Iranian deputy minister, speaking ...'."""
    parts = [p.strip() for p in subject.split(",") if p.strip()]
    if not parts:
        return subject.strip()
    head = parts[0]
    if len(parts) > 1 and re.match(r"(?:a|an|the)\s", parts[1], re.IGNORECASE):
        head = f"{head}, {parts[1]}"
    return head


def _subject_before(pre: str) -> str:
    """Return the subject words right before a cue (after the last clause break)."""
    cuts = list(_CLAUSE_CUT.finditer(pre))
    if cuts:
        pre = pre[cuts[-1].end() :]
    if any(q in pre for q in _QUOTES):
        pre = re.split("[" + _QUOTES + "]", pre)[-1]
    pre = re.sub(
        r"\s+(?:has|have|had|has also|have also|also|again|repeatedly|routinely)\s*$",
        "",
        pre.rstrip(" ,"),
        flags=re.IGNORECASE,
    )
    return pre.strip(" ,")


def _split_denial_content(content: str) -> tuple[str, Polarity]:
    """Turn 'it is not true that P' into (P, '-'); anything else stays (content, '+')."""
    m = DENIAL_CONTENT.match(content)
    if m:
        return _clean(m.group("p") or m.group("q") or ""), "-"
    return content, "+"


def _parse_cue(text: str, m: re.Match[str]) -> _Parse | None:
    """Read the speaker and content around one cue match, or None when it gives no claim."""
    if m.group("neg"):
        return None  # "did not deny", "declined to comment": nothing is asserted
    pre, post = text[: m.start()], text[m.end() :]
    if m.group("acc"):
        return _parse_according(text, m)
    verb = m.group("verb")
    is_denial = verb.lower() in DENIAL_VERBS
    subject = _subject_before(pre)
    rest = post.strip()

    # Quoted content after the cue: X said: "..." / X said, "...".
    pol: Polarity
    q = re.match(r"^[,:]?\s*[" + _QUOTES + r"](?P<q>[^" + _QUOTES + r"]+)", rest)
    if subject and q:
        content, pol = _split_denial_content(_clean(q.group("q")))
        return _Parse(_classify(subject), _short_speaker(subject), verb, content, pol, 3)

    # "that"-clause within a few words: denied that P, told Reuters on Monday that P,
    # rejected reports that P.
    t = _THAT.search(post)
    if (
        subject
        and t
        and len(post[: t.start()].split()) <= 6
        and not re.search(r"[;" + _QUOTES + "]", post[: t.start()])
    ):
        claim_noun = re.fullmatch(CLAIM_NOUNS, post[: t.start()].strip(), re.IGNORECASE)
        clause = _AS_QUALIFIER.sub("", _ACCORDING_END.sub("", post[t.end() :]))
        dismissive = _DISMISSIVE.search(clause)
        pol = "+"
        if is_denial or (claim_noun and dismissive):
            pol = "-"
            if dismissive:
                clause = clause[: dismissive.start()]
        content = _clean(clause)
        if not content:
            return None
        if pol == "+":
            content, pol = _split_denial_content(content)
        return _Parse(_classify(subject), _short_speaker(subject), verb, content, pol, 3)

    # Trailing / inverted attribution: "P," said X.  /  "P," X said.  /  P, officials said.
    tail = _clean(post)
    before_quote = re.search(r"[" + _QUOTES + r"]\s*,?\s*$", pre) or re.search(
        r",\s*[" + _QUOTES + r"]\s*$", pre
    )
    inverted = re.search(r",[" + _QUOTES + r"]?\s*$", pre.rstrip()) or before_quote
    if inverted and tail and len(tail.split()) <= 12:
        # inverted: content before, speaker after the verb
        content = _content_before(pre)
        if content:
            content, pol = _split_denial_content(content)
            return _Parse(_classify(tail), _short_speaker(tail), verb, content, pol, 2)
    if "," in pre and _TRAIL_ADVERBIAL.match(tail) and not is_denial:
        idx = pre.rfind(",")
        speaker = pre[idx + 1 :].strip()
        content = _content_before(pre[: idx + 1])
        if speaker and content and len(speaker.split()) <= 12:
            content, pol = _split_denial_content(content)
            return _Parse(_classify(speaker), _short_speaker(speaker), verb, content, pol, 2)

    if not subject or not rest:
        return None
    if is_denial:
        # "X denied having troops", "X rejected the report as baseless": object is content.
        obj = _clean(_AS_QUALIFIER.sub("", _ACCORDING_END.sub("", rest)))
        cut = _CLAUSE_CUT.search(obj)
        if cut:
            obj = _clean(obj[: cut.start()])
        if not obj:
            return None
        return _Parse("statement", _short_speaker(subject), verb, obj, "-", 1)
    if verb.lower() in (
        "said",
        "says",
        "say",
        "reported",
        "reports",
        "showed",
        "show",
        "shows",
        "found",
        "wrote",
        "added",
        "insisted",
        "claimed",
        "claims",
    ):
        # bare reported clause: "Analysts said the offensive had stalled."
        clause = _clean(_ACCORDING_END.sub("", rest))
        if _TRAIL_ADVERBIAL.match(clause) or len(clause.split()) < 3:
            return None
        content, pol = _split_denial_content(clause)
        return _Parse(_classify(subject), _short_speaker(subject), verb, content, pol, 1)
    return None


def _content_before(pre: str) -> str:
    """Content in front of a trailing attribution: the quote if any, else the clause."""
    pre = pre.rstrip(" ,")
    if pre.endswith(tuple(_QUOTES)):
        pre = pre[:-1]
    quoted = re.findall(r"[" + _QUOTES + r"]([^" + _QUOTES + r"]+)[" + _QUOTES + r"]", pre)
    if quoted:
        return _clean(quoted[-1])
    if any(q in pre for q in _QUOTES):  # unclosed quote: the text after the last quote mark
        return _clean(re.split("[" + _QUOTES + "]", pre)[-1])
    return _clean(pre)


def _parse_according(text: str, m: re.Match[str]) -> _Parse | None:
    """'According to X, P.' or 'P, according to X.'."""
    pre, post = text[: m.start()], text[m.end() :]
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
    return _Parse(_classify(source), _short_speaker(source), "according to", content, pol, 1)


def _best_parse(text: str) -> _Parse | None:
    best: _Parse | None = None
    for m in _CUE.finditer(text):
        if m.group("neg"):
            # a cancelled cue ("did not deny") only yields None if nothing else in the sentence
            # is a claim; it is simply skipped.
            continue
        p = _parse_cue(text, m)
        if (
            p is not None
            and p.content
            and p.content in text
            and (best is None or p.score > best.score)
        ):
            best = p
    return best


def attribute_sentence(sentence: Sentence) -> Claim | None:
    """Return the attributed claim of a sentence, or None if it has no attribution cue.

    sentence (Sentence): One sentence with offsets into its article.
    RETURNS (Claim | None): The statement or report, ``span`` = the sentence's offsets.
    """
    parse = _best_parse(sentence.text)
    if parse is None:
        return None
    return Claim(
        kind=parse.kind,
        text=sentence.text,
        content=parse.content,
        speaker=parse.speaker or None,
        cue=parse.cue,
        polarity=parse.polarity,
        span=(sentence.start, sentence.end),
    )


def _quote_balance(text: str) -> int:
    """Number of straight quotes plus opening minus closing curly quotes, mod 2."""
    return (text.count('"') + text.count("“") + text.count("”")) % 2


def _split_clauses(claim: Claim) -> list[Claim]:
    """Split a quoted statement on ';' into one claim per clause (each its own polarity)."""
    parts = [_clean(p) for p in claim.content.split(";")]
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
            Claim(
                claim.kind,
                claim.text,
                content,
                claim.speaker,
                claim.cue,
                pol,
                claim.span,
            )
        )
    return out


def find_claims(sentences: list[Sentence]) -> list[Claim]:
    """Return every claim of an article's sentences, in order.

    Besides :func:`attribute_sentence` on each sentence, a quotation that runs over several
    sentences ('"A. B," said X.') gives one claim per quoted sentence, with the speaker and
    cue of its attribution; quoted content is also split on ';' into clauses.

    sentences (List[Sentence]): The article's sentences, in order.
    RETURNS (List[Claim]): The claims found.
    """
    claims: list[Claim] = []
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
            claims.extend(_group_claims(group))
            i += len(group)
            continue
        claim = attribute_sentence(sent)
        if claim is not None:
            claims.extend(_split_clauses(claim))
        i += 1
    return claims


def _group_claims(group: list[Sentence]) -> list[Claim]:
    """Claims of a multi-sentence quotation; attribution comes from its first or last part."""
    first, last = group[0], group[-1]
    attr = attribute_sentence(last) or attribute_sentence(first)
    if attr is None:
        out = []
        for s in group:
            c = attribute_sentence(s)
            if c is not None:
                out.extend(_split_clauses(c))
        return out
    claims: list[Claim] = []
    for s in group:
        own = attribute_sentence(s)
        if s is last and own is not None and not own.text.lstrip().startswith(tuple(_QUOTES)):
            claims.extend(_split_clauses(own))
            continue
        text = s.text
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
