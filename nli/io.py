"""Reading pairs, article collections and findings, and writing results atomically and durably.

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

import codecs
import contextlib
import csv
import gzip
import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def _as_number(value: Any) -> float | None:
    """A label value as a number (``2``, ``1.0``, or the CSV text ``"2"``); None if it is none."""
    if isinstance(value, bool):
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def normalise_label(value: Any, *, field: str = "label") -> str | None:
    """Map a gold label to ``contradiction``/``neutral``/``entailment``.

    Accepts the label names in any case, and booleans (or "true"/"false", "yes"/"no")
    for binary contradiction labels, where False becomes ``"neutral"`` (not a
    contradiction). In the boolean ``contradiction`` field, 1 and 0 are True and False
    too; in ``label`` a number is refused: class ids differ between conventions (in
    Hugging Face MNLI data 0 is entailment and 2 contradiction), so guessing would
    mislabel silently.

    Args:
        value (Any): The field's value; None or "" means unlabelled.
        field (str): ``"label"`` or ``"contradiction"``, the field it came from.
            Defaults to ``"label"``.

    Returns:
        str | None: The label, or None for an unlabelled row.

    Raises:
        ValueError: For a value that is none of these (a number in ``label``).

    Example:
        >>> normalise_label("CONTRADICTION"), normalise_label(False)
        ('contradiction', 'neutral')
        >>> normalise_label(1, field="contradiction")
        'contradiction'
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "contradiction" if value else "neutral"
    text = str(value).strip().lower()
    if text in LABELS:
        return text
    binary, number = field == "contradiction", _as_number(value)
    if text in ("true", "yes") or (binary and number == 1):
        return "contradiction"
    if text in ("false", "no") or (binary and number == 0):
        return "neutral"
    names = f"{', '.join(LABELS)} (any case) or true/false"
    if binary:
        raise ValueError(f"unknown contradiction value {value!r} (expected true/false or 1/0)")
    if number is not None:
        raise ValueError(
            f"label {value!r} is a number; labels are {names}. Class ids differ between "
            "data sets (Hugging Face MNLI: 0 entailment, 1 neutral, 2 contradiction): map "
            "them to names first, or give 1/0 in a boolean 'contradiction' field"
        )
    raise ValueError(f"unknown label {value!r} (expected {names})")


def implicit_id(row_number: int) -> str:
    """The id of a row that has none: ``row-N``, N its 1-based data row number.

    Data rows are numbered from 1 in every format: a CSV header, blank lines and line
    breaks inside a field do not count. The prefix keeps these ids apart from the
    numbers an input's own ``id`` field often holds.

    Example:
        >>> implicit_id(3)
        'row-3'
    """
    return f"row-{row_number}"


def row_to_pair(
    row: dict[str, Any], *, source: str, line: int, row_number: int | None = None
) -> PairRecord | ErrorRecord:
    """Validate one input row and build a :class:`PairRecord` from it.

    Args:
        row (dict): The row's fields.
        source (str): The input file, for error records.
        line (int): Where the row is in the file (its line; for error records).
        row_number (int, optional): Its 1-based data row number, for the id of a row
            without one (:func:`implicit_id`). Defaults to ``line``.
    """
    raw_id = row.get("id")
    number = line if row_number is None else row_number
    record_id = str(raw_id) if raw_id not in (None, "") else implicit_id(number)
    fields = {}
    for name in ("statement", "report"):
        value = row.get(name)
        if not isinstance(value, str):
            problem = "missing" if value is None else f"not a string ({type(value).__name__})"
            return ErrorRecord(source, line, record_id, f"field {name!r} is {problem}")
        if not value.strip():
            return ErrorRecord(source, line, record_id, f"field {name!r} is empty")
        fields[name] = value
    label_field = "label" if row.get("label") not in (None, "") else "contradiction"
    try:
        label = normalise_label(row.get(label_field), field=label_field)
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
            as a whole, or a table (CSV, Parquet) without a ``statement`` or ``report``
            column.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    source = text_of_name(str(path))
    seen = 0
    table = _suffix(path) in (".csv", ".parquet")
    for line_no, row in table_rows(path):
        seen += 1
        if table and seen == 1 and isinstance(row, dict):
            # a table's columns are every row's: without one, no row could be scored
            missing = [name for name in ("statement", "report") if name not in row]
            if missing:
                raise InputError(
                    f"{path}: no column {', '.join(map(repr, missing))} (columns: "
                    f"{', '.join(map(str, row))}); pairs need statement and report"
                )
        if isinstance(row, str):
            yield ErrorRecord(source, line_no, None, row)
        else:
            yield row_to_pair(row, source=source, line=line_no, row_number=seen)
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


