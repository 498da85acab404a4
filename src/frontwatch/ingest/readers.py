"""Read files, directories and stdin into a stream of `SourceDocument` or `Skipped` records."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import IO, Any

from frontwatch.errors import InputError
from frontwatch.ingest.decoding import (
    declared_html_charset,
    decode_document,
    is_binary,
    sniff_stream_encoding,
)
from frontwatch.ingest.metadata import (
    find_published_date,
    make_doc_id,
    normalise_date,
    normalise_language,
    split_title,
)
from frontwatch.ingest.tabular import (
    iter_delimited,
    iter_jsonl,
    size_reason,
    skipped_from,
    text_stream,
)
from frontwatch.records import Skipped, SourceDocument

DEFAULT_MAX_DOC_BYTES = 20_000_000
# File extension -> reader kind. Anything else inside a directory is ignored.
KINDS: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
}
# Compressed files are reported, by name or inside a directory, not read (see unsupported_reason).
COMPRESSED = frozenset({".gz", ".tgz", ".bz2", ".xz", ".zst", ".zip", ".7z", ".rar", ".tar", ".lz4", ".z"})
# Bytes read up front to sniff binary content, the encoding, and what stdin holds.
SNIFF_BYTES = 65536
# Markdown front matter (--- ... ---) is only looked for this far into the file.
_FRONT_MATTER_CHARS = 4096

Record = SourceDocument | Skipped


def iter_sources(
    paths: Iterable[str],
    *,
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
    stdin: IO[bytes] | None = None,
) -> Iterator[SourceDocument | Skipped]:
    """Every document in `paths` (files, directories, `-` for stdin), in order; problems become Skipped."""
    visited: set[tuple[int, int]] = set()  # directories read in this call, by (device, inode)
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_doc_bytes)
            continue
        try:
            info = os.stat(path)
        except OSError as error:
            yield _os_skipped(path, error)
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, info, visited, frozenset(), max_doc_bytes)
            continue
        kind = kind_of(path)
        if kind is None:
            yield Skipped(source=display_name(path), reason=unsupported_reason(path))
            continue
        yield from _read_file(path, kind, max_doc_bytes)


def kind_of(path: str) -> str | None:
    """The reader kind for a file name, from its extension; None when unsupported."""
    return KINDS.get(PurePath(path).suffix.lower())


def unsupported_reason(path: str) -> str:
    """The Skipped reason for a file given by name whose kind no reader handles."""
    suffix = PurePath(path).suffix.lower()
    if suffix in COMPRESSED:
        # Not read on purpose: a small archive can expand to gigabytes (a "zip bomb"), and what it
        # holds has no extension to choose a reader by. Decompressing is the user's call.
        return f"compressed file ({suffix}) not supported: decompress it first and pass the files inside"
    shown = suffix or "(no extension)"
    return f"unsupported file type {shown} (supported: {', '.join(KINDS)})"


def display_name(path: str) -> str:
    """`path` as shown in records and messages: bytes that are not UTF-8 in a file name (which
    Python keeps as lone surrogates) are written as \\xNN escapes, so the name can be printed and stored."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _walk(
    directory: str,
    info: os.stat_result,
    visited: set[tuple[int, int]],
    ancestors: frozenset[tuple[int, int]],
    max_doc_bytes: int,
) -> Iterator[Record]:
    # Symlinked directories are followed, but a directory is read once per call: a link back to
    # an ancestor would otherwise recurse until the path is too long.
    key = (info.st_dev, info.st_ino)
    if key in ancestors:
        real = os.path.realpath(directory)
        yield Skipped(source=display_name(directory),
                      reason=f"symlink loop: leads back to {display_name(real)}, already being read")
        return
    if key in visited:
        yield Skipped(source=display_name(directory), reason="directory already read through another path")
        return
    visited.add(key)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield _os_skipped(directory, error)
        return
    inner = ancestors | {key}
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store) are never articles
        try:
            is_directory = entry.is_dir()  # follows symlinks
        except OSError:
            is_directory = False
        if is_directory:
            try:
                entry_info = os.stat(entry.path)
            except OSError as error:
                yield _os_skipped(entry.path, error)
                continue
            yield from _walk(entry.path, entry_info, visited, inner, max_doc_bytes)
            continue
        kind = kind_of(entry.name)
        if kind is not None:
            yield from _read_file(entry.path, kind, max_doc_bytes)
        elif PurePath(entry.name).suffix.lower() in COMPRESSED:
            # Other files are not articles, but an archive may well hold some: say it was not read.
            yield Skipped(source=display_name(entry.path), reason=unsupported_reason(entry.name))


