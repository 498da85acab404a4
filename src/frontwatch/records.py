"""The typed records that flow between stages and out of `frontwatch extract`.

The output records (`DocumentRecord`, `MentionRecord`, `EventRecord`, `QuoteRecord`)
are the JSONL contract of DESIGN.md: one JSON object per line, `record` names the
kind. Offsets are character offsets into the document's cleaned text (the
`text` field of the document record) and `text == doc_text[start:end]` holds.

Additions to the contract, made deliberately (see README "Record contracts"):
`document.text` (the cleaned text, so outside tools can check spans),
`document.source` (where it was read from), `document.repairs` (edits the
cleaner made) and `mention.link` (how a mention was linked). `document.language` is
identified, not only passed through (`ingest.language`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EntityType = Literal["place", "actor", "person", "organisation"]
Modality = Literal["asserted", "reported", "hedged", "hypothetical", "negated", "planned"]
LinkKind = Literal["name", "alias", "generic", "demonym", "short_name", "unknown"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Pydantic keeps a model's state in these slots; setting them through their descriptors is what
# `model_copy` does, minus the generic machinery (see `moved`).
_new_instance = object.__new__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


# ---------------------------------------------------------------- input side

# A UTF-16 surrogate on its own: JSON ("\\ud800") and undecodable file names (os.fsdecode) produce
# them, and no encoding can write them, so a record holding one could be neither printed nor stored.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, as a lossy decoder does with bad bytes."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


class SourceDocument(Record):
    """One article as a reader produced it, before cleaning. Its strings are always valid
    Unicode (lone surrogates become U+FFFD), so every record made of it can be written."""

    text: str
    doc_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    source: str = "-"

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: str | None) -> str | None:
        return valid_unicode(value) if value else value


class Skipped(Record):
    """An input that could not be read, with the reason (for the batch summary)."""

    source: str
    reason: str

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: str) -> str:
        return valid_unicode(value)


# ---------------------------------------------------------------- cleaning


class ExcludedSpan(Record):
    start: int
    end: int
    reason: Literal["reader_comment", "repeated_paragraph", "boilerplate"]
    text: str


class Repair(Record):
    """An edit the cleaner made; `start`/`end` are in the cleaned text."""

    kind: Literal["glued_sentence", "missing_space", "whitespace"]
    start: int
    end: int
    original_start: int
    original_end: int


# ---------------------------------------------------------------- output records


class DocumentRecord(Record):
    record: Literal["document"] = "document"
    doc_id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    text_sha256: str
    excluded: list[ExcludedSpan] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    source: str = "-"
    text: str


class MentionRecord(Record):
    record: Literal["mention"] = "mention"
    doc_id: str
    start: int
    end: int
    surface: str
    entity_type: EntityType
    entity_id: str
    name: str
    link: LinkKind = "name"
    # places
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None
    # actors
    wikidata: str | None = None
    side: str | None = None
    aliases_matched: list[str] | None = None


class Actor(Record):
    entity_id: str
    name: str
    side: str | None = None


class Location(Record):
    entity_id: str
    name: str
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None
    precision: Literal[1, 2, 3] = 1


class Plover(Record):
    type: str
    mode: str | None = None


class Attribution(Record):
    source: str
    kind: Literal["named", "anonymous", "outlet"]


class ControlChange(Record):
    place: str
    new_controller: str | None = None
    previous_controller: str | None = None


class Evidence(Record):
    start: int
    end: int
    text: str


class EventRecord(Record):
    record: Literal["event"] = "event"
    doc_id: str
    event_id: str
    event_type: str
    sub_event_type: str
    plover: Plover
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    date: str | None = None
    date_precision: Literal["day", "week", "month", "year", "unknown"] = "unknown"
    modality: Modality = "asserted"
    attribution: Attribution | None = None
    control_change: ControlChange | None = None
    evidence: Evidence
    confidence: float = 0.5
    trigger: Evidence | None = None  # the words that made this an event ("seized", "under siege")


class Speaker(Record):
    entity_id: str
    name: str


class QuoteRecord(Record):
    record: Literal["quote"] = "quote"
    doc_id: str
    speaker: Speaker | None = None
    affiliation: str | None = None
    via: str | None = None
    text: str
    start: int
    end: int


OutputRecord = DocumentRecord | MentionRecord | EventRecord | QuoteRecord


# ---------------------------------------------------------------- the fused picture (across documents)
# Built by `frontwatch.fuse` from stored records, never from raw text. Every claim carries
# citations: (doc_id, start, end, text) spans of the documents' cleaned texts.


class Citation(Record):
    """A span of a stored document that supports a fused claim."""

    doc_id: str
    start: int
    end: int
    text: str
    outlet: str | None = None
    published: str | None = None


class IncidentSource(Record):
    """One event (of one document) that reports an incident."""

    doc_id: str
    event_id: str
    outlet: str | None = None
    published: str | None = None
    origin: str  # who the report ultimately comes from: sources with one origin are not independent
    modality: Modality
    attribution: Attribution | None = None
    evidence: Evidence
    tier: int | None = None  # the reliability tier of the outlet it counts for (fuse/sources.py)
    duplicate_of: str | None = None  # the document is a near-copy of this one: it adds no source


class IncidentRecord(Record):
    """Events from one or more documents that describe the same incident; the fields are
    those of the best-evidenced event."""

    record: Literal["incident"] = "incident"
    incident_id: str
    event_type: str
    sub_event_type: str
    plover: Plover
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    date: str | None = None
    date_precision: Literal["day", "week", "month", "year", "unknown"] = "unknown"
    modality: Modality = "asserted"
    control_change: ControlChange | None = None
    doc_id: str  # the document of the best evidence
    evidence: Evidence
    sources: list[IncidentSource]
    source_count: int  # documents reporting it
    independent_sources: int  # distinct origins among them
    confidence: float = 0.5


ControlBasis = Literal["transfer", "region", "presence", "capital"]
ControlStatus = Literal["held", "contested", "besieged"]


class ControlPeriod(Record):
    """Who holds a place from `since` on (until the next period of the same place)."""

    record: Literal["control"] = "control"
    place: Location
    controller: str | None  # a side (government, opposition, sdf, ...)
    controller_actor: Actor | None = None
    previous_controller: str | None = None
    since: str | None = None
    since_precision: Literal["day", "week", "month", "year", "unknown"] = "unknown"
    basis: ControlBasis  # a reported change of control, a region's, forces present, a capital
    status: ControlStatus = "held"
    contested_by: list[str] = Field(default_factory=list)  # sides attacking it since
    confidence: float = 0.5
    incidents: list[str] = Field(default_factory=list)  # incident ids behind the period
    evidence: list[Citation] = Field(default_factory=list)


class Claim(Record):
    """One side of a contradiction: what a source says, in its words."""

    statement: str
    modality: Modality
    doc_id: str
    outlet: str | None = None
    incident_id: str | None = None
    evidence: Citation


class ContradictionRecord(Record):
    """Claims that cannot all hold, shown side by side; never resolved silently."""

    record: Literal["contradiction"] = "contradiction"
    contradiction_id: str
    kind: Literal["control", "whereabouts"]
    subject_id: str  # the place or person the claims are about
    subject: str
    claims: list[Claim]


class CorridorBreak(Record):
    place: Location
    held_by: str | None
    status: ControlStatus


class CorridorRecord(Record):
    """A road or crossing and whether it is open for the side it serves."""

    record: Literal["corridor"] = "corridor"
    corridor_id: str
    name: str
    serves: str  # the side whose route it is
    status: Literal["open", "cut", "contested", "unknown"]
    summary: str
    breaks: list[CorridorBreak] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)


PictureRecord = IncidentRecord | ControlPeriod | ContradictionRecord | CorridorRecord


# the fields a document record is given (all but `record`), as validation would note them set
_DOCUMENT_FIELDS_SET = frozenset({"doc_id", "title", "outlet", "url", "published", "language", "text_sha256",
                                  "excluded", "repairs", "source", "text"})


def document_record(*, doc_id: str, title: str | None, outlet: str | None, url: str | None,
                    published: str | None, language: str | None, text_sha256: str,
                    excluded: list[ExcludedSpan], repairs: list[Repair], source: str, text: str) -> DocumentRecord:
    """The `DocumentRecord` that validating these values would give, without running the validation
    (values already of the fields' types, such as a `SourceDocument`'s and the cleaner's; a fifth of the
    cost). The lists are copied, as validation copies them; their validated records are kept."""
    record = _new_instance(DocumentRecord)
    record.__dict__.update(record="document", doc_id=doc_id, title=title, outlet=outlet, url=url, published=published,
                           language=language, text_sha256=text_sha256, excluded=list(excluded),
                           repairs=list(repairs), source=source, text=text)
    _set_fields_set(record, set(_DOCUMENT_FIELDS_SET))
    _set_extra(record, None)
    _set_private(record, None)
    return record


def moved(mention: MentionRecord, doc_id: str, start: int, end: int,
          aliases_matched: list[str] | None = None) -> MentionRecord:
    """A copy of a validated mention for another place in (another) document: new `doc_id` and
    offsets, the rest shared (a shallow copy), not validated again. What pydantic's
    `model_copy(update=...)` does, at a third of its cost (a new record: a fifth): linking stamps
    one record, built once per entity and surface, onto every place the name occurs. `aliases_matched`,
    where given, replaces the template's (a list of the copy's own)."""
    copy = _new_instance(MentionRecord)
    values = copy.__dict__  # a new, empty one, filled in the template's order (cheaper than dict.copy)
    values.update(mention.__dict__)
    values["doc_id"] = doc_id
    values["start"] = start
    values["end"] = end
    if aliases_matched is not None:
        values["aliases_matched"] = aliases_matched
    _set_fields_set(copy, mention.__pydantic_fields_set__.copy())  # (required fields are always set)
    _set_extra(copy, None)  # records forbid extra fields
    _set_private(copy, None)  # and have no private attributes
    return copy

