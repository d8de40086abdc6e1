"""Tests for nli.int8 and the scorer's int8 precision: the record, the cache, the probe."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from nli import int8
from nli.model import ContradictionScorer

PAIRS = [
    ("Hundreds of troops arrived in the city on Sunday.", "We have no troops there."),
    ("The company reported a loss.", "Profits rose."),
    ("a", "b"),
    ("Officials said the ministry denied the report about the army " * 5, "No troops."),
]

pytestmark = pytest.mark.skipif(not int8.runtime_available(), reason="onnxruntime not installed")


@pytest.fixture(autouse=True)
def int8_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test builds its int8 models in its own cache directory."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DENIAL_NLI_CACHE", str(cache))
    return cache


@pytest.fixture
def model_dir(tiny_model_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny model, free to receive a record."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


def passing_guard(model_dir: Path) -> int8.Int8Guard:
    return int8.Int8Guard(
        weights_sha256=int8.weights_sha256(model_dir),
        pairs=100,
        auc_fp32=0.70,
        auc_int8=0.695,
        mean_abs_shift=0.01,
        onnxruntime="test",
    )


@pytest.mark.parametrize(
    ("auc_int8", "shift", "passed"),
    [
        (0.69, 0.02, True),  # both limits exactly met
        (0.6899, 0.0, False),  # AUC loss just over 0.01
        (0.70, 0.0201, False),  # mean shift just over 0.02
        (0.75, 0.0, True),  # int8 scoring better than fp32 is no loss
    ],
)
def test_guard_passes_only_within_both_limits(model_dir: Path, auc_int8, shift, passed):
    guard = dataclasses.replace(passing_guard(model_dir), auc_int8=auc_int8, mean_abs_shift=shift)
    assert guard.passed is passed


def test_guard_round_trips_through_the_model_directory(model_dir: Path):
    guard = passing_guard(model_dir)
    int8.write_guard(model_dir, guard)
    assert int8.read_guard(model_dir) == guard


def test_int8_agrees_with_fp32_within_the_probe_tolerance(model_dir: Path):
    fp32 = ContradictionScorer(model_dir, precision="fp32").predict(PAIRS)
    scorer = ContradictionScorer(model_dir, precision="int8")
    assert scorer.precision == "int8"
    probs = scorer.predict(PAIRS)
    assert probs.shape == (len(PAIRS), 3) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert np.abs(probs - fp32).mean() <= 0.05


def test_int8_does_not_depend_on_batch_size_or_order(model_dir: Path):
    scorer = ContradictionScorer(model_dir, precision="int8")
    # each pair is quantized on its own, not with the activations of its batch
    reference = scorer.predict(PAIRS, batch_size=len(PAIRS))
    np.testing.assert_allclose(scorer.predict(PAIRS, batch_size=1), reference, atol=1e-6)
    reversed_order = scorer.predict(PAIRS[::-1], batch_size=3)[::-1]
    np.testing.assert_allclose(reversed_order, reference, atol=1e-6)


def test_auto_without_a_record_does_not_use_int8(model_dir: Path):
    assert ContradictionScorer(model_dir).precision != "int8"


def test_auto_uses_int8_with_a_passing_record(model_dir: Path):
    int8.write_guard(model_dir, passing_guard(model_dir))
    assert ContradictionScorer(model_dir).precision == "int8"


@pytest.mark.parametrize(
    "change",
    [
        {"weights_sha256": "0" * 64},  # measured on other weights
        {"mean_abs_shift": 0.05},  # the record fails the guard
    ],
)
def test_auto_ignores_a_stale_or_failing_record(model_dir: Path, change):
    int8.write_guard(model_dir, dataclasses.replace(passing_guard(model_dir), **change))
    assert ContradictionScorer(model_dir).precision != "int8"


def test_int8_falls_back_to_fp32_when_the_probe_fails(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setattr("nli.model.INT8_PROBE_TOLERANCE", -1.0)
    with caplog.at_level(logging.WARNING, logger="nli.model"):
        scorer = ContradictionScorer(model_dir, precision="int8")
    assert scorer.precision == "fp32"
    assert "not using int8" in caplog.text


def test_int8_model_is_built_once_and_then_read_from_the_cache(
    model_dir: Path, int8_cache: Path, monkeypatch: pytest.MonkeyPatch
):
    first = ContradictionScorer(model_dir, precision="int8").predict(PAIRS)
    assert len(list(int8_cache.glob("int8/*.onnx"))) == 1

    def no_export(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("exported again despite the cache")

    monkeypatch.setattr(int8, "export_int8", no_export)
    again = ContradictionScorer(model_dir, precision="int8").predict(PAIRS)
    np.testing.assert_array_equal(again, first)


def test_a_corrupt_cache_file_is_rebuilt(model_dir: Path, int8_cache: Path):
    path = int8.cache_path(model_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an onnx model")
    assert ContradictionScorer(model_dir, precision="int8").precision == "int8"
    assert path.read_bytes() != b"not an onnx model"


def test_weights_sha256_is_the_file_hash_for_one_file_and_follows_changes(tmp_path: Path) -> None:
    import hashlib

    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"first weights")
    assert int8.weights_sha256(tmp_path) == hashlib.sha256(b"first weights").hexdigest()
    weights.write_bytes(b"other weights, another size")  # cached per file state, not per path
    assert int8.weights_sha256(tmp_path) == hashlib.sha256(weights.read_bytes()).hexdigest()
    (tmp_path / "model-00002.safetensors").write_bytes(b"shard")  # shards: one hash over all
    expected = hashlib.sha256(b"shard" + weights.read_bytes()).hexdigest()
    assert int8.weights_sha256(tmp_path) == expected


def test_residual_adds_stay_apart_from_layer_norm(model_dir: Path, tmp_path: Path):
    """The fused SkipLayerNormalization is slow on some CPUs: neither the exported model nor
    the graph a session loads from it has one, and both keep the LayerNormalizations."""
    import onnx
    import onnxruntime

    ContradictionScorer(model_dir, precision="int8")
    exported = int8.cache_path(model_dir)
    optimized = tmp_path / "optimized.onnx"
    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(optimized)
    onnxruntime.InferenceSession(
        str(exported),
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=int8._SESSION_DISABLED,
    )
    for path in (exported, optimized):
        ops = {node.op_type for node in onnx.load(str(path)).graph.node}
        assert "SkipLayerNormalization" not in ops, path
        assert "LayerNormalization" in ops, path
