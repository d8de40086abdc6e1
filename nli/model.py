"""``ContradictionScorer``: a fast, label-safe wrapper around an NLI cross-encoder.

The scorer loads any sequence-classification model with three NLI labels from a
local directory (or a hub id, when a hub is reachable), reads the label order from
``config.id2label`` and returns probabilities in the fixed column order
contradiction / neutral / entailment (:data:`nli.types.LABELS`).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from nli import accurate, int8
from nli.calibration import Calibration, apply_temperature, read_calibration
from nli.labels import priority_threshold
from nli.types import LABELS, Direction, PairScore, Probs

logger = logging.getLogger(__name__)

Precision = Literal["auto", "int8", "bf16", "fp32"]
Target = Literal["contradiction", "entailment"]
_TARGET_COLUMN: dict[str, int] = {"contradiction": 0, "entailment": 2}

#: Where ``model="default"`` points: the model shipped inside the package.
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "default"

#: Largest difference in any probability tolerated between bf16 and fp32 before
#: the scorer refuses bf16 and falls back to fp32.
BF16_TOLERANCE = 0.05

#: Largest mean difference of the probabilities between int8 and fp32 on the probe batch
#: before the scorer drops int8: a check that this CPU's int8 kernels behave. The shipped
#: model measures 0.023 on the probe and 0.016 on the real-news dev pairs (2-core AMD EPYC);
#: the accuracy guard itself is the model's measured record (:mod:`nli.int8`).
INT8_PROBE_TOLERANCE = 0.05

# Checked at load time against fp32 (bf16: largest gap; int8: mean gap): short pairs of
# the kinds the scorer sees, contradicting, entailing and unrelated.
_PROBE_PAIRS: tuple[tuple[str, str], ...] = (
    ("Hundreds of troops arrived in the city on Sunday.", "We have no troops there."),
    ("The company confirmed record profits.", "Profits were at a record high."),
    ("A storm hit the coast.", "The minister spoke about schools."),
    ("Police fired tear gas at the protesters, witnesses said.", "Police did not use force."),
    ("The ministry said it had not received any request.", "A request was sent to the ministry."),
    ("Satellite images show new buildings at the site.", "Nothing has been built there."),
    ("The spokesman declined to comment on the report.", "The report is false."),
    ("Officials said the talks would resume next week.", "The talks have been cancelled."),
    ("The army denied that its soldiers crossed the border.", "Soldiers crossed the border."),
    ("Three journalists were detained at the airport.", "No journalist has been arrested."),
    ("Prices rose by 4 percent in March.", "Inflation went up in March."),
    ("The president met the delegation on Tuesday.", "The weather was cold."),
)

_LABEL_ALIASES: dict[str, str] = {
    "contradiction": "contradiction",
    "contradict": "contradiction",
    "contradictory": "contradiction",
    "neutral": "neutral",
    "entailment": "entailment",
    "entail": "entailment",
    "entailed": "entailment",
}

_threads_set = False


def set_threads_once(num_threads: int | None) -> None:
    """Set torch's intra-op thread count once per process.

    Changing it again later is slow and can fail once parallel work has started, so
    only the first call with a value has an effect.

    Args:
        num_threads (int | None): Threads to use; ``None`` keeps torch's default.
    """
    global _threads_set
    if num_threads is None or _threads_set:
        return
    if num_threads < 1:
        raise ValueError(f"num_threads must be >= 1, got {num_threads}")
    torch.set_num_threads(num_threads)
    _threads_set = True


@contextlib.contextmanager
def fewer_threads(cores: int, leave: int = 1) -> Iterator[None]:
    """Run torch on ``leave`` fewer intra-op threads than ``cores`` (at least one) inside
    the block, then go back; no change where :func:`set_threads_once` set them."""
    if _threads_set:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(before, cores - leave)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def resolve_label_order(id2label: dict[int, str] | dict[str, str]) -> list[int]:
    """Map a model's ``id2label`` to the column indices of contradiction/neutral/entailment.

    Args:
        id2label (dict): The model config's ``id2label`` (keys may be ints or strings).

    Returns:
        list[int]: ``[i_contradiction, i_neutral, i_entailment]``.

    Raises:
        ValueError: If the three labels cannot be found, listing the labels seen.

    Example:
        >>> resolve_label_order({0: "ENTAILMENT", 1: "neutral", 2: "Contradiction"})
        [2, 1, 0]
    """
    found: dict[str, int] = {}
    for raw_index, raw_name in id2label.items():
        key = re.sub(r"[^a-z]", "", str(raw_name).lower())
        name = _LABEL_ALIASES.get(key)
        if name is None:
            continue
        if name in found:
            raise ValueError(f"label {name!r} appears twice in id2label={dict(id2label)!r}")
        found[name] = int(raw_index)
    missing = [name for name in LABELS if name not in found]
    if missing or len(id2label) != 3:
        raise ValueError(
            f"cannot map the model's labels to contradiction/neutral/entailment: "
            f"id2label={dict(id2label)!r} (missing: {', '.join(missing) or 'none'}). "
            "Set config.json's id2label to the three NLI label names."
        )
    return [found[name] for name in LABELS]


@contextlib.contextmanager
def quiet_transformers(*, warnings: bool = False) -> Iterator[None]:
    """Hide transformers' progress bars (its "Loading weights" bars) in a block, and its
    warnings too unless ``warnings`` is true (a user's model that misses weights should say
    so; the accurate model's replaced head should not)."""
    from transformers.utils import logging as hf_logging

    previous = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    if not warnings:
        hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(previous)
        if bars:
            hf_logging.enable_progress_bar()


#: A Hugging Face hub id: ``owner/name`` (the hub's own form since names without an owner
#: moved under one).
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def resolve_model_path(model: str | Path) -> str:
    """Turn ``"default"``, ``"accurate"``, a local directory or a hub id into what
    ``from_pretrained`` takes (``"accurate"``: the adapter folder of :mod:`nli.accurate`).

    Local directories must hold safetensors weights: pickled ``.bin`` checkpoints can
    run code when loaded and are refused.

    Raises:
        FileNotFoundError: For ``"default"`` when no default model is installed,
            ``"accurate"`` before its adapter is trained, a path-like value that does
            not exist, or a name that is neither a local directory nor a hub id
            (``owner/name``).
        ValueError: For a directory without ``*.safetensors`` weights.
    """
    if str(model) == "accurate":
        return str(accurate.resolve_accurate_dir())
    if str(model) == "default":
        path = DEFAULT_MODEL_DIR
        if not (path / "config.json").exists():
            raise FileNotFoundError(
                f"the default model is not installed at {path}; pass --model PATH to a local "
                "model directory"
            )
    else:
        path = Path(model).expanduser()
        looks_like_path = path.exists() or str(model).startswith((".", "/", "~"))
        if not looks_like_path and _HUB_ID.fullmatch(str(model)):
            return str(model)  # a hub id; from_pretrained reports if it cannot be fetched
        if not looks_like_path:  # "defualt": a typo, not worth a minute of hub retries
            raise FileNotFoundError(
                f"unknown model {str(model)!r}: give 'default', 'accurate', a local model "
                "directory or a hub id (owner/name)"
            )
        if not path.is_dir():
            raise FileNotFoundError(f"model directory not found: {model}")
    if not any(path.glob("*.safetensors")):
        pickled = sorted(p.name for p in path.glob("*.bin"))
        hint = f" (found pickle weights {pickled}; convert them to safetensors)" if pickled else ""
        raise ValueError(f"no *.safetensors weights in model directory {path}{hint}")
    return str(path)


class ContradictionScorer:
    """Score statement/report pairs with an NLI cross-encoder on CPU or GPU.

    Args:
        model (str | Path): ``"default"`` (the shipped model), ``"accurate"`` (the
            LoRA-adapted all-mpnet-base-v2 of :mod:`nli.accurate`; needs the ``accurate``
            extra), a local model or adapter directory, or a hub id. Defaults to ``"default"``.
        device (str, optional): ``"cpu"``, ``"cuda"``, ... Picked automatically when None.
        precision (str, optional): ``"auto"`` uses int8 (ONNX Runtime, :mod:`nli.int8`) on
            CPU for a model whose measured accuracy record allows it, else bf16 autocast
            when the CPU has native bf16 support (or on CUDA), else fp32. ``"int8"``,
            ``"bf16"`` and ``"fp32"`` force one. int8 and bf16 are checked against fp32 on
            a probe batch and dropped for fp32 (with a warning) when int8's mean
            probability gap exceeds :data:`INT8_PROBE_TOLERANCE` or bf16's largest
            exceeds :data:`BF16_TOLERANCE`. Defaults to ``"auto"``.
        max_length (int, optional): Token limit of one premise/hypothesis input; longer
            premises are scored in overlapping windows. Defaults to the tokenizer's
            limit, capped at 512.
        batch_size (int): Default batch size of :meth:`predict`. Defaults to 64.
        num_threads (int, optional): torch intra-op threads, set once per process.
        model_kwargs (dict, optional): Passed to the model's ``from_pretrained``.
        tokenizer_kwargs (dict, optional): Passed to ``AutoTokenizer.from_pretrained``.
        use_calibration (bool): Read the model directory's ``calibration.json``
            (written by ``nli calibrate``). False ignores it: scores are then raw,
            as ``nli calibrate`` needs them. Defaults to True.

    Example::

        scorer = ContradictionScorer("default")
        scorer.predict([("Hundreds of troops arrived.", "We have no troops there.")])
        # array([[p_contradiction, p_neutral, p_entailment]], dtype=float32)
    """

    def __init__(
        self,
        model: str | Path = "default",
        *,
        device: str | None = None,
        precision: Precision = "auto",
        max_length: int | None = None,
        batch_size: int = 64,
        num_threads: int | None = None,
        model_kwargs: dict[str, Any] | None = None,
        tokenizer_kwargs: dict[str, Any] | None = None,
        use_calibration: bool = True,
    ) -> None:
        if precision not in ("auto", "int8", "bf16", "fp32"):
            raise ValueError(
                f"precision must be 'auto', 'int8', 'bf16' or 'fp32', got {precision!r}"
            )
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        set_threads_once(num_threads)
        self.model_name = str(model)
        path = resolve_model_path(model)
        model_kwargs = {**(model_kwargs or {}), "use_safetensors": True, "trust_remote_code": False}
        tokenizer_kwargs = {**(tokenizer_kwargs or {}), "trust_remote_code": False}
        if not accurate.is_adapter_dir(path):
            self.tokenizer = AutoTokenizer.from_pretrained(path, **tokenizer_kwargs)
            with quiet_transformers(warnings=True):
                self.model = AutoModelForSequenceClassification.from_pretrained(
                    path, **model_kwargs
                )
        else:  # base + LoRA adapter, merged (nli.accurate)
            self.tokenizer, self.model = accurate.load_adapter_model(path)
        self.label_order = resolve_label_order(self.model.config.id2label)
        self._device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        logger.info("Using device %s", self._device)
        self.model.to(self._device).float().eval()
        limit = min(int(getattr(self.tokenizer, "model_max_length", 512) or 512), 512)
        self.max_length = min(max_length, limit) if max_length else limit
        if self.max_length < 16:
            raise ValueError(f"max_length must be >= 16, got {self.max_length}")
        self.batch_size = batch_size
        self.use_bf16 = False
        self._int8: int8.Int8Session | None = None
        self._choose_precision(precision, path)
        # Written by `nli calibrate`; without it calibrated scores equal raw ones.
        self.calibration: Calibration | None = (
            read_calibration(path) if use_calibration and Path(path).is_dir() else None
        )
        #: The priority threshold of ranked findings (:mod:`nli.labels`), read with the
        #: calibration: None without one, or when it is stale.
        self.finding_threshold: float | None = (
            priority_threshold(path) if use_calibration and Path(path).is_dir() else None
        )
        if self.calibration is not None:
            logger.info(
                "Calibration: temperature %.3f, threshold %s",
                self.calibration.temperature,
                self.calibration.threshold,
            )

    @property
    def device(self) -> torch.device:
        """The device the model runs on."""
        return self._device

    @property
    def precision(self) -> str:
        """``"int8"``, ``"bf16"`` (autocast) or ``"fp32"``: what :meth:`predict` runs."""
        if self._int8 is not None:
            return "int8"
        return "bf16" if self.use_bf16 else "fp32"

    @property
    def decision_threshold(self) -> float | None:
        """The contradiction threshold fitted by ``nli calibrate`` (None when uncalibrated)."""
        return self.calibration.threshold if self.calibration is not None else None

    def calibrated_probs(self, probs: np.ndarray) -> np.ndarray:
        """Apply the model directory's temperature to ``(n, 3)`` probabilities.

        Returns:
            np.ndarray: float64 probabilities; equal to ``probs`` without calibration.
        """
        temperature = self.calibration.temperature if self.calibration is not None else 1.0
        return apply_temperature(np.asarray(probs).reshape(-1, 3), temperature)

    def calibrate(self, probs: Probs) -> Probs:
        """The calibrated probabilities of one scored pair (unchanged without calibration)."""
        row = np.array([[probs.contradiction, probs.neutral, probs.entailment]])
        return Probs(*(float(x) for x in self.calibrated_probs(row)[0]))

    def calibrated_score(self, probs: Probs, target: Target = "contradiction") -> float:
        """The calibrated probability of ``target`` for one scored pair."""
        return float(getattr(self.calibrate(probs), target))

    def _choose_precision(self, precision: Precision, path: str) -> None:
        """Set ``use_bf16`` / ``_int8`` for ``precision``, each checked on the probe batch."""
        if precision == "fp32":
            return
        if precision == "auto" and self._device.type == "cpu" and Path(path).is_dir():
            allowed, reason = int8.guard_holds(path)
            logger.info("int8 %s: %s", "allowed" if allowed else "not used", reason)
            if allowed and self._try_int8(path):
                return
        if precision == "int8":
            if self._device.type != "cpu":
                raise ValueError(f"precision 'int8' runs on CPU only, not on {self._device}")
            if not int8.runtime_available():
                raise ImportError("precision 'int8' needs onnxruntime and onnx installed")
            self._try_int8(path)
            return
        if precision == "auto":
            native = self._device.type == "cuda" or torch.ops.mkldnn._is_mkldnn_bf16_supported()
            if not native:
                logger.info("No native bf16 on this CPU: scoring in fp32")
                return
        fp32 = self.predict(_PROBE_PAIRS, show_progress_bar=False)
        self.use_bf16 = True
        gap = float(np.abs(fp32 - self.predict(_PROBE_PAIRS, show_progress_bar=False)).max())
        if gap > BF16_TOLERANCE:
            logger.warning("bf16 differs from fp32 by %.3f > %.3f: using fp32", gap, BF16_TOLERANCE)
            self.use_bf16 = False
            return
        logger.info("bf16 autocast on (max gap to fp32 on probe: %.4f)", gap)

    def _try_int8(self, path: str) -> bool:
        """Build the int8 session and keep it if its mean gap to fp32 on the probe holds."""
        fp32 = self.predict(_PROBE_PAIRS, show_progress_bar=False)
        example = self.tokenizer(
            [_PROBE_PAIRS[0][0], _PROBE_PAIRS[2][1]], padding=True, return_tensors="pt"
        )
        cache = int8.cache_path(path) if Path(path).is_dir() else None
        self._int8 = int8.Int8Session(self.model, example, torch.get_num_threads(), cache=cache)
        gap = float(np.abs(fp32 - self.predict(_PROBE_PAIRS, show_progress_bar=False)).mean())
        if gap > INT8_PROBE_TOLERANCE:
            logger.warning(
                "int8 differs from fp32 by %.4f on average > %.2f on the probe: not using int8",
                gap,
                INT8_PROBE_TOLERANCE,
            )
            self._int8 = None
            return False
        logger.info("int8 (ONNX Runtime) on (mean gap to fp32 on probe: %.4f)", gap)
        return True

    @torch.inference_mode()
    def predict(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        batch_size: int | None = None,
        show_progress_bar: bool | None = None,
    ) -> np.ndarray:
        """Return NLI probabilities for ``(premise, hypothesis)`` pairs.

        Pairs are sorted by length and padded per batch, so the result does not depend
        on batch size or input order. Inputs longer than ``max_length`` are truncated,
        the longer of the two texts first (``truncation="longest_first"``); use
        :meth:`score_pairs` to score long premises in windows.

        Args:
            pairs (Sequence[tuple[str, str]]): ``(premise, hypothesis)`` strings.
            batch_size (int, optional): Pairs per forward pass. Defaults to ``self.batch_size``.
            show_progress_bar (bool, optional): Show a tqdm bar; when None, shown only if
                this module's logger is at INFO or lower.

        Returns:
            np.ndarray: float32 array of shape ``(n, 3)``, columns contradiction, neutral,
            entailment, rows summing to 1; ``(0, 3)`` for empty input.
        """
        if len(pairs) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        batch_size = batch_size or self.batch_size
        if show_progress_bar is None:
            show_progress_bar = logger.getEffectiveLevel() <= logging.INFO
        premises = [premise for premise, _ in pairs]
        hypotheses = [hypothesis for _, hypothesis in pairs]
        encoded = self.tokenizer(
            premises,
            hypotheses,
            truncation="longest_first",
            max_length=self.max_length,
            padding=False,
        )
        input_ids = encoded["input_ids"]
        order = sorted(range(len(pairs)), key=lambda i: len(input_ids[i]))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        starts = range(0, len(order), batch_size)
        for start in tqdm(starts, desc="Batches", disable=not show_progress_bar):
            index = order[start : start + batch_size]
            features = self.tokenizer.pad(
                {key: [encoded[key][i] for i in index] for key in encoded},
                return_tensors="pt",
            ).to(self._device)
            if self._int8 is not None:
                logits = self._int8.logits(features)
            else:
                with torch.autocast(self._device.type, dtype=torch.bfloat16, enabled=self.use_bf16):
                    logits = self.model(**features).logits
            probs = torch.softmax(logits.float(), dim=-1)[:, self.label_order]
            out[index] = probs.cpu().numpy()
        return out

    def premise_windows(self, premise: str, hypothesis: str) -> list[str]:
        """Split ``premise`` into overlapping windows that fit beside ``hypothesis``.

        Windows cover the whole premise with a half-window overlap, cut at token
        boundaries; a premise that fits is returned as the only window.
        """
        offsets = self._token_offsets([premise, hypothesis])
        return self._windows(premise, offsets[premise], len(offsets[hypothesis]))

    def _token_offsets(self, texts: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        """Each distinct text's token character offsets, tokenized once in one batch."""
        distinct = list(dict.fromkeys(texts))
        if not distinct:
            return {}
        encoded = self.tokenizer(distinct, add_special_tokens=False, return_offsets_mapping=True)
        return dict(zip(distinct, encoded["offset_mapping"], strict=True))

    def _windows(self, premise: str, offsets: list[tuple[int, int]], hyp_tokens: int) -> list[str]:
        budget = max(self.max_length - min(hyp_tokens, self.max_length // 2) - 4, 8)
        if len(offsets) <= budget:
            return [premise]
        stride = max(budget // 2, 1)
        windows = []
        for start in range(0, len(offsets), stride):
            chunk = offsets[start : start + budget]
            windows.append(premise[chunk[0][0] : chunk[-1][1]])
            if start + budget >= len(offsets):
                break
        return windows

    def score_pairs(
        self,
        statements: Sequence[str],
        reports: Sequence[str],
        *,
        targets: Sequence[Target] | None = None,
        both_directions: bool = False,
        batch_size: int | None = None,
        show_progress_bar: bool | None = None,
    ) -> list[PairScore]:
        """Score how strongly each report contradicts its statement.

        The report is the premise and the statement the hypothesis. For a pair whose
        target is ``"contradiction"`` (a direct assertion), the reverse direction is
        scored too when ``both_directions`` is set; for ``"entailment"`` (a reported
        denial, where the report *entailing* the denied proposition is what
        contradicts the official) only report -> statement is meaningful. Long reports
        are scored in windows. Each pair keeps the direction and window with the
        highest probability of its target label, and says which it was.

        Args:
            statements (Sequence[str]): Hypotheses: what officials assert (or deny).
            reports (Sequence[str]): Third-party reports, aligned with ``statements``.
            targets (Sequence[str], optional): Per pair, the label whose probability
                is the score. Defaults to ``"contradiction"`` for every pair.
            both_directions (bool): Also score statement -> report for contradiction
                targets. Defaults to False.
            batch_size (int, optional): Passed to :meth:`predict`.
            show_progress_bar (bool, optional): Passed to :meth:`predict`.

        Returns:
            list[PairScore]: One per pair, in input order.
        """
        if len(statements) != len(reports):
            raise ValueError(
                f"statements and reports differ in length: {len(statements)} != {len(reports)}"
            )
        targets = list(targets) if targets is not None else ["contradiction"] * len(statements)
        if len(targets) != len(statements):
            raise ValueError(f"{len(targets)} targets for {len(statements)} pairs")
        columns = [_TARGET_COLUMN[target] for target in targets]
        inputs: list[tuple[str, str]] = []
        owners: list[tuple[int, Direction, int, int]] = []
        # each sentence is tokenized once for its windows, however many pairs it is in
        offsets = self._token_offsets([*statements, *reports])
        for i, (statement, report) in enumerate(zip(statements, reports, strict=True)):
            windows = self._windows(report, offsets[report], len(offsets[statement]))
            reverse = both_directions and targets[i] == "contradiction"
            for w, window in enumerate(windows):
                inputs.append((window, statement))
                owners.append((i, "report->statement", w, len(windows)))
                if reverse:
                    inputs.append((statement, window))
                    owners.append((i, "statement->report", w, len(windows)))
        # the same sentence pair (a claim paired twice, a statement and its report twin)
        # goes through the model once
        unique: dict[tuple[str, str], int] = {}
        index = [unique.setdefault(pair, len(unique)) for pair in inputs]
        probs = self.predict(
            list(unique), batch_size=batch_size, show_progress_bar=show_progress_bar
        )[index]
        best: dict[int, tuple[int, Direction, int, int]] = {}
        for row, (i, direction, w, n) in enumerate(owners):
            if i not in best or probs[row, columns[i]] > probs[best[i][0], columns[i]]:
                best[i] = (row, direction, w, n)
        results = []
        for i in range(len(statements)):
            row, direction, w, n = best[i]
            p = Probs(*(float(x) for x in probs[row]))
            results.append(PairScore(p, float(probs[row, columns[i]]), direction, w, n))
        return results
