"""scripts/bench_memory.py: invented words make every article bring new vocabulary."""

from __future__ import annotations

import bench_memory


def test_new_words_are_added_to_each_article_and_keep_the_templates() -> None:
    plain = bench_memory.synthetic_articles(20)
    rows = bench_memory.synthetic_articles(20, new_words=6)
    words: set[str] = set()
    for before, after in zip(plain, rows, strict=True):
        assert after["text"].startswith(before["text"])
        added = after["text"][len(before["text"]) :]
        assert added.endswith(" said they had seen nothing.")
        names = added.removesuffix(" said they had seen nothing.").strip().split(", ")
        assert len(names) == 6 and all(len(name) == 9 and name.istitle() for name in names)
        words.update(names)
    assert len(words) > 100  # new to the vocabulary article after article
    assert bench_memory.synthetic_articles(20, new_words=0) == plain
