"""Reading pairs and article collections, and writing results atomically and durably.

Each input format is a small generator chosen by file suffix (``.jsonl``, ``.csv``,
``.parquet``, each optionally ``.gz``-compressed for the text formats). Readers stream:
they hold one row (one Parquet batch) at a time, never the whole collection. They
yield :class:`~nli.types.PairRecord` / :class:`~nli.types.Article` for good rows and
:class:`~nli.types.ErrorRecord` for rows that cannot be used, so one bad row never
stops a run; only a problem with the input as a whole (missing, empty, unknown
format, unreadable header) raises :class:`InputError`.

Writers are atomic (a temporary file beside the target, fsync'd, then renamed) and
stream: CSV and Parquet outputs are spooled to JSONL first and converted in two
passes (columns or schema, then rows), so writing also holds one chunk at a time.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from nli.types import LABELS, Article, ErrorRecord, PairRecord

logger = logging.getLogger(__name__)

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Exceptions a compressed or damaged file raises part-way through reading it.
_STREAM_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError)
#: Rows per Parquet read batch: articles can be megabytes each, so keep batches small.
PARQUET_READ_BATCH = 64
#: Rows per chunk when converting JSONL to Parquet.
PARQUET_WRITE_CHUNK = 1000
#: Largest CSV field accepted (the csv module's default, 128 KiB, is below one long article).
CSV_FIELD_LIMIT = 2**31 - 1


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


def _starts_with_utf16_bom(handle: IO[bytes]) -> bool:
    """Whether a binary stream starts with a UTF-16 byte-order mark; rewinds it."""
    head = handle.read(2)
    handle.seek(0)
    return head in _UTF16_BOMS


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


Row = tuple[int, dict[str, Any] | str]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_lone_surrogates(value: Any) -> Any:
    r"""``value`` with every lone surrogate in its strings replaced by U+FFFD.

    JSON may escape half a surrogate pair (``"\ud83d"``, a cut-off emoji); such a
    string cannot be written as UTF-8. One code point replaces one, so character
    offsets into the text stay valid.

    Example:
        >>> _replace_lone_surrogates({"text": "a\ud83db", "n": [1, "\udc00"]})
        {'text': 'a�b', 'n': [1, '�']}
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            _replace_lone_surrogates(key): _replace_lone_surrogates(item)
            for key, item in value.items()
        }
    return value


