"""The contracts every document's records keep, whatever the input: each span is the text it
points at (`text == doc_text[start:end]`), each record survives a round trip through its JSON
line and its pydantic model, and every string can be written as UTF-8.

The fuzz suite (tests/test_fuzz.py) and the long fuzz run (benchmarks/fuzz.py) check them on
random and mutated inputs; a tool reading stored or exported records can run them too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from frontwatch.engines.local import to_json
from frontwatch.ingest.segment import Sentence
from frontwatch.records import (
    DocumentRecord,
    EventRecord,
    Evidence,
    MentionRecord,
    OutputRecord,
    QuoteRecord,
)

_MODELS: dict[str, type[OutputRecord]] = {
    "document": DocumentRecord,
    "mention": MentionRecord,
    "event": EventRecord,
    "quote": QuoteRecord,
}


def record_problems(records: Sequence[OutputRecord]) -> list[str]:
    """What is wrong with one document's records (`process()`'s output); empty when nothing is."""
    if not records or not isinstance(records[0], DocumentRecord):
        return ["the first record is not the document"]
    document = records[0]
    text = document.text
    problems: list[str] = []
    for span in document.excluded:
        problems += span_problems(text, "excluded span", span.start, span.end, span.text)
    for repair in document.repairs:
        if not 0 <= repair.start <= repair.end <= len(text):
            problems.append(f"repair {repair.kind} at {repair.start}:{repair.end} is outside the text")
        if not 0 <= repair.original_start <= repair.original_end:
            problems.append(f"repair {repair.kind} has original offsets {repair.original_start}:"
                            f"{repair.original_end}")
    for record in records[1:]:
        if isinstance(record, DocumentRecord):
            problems.append("a second document record")
            continue
        if record.doc_id != document.doc_id:
            problems.append(f"{record.record} of doc_id {record.doc_id!r}, not {document.doc_id!r}")
        if isinstance(record, MentionRecord):
            problems += span_problems(text, "mention", record.start, record.end, record.surface)
        elif isinstance(record, EventRecord):
            problems += _evidence_problems(text, "event evidence", record.evidence)
            if record.trigger is not None:
                problems += _evidence_problems(text, "event trigger", record.trigger)
        elif isinstance(record, QuoteRecord):
            problems += span_problems(text, "quote", record.start, record.end, record.text)
    for record in records:
        problems += round_trip_problems(record)
    return problems


def span_problems(text: str, what: str, start: int, end: int, quoted: str) -> list[str]:
    """A span's offsets must lie in the text and cut out exactly the text the record quotes."""
    if not 0 <= start <= end <= len(text):
        return [f"{what} {start}:{end} is outside the text (length {len(text)})"]
    if text[start:end] != quoted:
        return [f"{what} {start}:{end} says {quoted[:60]!r} but the text there is {text[start:end][:60]!r}"]
    return []


def sentence_problems(text: str, sentences: Sequence[Sentence], start: int = 0, end: int | None = None) -> list[str]:
    """Sentences of text[start:end]: in order, inside the range, not overlapping, trimmed, not empty."""
    end = len(text) if end is None else end
    problems: list[str] = []
    previous = start
    for sentence in sentences:
        if not previous <= sentence.start < sentence.end <= end:
            problems.append(f"sentence {sentence.start}:{sentence.end} out of order or outside {start}:{end}")
        elif text[sentence.start].isspace() or text[sentence.end - 1].isspace():
            problems.append(f"sentence {sentence.start}:{sentence.end} is not trimmed")
        previous = max(previous, sentence.end)
    return problems


def round_trip_problems(record: OutputRecord) -> list[str]:
    """The JSONL line of a record is UTF-8, and reads back into an equal record."""
    try:
        line = to_json(record)
        line.encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError) as error:
        return [f"{record.record} cannot be written as JSON: {error}"]
    data = json.loads(line)
    model = _MODELS[data["record"]]
    try:
        back = model.model_validate(data)
    except ValueError as error:  # pydantic's ValidationError
        return [f"{record.record} does not validate against its schema: {error}"]
    if back != record:
        return [f"{record.record} changes in a JSON round trip"]
    return []


def _evidence_problems(text: str, what: str, evidence: Evidence) -> list[str]:
    return span_problems(text, what, evidence.start, evidence.end, evidence.text)
