"""The guard of the real-news set's test half, shared by the scripts that fit, tune or train.

``fixtures/real/test.jsonl`` is only ever measured (``fixtures/real/README.md``). A script that
fits, tunes or trains on a real-news file calls :func:`refuse_test_half` on it first: the file
is refused when it holds any article of the test half, whatever it is called (a copy of the
test half named ``half2.jsonl`` is refused, a dev file named ``latest-dev.jsonl`` is not).
Articles are compared by id: ``id`` in an annotated file, ``article_id`` in the rows that
``scripts/training/make_real_pairs.py`` writes.

Training scripts import it with ``scripts/`` on ``sys.path``; nothing in ``nli`` imports it.
"""

from __future__ import annotations

import json
from pathlib import Path

#: The test half, relative to the repository root.
TEST_HALF = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "test.jsonl"
#: Fields that name a row's article: an annotated article's id, a pair row's article.
ID_FIELDS: tuple[str, ...] = ("id", "article_id")


def article_ids(path: Path) -> set[str]:
    """The article ids a JSON-lines file holds (``id``, else ``article_id``, of each row).

    Args:
        path (Path): A real-news half, a part of it, or rows made from one.

    Returns:
        set[str]: The ids found; rows without either field add none.

    Raises:
        ValueError: When a line is not a JSON object.
    """
    ids: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error})") from error
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            value = next((row[f] for f in ID_FIELDS if row.get(f) is not None), None)
            if value is not None:
                ids.add(str(value))
    return ids


def refuse_test_half(path: Path, *, test_half: Path = TEST_HALF) -> None:
    """Raise when ``path`` holds any article of the test half of the real-news set.

    Args:
        path (Path): The file a script is about to fit, tune or train on.
        test_half (Path): The test half. Defaults to ``fixtures/real/test.jsonl``.

    Raises:
        ValueError: When the files share an article id; the message names the file, how
            many articles it shares and a few of their ids.
        FileNotFoundError: When either file is missing.
    """
    if not test_half.is_file():
        raise FileNotFoundError(f"{test_half}: the test half is missing; {path} is not checked")
    shared = sorted(article_ids(path) & article_ids(test_half))
    if shared:
        examples = ", ".join(shared[:3]) + (", ..." if len(shared) > 3 else "")
        raise ValueError(
            f"{path}: holds {len(shared)} article(s) of the test half {test_half} ({examples}); "
            "the test half is only measured, never fitted, tuned or trained on: use the dev half"
        )