def _parse_json_line(text: str) -> dict[str, Any] | str:
    """One JSONL line as an object, or the message saying why it is not one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return f"malformed JSON: {error.msg} (column {error.colno})"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    if "\\u" in text:  # only an escape can make a lone surrogate
        value = _replace_lone_surrogates(value)
    return value


def _rows_jsonl(path: Path) -> Iterator[Row]:
    """JSONL rows; UTF-8 (a leading BOM is allowed) or, with its BOM, UTF-16.

    A line that is not UTF-8 is an error row. A file that ends part-way through (a
    truncated ``.gz``) gives one error row naming the line where reading stopped.
    """
    line_no = 0
    with _open_binary(path) as handle:
        try:
            if _starts_with_utf16_bom(handle):
                lines: Iterable[bytes | str] = io.TextIOWrapper(handle, encoding="utf-16")
            else:
                lines = handle
            for raw in lines:
                line_no += 1
                if isinstance(raw, bytes):
                    try:
                        # utf-8-sig on the first line only: a BOM elsewhere is content
                        text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
                    except UnicodeDecodeError as error:
                        reason = f"{error.reason} at byte {error.start}"
                        yield line_no, f"line is not valid UTF-8 ({reason})"
                        continue
                else:
                    text = raw
                if text.strip():
                    yield line_no, _parse_json_line(text)
        except _STREAM_ERRORS as error:
            yield line_no + 1, f"file is truncated or corrupt here, rest not read ({error})"


def _has_surrogates(value: str) -> bool:
    """Whether a string decoded with ``surrogateescape`` held bytes that were not UTF-8."""
    return any("\udc80" <= char <= "\udcff" for char in value)


def _rows_csv(path: Path) -> Iterator[Row]:
    """CSV rows keyed by the header; UTF-8 (BOM allowed) or, with its BOM, UTF-16.

    A row with a different number of fields than the header, or with bytes that are
    not UTF-8, is an error row. Damage part-way through (a truncated ``.gz``) gives
    one error row and ends the file.

    Raises:
        InputError: When the header is missing, unreadable or repeats a column.
    """
    # Articles are often longer than the csv module's default field limit (128 KiB).
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    with _open_binary(path) as handle:
        utf16 = _starts_with_utf16_bom(handle)
        text = io.TextIOWrapper(
            handle,
            encoding="utf-16" if utf16 else "utf-8-sig",
            # surrogateescape lets one bad row be reported without losing the rest
            errors="strict" if utf16 else "surrogateescape",
            newline="",
        )
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except (csv.Error, *_STREAM_ERRORS) as error:
            raise InputError(f"{path}: cannot read the CSV header ({error})") from error
        if not header:
            raise InputError(f"{path}: no CSV header row")
        if any(_has_surrogates(name) for name in header):
            raise InputError(f"{path}: the CSV header is not valid UTF-8")
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise InputError(f"{path}: the CSV header repeats column(s) {repeated}")
        line_no = reader.line_num
        try:
            for row in reader:
                line_no = reader.line_num
                if not row:
                    continue  # a blank line
                if len(row) != len(header):
                    yield line_no, f"row has {len(row)} fields, the header has {len(header)}"
                elif any(_has_surrogates(value) for value in row):
                    yield line_no, "row is not valid UTF-8"
                else:
                    yield line_no, dict(zip(header, row, strict=True))
        except (csv.Error, *_STREAM_ERRORS) as error:
            yield line_no + 1, f"malformed or truncated CSV here, rest not read ({error})"


def _rows_parquet(path: Path) -> Iterator[Row]:
    """Parquet rows, read in small batches so memory stays flat.

    Raises:
        InputError: When the file is not Parquet at all.
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: not a readable Parquet file ({error})") from error
    line_no = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_READ_BATCH):
            for row in batch.to_pylist():
                line_no += 1
                yield line_no, row
    except Exception as error:  # a damaged row group: keep what was read
        yield line_no + 1, f"corrupt Parquet data here, rest not read ({error})"


_READERS: dict[str, Callable[[Path], Iterator[Row]]] = {
    ".jsonl": _rows_jsonl,
    ".json": _rows_jsonl,
    ".csv": _rows_csv,
    ".parquet": _rows_parquet,
}


def table_rows(path: Path, *, unknown_as: str | None = None) -> Iterator[Row]:
    """Rows of a JSONL/CSV/Parquet file as ``(line, row)``; a str row is a row-level error.

    Args:
        path (Path): The file; its suffix says the format.
        unknown_as (str, optional): Suffix (``".jsonl"``) to read a file of any other
            suffix as; None refuses it.

    Raises:
        InputError: When the file is empty or of an unknown format.
    """
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    reader = _READERS.get(_suffix(path)) or _READERS.get(unknown_as or "")
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


# --------------------------------------------------------------------------- durable files


def fsync_path(path: str | Path) -> None:
    """Flush a file's (or a directory's) data to disk, so a crash cannot lose it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_handle(handle: IO[Any]) -> None:
    """Flush an open file's buffers and its data to disk."""
    handle.flush()
    os.fsync(handle.fileno())


def _read_umask() -> int:
    # The only way to read the umask is to set it; done once, at import, rather than
    # around every write (the umask is process-wide, threads would see the 0).
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


