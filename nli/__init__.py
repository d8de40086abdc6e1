"""denial-nli: find official denials contradicted by third-party reports, scored by NLI.

Public API (imported lazily so ``nli --version`` does not load torch or pandas):

- :func:`score_articles` — score a collection (a path, a DataFrame or a
  ``datasets.Dataset``) as ``nli score`` does; the findings as a DataFrame (``nli.api``).
- :func:`load_findings` — read a findings file into a DataFrame (``nli.summarize``).
- :func:`summarize` — statements, denials and contradictions per speaker, organisation,
  source, outlet or month (``nli.summarize``).
- :class:`ContradictionScorer` — the NLI model wrapper (``nli.model``).
- :func:`read_pairs` — stream statement/report pairs from a file (``nli.io``).
- :func:`compute_metrics` — metrics on labelled pairs (``nli.evaluate``).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# Imported now, not lazily: importing the submodule ``nli.summarize`` binds the name
# ``summarize`` in this package to the module, and this import binds it to the function
# once and for all. ``nli.summarize`` imports pandas only when its functions run.
from nli.summarize import load_findings, summarize  # noqa: E402

_LAZY = {
    "ContradictionScorer": "nli.model",
    "read_pairs": "nli.io",
    "compute_metrics": "nli.evaluate",
    "score_articles": "nli.api",
}

__all__ = [
    "ContradictionScorer",
    "__version__",
    "compute_metrics",
    "load_findings",
    "read_pairs",
    "score_articles",
    "summarize",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nli' has no attribute {name!r}")
