"""Build a tiny randomly initialised NLI model directory, for tests and demos.

The model has the real shape of a BERT sequence classifier with three NLI labels but
random weights, so its scores mean nothing; it exists to exercise the machinery
(loading, label mapping, batching, windows) in seconds and without any download.
"""

from __future__ import annotations

import string
from pathlib import Path

import torch
from transformers import (  # type: ignore[attr-defined]
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
)

_WORDS = [
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "at",
    "and",
    "or",
    "not",
    "no",
    "we",
    "they",
    "he",
    "she",
    "it",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "said",
    "told",
    "denied",
    "rejected",
    "troops",
    "army",
    "ministry",
    "company",
    "report",
    "reports",
    "sources",
    "according",
    "there",
    "here",
    "arrived",
    "sent",
    "fighting",
    "official",
    "officials",
    "government",
    "police",
    "people",
    "hundreds",
]


def build_tiny_model(
    path: str | Path,
    *,
    id2label: dict[int, str] | None = None,
    seed: int = 0,
    max_position_embeddings: int = 128,
) -> Path:
    """Write a tiny random BERT NLI classifier (safetensors) and its tokenizer to ``path``.

    Args:
        path (str | Path): Output directory (created).
        id2label (dict, optional): Label names; defaults to
            ``{0: "contradiction", 1: "neutral", 2: "entailment"}``.
        seed (int): Weight seed, so two builds with one seed are identical. Defaults to 0.
        max_position_embeddings (int): The model's token limit. Defaults to 128.

    Returns:
        Path: ``path``.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    id2label = id2label or {0: "contradiction", 1: "neutral", 2: "entailment"}
    chars = string.ascii_lowercase + string.digits + string.punctuation
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *(f"##{c}" for c in chars)]
    vocab += [w for w in _WORDS if w not in vocab]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(
        vocab_file=str(path / "vocab.txt"), model_max_length=max_position_embeddings
    )
    tokenizer.save_pretrained(path)
    config = BertConfig(  # type: ignore[call-arg]
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_position_embeddings,
        num_labels=len(id2label),
        id2label=dict(id2label),
        label2id={name: i for i, name in id2label.items()},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    model.save_pretrained(path, safe_serialization=True)
    return path
