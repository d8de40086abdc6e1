"""The training pool of the NLI models, read and mixed with Hugging Face ``datasets``.

Every train-eligible file of ``shared/data/SPLITS.md`` is read with ``datasets.load_dataset``
(JSON lines, gzip'd) into the columns ``premise``, ``hypothesis``, ``label`` (0 contradiction,
1 neutral, 2 entailment), ``two_way`` and ``source``; tokenised with ``Dataset.map`` (cached by
``datasets`` under ``--cache-dir``, so a resumed or repeated run does not tokenise again); and
mixed with ``interleave_datasets`` at the weights of :data:`MIX_WEIGHTS` into one epoch of a
stated number of rows. Nothing is copied into the repository.

Per-file clean-up (the text is otherwise used as published):

* ``snli/*`` and ``fever_nli/*`` are PTB-tokenised ("ca n't", " ,"): lightly detokenised;
* ``mpe/*`` premises glue four image captions to Flickr ids ("4615316828jpg1Very young girl"):
  the ids are removed and the captions joined as sentences;
* ``add_one_rte/*`` marks the edited phrase with ``<b><u>`` tags: tags removed;
* two-way files (``"two_way": true``) keep "neutral" as *not entailment*; the trainer's masked
  loss never reads it as neutral.

FNC-1 train (stance, mapped to NLI): agree -> entailment, disagree -> contradiction,
discuss -> neutral, unrelated dropped; premise = the three body sentences with most word
overlap with the headline, hypothesis = the headline. The bodies of the FNC-1 hold-out and of
the real-news set are never read, nor is any body that repeats a sentence or claim of the
real-news set (:func:`fnc1_holdout.excluded_ids`).

Model selection: seeded 2 % slices of ``xnli_en/dev`` and ``lingnli/train`` are held out of the
pool (:data:`SELECTION_SLICES`; their row indices go into ``train_summary.json``), and
``conjnli/dev`` (allowed for selection by SPLITS.md) is evaluated too.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import datasets
from datasets import Dataset, concatenate_datasets, interleave_datasets
from fnc1_holdout import excluded_ids, read_bodies, read_stances

LABELS: tuple[str, str, str] = ("contradiction", "neutral", "entailment")
LABEL2ID: dict[str, int] = {name: i for i, name in enumerate(LABELS)}

#: Train-eligible NLI files (relative to ``--data-dir``) and their weight in the mix. A
#: weight is the share of the epoch's rows drawn from that source (normalised to sum 1);
#: small sources are repeated, large ones sampled. LingNLI (MNLI-train premises) and the
#: MNLI-style XNLI/TaxiNLI parts carry most weight because MNLI-m is the general target.
MIX_WEIGHTS: dict[str, float] = {
    "lingnli/train.jsonl.gz": 0.26,
    "xnli_en/dev.jsonl.gz": 0.03,
    "xnli_en/test.jsonl.gz": 0.04,
    "taxinli/mnli_train_part.jsonl.gz": 0.02,
    "snli/dev.jsonl.gz": 0.04,
    "snli/test.jsonl.gz": 0.04,
    "cad_snli/train.jsonl.gz": 0.04,
    "sick/train.jsonl.gz": 0.025,
    "sick/dev.jsonl.gz": 0.005,
    "conjnli/adversarial_train_15k.jsonl.gz": 0.05,
    "semantic_fragments/train.jsonl.gz": 0.04,
    "joci/train.jsonl.gz": 0.03,
    "mpe/train.jsonl.gz": 0.02,
    "commitment_bank/train.jsonl.gz": 0.005,
    "climate_fever/pairs.jsonl.gz": 0.03,
    "fever_nli/binary_dev.jsonl.gz": 0.03,
    "fever_nli/binary_test.jsonl.gz": 0.03,
    "rte/train.jsonl.gz": 0.02,
    "med/med.jsonl.gz": 0.02,
    "help/conj_disj_part.jsonl.gz": 0.02,
    "add_one_rte/train.jsonl.gz": 0.02,
    "stance/fnc1": 0.08,
}
#: Evaluation-only files (SPLITS.md): the loader refuses them.
EVAL_ONLY: frozenset[str] = frozenset(
    {
        "mnli/dev_matched.jsonl.gz",
        "mnli/dev_matched_textfooler1k.jsonl.gz",
        "mnli/dev_mismatched_textfooler1k.jsonl.gz",
        "taxinli/mnli_dev_matched_part.jsonl.gz",
        "taxinli/mnli_dev_mismatched_part.jsonl.gz",
        "anli/r1_dev.jsonl.gz",
        "anli/r2_dev.jsonl.gz",
        "anli/r3_dev.jsonl.gz",
        "sick/test.jsonl.gz",
        "rte/dev.jsonl.gz",
        "conjnli/dev.jsonl.gz",
        "cad_snli/dev.jsonl.gz",
        "cad_snli/test.jsonl.gz",
        "snli/test_textfooler1k.jsonl.gz",
        "stance/semeval2016_task6/test.jsonl.gz",
        "stance/perspectrum/dev.jsonl.gz",
        "stance/perspectrum/test.jsonl.gz",
        "lingnli/val.jsonl.gz",
        "joci/dev.jsonl.gz",
        "mpe/dev.jsonl.gz",
        "add_one_rte/dev.jsonl.gz",
        "commitment_bank/dev.jsonl.gz",
    }
)
#: Model-selection slices held out of the pool: file -> fraction.
SELECTION_SLICES: dict[str, float] = {"xnli_en/dev.jsonl.gz": 0.02, "lingnli/train.jsonl.gz": 0.02}
#: Evaluation file allowed for model selection (SPLITS.md).
SELECTION_FILE = "conjnli/dev.jsonl.gz"
FNC1 = "stance/fnc1"
FNC1_DISCUSS_CAP = 6_000
DETOKENISE: tuple[str, ...] = ("snli/", "fever_nli/")
COLUMNS: tuple[str, ...] = ("premise", "hypothesis", "label", "two_way", "source")
#: Hash of this file, passed to every cached ``map``: ``datasets`` fingerprints a mapped
#: function by its own code, not by the helpers it calls, so an edit to the clean-up here
#: would otherwise reuse stale cached rows.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

_STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "by",
        "with",
        "as",
        "from",
        "that",
        "this",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "has",
        "have",
        "had",
        "not",
        "no",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "says",
        "said",
        "after",
        "over",
        "into",
        "about",
        "than",
    ]
)


# --------------------------------------------------------------------------- clean-up


def detokenise(text: str) -> str:
    """Undo PTB-style tokenisation ("ca n't", " .", "-LRB-").

    >>> detokenise("He ca n't go , he said -LRB- twice -RRB- .")
    "He can't go, he said (twice)."
    """
    text = text.replace("-LRB-", "(").replace("-RRB-", ")").replace("``", '"').replace("''", '"')
    text = re.sub(
        r"\b(ca|wo|do|does|did|is|are|was|were|could|would|should|has|have|had) n't\b",
        r"\1n't",
        text,
    )
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r" ([.,!?;:%)])", r"\1", text)
    text = re.sub(r"([($]) ", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def clean_text(rel: str, text: str) -> str:
    """The per-file clean-up of one premise or hypothesis (see the module docstring).

    >>> clean_text("mpe/train.jsonl.gz", "12jpg1A girl eats 12jpg2A child smiles")
    'A girl eats. A child smiles'
    >>> clean_text("add_one_rte/train.jsonl.gz", "the <b><u>wild  creature</u></b>.")
    'the wild creature.'
    """
    text = str(text).strip()
    if rel.startswith(DETOKENISE):
        return detokenise(text)
    if rel.startswith("mpe/"):
        parts = [p.strip().rstrip(".") for p in re.split(r"\d+jpg\d", text) if p.strip()]
        return ". ".join(parts)
    if rel.startswith("add_one_rte/"):
        return re.sub(r"\s+", " ", re.sub(r"</?[a-z]+>", "", text)).strip()
    return text


def _normalise(row: dict[str, Any], rel: str, code: str = CODE_VERSION) -> dict[str, Any]:
    """One raw JSON row -> the uniform columns; ``label`` is -1 for rows to drop.

    ``code`` only keys the ``datasets`` cache to this file's version.
    """
    del code
    label = row.get("label")
    two_way = bool(row.get("two_way") or False)
    if two_way and label == "contradiction":
        label = "neutral"  # not-entailment
    return {
        "premise": clean_text(rel, row.get("premise") or ""),
        "hypothesis": clean_text(rel, row.get("hypothesis") or ""),
        "label": LABEL2ID.get(str(label), -1),
        "two_way": two_way,
        "source": rel,
    }


def _valid(row: dict[str, Any]) -> bool:
    return row["label"] >= 0 and bool(row["premise"]) and bool(row["hypothesis"])


# --------------------------------------------------------------------------- sources


def _read_jsonl(path: Path, cache_dir: Path | None) -> tuple[Dataset, list[str]]:
    """A JSON-lines file (gzip'd or not) through ``load_dataset``, and its columns that are
    not in :data:`COLUMNS` (to drop once mapped)."""
    raw = datasets.load_dataset(
        "json",
        data_files=str(path),
        split="train",
        cache_dir=None if cache_dir is None else str(cache_dir),
    )
    return raw, [c for c in raw.column_names if c not in COLUMNS]


def _load_clean(data_dir: Path, rel: str, cache_dir: Path | None) -> Dataset:
    """A gzip'd JSONL NLI file read with ``load_dataset``, cleaned, with :data:`COLUMNS`."""
    raw, drop = _read_jsonl(data_dir / rel, cache_dir)
    ds = raw.map(
        _normalise,
        fn_kwargs={"rel": rel, "code": CODE_VERSION},
        remove_columns=drop,
        desc=f"clean {rel}",
    )
    return ds.filter(_valid, desc=f"filter {rel}").select_columns(list(COLUMNS))


def load_nli_file(data_dir: Path, rel: str, cache_dir: Path | None = None) -> Dataset:
    """One train-eligible NLI file as a Dataset with :data:`COLUMNS`; refuses evaluation-only
    files. ``cache_dir`` is where ``datasets`` keeps its Arrow cache (its own default when
    None)."""
    if rel in EVAL_ONLY:
        raise ValueError(f"{rel} is evaluation-only (SPLITS.md) and must not be trained on")
    return _load_clean(data_dir, rel, cache_dir)


def load_eval_file(data_dir: Path, rel: str, cache_dir: Path | None = None) -> Dataset:
    """An evaluation file with :data:`COLUMNS`, for measuring only (never in a mix)."""
    return _load_clean(data_dir, rel, cache_dir)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _STOPWORDS}


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if len(p.strip()) > 2]


