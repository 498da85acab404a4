"""Run the per-document function over a stream of sources in this process.

Streaming: documents are read, processed and written one at a time, so memory
does not grow with the corpus.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from frontwatch.errors import FrontwatchError
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import MentionRecord, OutputRecord, Skipped, SourceDocument


@dataclass
class Summary:
    """What a batch did: the CLI prints it and derives the exit code from it."""

    documents: int = 0
    records: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.skipped)

    def line(self) -> str:
        text = (f"frontwatch: read {self.documents} document{'s' * (self.documents != 1)}, "
                f"skipped {len(self.skipped)}, wrote {self.records} records")
        return text

    def details(self) -> list[str]:
        return [f"  skipped {s.source}: {s.reason}" for s in self.skipped]


def to_json(record: OutputRecord) -> str:
    """One JSONL line; mentions leave out the fields of other entity types."""
    data = record.model_dump(mode="json", exclude_none=isinstance(record, MentionRecord))
    return json.dumps(data, ensure_ascii=False)


def run(sources: Iterable[SourceDocument | Skipped], kb: KnowledgeBase, summary: Summary,
        *, events: bool = True) -> Iterator[OutputRecord]:
    """Process every source, recording skips (unreadable input, or a document that
    made the extractor fail) in `summary` instead of stopping."""
    for item in sources:
        result = item if isinstance(item, Skipped) else process_safely(item, kb, events=events)
        if isinstance(result, Skipped):
            summary.skipped.append(result)
            continue
        summary.documents += 1
        summary.records += len(result)
        yield from result


def process_safely(source: SourceDocument, kb: KnowledgeBase, *, events: bool = True) -> list[OutputRecord] | Skipped:
    """`process()`, with a failure turned into a Skipped that names the source."""
    try:
        return process(source, kb, events=events)
    except FrontwatchError as exc:
        return Skipped(source=source.source, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad document must not end the batch
        return Skipped(source=source.source, reason=f"internal error: {type(exc).__name__}: {exc}")


def write_jsonl(records: Iterable[OutputRecord], out: IO[str]) -> None:
    for record in records:
        out.write(to_json(record))
        out.write("\n")


def progress(items: Iterable[SourceDocument | Skipped], enabled: bool) -> Iterable[SourceDocument | Skipped]:
    """Wrap a source stream in a progress bar on stderr."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="documents", unit="doc", file=sys.stderr, mininterval=0.5, leave=False)
