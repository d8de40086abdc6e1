"""Shared test fixtures: offline settings and a tiny random NLI model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Many tests run small multi-batch scoring runs: a claim-finding worker process for each
# (nli.prefetch) would cost more than it saves; tests/test_prefetch.py turns it on.
os.environ.setdefault("NLI_EXTRACT_AHEAD", "0")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: needs the shipped model; run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT with a contradiction/neutral/entailment head (built once)."""
    from nli.tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def tiny_scorer(tiny_model_dir: Path):  # type: ignore[no-untyped-def]
    from nli.model import ContradictionScorer

    return ContradictionScorer(tiny_model_dir, precision="fp32", batch_size=8)
