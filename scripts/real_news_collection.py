"""Write the web pages of the real-news set as a plain collection with outlets and dates.

The annotated set (``fixtures/real/``) stores each page's text and URL. For ``nli score
--keep-fields outlet,url --date-field published`` and ``nli summarize``, this writes one
JSONL row per page (``id``, ``text``, ``url``, ``outlet``, ``published``) and leaves the
annotation out:

- ``outlet``: the site's registered domain (``uk.reuters.com`` and ``www.reuters.com``
  are both ``reuters.com``);
- ``published``: the date as the page gives it, in whatever format: the ``date
  YYYY-MM-DD`` line some stored pages open with, a ``/2024/07/01/`` URL path, or a
  "Month D, YYYY" date in the opening 300 characters; absent otherwise (``nli score``
  counts those as missing).

Usage::

    python scripts/real_news_collection.py fixtures/real/dev.jsonl fixtures/real/test.jsonl \\
        -o out/real_news.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from urllib.parse import urlparse

_TEXT_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})")
_URL_DATE = re.compile(r"/((?:19|20)\d\d/\d{1,2}/\d{1,2})/")
_WORDS_DATE = re.compile(
    r"\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, (?:19|20)\d\d)\b"
)
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac"}


def outlet_of(url: str) -> str:
    """The registered domain of a URL: ``https://uk.reuters.com/x`` -> ``reuters.com``."""
    labels = urlparse(url).netloc.lower().split(":")[0].split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def published_of(text: str, url: str) -> str | None:
    """The page's date as the page gives it, or None."""
    for pattern, where in ((_TEXT_DATE, text), (_URL_DATE, url), (_WORDS_DATE, text[:300])):
        match = pattern.search(where)
        if match:
            return match.group(1)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path, help="fixtures/real/*.jsonl files")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    rows = []
    for path in args.gold:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("origin") != "pages":
                continue
            row = {"id": item["id"], "text": item["text"], "url": item["url"]}
            row["outlet"] = outlet_of(item["url"])
            published = published_of(item["text"], item["url"])
            if published is not None:
                row["published"] = published
            rows.append(row)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    dated = sum("published" in row for row in rows)
    print(f"{len(rows)} pages ({dated} with a date) -> {args.output}")


if __name__ == "__main__":
    main()
