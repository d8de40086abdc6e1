"""The agreement of two annotations (scripts/annotation_agreement.py), on counts made by hand."""

from __future__ import annotations

import json
from pathlib import Path

import annotation_agreement
import pytest


def _article(aid: str, statements: list, reports: list, pairs: list) -> dict:
    return {
        "id": aid,
        "text": "x" * 60,
        "statements": [{"span": s, "speaker_entity": e} for s, e in statements],
        "reports": [{"span": r, "source_entity": e} for r, e in reports],
        "pairs": [{"statement": s, "report": r, "label": lab} for s, r, lab in pairs],
    }


FIRST = {
    "a": _article("a", [([0, 10], "X"), ([20, 30], "X")], [([40, 50], "R")],
                  [(0, 0, "contradiction"), (1, 0, "neutral")]),
    "b": _article("b", [([0, 10], "Y")], [([40, 50], "S")], [(0, 0, "contradiction")]),
}  # fmt: skip
SECOND = {
    "r-a": _article("r-a", [([2, 8], "X")], [([42, 48], "R")], [(0, 0, "contradiction")]),
    "r-b": _article("r-b", [([0, 10], "Y")], [([40, 50], "Y")], [(0, 0, "neutral")]),
    "r-zzz": _article("r-zzz", [], [], []),  # not in the first files: ignored
}


def test_agreement_counts_match_a_hand_count() -> None:
    out = annotation_agreement.agreement(FIRST, SECOND, "r-")
    assert out["articles"] == 2
    # a: statement 2 of the first has no twin; every claim of the second has one
    assert (out["claims_first"], out["claims_first_in_second"]) == (5, 4)
    assert (out["claims_second"], out["claims_second_in_first"]) == (4, 4)
    # the first's contradiction in b is neutral in the second
    assert out["contradictions_first_found_by_second"] == 0.5
    assert out["contradictions_second_found_by_first"] == 1.0
    # pairs both list: (a: contradiction, contradiction) and (b: contradiction, neutral)
    assert out["pairs_listed_by_both"] == 2 and out["label_agreement"] == 0.5
    assert out["label_kappa"] == pytest.approx(0.0)
    # speakers: a's matched claims have two entities in both; b's have two, then one
    assert out["speaker_pairs"] == 2 and out["speaker_pair_agreement"] == 0.5


def test_the_script_prints_json_and_refuses_files_with_no_common_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(json.dumps(a) for a in FIRST.values()) + "\n")
    second.write_text("\n".join(json.dumps(a) for a in SECOND.values()) + "\n")
    assert annotation_agreement.main([str(first), "--second", str(second)]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2
    with pytest.raises(SystemExit) as stop:
        annotation_agreement.main([str(first), "--second", str(second), "--prefix", "q-"])
    assert stop.value.code == 2
