"""Property tests: the readers and the extractor on random bytes, random text and mutated real
articles never crash, never hang (Hypothesis deadlines), keep every span's offsets valid and write
records that validate against their schema (`frontwatch.evaluate.invariants`).

The long, time-bounded run is benchmarks/fuzz.py; its CI-sized mode runs at the end of this file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontwatch.evaluate.invariants import record_problems, sentence_problems, span_problems
from frontwatch.ingest.clean import clean
from frontwatch.ingest.readers import iter_sources
from frontwatch.ingest.segment import segment
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import article_sentences, known_name_test, process
from frontwatch.records import Skipped, SourceDocument

REPO = Path(__file__).resolve().parent.parent
ARTICLES = [path.read_text(encoding="utf-8")
            for directory in (REPO / "tests" / "gold" / "articles", REPO / "examples")
            for path in sorted(directory.glob("*.txt"))]
EXTENSIONS = [".txt", ".md", ".html", ".jsonl", ".csv", ".tsv"]
SCRIPT_MARKER = "zqxscriptmarkerzqx"

# A hang fails the test (a document takes milliseconds; the first HTML page loads trafilatura).
# Few examples each: the whole file stays within tens of seconds on a loaded CI machine.
FUZZ = settings(max_examples=50, deadline=timedelta(seconds=20),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text the extractor finds hard: every script, bidi and zero-width marks, combining characters,
# controls, quotes, line and paragraph separators, mixed in with words it knows.
odd_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),  # anything but lone surrogates (tested apart)
        st.sampled_from(list(" \n\n\t\r.,;:!?\"'“”«»—-()[]#*\u00a0\u200b\u200f\u202e\u2028\u0301\ufeff\x00")),
    ),
    max_size=400,
)
words = st.sampled_from(["Hama", "Homs", "rebels", "seized", "government forces", "withdrew", "said", "Kharkiv",
                         "drone", "strike", "killed", "the", "of", "on Monday", "\u201cWe", "will\u201d", ".", ",",
                         "\n\n", "\n", "according to", "sources", "could", "not", "El Fasher", "RSF", "HTS"])
wordy_text = st.lists(st.one_of(words, odd_text.map(lambda t: t[:8])), max_size=120).map(" ".join)


@st.composite
def mutated_articles(draw: st.DrawFn) -> str:
    """A real article edited a few times: cut, duplicated, odd text inserted, glued, case changed."""
    text = draw(st.sampled_from(ARTICLES))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 500)))
        edit = draw(st.sampled_from(["cut", "duplicate", "insert", "glue", "upper", "truncate", "lines"]))
        if edit == "cut":
            text = text[:start] + text[end:]
        elif edit == "duplicate":
            text = text[:end] + text[start:end] * draw(st.integers(1, 5)) + text[end:]
        elif edit == "insert":
            text = text[:start] + draw(odd_text) + text[start:]
        elif edit == "glue":
            text = text[:start] + text[start:end].replace(" ", "").replace("\n", "") + text[end:]
        elif edit == "upper":
            text = text[:start] + text[start:end].upper() + text[end:]
        elif edit == "truncate":
            text = text[:start]
        else:
            text = text.replace("\n", draw(st.sampled_from(["", " ", "\r", "\u2028", "\n\n\n"])))
    return text


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A directory for the files examples write (tmp_path is per test, not per example)."""
    with tempfile.TemporaryDirectory(prefix="frontwatch-fuzz-") as directory:
        yield Path(directory)


def read_file(directory: Path, extension: str, content: bytes) -> list[SourceDocument | Skipped]:
    path = directory / f"input{extension}"
    path.write_bytes(content)
    items = list(iter_sources([str(path)]))
    for item in items:  # every problem names the input (a file, or its line / row)
        assert item.source == str(path) or item.source.startswith(f"{path}:"), item
    return items


def assert_valid(source: SourceDocument, kb: KnowledgeBase) -> None:
    problems = record_problems(process(source, kb))
    assert problems == [], problems


def as_file(text: str, extension: str) -> bytes:
    """`text` as a file of this kind, written the way an exporter would."""
    if extension == ".jsonl":
        return (json.dumps({"title": text[:30], "text": text}) + "\n").encode()
    if extension in (".csv", ".tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if extension == ".csv" else "\t")
        writer.writerows([["title", "text"], [text[:30], text]])
        return buffer.getvalue().encode()
    if extension == ".html":
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("\n\n", "</p><p>")
        return f"<html><body><article><p>{escaped}</p></article></body></html>".encode()
    return text.encode()


# ---------------------------------------------------------------- readers


@FUZZ
@given(content=st.binary(max_size=3000), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes_in_any_format_are_read_or_skipped_by_name(
        content: bytes, extension: str, scratch: Path, kb: KnowledgeBase) -> None:
    for item in read_file(scratch, extension, content):
        if isinstance(item, SourceDocument):
            assert item.text.strip()
            assert_valid(item, kb)


@FUZZ
@given(text=st.one_of(odd_text, wordy_text, mutated_articles()), extension=st.sampled_from(EXTENSIONS),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]))
def test_text_in_any_format_and_encoding_is_read_and_processed(
        text: str, extension: str, encoding: str, scratch: Path, kb: KnowledgeBase) -> None:
    content = as_file(text, extension).decode().encode(encoding, errors="replace")
    for item in read_file(scratch, extension, content):
        if isinstance(item, SourceDocument):
            assert_valid(item, kb)


@FUZZ
@given(title=st.text(max_size=20), text=wordy_text, surrogates=st.lists(st.integers(0xD800, 0xDFFF), max_size=3))
def test_lone_surrogate_escapes_in_jsonl_never_reach_a_record(
        title: str, text: str, surrogates: list[int], scratch: Path, kb: KnowledgeBase) -> None:
    escapes = "".join(f"\\u{code:04x}" for code in surrogates)
    quoted_title = json.dumps(title)[1:-1]
    line = f'{{"title": "{escapes}{quoted_title}", "outlet": "{escapes}", "text": {json.dumps(escapes + text)}}}'
    line = line.replace(json.dumps(escapes + text), '"' + escapes + json.dumps(text)[1:])
    for item in read_file(scratch, ".jsonl", (line + "\n").encode()):
        if isinstance(item, SourceDocument):
            for value in (item.title, item.outlet, item.text):
                assert value is None or not any(0xD800 <= ord(char) <= 0xDFFF for char in value)
            assert_valid(item, kb)


@st.composite
def hostile_pages(draw: st.DrawFn) -> str:
    """Article paragraphs in random markup, with script, style, handler and template text around them."""
    marker = SCRIPT_MARKER
    hidden = st.sampled_from([
        f"<script>var a = '{marker}';</script>", f"<script type=\"text/plain\">{marker}</script>",
        f"<style>.{marker} {{ color: red }}</style>", f"<template><p>{marker}</p></template>",
        f"<noscript>{marker}</noscript>", f"<svg><script>{marker}</script></svg>",
        f"<img src=x onerror=\"{marker}()\">", f"<a href=\"javascript:{marker}()\" onclick=\"{marker}()\">a</a>",
        f"<iframe srcdoc=\"{marker}\"></iframe>", f"<script><!--\n{marker}\n--></script>", f"<!-- {marker} -->",
        f"<p onmouseover=\"{marker}\">Hover text.</p>",
    ])
    wrappers = st.sampled_from(["div", "section", "span", "article", "main", "td", "li", "blockquote", "b"])
    article = draw(st.sampled_from(ARTICLES))
    parts = ["<html><head>", draw(hidden), "</head><body>"]
    tags = draw(st.lists(wrappers, max_size=40)) + ["div"] * draw(st.sampled_from([0, 0, 300, 2500]))
    parts += [f"<{tag}>" for tag in tags]
    for paragraph in article.split("\n\n")[: draw(st.integers(1, 12))]:
        if draw(st.booleans()):
            parts.append(draw(hidden))
        paragraph += draw(st.one_of(st.just(""), odd_text.map(lambda t: t[:20])))  # controls too
        parts.append("<p>" + paragraph.replace("&", "&amp;").replace("<", "&lt;") + "</p>")
    parts.append(draw(hidden))
    parts += [f"</{tag}>" for tag in reversed(tags)] if draw(st.booleans()) else []  # or left unclosed
    return "".join(parts)


@FUZZ
@given(page=hostile_pages())
def test_script_style_and_handler_text_never_reaches_the_document(page: str, scratch: Path, kb: KnowledgeBase) -> None:
    for item in read_file(scratch, ".html", page.encode()):
        if isinstance(item, SourceDocument):
            assert SCRIPT_MARKER not in item.text
            assert SCRIPT_MARKER not in (item.title or "")
            assert_valid(item, kb)


# ---------------------------------------------------------------- cleaning, segmentation, extraction


@FUZZ
@given(text=st.one_of(odd_text, wordy_text, mutated_articles()))
def test_cleaning_and_segmentation_keep_their_offsets(text: str, kb: KnowledgeBase) -> None:
    cleaned = clean(text, is_known_name=known_name_test(kb), common_words=kb.lexicon.get("common_words", frozenset()))
    for span in cleaned.excluded:
        assert span_problems(cleaned.text, "excluded", span.start, span.end, span.text) == []
    for repair in cleaned.repairs:
        assert 0 <= repair.start <= repair.end <= len(cleaned.text)
        assert 0 <= repair.original_start <= repair.original_end <= len(text)
    assert sentence_problems(cleaned.text, article_sentences(cleaned)) == []
    assert sentence_problems(cleaned.text, segment(cleaned.text)) == []
    for offset in (0, len(cleaned.text) // 2, len(cleaned.text)):
        assert 0 <= cleaned.to_original(offset) <= len(text)


@FUZZ
@given(text=st.one_of(odd_text, wordy_text, mutated_articles()),
       published=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)))
def test_the_extractor_keeps_offsets_and_schema_on_any_text(
        text: str, published: str | None, kb: KnowledgeBase) -> None:
    assert_valid(SourceDocument(text=text, published=published, title=text[:20] or None), kb)


# ---------------------------------------------------------------- the long run, CI-sized


def test_the_fuzz_benchmark_short_mode_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "benchmarks/fuzz.py", "--short", "--json"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    assert report["inputs"] == 100 and report["documents"] > 0 and report["skipped"] > 0
    assert (report["crashes"], report["hangs"], report["invalid_records"], report["script_leaks"]) == (0, 0, 0, 0), \
        report["failures"]
    assert result.returncode == 0
