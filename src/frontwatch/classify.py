"""Snippet-level event typing for `frontwatch classify`: one snippet per line
(`id<TAB>text`, or JSONL with `id` and `text`) -> the ACLED sub-event type of
its main event.

The main event is the one with the highest confidence (asserted beats
reported beats hedged ...); a snippet with no event gets `NO_EVENT`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import EventRecord, SourceDocument

NO_EVENT = "No event"


@dataclass
class Classified:
    snippet_id: str
    sub_event_type: str | None  # None when the line could not be read
    error: str | None = None


def parse_line(line: str, number: int) -> tuple[str, str]:
    """(id, text) of one input line; raises ValueError with a clear reason."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError("JSON line needs a string field `text`")
        return str(data.get("id", number)), data["text"]
    if "\t" in line:
        snippet_id, text = line.rstrip("\n").split("\t", 1)
        return snippet_id, text
    return str(number), stripped


def classify_lines(lines: Iterable[str], kb: KnowledgeBase) -> Iterator[Classified]:
    """Classify each non-blank line; unreadable lines are reported, not fatal."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            snippet_id, text = parse_line(line, number)
        except ValueError as exc:
            yield Classified(str(number), None, f"line {number}: {exc}")
            continue
        records = process(SourceDocument(text=text, doc_id=snippet_id), kb)
        events = [r for r in records if isinstance(r, EventRecord)]
        best = max(events, key=lambda e: e.confidence, default=None)
        yield Classified(snippet_id, best.sub_event_type if best else NO_EVENT)