# --------------------------------------------------------------------------- findings

#: Nested objects that older CSV output stored whole, as JSON text.
_JSON_TEXT_FIELDS = ("statement", "report", "normalised", "probs")
#: Columns of CSV output that are not text in the finding schema. A CSV cell keeps no
#: type, so these are read back by name; any other cell (``article.*`` too) stays text.
_CSV_FLOATS = frozenset(
    {"score", "calibrated", "pair_probability", "priority"}
    | {"probs.contradiction", "probs.neutral", "probs.entailment"}
)
_CSV_INTS = frozenset({"window", "n_windows"})
_CSV_BOOLS = frozenset({"statement.blanket", "report.blanket", "statement.bare", "report.bare"})
_CSV_LISTS = frozenset({"statement.span", "report.span"})
#: Leading bytes of a CSV that hold no header: the CSV of a run with no findings.
_CSV_HEAD_BYTES = 4096


def _nest_dotted(row: dict[str, Any]) -> dict[str, Any]:
    """Rebuild nested objects from dotted CSV columns (``statement.text`` -> statement/text)."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        *parents, leaf = key.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                break  # a plain column of the same name came first; keep it
        else:
            target[leaf] = value
    return nested


def _csv_cell(column: str, value: str) -> Any:
    """A CSV cell of a finding as JSONL holds it: an empty cell is None, numbers, booleans
    and spans are typed by column; a cell that does not parse stays text (then the
    reader's validation names the row)."""
    if value == "":
        return None
    try:
        if column in _CSV_FLOATS:
            return float(value)
        if column in _CSV_INTS:
            return int(value)
        if column in _CSV_LISTS:
            return json.loads(value)
    except ValueError:  # json.JSONDecodeError is one
        return value
    if column in _CSV_BOOLS and value in ("True", "False"):
        return value == "True"
    return value


def _restore_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """Undo what CSV output does to a finding: dotted columns, JSON-text lists, typeless cells.

    Nested objects stored whole as JSON text (older CSV output) are decoded too.

    Example:
        >>> row = {"score": "0.5", "statement.text": "No.", "statement.span": "[0, 3]",
        ...        "statement.blanket": "False", "pair_probability": ""}
        >>> _restore_csv_row(row)  # doctest: +NORMALIZE_WHITESPACE
        {'score': 0.5, 'statement': {'text': 'No.', 'span': [0, 3], 'blanket': False},
         'pair_probability': None}
    """
    restored = _nest_dotted({column: _csv_cell(column, value) for column, value in row.items()})
    for name in _JSON_TEXT_FIELDS:
        value = restored.get(name)
        if isinstance(value, str) and value.startswith("{"):
            # Left as is when it is not JSON; validation then reports the row.
            with contextlib.suppress(json.JSONDecodeError):
                restored[name] = json.loads(value)
    return restored


def _csv_has_header(path: Path) -> bool:
    """Whether a CSV starts with a header; the CSV of zero findings is one line ending."""
    with _open_binary(path) as handle:
        return bool(handle.read(_CSV_HEAD_BYTES).strip())


def finding_problem(row: Mapping[str, Any]) -> str | None:
    """Why a findings row cannot be shown, or ``None`` when it can.

    Example:
        >>> finding_problem({"article_id": "a", "statement": {"text": "x"},
        ...                  "report": {"text": "y"}, "score": 0.5}) is None
        True
        >>> finding_problem({"article_id": "a", "score": 0.5})
        "field 'statement' is missing or has no text"
    """
    if row.get("article_id") in (None, ""):
        return "field 'article_id' is missing"
    for name in ("statement", "report"):
        claim = row.get(name)
        if not isinstance(claim, Mapping) or not isinstance(claim.get("text"), str):
            return f"field {name!r} is missing or has no text"
    if not finite_number(row.get("score")):
        return f"field 'score' is not a finite number: {row.get('score')!r}"
    return None


def finite_number(value: Any) -> bool:
    """Whether ``value`` is a finite real number (not a bool, not NaN or infinite).

    Example:
        >>> finite_number(0.5), finite_number(True), finite_number(float("nan"))
        (True, False, False)
    """
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def split_findings(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[tuple[int, str]]]:
    """The rows that are findings (:func:`finding_problem` finds nothing), and for each other
    row its 1-based number and what it lacks; ``nli report`` and ``nli summarize`` both leave
    those out.

    Example:
        >>> good, bad = split_findings([{"article_id": "a", "score": 0.5}])
        >>> good, bad
        ([], [(1, "field 'statement' is missing or has no text")])
    """
    good: list[Mapping[str, Any]] = []
    bad: list[tuple[int, str]] = []
    for number, row in enumerate(rows, start=1):
        problem = finding_problem(row)
        if problem is None:
            good.append(row)
        else:
            bad.append((number, problem))
    return good, bad


def read_findings(path: str | Path) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Read a findings file written by ``nli score``: JSONL, CSV or Parquet by suffix (JSONL
    under any other suffix, as ``nli score`` writes it).

    Whatever the format, each finding comes back as the nested object JSONL holds: CSV's
    dotted columns are nested again, spans are lists, empty cells None, and the schema's
    numbers and booleans (``score``, ``calibrated``, ``priority``, ``pair_probability``,
    ``probs``, ``window``, ``blanket``) typed; other CSV cells stay text. A file of no
    findings (empty, a CSV with no header or no rows, a Parquet file with no rows) gives
    no rows, not an error. ``nli report`` and ``nli summarize`` both read findings here.

    Args:
        path (str | Path): The findings file.

    Returns:
        tuple: The findings (dicts) in file order, and an :class:`ErrorRecord` for each
        row that could not be read (malformed JSON, a ragged CSV row).

    Raises:
        FileNotFoundError: When ``path`` does not exist.
        InputError: When the file cannot be read as a whole (say, not Parquet).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: findings file not found")
    csv_file = _suffix(path) == ".csv"
    if path.stat().st_size == 0 or (csv_file and not _csv_has_header(path)):
        return [], []
    rows: list[dict[str, Any]] = []
    errors: list[ErrorRecord] = []
    for line, row in table_rows(path, unknown_as=".jsonl"):
        if isinstance(row, str):
            errors.append(ErrorRecord(str(path), line, None, row))
        else:
            rows.append(_restore_csv_row(row) if csv_file else row)
    return rows, errors


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


def _json_types(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """``(path inside value, JSON type)`` of ``value`` and of everything in it (null: none)."""
    if value is None:
        return
    if isinstance(value, dict):
        yield path, "object"
        for key, item in value.items():
            yield from _json_types(item, f"{path}.{key}")
    elif isinstance(value, list):
        yield path, "array"
        for item in value:
            yield from _json_types(item, f"{path}[]")
    else:
        yield path, {bool: "boolean", str: "string"}.get(type(value), "number")


def _mixed_fields(source: Path) -> set[tuple[str, str]]:
    """The ``(field, key)`` places of a JSONL file's rows whose values are not all of one
    JSON type, or hold such values (``article.outlet`` 5 in one row, "AP" in another): one
    Parquet column cannot hold them. The field is a top-level key, ``key`` a key of a
    top-level object ("" when the field is not an object). Null goes with any type, an
    integer with a float."""
    seen: dict[tuple[str, str, str], set[str]] = {}
    for row in iter_jsonl_objects(source):
        for name, value in row.items():
            parts = value.items() if isinstance(value, dict) else [("", value)]
            for key, item in parts:
                for inner, kind in _json_types(item):
                    seen.setdefault((name, key, inner), set()).add(kind)
    return {(name, key) for (name, key, _), kinds in seen.items() if len(kinds) > 1}


def _as_text(value: Any) -> Any:
    """A string or null as it is; anything else as its JSON text (``5`` -> ``"5"``)."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _with_text_fields(row: dict[str, Any], places: set[tuple[str, str]]) -> dict[str, Any]:
    """The row with the values at ``places`` (:func:`_mixed_fields`) as text."""
    out = dict(row)
    for name, key in places:
        if key == "":
            if name in out:
                out[name] = _as_text(out[name])
        elif isinstance(out.get(name), dict) and key in out[name]:
            out[name] = {**out[name], key: _as_text(out[name][key])}
    return out


def _jsonl_to_parquet(source: Path, target: str) -> int:
    """Parquet needs one type per column: a field (or a key of an object field, such as a
    kept ``article.outlet``) whose values have several JSON types is written as text,
    with a warning; JSONL and CSV outputs keep the values as they are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    mixed = _mixed_fields(source)
    if mixed:
        logger.warning(
            "%s: field(s) %s hold values of several types: written as text",
            target,
            ", ".join(sorted(f"{name}.{key}" if key else name for name, key in mixed)),
        )

    def rows() -> Iterator[dict[str, Any]]:
        for row in iter_jsonl_objects(source):
            yield _with_text_fields(row, mixed) if mixed else row

    # Pass 1: one schema for the whole file (a field that is null in one chunk and a
    # string in another is a string), so chunks can be written as they are read.
    try:
        schemas = [
            pa.Table.from_pylist(chunk).schema for chunk in _chunks(rows(), PARQUET_WRITE_CHUNK)
        ]
        schema = pa.unify_schemas(schemas, promote_options="permissive") if schemas else None
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ValueError(
            f"rows have conflicting types for Parquet ({error}); use .jsonl"
        ) from error
    if schema is None:
        pq.write_table(pa.table({}), target)
        return 0
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        for chunk in _chunks(rows(), PARQUET_WRITE_CHUNK):
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


def text_of_name(name: str) -> str:
    r"""A file name (or path) as text that can be written as UTF-8.

    Python holds each byte of a name that is not valid UTF-8 as a lone surrogate
    (``surrogateescape``), which no UTF-8 output can hold; such a byte is written
    ``\xNN`` instead. Valid names are returned unchanged.

    Example:
        >>> import os
        >>> text_of_name(os.fsdecode(b"news/caf\xe9.txt")), text_of_name("news/café.txt")
        ('news/caf\\xe9.txt', 'news/café.txt')
    """
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no file-system name decodes to
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def file_article_id(file: Path, folder: Path | None = None) -> str:
    """The article id of a file: its path relative to ``folder`` (its name without one).

    The id is valid UTF-8 text whatever the name's bytes (see :func:`text_of_name`).

    Example:
        >>> file_article_id(Path("news/2015/a.txt"), Path("news"))
        '2015/a.txt'
    """
    relative = file.relative_to(folder).as_posix() if folder is not None else file.name
    return text_of_name(relative)


#: Windows-1252 where it differs from Latin-1: bytes 0x80-0x9F are curly quotes, dashes
#: and the like, not control characters. The five it leaves undefined (0x81, 0x8D, 0x8F,
#: 0x90, 0x9D) stay as Latin-1 reads them, as in the WHATWG "windows-1252" encoding.
_WINDOWS_1252_TABLE = str.maketrans(
    {chr(b): bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
)
#: Codecs an HTML page may declare that browsers read as Windows-1252 (WHATWG).
_WINDOWS_1252_CODECS = frozenset({"ascii", "iso8859-1", "cp1252"})
#: A charset declared in the head of an HTML page (``<meta charset=...>`` or
#: ``<meta http-equiv="Content-Type" content="text/html; charset=...">``).
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
#: Bytes of an HTML page searched for its declared charset (as browsers do).
_CHARSET_SCAN_BYTES = 4096


def _decode_windows_1252(data: bytes) -> str:
    """Windows-1252, one character per byte (offsets stay byte offsets)."""
    return data.decode("latin-1").translate(_WINDOWS_1252_TABLE)


def _declared_charset(data: bytes) -> str | None:
    """The codec an HTML page declares in a ``<meta>`` tag, if Python knows it."""
    match = _META_CHARSET.search(data[:_CHARSET_SCAN_BYTES])
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        logger.debug("unknown declared charset %r", name)
        return None
    return "cp1252" if codec in _WINDOWS_1252_CODECS else codec


def _decode_document(data: bytes, *, html: bool = False) -> str:
    r"""Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM; else, for
    HTML, the charset its ``<meta>`` declares; else Windows-1252.

    Windows-1252, not Latin-1: it is what "Latin-1" text from Windows (and the web)
    usually is, with curly quotes and dashes at 0x91-0x97 where Latin-1 has control
    characters; its five undefined bytes are read as Latin-1. Valid UTF-8 wins over a
    declaration: pages are often saved as UTF-8 with their original ``<meta>`` kept.

    Example:
        >>> _decode_document(b"\x93No troops\x94 \xe9t\xe9")
        '“No troops” été'
    """
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if html else None
    if declared not in (None, "cp1252", "utf-8"):
        try:
            return data.decode(declared)  # type: ignore[arg-type]
        except UnicodeDecodeError:
            logger.debug("not %s as declared, decoding as Windows-1252", declared)
    logger.debug("not UTF-8, decoding as Windows-1252")
    return _decode_windows_1252(data)


def _read_article_file(
    file: Path, article_id: str, *, page_metadata: bool = False
) -> Article | ErrorRecord:
    from nli.clean import html_page_fields, html_to_text

    try:
        with _open_binary(file) as handle:
            data = handle.read()
        if b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS):
            raise ValueError("looks like a binary file (NUL bytes), not text or HTML")
        fmt = "html" if _suffix(file) in (".html", ".htm") else "text"
        text = _decode_document(data, html=fmt == "html")
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
            source=text_of_name(str(file)),
        )
    except Exception as error:  # one unreadable file (even a parser crash) must not end the run
        message = text_of_name(str(error) or type(error).__name__)  # it may quote the name
        return ErrorRecord(
            text_of_name(str(file)), None, article_id, f"cannot read article: {message}"
        )


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
        path (str | Path): A directory (article id = path relative to it, as UTF-8
            text: see :func:`file_article_id`), or a file.
        text_field (str): Field holding the article text in tabular inputs.
        id_field (str): Field holding the article id (a row without one gets
            ``row-N``, N its 1-based data row number: :func:`implicit_id`).
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
            yield _read_article_file(file, file_article_id(file, path), page_metadata=page_metadata)
        return
    if _suffix(path) in ARTICLE_SUFFIXES:
        if skip < 1:
            yield _read_article_file(path, file_article_id(path), page_metadata=page_metadata)
        return
    yield from islice(_table_articles(path, text_field, id_field), skip, None)


def check_article_input(
    path: str | Path, *, text_field: str = "text", fields: Iterable[tuple[str, str]] = ()
) -> None:
    """Refuse, before any model is loaded, an article collection no row of which can be read.

    A folder or a single ``.txt``/``.html`` file passes; any other suffix must be a table's
    (the message says what an article collection can be). A CSV or Parquet table must have
    the ``text_field`` column (a mistyped ``--text-field`` would otherwise make every row an
    error row) and every column of ``fields`` (``(name, option)`` pairs such as
    ``("outlet", "--keep-fields")``: a mistyped one would give every finding a null); a
    ``.jsonl``/``.json`` file must be JSON Lines, one object per line, not a
    JSON array. Anything else about the rows is reported row by row when they are read.

    Raises:
        InputError: When the input is missing, or one of the above does not hold.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found")
    suffix = _suffix(path)
    if path.is_dir() or suffix in ARTICLE_SUFFIXES or path.stat().st_size == 0:
        return  # an empty file is refused, with its own message, when it is read
    if suffix not in _READERS:
        raise InputError(
            f"{path}: unknown format {suffix!r} (articles are a folder, a "
            f"{'/'.join(ARTICLE_SUFFIXES)} file, or a {', '.join(sorted(_READERS))} table)"
        )
    columns: list[str] | None = None
    if suffix == ".csv":
        first = next(_rows_csv(path), None)  # raises InputError for a bad header
        columns = list(first[1]) if first is not None and isinstance(first[1], dict) else None
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            columns = list(pq.read_schema(path).names)
        except Exception as error:  # pyarrow raises several types for corrupt files
            raise InputError(f"{path}: not a readable Parquet file ({error})") from error
    elif suffix in (".jsonl", ".json") and _first_character(path) == "[":
        raise InputError(
            f"{path}: a JSON array; articles must be JSON Lines, one object per line "
            "(convert with: jq -c '.[]' FILE > FILE.jsonl)"
        )
    if columns is not None and text_field not in columns:
        raise InputError(
            f"{path}: no column {text_field!r} (columns: {', '.join(columns)}); pass --text-field"
        )
    for field_name, option in fields:
        if columns is not None and field_name not in columns:
            raise InputError(
                f"{path}: no column {field_name!r} for {option} (columns: {', '.join(columns)})"
            )


def _first_character(path: Path) -> str:
    """The first character of a text file that is not white space or a BOM ('' if none)."""
    with _open_binary(path) as handle:
        head = handle.read(4096)
    text = head.decode("utf-16" if head[:2] in _UTF16_BOMS else "utf-8-sig", errors="ignore")
    return text.lstrip("\ufeff \t\r\n")[:1]


def _table_articles(path: Path, text_field: str, id_field: str) -> Iterator[Article | ErrorRecord]:
    first_line: dict[str, int] = {}  # id -> line where it was first seen
    source = text_of_name(str(path))
    for row_number, (line_no, row) in enumerate(table_rows(path), start=1):
        if isinstance(row, str):
            yield ErrorRecord(source, line_no, None, row)
            continue
        record = row_to_article(
            row,
            source=source,
            line=line_no,
            row_number=row_number,
            text_field=text_field,
            id_field=id_field,
        )
        if isinstance(record, Article):
            if record.id in first_line:
                yield ErrorRecord(
                    source,
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
    row_number: int | None = None,
    text_field: str = "text",
    id_field: str = "id",
) -> Article | ErrorRecord:
    """Build an :class:`Article` from one row of a JSONL/CSV/Parquet collection.

    Both engines (local and Ray) turn rows into articles here, so ids and metadata
    come out the same whichever engine ran.

    Args:
        row (dict): The row's fields.
        source (str): The input file, for error records.
        line (int | None): Where the row is in the file (its line), for error records;
            None where it is unknown (rows read in parallel).
        row_number (int, optional): The row's 1-based data row number: a row without
            an id gets :func:`implicit_id` of it. Defaults to ``line``.
        text_field (str): Field holding the article text.
        id_field (str): Field holding the article id.

    Returns:
        Article | ErrorRecord: The article; an error record when the text, or both the
        id and the row number, are missing. Empty fields (``""``) are null in its ``meta``.

    Example:
        >>> row_to_article({"id": 7, "text": "Hi.", "lang": "en"}, source="a.jsonl", line=1)
        Article(id='7', text='Hi.', url=None, date=None, meta={'lang': 'en'}, source=None)
        >>> row_to_article({"id": 8, "text": "Hi.", "url": ""}, source="a.csv", line=2).meta
        {'url': None}
    """
    raw_id = row.get(id_field)
    number = line if row_number is None else row_number
    if raw_id not in (None, ""):
        article_id = str(raw_id)
    elif number is not None:
        article_id = implicit_id(number)
    else:
        return ErrorRecord(source, None, None, f"field {id_field!r} missing")
    text = row.get(text_field)
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string ({type(text).__name__})"
        return ErrorRecord(source, line, article_id, f"field {text_field!r} {problem}")
    # an empty cell is no value: a CSV cannot tell it from a missing one, so JSONL, CSV and
    # Parquet rows give the same metadata (null) for it
    meta = {k: None if v == "" else v for k, v in row.items() if k not in (text_field, id_field)}
    return Article(article_id, text, url=meta.get("url"), date=meta.get("date"), meta=meta)
