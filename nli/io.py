"""Reading labelled or unlabelled pairs, and writing results atomically.

Each input format is a small generator chosen by file suffix (``.jsonl``, ``.csv``,
``.parquet``, each optionally ``.gz``-compressed for the text formats). Readers yield
:class:`~nli.types.PairRecord` for good rows and :class:`~nli.types.ErrorRecord` for
rows that cannot be used, so one bad row never stops a run.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from nli.types import LABELS, Article, ErrorRecord, PairRecord

logger = logging.getLogger(__name__)


class InputError(Exception):
    """The input as a whole cannot be read (missing, empty, wrong format)."""


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def normalise_label(value: Any) -> str | None:
    """Map a gold label to ``contradiction``/``neutral``/``entailment``.

    Accepts any case, and booleans (or "true"/"false") for binary contradiction
    labels, where False becomes ``"neutral"`` (not a contradiction).

    Raises:
        ValueError: For a value that is none of these.

    Example:
        >>> normalise_label("CONTRADICTION"), normalise_label(False)
        ('contradiction', 'neutral')
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "contradiction" if value else "neutral"
    text = str(value).strip().lower()
    if text in LABELS:
        return text
    if text in ("true", "1", "yes"):
        return "contradiction"
    if text in ("false", "0", "no"):
        return "neutral"
    raise ValueError(f"unknown label {value!r} (expected one of {', '.join(LABELS)})")


def row_to_pair(row: dict[str, Any], *, source: str, line: int) -> PairRecord | ErrorRecord:
    """Validate one input row and build a :class:`PairRecord` from it."""
    raw_id = row.get("id")
    record_id = str(raw_id) if raw_id not in (None, "") else str(line)
    fields = {}
    for name in ("statement", "report"):
        value = row.get(name)
        if not isinstance(value, str):
            problem = "missing" if value is None else f"not a string ({type(value).__name__})"
            return ErrorRecord(source, line, record_id, f"field {name!r} is {problem}")
        if not value.strip():
            return ErrorRecord(source, line, record_id, f"field {name!r} is empty")
        fields[name] = value
    raw_label = row.get("label", row.get("contradiction"))
    try:
        label = normalise_label(raw_label)
    except ValueError as error:
        return ErrorRecord(source, line, record_id, str(error))
    known = {"id", "statement", "report", "label"}
    extra = {key: value for key, value in row.items() if key not in known}
    return PairRecord(record_id, fields["statement"], fields["report"], label, extra)  # type: ignore[arg-type]


def _rows_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with _open_binary(path) as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield line_no, f"line is not valid UTF-8 ({error.reason} at byte {error.start})"
                continue
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield line_no, f"malformed JSON: {error.msg} (column {error.colno})"
                continue
            if not isinstance(value, dict):
                yield line_no, f"expected a JSON object, got {type(value).__name__}"
                continue
            yield line_no, value


