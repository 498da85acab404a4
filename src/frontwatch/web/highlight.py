"""A document's text cut into segments at span boundaries, for rendering with <mark>.

The text is untrusted: segments carry plain text and the template escapes it; only the
template writes tags. Spans may overlap (an event's sentence holding a quote): a segment
lists every span covering it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

SpanKind = Literal["evidence", "event", "quote", "excluded"]


class Span(BaseModel):
    """A character span of a document's cleaned text, with what it is."""

    start: int
    end: int
    kind: SpanKind  # evidence: of the incident being shown; event: any event; quote; excluded text
    label: str  # e.g. the event type, the speaker, why the text was excluded
    ref: str | None = None  # the incident id (events) it belongs to, when known


@dataclass
class Segment:
    text: str
    spans: list[Span] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({span.kind for span in self.spans})

    @property
    def marked(self) -> bool:
        return any(span.kind != "excluded" for span in self.spans)

    @property
    def title(self) -> str:
        return "; ".join(dict.fromkeys(span.label for span in self.spans))

    @property
    def ref(self) -> str | None:
        return next((span.ref for span in self.spans if span.ref), None)


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """`text` split at every span boundary (spans outside the text are clipped)."""
    length = len(text)
    usable = [s for s in spans if 0 <= s.start < s.end and s.start < length]
    cuts = sorted({0, length, *(s.start for s in usable), *(min(s.end, length) for s in usable)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in usable if s.start <= start and min(s.end, length) >= end]
        pieces.append(Segment(text[start:end], covering))
    return pieces