@contextmanager
def atomic_path(path: Path) -> Iterator[str]:
    """Yield a temporary file name beside ``path``; rename it onto ``path`` on success.

    The temporary file is fsync'd before the rename and the folder after it, so once
    the block has ended the new content survives a crash. On any exception the
    temporary file is removed and ``path`` is left as it was, so a killed or failed
    write never leaves a half-written output.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        # mkstemp makes the file private (0600); outputs get the permissions a file
        # created with open() would have.
        os.chmod(tmp, 0o666 & ~_UMASK)
        fsync_path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def _json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


def iter_jsonl_objects(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of a JSONL file this package wrote (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def flatten_record(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested objects into dotted keys; lists become JSON text (for CSV).

    Example:
        >>> flatten_record({"id": "a", "probs": {"neutral": 0.5}, "span": [1, 4]})
        {'id': 'a', 'probs.neutral': 0.5, 'span': '[1, 4]'}
    """
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_record(value, prefix=f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _jsonl_to_csv(source: Path, target: str) -> int:
    columns: dict[str, None] = {}  # ordered set: first-seen order of the flattened keys
    for row in iter_jsonl_objects(source):
        columns.update(dict.fromkeys(flatten_record(row)))
    count = 0
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in iter_jsonl_objects(source):
            writer.writerow(flatten_record(row))
            count += 1
    return count


def _jsonl_to_parquet(source: Path, target: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Pass 1: one schema for the whole file (a field that is null in one chunk and a
    # string in another is a string), so chunks can be written as they are read.
    schemas = [
        pa.Table.from_pylist(chunk).schema
        for chunk in _chunks(iter_jsonl_objects(source), PARQUET_WRITE_CHUNK)
    ]
    if not schemas:
        pq.write_table(pa.table({}), target)
        return 0
    try:
        schema = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ValueError(
            f"rows have conflicting types for Parquet ({error}); use .jsonl"
        ) from error
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        for chunk in _chunks(iter_jsonl_objects(source), PARQUET_WRITE_CHUNK):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count


def _jsonl_to_jsonl(source: Path, target: str) -> int:
    shutil.copyfile(source, target)
    return sum(1 for _ in iter_jsonl_objects(source))


_CONVERTERS: dict[str, Callable[[Path, str], int]] = {
    ".csv": _jsonl_to_csv,
    ".parquet": _jsonl_to_parquet,
}


def output_format(path: str | Path) -> str:
    """The format written to ``path``: ``"csv"``, ``"parquet"`` or (anything else) ``"jsonl"``.

    Raises:
        InputError: For a ``.gz`` name: outputs are not compressed, and a plain file
            under that name would not open as gzip.

    Example:
        >>> output_format("out/findings.csv"), output_format("out/findings.json")
        ('csv', 'jsonl')
    """
    if Path(path).suffix.lower() == ".gz":
        raise InputError(f"{path}: outputs are not compressed; write {Path(path).stem} and gzip it")
    suffix = _suffix(Path(path))
    return suffix.lstrip(".") if suffix in _CONVERTERS else "jsonl"


def errors_path(output: str | Path) -> Path:
    """The errors file of an output: ``OUTPUT.errors.jsonl`` beside it.

    Named after the output, so two runs writing into one folder keep their own errors.

    Example:
        >>> errors_path("out/findings.csv").as_posix()
        'out/findings.csv.errors.jsonl'
    """
    output = Path(output)
    return output.with_name(output.name + ".errors.jsonl")


def convert_jsonl(source: str | Path, target: str | Path) -> int:
    """Write the objects of a JSONL file to ``target`` in its format (by suffix), atomically.

    CSV flattens nested objects into dotted columns (``probs.contradiction``,
    ``statement.span``) with lists as JSON text; Parquet keeps nested objects as
    structs and lists as lists; anything else is written as JSONL.

    Returns:
        int: The number of rows written.
    """
    source, target = Path(source), Path(target)
    converter = _CONVERTERS.get(_suffix(target), _jsonl_to_jsonl)
    with atomic_path(target) as tmp:
        return converter(source, tmp)


def write_records(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write dict records to JSONL, CSV or Parquet (by suffix), atomically.

    The rows are streamed: JSONL directly, CSV and Parquet through a JSONL spool file
    beside the target (see :func:`convert_jsonl` for how nested fields are written).
    A killed or failed run never leaves a half-written output.

    Args:
        path (str | Path): Output file; ``.jsonl`` (default for unknown suffixes),
            ``.csv`` or ``.parquet``.
        records (Iterable[dict]): The rows.

    Returns:
        int: The number of rows written.
    """
    path = Path(path)
    if output_format(path) == "jsonl":
        count = 0
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
            for row in records:
                handle.write(_json_line(row))
                count += 1
        return count
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, spool = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".spool.jsonl", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for row in records:
                handle.write(_json_line(row))
        return convert_jsonl(spool, path)
    finally:
        Path(spool).unlink(missing_ok=True)


def write_json(path: str | Path, value: Any) -> None:
    """Write one JSON document (pretty-printed, UTF-8) atomically and durably."""
    with atomic_path(Path(path)) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def truncate_file(path: Path, size: int) -> None:
    """Cut ``path`` back to its first ``size`` bytes (drop what a killed run half-wrote)."""
    with path.open("r+b") as handle:
        handle.truncate(size)
        fsync_handle(handle)


def sha256_file(path: str | Path, *, chunk_bytes: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes, read in chunks.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
        >>> _ = p.write_bytes(b"abc")
        >>> sha256_file(p)[:16]
        'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- articles

#: Suffixes read from an article directory (each also with ``.gz``).
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def walk_directory(path: Path, suffixes: tuple[str, ...] = ARTICLE_SUFFIXES) -> list[Path]:
    """Files under ``path`` with one of ``suffixes`` (``.gz`` allowed), sorted, no dot-files.

    Files with other suffixes are left out and counted in a log message.
    """
    found: list[Path] = []
    ignored = 0
    for p in path.rglob("*"):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(path).parts):
            continue
        if _suffix(p) in suffixes:
            found.append(p)
        else:
            ignored += 1
    if ignored:
        logger.info("%s: ignored %d file(s) not ending in %s", path, ignored, ", ".join(suffixes))
    return sorted(found)


def input_fingerprint(path: str | Path) -> dict[str, Any]:
    """What identifies an input, so a resumed run can check it is reading the same one.

    A file is identified by its size and SHA-256; a folder by the SHA-256 of its
    listing (relative path, size and modification time of each article file), which
    is cheap however large the files are.

    Raises:
        InputError: When ``path`` does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found")
    if path.is_dir():
        digest = hashlib.sha256()
        files = walk_directory(path)
        for file in files:
            stat = file.stat()
            entry = f"{file.relative_to(path).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}\n"
            digest.update(entry.encode("utf-8", "surrogateescape"))
        return {"kind": "directory", "files": len(files), "listing_sha256": digest.hexdigest()}
    return {"kind": "file", "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def count_article_files(path: str | Path) -> int | None:
    """How many articles a folder (or a single .txt/.html file) holds; None for tables."""
    path = Path(path)
    if path.is_dir():
        return len(walk_directory(path))
    return 1 if _suffix(path) in ARTICLE_SUFFIXES else None


def _decode_document(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        logger.debug("not UTF-8, decoding as Latin-1")
        return data.decode("latin-1")


def _read_article_file(
    file: Path, article_id: str, *, page_metadata: bool = False
) -> Article | ErrorRecord:
    from nli.clean import html_page_fields, html_to_text

    try:
        with _open_binary(file) as handle:
            data = handle.read()
        if b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS):
            raise ValueError("looks like a binary file (NUL bytes), not text or HTML")
        text = _decode_document(data)
        fmt = "html" if _suffix(file) in (".html", ".htm") else "text"
        meta: dict[str, Any] = {"format": fmt}
        if fmt == "html" and page_metadata:
            meta.update(html_page_fields(text))
        if fmt == "html":
            text = html_to_text(text)
        return Article(
            article_id,
            text,
            url=meta.get("url"),
            date=meta.get("date"),
            meta=meta,
            source=str(file),
        )
    except Exception as error:  # one unreadable file (even a parser crash) must not end the run
        message = str(error) or type(error).__name__
        return ErrorRecord(str(file), None, article_id, f"cannot read article: {message}")


def read_articles(
    path: str | Path,
    *,
    text_field: str = "text",
    id_field: str = "id",
    skip: int = 0,
    page_metadata: bool = False,
) -> Iterator[Article | ErrorRecord]:
    """Stream articles from a directory of .txt/.html files or a JSONL/CSV/Parquet file.

    Only one article is held at a time (a directory listing is kept, not the files).
    In a table, a row whose id was already seen gives an error record and is not
    returned as an article, so ids in the output are unique.

    Args:
        path (str | Path): A directory (article id = path relative to it), or a file.
        text_field (str): Field holding the article text in tabular inputs.
        id_field (str): Field holding the article id (defaults to the row number).
        skip (int): Leave out the first ``skip`` records (articles and errors alike),
            as a resumed run does; skipped files are not even opened.
        page_metadata (bool): Read each ``.html`` page's date, site name, URL and title
            into the article's ``meta`` (``date``, ``outlet``, ``url``, ``title``; see
            :func:`nli.clean.html_page_fields`). Off by default: it costs about as much
            as extracting the text.

    Yields:
        Article | ErrorRecord: One per file or non-blank row, in a stable order.

    Raises:
        InputError: When the input is missing, empty or of an unknown format.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found")
    if path.is_dir():
        files = walk_directory(path)
        if not files:
            logger.warning("%s: no .txt/.html files found", path)
        for file in files[skip:]:
            yield _read_article_file(
                file, file.relative_to(path).as_posix(), page_metadata=page_metadata
            )
        return
    if _suffix(path) in ARTICLE_SUFFIXES:
        if skip < 1:
            yield _read_article_file(path, path.name, page_metadata=page_metadata)
        return
    yield from islice(_table_articles(path, text_field, id_field), skip, None)


def _table_articles(path: Path, text_field: str, id_field: str) -> Iterator[Article | ErrorRecord]:
    first_line: dict[str, int] = {}  # id -> line where it was first seen
    for line_no, row in table_rows(path):
        if isinstance(row, str):
            yield ErrorRecord(str(path), line_no, None, row)
            continue
        record = row_to_article(
            row, source=str(path), line=line_no, text_field=text_field, id_field=id_field
        )
        if isinstance(record, Article):
            if record.id in first_line:
                yield ErrorRecord(
                    str(path),
                    line_no,
                    record.id,
                    f"duplicate article id {record.id!r} (first at line "
                    f"{first_line[record.id]}); this row was not scored",
                )
                continue
            first_line[record.id] = line_no
        yield record


def row_to_article(
    row: dict[str, Any],
    *,
    source: str,
    line: int | None,
    text_field: str = "text",
    id_field: str = "id",
) -> Article | ErrorRecord:
    """Build an :class:`Article` from one row of a JSONL/CSV/Parquet collection.

    Both engines (local and Ray) turn rows into articles here, so ids and metadata
    come out the same whichever engine ran.

    Args:
        row (dict): The row's fields.
        source (str): The input file, for error records.
        line (int | None): The row's 1-based line number, used as the id when the row
            has none; None where it is unknown (rows read in parallel).
        text_field (str): Field holding the article text.
        id_field (str): Field holding the article id.

    Returns:
        Article | ErrorRecord: The article; an error record when the text, or both the
        id and the line number, are missing.

    Example:
        >>> row_to_article({"id": 7, "text": "Hi.", "lang": "en"}, source="a.jsonl", line=1)
        Article(id='7', text='Hi.', url=None, date=None, meta={'lang': 'en'}, source=None)
    """
    raw_id = row.get(id_field)
    if raw_id not in (None, ""):
        article_id = str(raw_id)
    elif line is not None:
        article_id = str(line)
    else:
        return ErrorRecord(source, None, None, f"field {id_field!r} missing")
    text = row.get(text_field)
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string ({type(text).__name__})"
        return ErrorRecord(source, line, article_id, f"field {text_field!r} {problem}")
    meta = {k: v for k, v in row.items() if k not in (text_field, id_field)}
    return Article(article_id, text, url=row.get("url"), date=row.get("date"), meta=meta)
