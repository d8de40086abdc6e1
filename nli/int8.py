"""int8 inference (the scorer, the pairing encoder): ONNX export, quantization, accuracy record.

The model is exported from its torch weights (the shipped file stays fp16 safetensors) and
quantized by ONNX Runtime at load time: weights int8 per output channel, activations
quantized per run, one pair per run. On a quiet 2-core AMD EPYC this scores about 3 times
the pairs/s of fp32 and 1.5 times those of bf16 autocast (README, Benchmarks).

int8 moves probabilities more than bf16 does, so ``precision="auto"`` uses it only for a
model whose directory holds an :data:`GUARD_FILE` written by ``scripts/bench_precision.py``:
measured on the real-news dev pairs for exactly these weights, it must show at most
:data:`MAX_AUC_LOSS` loss of contradiction ROC-AUC and at most :data:`MAX_MEAN_SHIFT` mean
absolute probability shift against fp32. The scorer also compares int8 with fp32 on a probe
batch on the machine it runs on, since quantized kernels differ between CPUs
(``nli.model.INT8_PROBE_TOLERANCE``).

The pairing encoder (:class:`nli.retrieval.SentenceEncoder`) uses the same export with its
token states as output (``output="last_hidden_state"``), one sentence per run; its guard is
the pairing measured on the dev half (``nli.retrieval.INT8_MEASURED_WEIGHTS``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import logging
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import PreTrainedModel

from nli.config import cache_root

logger = logging.getLogger(__name__)

#: The accuracy record of a model directory, written by ``scripts/bench_precision.py``.
GUARD_FILE = "int8_guard.json"

#: ONNX Runtime graph rewrites turned off when a session loads the int8 model: the
#: SkipLayerNormalization fusion would undo what :func:`export_int8` left apart.
_SESSION_DISABLED = ["SkipLayerNormFusion"]

#: Largest loss of contradiction ROC-AUC (fp32 minus int8) on the real-news dev pairs.
MAX_AUC_LOSS = 0.01

#: Largest mean absolute difference of the three probabilities between int8 and fp32.
MAX_MEAN_SHIFT = 0.02

# Part of the cache file name: bump it when export_int8 changes what it writes.
_FORMAT = 3


def runtime_available() -> bool:
    """Whether ONNX Runtime and onnx (its quantization tool needs it) are installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


@dataclass(frozen=True)
class Int8Guard:
    """What ``scripts/bench_precision.py`` measured for int8 on one model's weights.

    Args:
        weights_sha256 (str): :func:`weights_sha256` of the measured model directory.
        pairs (int): Real-news dev pairs measured (rows of ``make_real_pairs.py``).
        auc_fp32 (float): Contradiction ROC-AUC of fp32 on them.
        auc_int8 (float): The same with int8.
        mean_abs_shift (float): Mean absolute difference of the probabilities, int8 vs fp32,
            over every model input (both directions).
        onnxruntime (str): ONNX Runtime version used.
    """

    weights_sha256: str
    pairs: int
    auc_fp32: float
    auc_int8: float
    mean_abs_shift: float
    onnxruntime: str

    @property
    def passed(self) -> bool:
        """True when both limits hold (AUC loss and mean shift), to the record's 6 decimals."""
        return (
            round(self.auc_fp32 - self.auc_int8, 6) <= MAX_AUC_LOSS
            and self.mean_abs_shift <= MAX_MEAN_SHIFT
        )


def weights_sha256(model_dir: str | Path) -> str:
    """SHA-256 over the directory's ``*.safetensors`` files (sorted by name): for one
    ``model.safetensors``, that file's SHA-256.

    The int8 record, the int8 cache's file name and a run's manifest all name weights by
    it. Computed once per process for unchanged files (the shipped weights are 45 MB).
    """
    files = sorted(Path(model_dir).resolve().glob("*.safetensors"))
    return _weights_sha256(tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=8)
