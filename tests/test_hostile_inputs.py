"""Hostile and broken inputs, one test each: every one gets a clear reason naming the input (file,
or file:line), the rest of the batch is read, and the CLI's exit code says something was skipped.
Real files with real bad bytes; tests/test_readers.py covers the ordinary cases (empty, binary,
latin-1, a few bad bytes, size limits, a directory symlink loop), tests/test_store_faults.py a
full disk, tests/test_fuzz.py random inputs."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from frontwatch.ingest.readers import iter_sources
from frontwatch.records import Skipped, SourceDocument

REPO = Path(__file__).resolve().parent.parent
GOOD = "Rebels seized the town on Monday after heavy fighting, a war monitor said."
GOOD_LINE = json.dumps({"text": GOOD}) + "\n"
MARKER = "zqxhiddenzqx"


def read(*paths: Path) -> list[SourceDocument | Skipped]:
    return list(iter_sources([str(path) for path in paths]))


def outcome(records: list[SourceDocument | Skipped]) -> list[tuple[str, str]]:
    """(source, reason or the document's text) per record."""
    return [(r.source, r.reason if isinstance(r, Skipped) else r.text) for r in records]


def frontwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args, "--no-progress"], capture_output=True,
                          text=True, cwd=REPO, timeout=300)


# ---------------------------------------------------------------- encodings and bad bytes


def test_utf8_with_a_windows_1252_paste_reads_both_parts(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    utf8 = "Le café était fermé à l'aube. Les rebelles sont entrés dans la ville. " * 3
    legacy = "Déjà, les forces gouvernementales s'étaient retirées vers le sud."
    path.write_bytes(utf8.encode("utf-8") + b"\n" + legacy.encode("cp1252"))
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.text == utf8 + "\n" + legacy and "Ã" not in doc.text and "\ufffd" not in doc.text


def test_jsonl_with_one_line_in_a_legacy_encoding_reads_every_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    legacy = json.dumps({"text": "Déjà vu à côté de la ville, disent les habitants."}, ensure_ascii=False)
    path.write_bytes(GOOD_LINE.encode() + legacy.encode("cp1252") + b"\n" + GOOD_LINE.encode())
    texts = [r.text for r in read(path) if isinstance(r, SourceDocument)]
    assert texts == [GOOD, "Déjà vu à côté de la ville, disent les habitants.", GOOD]


def test_jsonl_line_of_undecodable_bytes_is_skipped_by_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    noise = bytes(range(0x80, 0x100)) * 2
    # A UTF-8 feed (accents as UTF-8); in a pure-ASCII one the noise could pass for a legacy encoding.
    line = (json.dumps({"text": "Le café était fermé, à côté de la mairie."}, ensure_ascii=False) + "\n").encode()
    lines = [line] * 30 + [b'{"text": "' + noise + b'"}\n'] + [line] * 30
    path.write_bytes(b"".join(lines))
    records = read(path)
    assert [r.source for r in records if isinstance(r, Skipped)] == [f"{path}:31"]
    [bad] = [r for r in records if isinstance(r, Skipped)]
    assert bad.reason.startswith("not valid UTF-8 text (")
    assert sum(isinstance(r, SourceDocument) for r in records) == 60


def test_nul_bytes_a_text_file_is_binary_a_jsonl_or_csv_line_keeps_its_text(tmp_path: Path) -> None:
    text_file, feed, table = tmp_path / "nul.txt", tmp_path / "nul.jsonl", tmp_path / "nul.csv"
    text_file.write_bytes(GOOD.encode() + b"\x00\x00" + GOOD.encode())
    feed.write_bytes(GOOD_LINE.encode() + b'{"text": "Drones struck\x00 the port."}\n' + GOOD_LINE.encode())
    table.write_bytes(b'title,text\nNul,"Drones\x00 struck the port."\n')
    assert outcome(read(text_file, feed, table)) == [
        (str(text_file), "binary file"),
        (f"{feed}:1", GOOD), (f"{feed}:2", "Drones struck the port."), (f"{feed}:3", GOOD),
        (f"{table}:2", "Drones struck the port."),
    ]


def test_lone_surrogate_in_jsonl_fields_becomes_a_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "Shelling \\ud800 report", "outlet": "\\udfff", "text": "Drones \\udc80 struck."}\n'
                    + GOOD_LINE, encoding="utf-8")
    [doc, good] = read(path)
    assert isinstance(doc, SourceDocument) and isinstance(good, SourceDocument)
    assert (doc.title, doc.outlet, doc.text) == ("Shelling \ufffd report", "\ufffd", "Drones \ufffd struck.")