def select_sentences(body: str, headline: str, k: int = 3) -> str:
    """The ``k`` body sentences with most word overlap with the headline, in body order.

    >>> select_sentences("Cats purr. Dogs bark loudly. Birds sing.", "dogs bark", k=1)
    'Dogs bark loudly.'
    """
    sents = _sentences(body)
    head = _words(headline)
    scored = sorted(range(len(sents)), key=lambda i: (-len(_words(sents[i]) & head), i))
    return " ".join(sents[i] for i in sorted(scored[:k]))


def load_fnc1(data_dir: Path, seed: int, discuss_cap: int = FNC1_DISCUSS_CAP) -> Dataset:
    """FNC-1 train mapped to NLI, without the hold-out's or the real-news set's bodies, nor
    any body that repeats the real-news set's text (:func:`fnc1_holdout.excluded_ids`).

    Every agree and disagree pair of a trainable body is kept; ``discuss`` pairs are sampled
    (seeded) down to ``discuss_cap``.
    """
    bodies = read_bodies(data_dir)
    blocked = excluded_ids(data_dir)
    mapping = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral"}
    keep: list[dict[str, str]] = []
    discuss: list[dict[str, str]] = []
    for row in read_stances(data_dir):
        if row["Body ID"] in blocked or row["Body ID"] not in bodies:
            continue
        if row["Stance"] == "discuss":
            discuss.append(row)
        elif row["Stance"] in mapping:
            keep.append(row)
    random.Random(seed).shuffle(discuss)
    keep += discuss[:discuss_cap]
    rows = []
    for r in keep:
        premise = select_sentences(bodies[r["Body ID"]], r["Headline"])
        if premise and r["Headline"]:
            rows.append(
                {
                    "premise": premise,
                    "hypothesis": r["Headline"],
                    "label": LABEL2ID[mapping[r["Stance"]]],
                    "two_way": False,
                    "source": FNC1,
                }
            )
    return Dataset.from_list(rows)