def _read_file(path: str, kind: str, max_doc_bytes: int) -> Iterator[Record]:
    source = display_name(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            yield Skipped(source=source, reason=_not_regular_reason(info.st_mode))
            return
        if kind in ("jsonl", "csv", "tsv"):
            with open(path, "rb") as handle:
                yield from _read_lines(handle, source, kind, max_doc_bytes)
            return
        # Checked before reading: a 5 GB log named .txt is refused without touching its bytes.
        if info.st_size > max_doc_bytes:
            yield Skipped(source=source, reason=size_reason("file", info.st_size, max_doc_bytes))
            return
        with open(path, "rb") as handle:
            data = handle.read(max_doc_bytes + 1)
        if len(data) > max_doc_bytes:  # the file grew since stat
            yield Skipped(source=source, reason=size_reason("file", len(data), max_doc_bytes))
            return
        yield _document(data, source, kind)
    except OSError as error:
        yield _os_skipped(path, error)


def _read_stdin(stream: IO[bytes], max_doc_bytes: int) -> Iterator[Record]:
    # stdin has no name to go by: sniff it. JSONL streams line by line; the rest is one document.
    source = "-"
    try:
        sample = _read_up_to(stream, SNIFF_BYTES)
        head = sample[: SNIFF_BYTES // 4].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if head.startswith("{"):
            yield from _read_lines(stream, source, "jsonl", max_doc_bytes, sample=sample)
            return
        kind = "html" if head.startswith("<") else "text"
        data = sample + _read_up_to(stream, max_doc_bytes + 1 - len(sample))
        if len(data) > max_doc_bytes:
            yield Skipped(source=source, reason=size_reason("input", len(data), max_doc_bytes))
            return
        yield _document(data, source, kind)
    except OSError as error:
        yield _os_skipped(source, error)


def _read_lines(
    handle: IO[bytes], source: str, kind: str, max_doc_bytes: int, sample: bytes | None = None
) -> Iterator[Record]:
    if sample is None:
        sample = _read_up_to(handle, SNIFF_BYTES)
    if not sample.strip():
        yield Skipped(source=source, reason="empty")
        return
    if is_binary(sample, nul_means_binary=False):
        yield Skipped(source=source, reason="binary file")
        return
    encoding = sniff_stream_encoding(sample, complete=len(sample) < SNIFF_BYTES)
    lines = text_stream(sample, handle, encoding)
    if kind == "jsonl":
        yield from iter_jsonl(lines, source, max_doc_bytes)
    else:
        yield from iter_delimited(lines, source, max_doc_bytes, delimiter="\t" if kind == "tsv" else ",")


def _document(data: bytes, source: str, kind: str) -> Record:
    """One whole-file document (text, markdown, HTML) from its bytes."""
    try:
        if kind == "html":
            # Imported here: trafilatura is slow to import and JSONL-only runs never need it.
            from frontwatch.ingest.html_reader import read_html

            return read_html(decode_document(data, source, declared_html_charset(data)), source)
        return _text_document(decode_document(data, source), source, markdown=kind == "markdown")
    except InputError as error:
        return skipped_from(error)


def _text_document(raw: str, source: str, markdown: bool) -> SourceDocument:
    """A plain-text or Markdown article: optional front matter, a headline line, the body."""
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, Any] = {}
    if markdown:
        front, raw = _front_matter(raw)
    title, text = split_title(raw.strip(), markdown=markdown)
    if not text:
        raise InputError(source, "empty")
    given_date = _front_string(front, "date", "published")
    return SourceDocument(
        text=text,
        doc_id=_front_string(front, "id", "doc_id") or make_doc_id(text),
        title=_front_string(front, "title") or title,
        outlet=_front_string(front, "outlet", "source"),
        url=_front_string(front, "url"),
        published=(normalise_date(given_date) if given_date else None) or find_published_date(raw),
        language=normalise_language(_front_string(front, "language", "lang")),
        source=source,
    )


def _front_matter(raw: str) -> tuple[dict[str, Any], str]:
    # Static-site and note-taking exports put title/date in a YAML block at the top.
    if not raw.startswith("---\n"):
        return {}, raw
    end = raw.find("\n---", 4, _FRONT_MATTER_CHARS)
    if end < 0:
        return {}, raw
    import yaml

    try:
        data = yaml.safe_load(raw[4:end])
    except yaml.YAMLError:
        return {}, raw
    if not isinstance(data, dict):
        return {}, raw
    body_start = raw.find("\n", end + 4)
    body = raw[body_start + 1 :] if body_start >= 0 else ""
    return {str(key).lower(): value for key, value in data.items()}, body


def _front_string(front: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = front.get(name)
        if value is not None and not isinstance(value, dict | list | bool):
            # YAML turns `date: 2024-12-06` into a date object; str() gives the ISO form back.
            text = str(value).strip()
            if text:
                return text
    return None


def _read_up_to(stream: IO[bytes], count: int) -> bytes:
    # A pipe may return fewer bytes than asked for before its end.
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _os_skipped(path: str, error: OSError) -> Skipped:
    reason = error.strerror or str(error)
    return Skipped(source=display_name(path), reason=f"cannot read: {reason}")


def _not_regular_reason(mode: int) -> str:
    # Opening a FIFO would block until something writes to it; devices and sockets are not articles.
    kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
    return f"not a regular file ({kind})"