def _weights_sha256(files: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in files:
        with open(name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_guard(model_dir: str | Path) -> Int8Guard | None:
    """The model directory's int8 record, or None when there is none or it is unreadable."""
    path = Path(model_dir) / GUARD_FILE
    if not path.is_file():
        return None
    try:
        return Int8Guard(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as error:
        logger.warning("ignoring unreadable %s: %s", path, error)
        return None


def write_guard(model_dir: str | Path, guard: Int8Guard) -> Path:
    """Write ``guard`` to the model directory atomically; returns the file's path."""
    path = Path(model_dir) / GUARD_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(guard), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def guard_holds(model_dir: str | Path) -> tuple[bool, str]:
    """Whether ``precision="auto"`` may use int8 for this model directory, and why (not).

    Returns:
        tuple[bool, str]: The decision and a short reason for the log.
    """
    if not runtime_available():
        return False, "onnxruntime is not installed"
    guard = read_guard(model_dir)
    if guard is None:
        return False, f"no {GUARD_FILE} (run scripts/bench_precision.py --record)"
    if guard.weights_sha256 != weights_sha256(model_dir):
        return False, f"{GUARD_FILE} was measured on other weights"
    if not guard.passed:
        return False, (
            f"{GUARD_FILE} fails the guard (AUC loss {guard.auc_fp32 - guard.auc_int8:.4f}, "
            f"mean shift {guard.mean_abs_shift:.4f})"
        )
    return True, (
        f"AUC loss {guard.auc_fp32 - guard.auc_int8:.4f}, "
        f"mean shift {guard.mean_abs_shift:.4f} on {guard.pairs} real-news dev pairs"
    )


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Mute records below ERROR while ONNX Runtime's quantizer logs to the root logger."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


class _Output(torch.nn.Module):
    """The model with positional inputs and one named output (``logits``,
    ``last_hidden_state``) as its only output (what export needs)."""

    def __init__(self, model: torch.nn.Module, input_names: Sequence[str], output: str) -> None:
        super().__init__()
        self.model = model
        self.input_names = list(input_names)
        self.output = output

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        out = self.model(**dict(zip(self.input_names, tensors, strict=True)))
        return getattr(out, self.output)


def cache_path(model_dir: str | Path, output: str = "logits") -> Path:
    """Where the int8 model of these weights is kept between runs.

    Under ``$DENIAL_NLI_CACHE``, else ``$XDG_CACHE_HOME/denial-nli``, else
    ``~/.cache/denial-nli``; the name holds the weights' hash, the output exported (other
    than ``logits``) and the versions that shape the file, so a new model or a new ONNX
    Runtime builds a new one.
    """
    import onnxruntime

    versions = f"ort{onnxruntime.__version__}-torch{torch.__version__}-v{_FORMAT}"
    kind = "" if output == "logits" else f"-{output}"
    return cache_root() / "int8" / f"{weights_sha256(model_dir)[:16]}{kind}-{versions}.onnx"


def export_int8(
    model: PreTrainedModel, example: Mapping[str, torch.Tensor], output: str = "logits"
) -> bytes:
    """Export ``model`` to ONNX and quantize it dynamically; returns the int8 model's bytes.

    Args:
        model (PreTrainedModel): A sequence-classification model in fp32 (left unchanged),
            or with ``output="last_hidden_state"`` an encoder.
        example (Mapping[str, torch.Tensor]): A padded tokenizer batch of at least two rows
            of different lengths (so the traced graph keeps the padding mask); its keys are
            the model inputs, in this order.
        output (str): The model output exported.
    """
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    names = list(example)
    # eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses into its
    # Attention op for BERT. Fused and unfused int8 shift the real-news dev pairs alike
    # (mean 0.0160), but only the fused model keeps the top finding of the shipped example
    # (tests/test_default_model.py), a near tie in fp32 that the unfused model flipped.
    eager: PreTrainedModel = copy.deepcopy(model)
    eager.set_attn_implementation("eager")
    config = eager.config
    wrapper = _Output(eager, names, output).eval()
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    output_axes = {0: "batch"} if output == "logits" else {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory(prefix="nli-int8-") as tmp:
        fp32_path, int8_path = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        with warnings.catch_warnings(), _quiet_root_logger():
            # the TorchScript exporter's deprecation and tracer notes; the scorer checks
            # the traced graph against torch on its probe batch
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                tuple(example[name] for name in names),
                str(fp32_path),
                input_names=names,
                output_names=[output],
                dynamic_axes={**axes, output: output_axes},
                opset_version=17,
                dynamo=False,
            )
            if config.model_type == "bert":
                options = FusionOptions("bert")
                # residual adds stay apart from their LayerNormalization: ONNX Runtime's fused
                # SkipLayerNormalization took 110 us per call on 56 tokens on a Zen 4 EPYC,
                # against 23 us for the Adds and the LayerNormalization (the whole model 1.2x
                # as fast, the same logits); see also _SESSION_DISABLED
                options.enable_skip_layer_norm = False
                options.enable_bias_skip_layer_norm = False
                fused = optimize_model(
                    str(fp32_path),
                    model_type="bert",
                    num_heads=config.num_attention_heads,
                    hidden_size=config.hidden_size,
                    optimization_options=options,
                )
                fused.save_model_to_file(str(fp32_path))
            # per-channel weights: per-tensor ones moved the shipped model's probabilities
            # 2.4x as much (mean 0.041 against 0.017 on the real-news dev pairs)
            quantize_dynamic(
                fp32_path,
                int8_path,
                per_channel=True,
                reduce_range=False,
                weight_type=QuantType.QInt8,
                # fused ops have no type in onnx's shape inference; their outputs are float
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
        return int8_path.read_bytes()


class Int8Session:
    """An int8 copy of a sequence-classification model, run by ONNX Runtime on CPU.

    Each row of a batch runs on its own, without its padding: dynamic quantization scales
    the activations of one run as a whole, so in a shared run a pair's probabilities would
    depend on the other pairs of its batch (by 0.015 on average, up to 0.28, on the real-news
    dev pairs). Rows are spread over ``num_threads`` single-threaded runs at once, which
    also beats one batched run on two threads (241 against 127 pairs/s on 2 cores).

    Args:
        model (PreTrainedModel): The fp32 model (left unchanged).
        example (Mapping[str, torch.Tensor]): See :func:`export_int8`.
        num_threads (int): Rows run at once, each on one thread.
        cache (Path, optional): Read the int8 model from this file when it is there, else
            build it and write it there (a failed write is logged and skipped).
        output (str): The model output exported and returned (``logits``; an encoder's
            ``last_hidden_state``: :meth:`rows`).

    Raises:
        ImportError: When onnxruntime or onnx is missing.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        example: Mapping[str, torch.Tensor],
        num_threads: int,
        *,
        cache: Path | None = None,
        output: str = "logits",
    ) -> None:
        import onnxruntime

        self.input_names = list(example)
        self.output = output
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = None
        if cache is not None and cache.is_file():
            try:
                session = onnxruntime.InferenceSession(
                    str(cache),
                    options,
                    providers=["CPUExecutionProvider"],
                    disabled_optimizers=_SESSION_DISABLED,
                )
                logger.debug("int8 model read from %s", cache)
            except Exception as error:  # a truncated or foreign file: build it again
                logger.warning("rebuilding the int8 model: cannot load %s (%s)", cache, error)
        if session is None:
            data = export_int8(model, example, output)
            session = onnxruntime.InferenceSession(
                data,
                options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=_SESSION_DISABLED,
            )
            if cache is not None:
                _write_cache(cache, data)
        self._session = session
        self._pool = ThreadPoolExecutor(num_threads) if num_threads > 1 else None
        logger.debug("int8 ONNX Runtime session ready (%d rows at once)", num_threads)

    def logits(self, features: Mapping[str, Any]) -> torch.Tensor:
        """Logits of one padded batch (the tensors a tokenizer returns), row by row."""
        return torch.from_numpy(np.concatenate(self.rows(features)))

    def rows(self, features: Mapping[str, Any]) -> list[np.ndarray]:
        """The output of each row of one padded batch, run alone without its padding
        (``last_hidden_state``: one ``(1, tokens, hidden)`` array per row)."""
        arrays = {name: np.asarray(features[name]) for name in self.input_names}
        first = arrays[self.input_names[0]]
        mask = (
            np.asarray(features["attention_mask"]).astype(bool)
            if "attention_mask" in features
            else np.ones(first.shape, dtype=bool)
        )
        rows = [
            {name: np.ascontiguousarray(arrays[name][i][keep][None], np.int64) for name in arrays}
            for i, keep in enumerate(mask)
        ]
        if self._pool is None:
            return [self._run(row) for row in rows]
        return list(self._pool.map(self._run, rows))

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        (out,) = self._session.run([self.output], feeds)
        return out


def _write_cache(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; an unwritable cache only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            handle.write(data)
        Path(handle.name).replace(path)
        logger.info("int8 model cached at %s", path)
    except OSError as error:
        logger.info("int8 model not cached (%s): it is built again next time", error)
