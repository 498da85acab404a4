"""Record-per-line sources: JSONL and CSV/TSV, read one line at a time with a size cap per line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import IO

from frontwatch.errors import InputError
from frontwatch.ingest.decoding import (
    MAX_REPLACEMENT_SHARE,
    replacement_share,
    undecodable_reason,
)
from frontwatch.ingest.metadata import (
    find_published_date,
    make_doc_id,
    normalise_date,
    normalise_language,
)
from frontwatch.records import Skipped, SourceDocument

# Record field -> accepted names in a JSON object or CSV header (case-insensitive), first wins.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content"),
    "doc_id": ("id", "doc_id"),
    "title": ("title",),
    "url": ("url",),
    "published": ("published", "date"),
    "outlet": ("outlet", "source"),
    "language": ("language", "lang"),
}
# Chunk used to skip past an over-long line without holding it.
_DRAIN_CHARS = 1 << 20


def size_reason(what: str, size: int, limit: int) -> str:
    """The Skipped reason for an input over `max_doc_bytes`, saying how to raise the limit."""
    return (
        f"{what} is {size / 1e6:.2f} MB, over the {limit / 1e6:g} MB limit "
        "(raise it with --max-doc-mb)"
    )


def document_from_fields(fields: Mapping[str, object], source: str) -> SourceDocument:
    """A SourceDocument from one JSON object or CSV row (keys already lower-cased)."""
    text_value = _first(fields, "text")
    if text_value is not None and not isinstance(text_value, str):
        raise InputError(source, f"the text field holds a {type(text_value).__name__}, not a string")
    text = (text_value or "").replace("\x00", "").strip()
    if not text:
        raise InputError(source, "no text (expected a non-empty 'text', 'body' or 'content' field)")
    share = replacement_share(text)
    if share >= MAX_REPLACEMENT_SHARE:
        raise InputError(source, undecodable_reason(share))
    given_date = _string(_first(fields, "published"))
    return SourceDocument(
        text=text,
        doc_id=_string(_first(fields, "doc_id")) or make_doc_id(text),
        title=_string(_first(fields, "title")),
        url=_string(_first(fields, "url")),
        published=(normalise_date(given_date) if given_date else None) or find_published_date(text),
        outlet=_string(_first(fields, "outlet")),
        language=normalise_language(_string(_first(fields, "language"))),
        source=source,
    )


def iter_jsonl(lines: IO[str], source: str, max_doc_bytes: int) -> Iterator[SourceDocument | Skipped]:
    """Documents from a JSONL stream; a bad line becomes a Skipped naming `source:LINE`."""
    for number, line, size in bounded_lines(lines, max_doc_bytes):
        where = f"{source}:{number}"
        if line is None:
            yield Skipped(source=where, reason=size_reason("line", size, max_doc_bytes))
            continue
        if not line.strip():
            continue  # blank lines (a trailing newline, a separator) are not records
        try:
            # strict=False accepts raw tabs/newlines inside strings, common in hand-made exports.
            value = json.loads(line.replace("\x00", ""), strict=False)
        except json.JSONDecodeError as error:
            yield Skipped(source=where, reason=f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        except (ValueError, RecursionError) as error:  # absurd nesting, huge numbers
            yield Skipped(source=where, reason=f"not valid JSON ({error})")
            continue
        if not isinstance(value, dict):
            yield Skipped(source=where, reason=f"expected a JSON object, found {_json_kind(value)}")
            continue
        yield _to_record(_lowered(value), where)


def iter_delimited(
    lines: IO[str], source: str, max_doc_bytes: int, delimiter: str = ","
) -> Iterator[SourceDocument | Skipped]:
    """Documents from a CSV/TSV stream with a header row; `source:ROW` is the row's first line."""
    # csv's default cap (128 KB per field) is below our per-document limit; raise it process-wide.
    csv.field_size_limit(max(csv.field_size_limit(), max_doc_bytes))
    oversized: dict[int, int] = {}

    def physical_lines() -> Iterator[str]:
        for number, line, size in bounded_lines(lines, max_doc_bytes):
            if line is None:
                oversized[number] = size
                yield "\n"  # an empty line keeps csv's line count right; the row is reported below
            else:
                yield line.replace("\x00", "")

    reader = csv.reader(physical_lines(), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        yield Skipped(source=source, reason=f"unreadable header row: {error}")
        return
    if not header or not any(name.strip() for name in header):
        yield Skipped(source=source, reason="empty")
        return
    columns = [name.strip().lstrip("\ufeff").lower() for name in header]
    if not any(name in columns for name in FIELD_NAMES["text"]):
        found = ", ".join(repr(name) for name in header) or "none"
        expected = ", ".join(repr(name) for name in FIELD_NAMES["text"])
        yield Skipped(source=source, reason=f"no text column (found {found}; expected one of {expected})")
        return
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            if reader.line_num == end:
                return  # nothing consumed: the stream is over
            end = reader.line_num
            reason = f"malformed row: {error}"
            if "field limit" in str(error):
                # Lines are capped, but a quoted field may span many lines; an unclosed quote
                # would otherwise swallow the rest of the file.
                reason = "a field runs past the size limit (unclosed quote? or raise it with --max-doc-mb)"
            yield Skipped(source=f"{source}:{start}", reason=reason)
            continue
        end = reader.line_num
        hits = [number for number in oversized if number <= end]
        if hits:
            # The over-long line was replaced by an empty one: the row holding it is not a document.
            size = max(oversized.pop(number) for number in hits)
            yield Skipped(source=f"{source}:{min(hits)}", reason=size_reason("row", size, max_doc_bytes))
            if row is None:
                return
            continue
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source}:{start}"
        row_size = sum(len(cell) for cell in row)
        if row_size * 4 > max_doc_bytes:  # cheap char count first; exact bytes only near the cap
            row_size = sum(len(cell.encode("utf-8", errors="replace")) for cell in row)
            if row_size > max_doc_bytes:
                yield Skipped(source=where, reason=size_reason("row", row_size, max_doc_bytes))
                continue
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
            # Cells past the header are most often an unquoted comma in the text: reading on would
            # cut the article there, or shift it into the wrong column.
            yield Skipped(source=where, reason=f"the row has {len(row)} cells but the header {len(columns)} "
                          f"(a field holding a {_delimiter_name(delimiter)} must be quoted)")
            continue
        record = _to_record(dict(zip(columns, row, strict=False)), where)
        if isinstance(record, Skipped) and len(row) < len(columns):
            last_line = reader.line_num
            hint = f", or a quote left open on line {start} runs to line {last_line}" if last_line > start else ""
            record = Skipped(source=where, reason=f"{record.reason}: the row has {len(row)} cells but the header "
                             f"{len(columns)} (a missing {_delimiter_name(delimiter)}{hint})")
        yield record