def test_extract_writes_valid_utf8_for_lone_surrogates_and_undecodable_file_names(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "feed.jsonl").write_text('{"title": "Bad \\ud800 title", "text": "' + GOOD + '"}\n', encoding="utf-8")
    name = os.fsdecode(b"report-\xff.txt")  # not UTF-8: Python holds it as a lone surrogate
    (inbox / name).write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = frontwatch("extract", str(inbox), "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_bytes().decode("utf-8").splitlines()  # strict: raises on invalid UTF-8
    documents = [json.loads(line) for line in lines if json.loads(line)["record"] == "document"]
    assert sorted(d["source"] for d in documents) == [f"{inbox}/feed.jsonl:1", f"{inbox}/report-\\xff.txt"]
    assert [d["title"] for d in documents if d["source"].endswith(":1")] == ["Bad \ufffd title"]


# ---------------------------------------------------------------- size


@pytest.mark.parametrize("extension", [".txt", ".html", ".jsonl", ".csv"])
def test_a_100_mb_single_line_is_refused_by_name_within_bounded_memory(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"huge{extension}"
    block = b"a" * 1_000_000
    with path.open("wb") as handle:
        handle.write({".jsonl": b'{"text": "', ".csv": b'title,text\nhuge,"'}.get(extension, b""))
        for _ in range(100):
            handle.write(block)
        handle.write({".jsonl": b'"}\n' + GOOD_LINE.encode(), ".csv": b'"\nnext,"' + GOOD.encode() + b'"\n'}
                     .get(extension, b""))
    tracemalloc.start()
    try:
        records = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    line = {".jsonl": ":1", ".csv": ":2"}.get(extension, "")
    what = {".jsonl": "line", ".csv": "row"}.get(extension, "file")
    assert isinstance(records[0], Skipped) and records[0].source == f"{path}{line}"
    assert records[0].reason == f"{what} is 100.00 MB, over the 20 MB limit (raise it with --max-doc-mb)"
    assert [r.text for r in records[1:] if isinstance(r, SourceDocument)] == ([GOOD] if line else [])
    # Never the whole line in memory: at most the 20 MB limit of it (as text, then its UTF-8 size).
    assert peak < 64_000_000, f"peak {peak / 1e6:.0f} MB"


# ---------------------------------------------------------------- HTML


def nested(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + f"<p>{GOOD}</p>" + "</div>" * depth + "</body></html>").encode()


def test_deeply_nested_html_is_read_to_the_parsers_limit_then_refused_by_name(tmp_path: Path) -> None:
    deep, deeper, good = tmp_path / "deep.html", tmp_path / "deeper.html", tmp_path / "good.txt"
    deep.write_bytes(nested(1_000))  # past libxml2's default limit (256), within the raised one
    deeper.write_bytes(nested(20_000))
    good.write_text(GOOD)
    records = read(deep, deeper, good)
    assert outcome(records)[0] == (str(deep), GOOD)
    assert records[1] == Skipped(source=str(deeper), reason=(
        "no article text found in HTML (its elements nest deeper than the HTML parser's limit of 2048 levels; "
        "the text inside them cannot be read)"))
    assert outcome(records)[2] == (str(good), GOOD)


def test_control_characters_in_deeply_nested_html_do_not_stop_it(tmp_path: Path) -> None:
    # Found by benchmarks/fuzz.py: the deep-page fallback parses the page again with lxml, which
    # keeps control characters in the tree but refuses them when text is set.
    path = tmp_path / "deep.html"
    path.write_bytes(nested(1_000).replace(b"<p>", b"<p>\x0e\x0b"))
    assert outcome(read(path)) == [(str(path), GOOD)]


HOSTILE_PAGE = f"""<!DOCTYPE html><html><head><title>Town report</title>
<script>document.title = "{MARKER}";</script><style>.x::after {{ content: "{MARKER}" }}</style>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Town report"}}</script>
</head><body onload="{MARKER}()"><article>
<p onclick="{MARKER}()">{GOOD}</p><script>var hidden = "{MARKER}";</script>
<img src="x" onerror="{MARKER}()"><a href="javascript:{MARKER}()">Government forces</a> withdrew to the south.
<noscript>{MARKER} enable JavaScript</noscript><template><p>{MARKER}</p></template>
<svg><script>{MARKER}</script></svg><iframe srcdoc="{MARKER}"></iframe><!-- {MARKER} -->
<p>Residents said the market reopened on Tuesday.</p><script><!--
{MARKER}
--></script></article></body></html>"""


def test_script_style_template_and_handler_text_never_reaches_the_document(tmp_path: Path) -> None:
    page, bare = tmp_path / "page.html", tmp_path / "bare.html"
    page.write_text(HOSTILE_PAGE)
    # No <article>, one short line: trafilatura finds nothing and the <body> fallback runs.
    bare.write_text(f"<html><body><script>{MARKER}</script><div onclick='{MARKER}'>Drones struck.</div>"
                    f"<template>{MARKER}</template><noscript>{MARKER}</noscript></body></html>")
    records = read(page, bare)
    assert all(isinstance(r, SourceDocument) for r in records), records
    assert GOOD in records[0].text and "Residents said the market reopened" in records[0].text  # type: ignore[union-attr]
    assert records[1].text == "Drones struck."  # type: ignore[union-attr]
    out = tmp_path / "out.jsonl"
    assert frontwatch("extract", str(page), str(bare), "--out", str(out)).returncode == 0
    assert MARKER not in out.read_text(encoding="utf-8")  # not in any field of any record


# ---------------------------------------------------------------- JSONL and CSV


def test_jsonl_broken_lines_each_skipped_by_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        GOOD_LINE.rstrip("\n"),
        '{"text": "never closed',
        "[" * 100_000 + "]" * 100_000,  # nesting deeper than the JSON parser's recursion limit
        '{"text": ' + "9" * 5000 + "}",  # an integer too long to convert
        '["an", "array"]',
        '"a string"',
        "",
        '{"title": "no text"}',
        '{"text": ["not", "a", "string"]}',
        GOOD_LINE.rstrip("\n") + "\r",  # CRLF
        '{"text": "' + GOOD + '"',  # truncated last line, no newline
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    records = read(path)
    by_line = {r.source.rsplit(":", 1)[1]: (r.reason if isinstance(r, Skipped) else r.text) for r in records}
    assert by_line["1"] == by_line["10"] == GOOD
    assert by_line["2"].startswith("not valid JSON (Unterminated string")
    assert by_line["3"].startswith("not valid JSON (maximum recursion depth exceeded")
    assert by_line["4"].startswith("not valid JSON (Exceeds the limit")
    assert by_line["5"] == "expected a JSON object, found an array"
    assert by_line["6"] == "expected a JSON object, found a string"
    assert "7" not in by_line  # a blank line is no record
    assert by_line["8"].startswith("no text (expected a non-empty 'text'")
    assert by_line["9"] == "the text field holds a list, not a string"
    assert by_line["11"].startswith("not valid JSON (Expecting ',' delimiter")


def test_csv_rows_with_wrong_columns_are_skipped_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("title,text\n"
                    "Short row\n"
                    "Unquoted,Rebels seized the town, then the airport.\n"
                    "Trailing cells,Government forces withdrew.,,\n"
                    ",,\n"
                    '"Open quote,Drones struck the port.\n'
                    "Swallowed,Residents fled.\n", encoding="utf-8")
    assert outcome(read(path)) == [
        (f"{path}:2", "no text (expected a non-empty 'text', 'body' or 'content' field): the row has 1 cells but "
                      "the header 2 (a missing comma)"),
        (f"{path}:3", "the row has 3 cells but the header 2 (a field holding a comma must be quoted)"),
        (f"{path}:4", "Government forces withdrew."),  # empty cells past the header are harmless
        (f"{path}:6", "no text (expected a non-empty 'text', 'body' or 'content' field): the row has 1 cells but "
                      "the header 2 (a missing comma, or a quote left open on line 6 runs to line 7)"),
    ]


# ---------------------------------------------------------------- the file system


def test_symlink_loops_broken_links_and_fifos_in_a_directory(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(GOOD)
    (inbox / "a.txt").symlink_to(inbox / "b.txt")  # a loop of file links
    (inbox / "b.txt").symlink_to(inbox / "a.txt")
    (inbox / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (inbox / "loop").symlink_to(inbox)  # a directory that contains itself
    os.mkfifo(inbox / "pipe.txt")  # opening it would block until someone writes
    assert outcome(read(inbox)) == [
        (str(inbox / "a.txt"), "cannot read: Too many levels of symbolic links"),
        (str(inbox / "b.txt"), "cannot read: Too many levels of symbolic links"),
        (str(inbox / "broken.txt"), "cannot read: No such file or directory"),
        (str(inbox / "good.txt"), GOOD),
        (str(inbox / "loop"), f"symlink loop: leads back to {inbox}, already being read"),
        (str(inbox / "pipe.txt"), "not a regular file (a named pipe (FIFO))"),
    ]


def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode; the FIFO and broken-link cases above stand in")
    inbox = tmp_path / "inbox"
    (inbox / "closed").mkdir(parents=True)
    (inbox / "closed" / "inside.txt").write_text(GOOD)
    (inbox / "locked.txt").write_text(GOOD)
    (inbox / "open.txt").write_text(GOOD)
    (inbox / "locked.txt").chmod(0)
    (inbox / "closed").chmod(0)
    try:
        records = read(inbox)
    finally:
        (inbox / "closed").chmod(0o755)
        (inbox / "locked.txt").chmod(0o644)
    assert outcome(records) == [
        (str(inbox / "closed"), "cannot read: Permission denied"),
        (str(inbox / "locked.txt"), "cannot read: Permission denied"),
        (str(inbox / "open.txt"), GOOD),
    ]


def test_compressed_inputs_are_refused_without_being_opened(tmp_path: Path) -> None:
    """Not supported on purpose (docs/reliability.md): a gzip bomb is refused as cheaply as any archive."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bomb = gzip.compress(b"\x00" * 50_000_000)  # ~50 KB that would expand to 50 MB
    (inbox / "bomb.jsonl.gz").write_bytes(bomb)
    (inbox / "good.txt").write_text(GOOD)
    (inbox / "disguised.txt").write_bytes(bomb)  # gzip under a text name
    given = tmp_path / "feed.zip"
    given.write_bytes(b"PK\x03\x04" + bytes(100))
    records = read(inbox, given)
    assert outcome(records) == [
        (str(inbox / "bomb.jsonl.gz"), "compressed file (.gz) not supported: decompress it first and pass the "
                                       "files inside"),
        (str(inbox / "disguised.txt"), "binary file"),
        (str(inbox / "good.txt"), GOOD),
        (str(given), "compressed file (.zip) not supported: decompress it first and pass the files inside"),
    ]
    stdin = subprocess.run([sys.executable, "-m", "frontwatch.cli", "extract", "-"], input=bomb, cwd=REPO,
                           capture_output=True, timeout=300)
    assert stdin.returncode == 1 and b"skipped -: binary file" in stdin.stderr


# ---------------------------------------------------------------- a whole hostile batch through the CLI


def test_a_batch_of_hostile_inputs_reports_each_and_stores_every_good_document(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number in range(3):
        (inbox / f"good{number}.txt").write_text(f"Report {number}\n\n{GOOD} Day {number}.", encoding="utf-8")
    (inbox / "nul.txt").write_bytes(b"a\x00b" * 100)
    (inbox / "noise.txt").write_bytes(bytes(range(0x80, 0x100)) * 20)
    (inbox / "deep.html").write_bytes(nested(20_000))
    (inbox / "feed.jsonl").write_text(GOOD_LINE.replace("Monday", "Friday") + '{"broken\n', encoding="utf-8")
    (inbox / "table.csv").write_text("title,text\nx,a,b,c\n", encoding="utf-8")
    (inbox / "archive.gz").write_bytes(gzip.compress(b"x"))
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    db = tmp_path / "hostile.db"
    result = frontwatch("ingest", str(inbox), "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    skipped = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("skipped ")]
    names = ["archive.gz", "dangling.txt", "deep.html", "feed.jsonl:2", "noise.txt", "nul.txt", "table.csv:2"]
    assert [line.split(": ", 1)[0] for line in skipped] == [f"skipped {inbox}/{name}" for name in names]
    assert "read 4 documents, skipped 7" in result.stderr and "stored 4 new" in result.stderr