def _rows_csv(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with _open_binary(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", errors="strict", newline="")
        try:
            reader = csv.DictReader(text)
            for row in reader:
                line_no = reader.line_num
                if None in row:
                    yield line_no, "row has more fields than the header"
                    continue
                yield line_no, {key: value for key, value in row.items() if value is not None}
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: not valid UTF-8 ({error.reason})") from error
        except csv.Error as error:
            raise InputError(f"{path}: malformed CSV: {error}") from error


def _rows_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: not a readable Parquet file ({error})") from error
    line_no = 0
    for batch in parquet.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            line_no += 1
            yield line_no, row


_READERS: dict[str, Callable[[Path], Iterator[tuple[int, dict[str, Any] | str]]]] = {
    ".jsonl": _rows_jsonl,
    ".json": _rows_jsonl,
    ".csv": _rows_csv,
    ".parquet": _rows_parquet,
}


def table_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Rows of a JSONL/CSV/Parquet file as ``(line, row)``; a str row is a row-level error.

    Raises:
        InputError: When the file is empty or of an unknown format.
    """
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    reader = _READERS.get(_suffix(path))
    if reader is None:
        raise InputError(
            f"{path}: unknown format {_suffix(path)!r} (expected {', '.join(sorted(_READERS))})"
        )
    return reader(path)


def read_pairs(path: str | Path) -> Iterator[PairRecord | ErrorRecord]:
    """Stream statement/report pairs from a JSONL, CSV or Parquet file.

    Args:
        path (str | Path): The input file; ``.gz`` is accepted for JSONL and CSV.

    Yields:
        PairRecord | ErrorRecord: One per non-blank row, in file order.

    Raises:
        InputError: When the file is missing, empty, of an unknown format or unreadable
            as a whole.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    source = str(path)
    seen = 0
    for line_no, row in table_rows(path):
        seen += 1
        if isinstance(row, str):
            yield ErrorRecord(source, line_no, None, row)
        else:
            yield row_to_pair(row, source=source, line=line_no)
    if seen == 0:
        raise InputError(f"{path}: no records found")


@contextmanager
def atomic_path(path: Path) -> Iterator[str]:
    """Yield a temporary file name beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it was, so a
    killed or failed write never leaves a half-written output.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write dict records to JSONL, CSV or Parquet (by suffix), atomically.

    The file is written next to its target under a temporary name and renamed into
    place, so a killed run never leaves a half-written output.

    Args:
        path (str | Path): Output file; ``.jsonl`` (default for unknown suffixes),
            ``.csv`` (nested values JSON-encoded) or ``.parquet``.
        records (Iterable[dict]): The rows.

    Returns:
        int: The number of rows written.
    """
    path = Path(path)
    suffix = _suffix(path)
    count = 0
    with atomic_path(path) as tmp:
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = list(records)
            count = len(rows)
            pq.write_table(pa.Table.from_pylist(rows), tmp)
        elif suffix == ".csv":
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                rows = list(records)
                count = len(rows)
                columns = list(dict.fromkeys(key for row in rows for key in row))
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow(
                        {
                            k: json.dumps(v) if isinstance(v, dict | list) else v
                            for k, v in row.items()
                        }
                    )
        else:
            with open(tmp, "w", encoding="utf-8") as handle:
                for row in records:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
    return count


def write_json(path: str | Path, value: Any) -> None:
    """Write one JSON document (pretty-printed, UTF-8) atomically."""
    with atomic_path(Path(path)) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


#: Suffixes read from an article directory (each also with ``.gz``).
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def walk_directory(path: Path, suffixes: tuple[str, ...] = ARTICLE_SUFFIXES) -> list[Path]:
    """Files under ``path`` with one of ``suffixes`` (``.gz`` allowed), sorted, no dot-files."""
    found = [
        p
        for p in path.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and _suffix(p) in suffixes
    ]
    return sorted(found)


def _decode_document(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        logger.debug("not UTF-8, decoding as Latin-1")
        return data.decode("latin-1")


def _read_article_file(file: Path, article_id: str) -> Article | ErrorRecord:
    from nli.clean import html_to_text

    try:
        with _open_binary(file) as handle:
            data = handle.read()
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ValueError("looks like a binary file")
        text = _decode_document(data)
        fmt = "html" if _suffix(file) in (".html", ".htm") else "text"
        if fmt == "html":
            text = html_to_text(text)
        return Article(article_id, text, meta={"format": fmt, "path": str(file)})
    except (OSError, ValueError, EOFError) as error:
        return ErrorRecord(str(file), None, article_id, f"cannot read article: {error}")


def read_articles(
    path: str | Path, *, text_field: str = "text", id_field: str = "id"
) -> Iterator[Article | ErrorRecord]:
    """Stream articles from a directory of .txt/.html files or a JSONL/CSV/Parquet file.

    Args:
        path (str | Path): A directory (article id = path relative to it), or a file.
        text_field (str): Field holding the article text in tabular inputs.
        id_field (str): Field holding the article id (defaults to the row number).

    Yields:
        Article | ErrorRecord: One per file or row, in a stable order.

    Raises:
        InputError: When the input is missing, empty or of an unknown format.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found")
    if path.is_dir():
        for file in walk_directory(path):
            yield _read_article_file(file, str(file.relative_to(path)))
        return
    if _suffix(path) in ARTICLE_SUFFIXES:
        yield _read_article_file(path, path.name)
        return
    for line_no, row in table_rows(path):
        if isinstance(row, str):
            yield ErrorRecord(str(path), line_no, None, row)
            continue
        raw_id = row.get(id_field)
        article_id = str(raw_id) if raw_id not in (None, "") else str(line_no)
        text = row.get(text_field)
        if not isinstance(text, str):
            yield ErrorRecord(str(path), line_no, article_id, f"field {text_field!r} missing")
            continue
        meta = {k: v for k, v in row.items() if k not in (text_field, id_field)}
        yield Article(article_id, text, url=row.get("url"), date=row.get("date"), meta=meta)
