"""denial-nli: find official denials contradicted by third-party reports, scored by NLI.

Public API (imported lazily so ``nli --version`` does not load torch):

- :class:`ContradictionScorer` — the NLI model wrapper (``nli.model``).
- :func:`read_pairs` — stream statement/report pairs from a file (``nli.io``).
- :func:`compute_metrics` — metrics on labelled pairs (``nli.evaluate``).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "ContradictionScorer": "nli.model",
    "read_pairs": "nli.io",
    "compute_metrics": "nli.evaluate",
}

__all__ = ["ContradictionScorer", "__version__", "compute_metrics", "read_pairs"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nli' has no attribute {name!r}")