def load_jsonl_pairs(path: Path, cache_dir: Path | None = None) -> Dataset:
    """Extra 3-way pairs (``premise``, ``hypothesis``, ``label``), e.g. make_synthetic.py output."""
    raw, drop = _read_jsonl(path, cache_dir)

    def norm(row: dict[str, Any]) -> dict[str, Any]:
        label = str(row["label"]).strip().lower()
        if label not in LABEL2ID:
            raise ValueError(f"{path}: unknown label {row['label']!r}")
        return {
            "premise": str(row["premise"]),
            "hypothesis": str(row["hypothesis"]),
            "label": LABEL2ID[label],
            "two_way": False,
            "source": path.name,
        }

    return raw.map(norm, remove_columns=drop).select_columns(list(COLUMNS))


def hold_out(ds: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset, list[int]]:
    """Split off a seeded ``fraction`` of rows: ``(rest, held, held_indices)``."""
    idx = list(range(len(ds)))
    random.Random(seed).shuffle(idx)
    held = sorted(idx[: max(1, round(fraction * len(ds)))])
    held_set = set(held)
    rest = [i for i in range(len(ds)) if i not in held_set]
    return ds.select(rest), ds.select(held), held


def load_pool(
    data_dir: Path,
    seed: int,
    cache_dir: Path | None = None,
    weights: Mapping[str, float] = MIX_WEIGHTS,
) -> tuple[dict[str, Dataset], Dataset, dict[str, Any]]:
    """Every source of ``weights``, minus the selection slices.

    Returns ``(sources, selection, info)``: the per-source datasets, the held-out selection
    rows (all slices together) and per-source counts and held-out indices for the summary.
    """
    sources: dict[str, Dataset] = {}
    held_parts: list[Dataset] = []
    info: dict[str, Any] = {"files": {}, "selection": {}}
    for rel in weights:
        ds = load_fnc1(data_dir, seed) if rel == FNC1 else load_nli_file(data_dir, rel, cache_dir)
        if rel in SELECTION_SLICES:
            ds, held, indices = hold_out(ds, SELECTION_SLICES[rel], seed)
            held_parts.append(held)
            info["selection"][rel] = {
                "fraction": SELECTION_SLICES[rel],
                "seed": seed,
                "rows": len(held),
                "indices": indices,
            }
        sources[rel] = ds
        info["files"][rel] = {"rows": len(ds), "weight": weights[rel]}
    selection = (
        concatenate_datasets(held_parts)
        if held_parts
        else Dataset.from_dict({c: [] for c in COLUMNS})
    )
    return sources, selection, info