def bounded_lines(lines: IO[str], max_bytes: int) -> Iterator[tuple[int, str | None, int]]:
    """(line number, line, size in bytes); line is None, and was never held, when over `max_bytes`."""
    number = 0
    while True:
        line = lines.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes:  # more characters than the byte limit: certainly too big
            size = len(line.encode("utf-8", errors="replace"))
            while not line.endswith(("\n", "\r")):
                line = lines.readline(_DRAIN_CHARS)
                if not line:
                    break
                size += len(line.encode("utf-8", errors="replace"))
            yield number, None, size
            continue
        if len(line) * 4 > max_bytes:  # UTF-8 needs at most 4 bytes a character
            size = len(line.encode("utf-8", errors="replace"))
            if size > max_bytes:
                yield number, None, size
                continue
        else:
            size = len(line)
        yield number, line, size


def text_stream(prefix: bytes, rest: IO[bytes], encoding: str) -> IO[str]:
    """A text stream over `prefix` (bytes already read to sniff the input) followed by `rest`."""
    raw = io.BufferedReader(_PrefixedReader(prefix, rest))
    # Lossy decoding keeps one bad byte from ending the file; records are checked one by one.
    # newline="" leaves line endings to csv, which needs them for quoted multi-line fields.
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


class _PrefixedReader(io.RawIOBase):
    """Raw stream replaying already-read bytes before the rest (stdin cannot seek back)."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            count = min(len(buffer), len(self._prefix))
            buffer[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _to_record(fields: Mapping[str, object], source: str) -> SourceDocument | Skipped:
    try:
        return document_from_fields(fields, source)
    except InputError as error:
        return skipped_from(error)


def skipped_from(error: InputError) -> Skipped:
    """The Skipped record for an InputError."""
    reason = f"{error.problem} ({error.hint})" if error.hint else error.problem
    return Skipped(source=error.source, reason=reason)


def _first(fields: Mapping[str, object], field: str) -> object:
    for name in FIELD_NAMES[field]:
        value = fields.get(name)
        if value is not None and value != "":
            return value
    return None


def _string(value: object) -> str | None:
    # Ids are often numbers in exports; other non-string values (lists, objects) are ignored.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def _lowered(value: dict[str, object]) -> dict[str, object]:
    lowered: dict[str, object] = {}
    for key, item in value.items():
        lowered.setdefault(key.lower(), item)
    return lowered


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else "comma"


def _json_kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )

