"""A bounded-time fuzz run of the readers and the extractor.

Each input is written to a file of one of the kinds the readers accept (.txt .md .html .jsonl .csv
.tsv), read back with `iter_sources`, and every document it yields goes through
`frontwatch.pipeline.process`; the records are then checked with
`frontwatch.evaluate.invariants.record_problems` (offsets, schema round trip, UTF-8). Inputs:

  bytes     random bytes (any, high bytes only, or printable ASCII with a few controls);
  unicode   random text from mixed scripts, combining marks, bidi and zero-width characters, quotes,
            controls and lone surrogates, written as UTF-8, UTF-16, windows-1252 or with bad bytes;
  mutated   an article from tests/gold/articles or examples/, edited a few times (cut, duplicate,
            insert odd characters or random text, glue words, change case, truncate, flip bytes);
  spliced   pieces of two articles joined;
  html      an article's paragraphs in random, sometimes deep, markup with scripts, styles, event
            handlers and templates, whose text must never reach a document.

Reported: inputs tried, documents read and processed, inputs skipped by the readers (with reasons
grouped), crashes (an exception from the readers or the extractor), inputs that hit the per-input
time limit, invalid records (offsets, schema), script text that reached a document, and the slowest
input. Exit status 1 when any crash, hang or invalid record was found.

Usage:
  python benchmarks/fuzz.py --seconds 120            # as many inputs as fit in 120 s
  python benchmarks/fuzz.py --short                  # CI size: 100 inputs, fixed seed (tests/test_fuzz.py)
  python benchmarks/fuzz.py --inputs 5000 --seed 3 --save /tmp/fuzz-failures --json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
SEED_DIRS = (REPO / "tests" / "gold" / "articles", REPO / "examples")
EXTENSIONS = (".txt", ".md", ".html", ".jsonl", ".csv", ".tsv")
SHORT_INPUTS = 100
# One input taking longer than this is reported as a hang (the extractor runs in milliseconds).
INPUT_TIME_LIMIT_S = 30
# Script, style, handler and template text in generated HTML carries this marker.
SCRIPT_MARKER = "zqxscriptmarkerzqx"

ODD_CHARACTERS = (
    "\x00", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00a0", "\u00ad", "\u0301",
    "\u0308", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2028", "\u2029",
    "\u2060", "\ufeff", "\ufffd", "\uffff", "\u2018", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb",
    "\u2014", "\u2026", "\U0001f600", "\U0001d400", "\u0130", "\u212a", "\u00df", "\ufb01", "\u0640",
    "\u0627\u0644", "\u05d0", "\u4e2d", "\u0e01", "\u0915\u094d", "\"", "'", "<", ">", "&", "{", "}", ",",
    "\\", "---\n", "# ", "\n\n", ". ", "?", "!", "...", "e.g.", "Gen.", "U.S.",
)
CODE_POINT_RANGES = (
    (0x20, 0x7E), (0x00, 0x1F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0x2000, 0x206F), (0x3040, 0x30FF), (0x4E00, 0x4FFF),
    (0xD800, 0xDFFF), (0xFB00, 0xFB4F), (0xFE00, 0xFE0F), (0xFFF0, 0xFFFF), (0x1F300, 0x1F6FF),
)


@dataclass
class Report:
    seed: int
    inputs: int = 0
    documents: int = 0
    records: int = 0
    skipped: int = 0
    crashes: int = 0
    hangs: int = 0
    invalid_records: int = 0
    script_leaks: int = 0
    seconds: float = 0.0
    by_kind: Counter[str] = field(default_factory=Counter)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    slowest_seconds: float = 0.0
    slowest_input: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.crashes or self.hangs or self.invalid_records or self.script_leaks)

    def lines(self) -> list[str]:
        rate = self.inputs / self.seconds if self.seconds else 0.0
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items()))
        out = [
            f"seed {self.seed}: {self.inputs} inputs in {self.seconds:.1f} s ({rate:.0f}/s): {kinds}",
            f"documents read and processed: {self.documents} ({self.records} records checked)",
            f"inputs skipped by the readers: {self.skipped}",
            f"crashes: {self.crashes}",
            f"hangs (over {INPUT_TIME_LIMIT_S} s): {self.hangs}",
            f"invalid records (offsets, schema, UTF-8): {self.invalid_records}",
            f"script text in a document: {self.script_leaks}",
            f"slowest input: {self.slowest_seconds * 1000:.1f} ms CPU ({self.slowest_input})",
            "skip reasons: " + "; ".join(f"{reason} x{count}" for reason, count in self.skip_reasons.most_common(8)),
        ]
        out += [f"FAILURE {failure}" for failure in self.failures[:20]]
        return out


# ---------------------------------------------------------------- input generators


def seed_articles() -> list[str]:
    """The real articles the mutations start from."""
    texts = [path.read_text(encoding="utf-8") for directory in SEED_DIRS for path in sorted(directory.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no seed articles under {', '.join(map(str, SEED_DIRS))}")
    return texts


def random_unicode(rng: random.Random, size: int) -> str:
    chars: list[str] = []
    while len(chars) < size:
        if rng.random() < 0.15:
            chars.append(rng.choice(ODD_CHARACTERS))
        elif rng.random() < 0.3:
            chars.append(rng.choice(("Hama", "rebels", "seized", "said", "Kharkiv", "army", " ", " ", "\n")))
        else:
            low, high = rng.choice(CODE_POINT_RANGES)
            chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def random_bytes(rng: random.Random) -> bytes:
    size = rng.choice((0, 1, 7, 100, 1000, 5000))
    style = rng.randrange(3)
    if style == 0:
        return rng.randbytes(size)
    if style == 1:
        return bytes(rng.randrange(0x80, 0x100) for _ in range(size))
    return bytes(rng.choice((rng.randrange(0x20, 0x7F), rng.randrange(0x20, 0x7F), rng.randrange(0, 0x20)))
                 for _ in range(size))


def mutate(rng: random.Random, text: str, edits: int) -> str:
    """`text` edited `edits` times, each edit one of a dozen kinds."""
    for _ in range(edits):
        if not text:
            text = random_unicode(rng, 20)
        a = rng.randrange(len(text) + 1)
        b = min(len(text), a + rng.choice((1, 5, 40, 400)))
        kind = rng.randrange(12)
        if kind == 0:
            text = text[:a] + text[b:]
        elif kind == 1:
            text = text[:b] + text[a:b] * rng.choice((1, 2, 20)) + text[b:]
        elif kind == 2:
            text = text[:a] + rng.choice(ODD_CHARACTERS) + text[a:]
        elif kind == 3:
            text = text[:a] + random_unicode(rng, rng.choice((3, 30, 300))) + text[a:]
        elif kind == 4:
            text = text[:a] + text[a:b].replace(" ", "").replace("\n", "") + text[b:]
        elif kind == 5:
            text = text[:a] + text[a:b].upper() + text[b:]
        elif kind == 6:
            text = text[:a] + text[a:b].lower() + text[b:]
        elif kind == 7:
            text = text[:a]
        elif kind == 8:
            text = text.replace("\n", rng.choice(("", " ", "\r", "\n\n\n", "\u2028")))
        elif kind == 9:
            text = text[:a] + "x" * rng.choice((1000, 20000)) + text[a:]
        elif kind == 10:
            text = text[:a] + rng.choice(("“", "”", "\"", "«", "—")) * rng.randint(1, 5) + text[a:]
        else:
            text = text[:a] + rng.choice(("\n\nComments\n\n", "\n\nReply\n", "\n\nRead more:\n", ".The ")) + text[a:]
    return text


def hostile_html(rng: random.Random, article: str) -> str:
    """The article's paragraphs in random markup full of script text that must not be read."""
    def hidden() -> str:
        m = SCRIPT_MARKER
        return rng.choice((
            f"<script>var a = '{m}';</script>", f"<script type=\"text/plain\">{m}</script>",
            f"<style>.{m} {{ color: red }}</style>", f"<template><p>{m}</p></template>",
            f"<noscript>{m}</noscript>", f"<svg><script>{m}</script></svg>",
            f"<img src=x onerror=\"{m}()\">", f"<a href=\"javascript:{m}()\" onclick=\"{m}()\">link</a>",
            f"<div onmouseover='{m}'>hover</div>", f"<iframe srcdoc=\"{m}\"></iframe>",
            f"<script><!--\n{m}\n--></script>", f"<!-- {m} -->",
        ))

    depth = rng.choice((1, 3, 40, 300, 3000))
    parts = ["<!DOCTYPE html><html><head><title>Report</title>", hidden(), "</head><body", ]
    parts.append(f" onload=\"{SCRIPT_MARKER}()\">" if rng.random() < 0.5 else ">")
    parts.append("<div>" * depth + "<article>")
    for paragraph in article.split("\n\n"):
        if rng.random() < 0.5:
            parts.append(hidden())
        escaped = paragraph.replace("&", "&amp;").replace("<", "&lt;")
        parts.append(f"<p>{escaped}</p>")
    parts.append(hidden())
    parts.append("</article>" + "</div>" * rng.choice((0, depth)) + "</body></html>")
    return "".join(parts)


def encode(rng: random.Random, text: str) -> bytes:
    choice = rng.randrange(6)
    if choice == 0:
        return text.encode("utf-16", errors="surrogatepass")
    if choice == 1:
        return text.encode("cp1252", errors="replace")
    if choice == 2:  # bad bytes: lone surrogates as UTF-8 would write them
        return text.encode("utf-8", errors="surrogatepass")
    data = text.encode("utf-8", errors="replace")
    if choice == 3 and data:  # a few flipped bytes
        array = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            array[rng.randrange(len(array))] = rng.randrange(256)
        return bytes(array)
    return data


def as_file(rng: random.Random, text: str, extension: str) -> bytes:
    """`text` as the content of a file of this kind."""
    if extension == ".jsonl":
        rows = []
        for _ in range(rng.randint(1, 3)):
            fields = {"id": rng.choice((None, "doc", 7, random_unicode(rng, 5))), "title": random_unicode(rng, 10),
                      "text": text, "published": rng.choice((None, "2024-12-05", random_unicode(rng, 8)))}
            line = json.dumps(fields, ensure_ascii=rng.random() < 0.5)
            if rng.random() < 0.2:
                line = line[: rng.randrange(len(line) + 1)]  # a broken line
            rows.append(line)
        return encode(rng, "\n".join(rows) + "\n")
    if extension in (".csv", ".tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if extension == ".csv" else "\t")
        header = rng.choice((["title", "text"], ["text"], ["id", "body", "date"], ["a", "b"]))
        writer.writerow(header)
        for _ in range(rng.randint(1, 3)):
            cells = [random_unicode(rng, 8) for _ in header]
            cells[-1 if header[-1] != "date" else 1] = text
            writer.writerow(cells[: rng.randint(0, len(cells) + 1)] + ["extra"] * rng.randint(0, 2))
        return encode(rng, buffer.getvalue())
    if extension == ".md" and rng.random() < 0.5:
        text = f"---\ntitle: {random_unicode(rng, 10)}\ndate: 2024-12-05\n---\n# Heading\n\n{text}"
    if extension == ".html" and rng.random() < 0.7:
        text = f"<html><body><article><h1>T</h1><p>{text}</p></article></body></html>"
    return encode(rng, text)


def generate(rng: random.Random, articles: list[str]) -> Iterator[tuple[str, str, bytes, bool]]:
    """(kind, extension, file content, whether it carries script text) without end."""
    while True:
        kind = rng.choice(("bytes", "unicode", "mutated", "mutated", "spliced", "html"))
        extension = rng.choice(EXTENSIONS)
        if kind == "bytes":
            yield kind, extension, random_bytes(rng), False
        elif kind == "unicode":
            yield kind, extension, as_file(rng, random_unicode(rng, rng.choice((5, 50, 500, 3000))), extension), False
        elif kind == "mutated":
            text = mutate(rng, rng.choice(articles), rng.randint(1, 8))
            yield kind, extension, as_file(rng, text, extension), False
        elif kind == "spliced":
            first, second = rng.choice(articles), rng.choice(articles)
            text = first[: rng.randrange(len(first) + 1)] + second[rng.randrange(len(second) + 1):]
            yield kind, extension, as_file(rng, text, extension), False
        else:
            page = hostile_html(rng, mutate(rng, rng.choice(articles), rng.randint(0, 2)))
            yield kind, ".html", page.encode(errors="replace"), True


# ---------------------------------------------------------------- the run


class InputTimeout(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise InputTimeout


def run(seconds: float | None, inputs: int | None, seed: int, save: Path | None,
        progress: Callable[[Report], None] | None = None) -> Report:
    from frontwatch.evaluate.invariants import record_problems
    from frontwatch.ingest.readers import iter_sources
    from frontwatch.kb.index import load
    from frontwatch.pipeline import process
    from frontwatch.records import SourceDocument

    kb = load()
    rng = random.Random(seed)
    report = Report(seed=seed)
    articles = seed_articles()
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix="frontwatch-fuzz-") as directory:
        # Warm-up, not counted: the first document of each kind loads parsers and date data (seconds).
        warm = random.Random(-1)
        for extension in EXTENSIONS:
            path = Path(directory) / f"warmup{extension}"
            path.write_bytes(as_file(warm, articles[0], extension))
            for item in iter_sources([str(path)]):
                if isinstance(item, SourceDocument):
                    process(item, kb)
        started = time.perf_counter()
        for number, (kind, extension, content, has_script) in enumerate(generate(rng, articles)):
            elapsed = time.perf_counter() - started
            if (inputs is not None and number >= inputs) or (seconds is not None and elapsed >= seconds):
                break
            path = Path(directory) / f"input{extension}"
            path.write_bytes(content)
            label = f"#{number} {kind} {extension} {len(content)} bytes"
            problems: list[str] = []
            begun = time.process_time()
            signal.alarm(INPUT_TIME_LIMIT_S)
            try:
                for item in iter_sources([str(path)]):
                    if not isinstance(item, SourceDocument):
                        report.skipped += 1
                        report.skip_reasons[item.reason.split(" (")[0].split(":")[0][:60]] += 1
                        continue
                    records = process(item, kb)
                    report.documents += 1
                    report.records += len(records)
                    found = record_problems(records)
                    if found:
                        report.invalid_records += 1
                        problems += found
                    if has_script and SCRIPT_MARKER in item.text:
                        report.script_leaks += 1
                        problems.append("script text reached the document text")
            except InputTimeout:
                report.hangs += 1
                problems.append(f"took over {INPUT_TIME_LIMIT_S} s")
            except Exception:  # noqa: BLE001 - a crash is what the run looks for
                report.crashes += 1
                problems.append("crash: " + traceback.format_exc(limit=-3).strip().replace("\n", " | "))
            finally:
                signal.alarm(0)
            took = time.process_time() - begun  # CPU time: other processes on the machine do not count
            report.inputs += 1
            report.by_kind[kind] += 1
            if took > report.slowest_seconds:
                report.slowest_seconds, report.slowest_input = took, label
            if problems:
                report.failures.append(f"{label}: {'; '.join(problems)[:500]}")
                if save is not None:
                    save.mkdir(parents=True, exist_ok=True)
                    (save / f"seed{seed}_{number}{extension}").write_bytes(content)
            if progress is not None and number % 500 == 499:
                report.seconds = time.perf_counter() - started
                progress(report)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, help="stop after this long (default 60 unless --inputs)")
    parser.add_argument("--inputs", type=int, help="stop after this many inputs")
    parser.add_argument("--short", action="store_true", help=f"CI size: {SHORT_INPUTS} inputs, seed 0")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", type=Path, help="write inputs that failed into this directory")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    seconds, inputs = args.seconds, args.inputs
    if args.short:
        seconds, inputs = None, SHORT_INPUTS
    elif seconds is None and inputs is None:
        seconds = 60.0

    def show(report: Report) -> None:
        print(f"... {report.inputs} inputs, {report.seconds:.0f} s", file=sys.stderr, flush=True)

    report = run(seconds, inputs, args.seed, args.save, progress=None if args.json else show)
    if args.json:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, count) pairs, counting the pairs.
        data = {item.name: getattr(report, item.name) for item in fields(report)}
        data["failed"] = report.failed
        print(json.dumps(data, indent=2, default=str))
    else:
        print("\n".join(report.lines()))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