def tokenize(ds: Dataset, tokenizer: Any, max_length: int) -> Dataset:
    """Add ``input_ids`` and ``token_type_ids`` (truncated, unpadded) with a cached ``map``."""

    def enc(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        out = tokenizer(
            batch["premise"],
            batch["hypothesis"],
            truncation=True,
            max_length=max_length,
            padding=False,
        )
        tts = out.get("token_type_ids") or [[0] * len(ids) for ids in out["input_ids"]]
        return {"input_ids": out["input_ids"], "token_type_ids": tts}

    return ds.map(enc, batched=True, batch_size=2048, desc="tokenize")


def mix(
    sources: Mapping[str, Dataset],
    weights: Mapping[str, float],
    rows: int,
    seed: int,
) -> Dataset:
    """``rows`` rows drawn from ``sources`` at ``weights`` with ``interleave_datasets``.

    Each source is shuffled (seeded) first; a source that runs out starts again (the
    ``all_exhausted`` strategy), so small sources are repeated and large ones sampled; when
    even that gives fewer than ``rows`` rows, further draws are appended. A new ``seed`` per
    epoch gives each epoch its own draw.
    """
    names = [n for n in sources if weights.get(n, 0) > 0 and len(sources[n]) > 0]
    if not names:
        raise ValueError("no source with a positive weight and rows")
    total = sum(weights[n] for n in names)
    probs = [weights[n] / total for n in names]
    parts: list[Dataset] = []
    have = 0
    draw = 0
    while have < rows:  # one interleave covers every row once; draw again if more are asked
        base = seed + 7919 * draw
        shuffled = [sources[n].shuffle(seed=base + i) for i, n in enumerate(names)]
        part = interleave_datasets(
            shuffled, probabilities=probs, seed=base, stopping_strategy="all_exhausted"
        )
        parts.append(part)
        have += len(part)
        draw += 1
    mixed = parts[0] if len(parts) == 1 else concatenate_datasets(parts)
    return mixed.select(range(rows))


def source_counts(ds: Dataset) -> dict[str, int]:
    """Rows per source of a (mixed) dataset."""
    counts: dict[str, int] = {}
    for s in ds["source"]:
        counts[s] = counts.get(s, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def describe(weights: Mapping[str, float] = MIX_WEIGHTS) -> Sequence[tuple[str, float]]:
    """``(source, normalised weight)`` pairs, largest first (for the model card)."""
    total = sum(weights.values())
    return sorted(((k, v / total) for k, v in weights.items()), key=lambda kv: -kv[1])
