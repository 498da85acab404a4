"""The briefing: a readable situation report built from a fused `Picture`, where every
sentence carries citations (document + span) to the sentences that support it.

`build_briefing` decides what to say (the sentences and their citations);
`render_markdown` / `render_html` only lay it out (Jinja2 templates beside this
module; HTML is autoescaped, so article text can never inject markup).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from frontwatch.fuse import Picture
from frontwatch.records import Citation, ControlPeriod, DocumentRecord, IncidentRecord, QuoteRecord

MAX_INCIDENTS_PER_THEATRE = 12
MAX_QUOTES = 8
MAX_CITATIONS_PER_SENTENCE = 3


@dataclass
class Sentence:
    text: str
    citations: list[int]  # numbers in Briefing.sources


@dataclass
class Section:
    title: str
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Source:
    number: int
    citation: Citation
    title: str | None


@dataclass
class Briefing:
    title: str
    as_of: str
    sections: list[Section]
    sources: list[Source]


class _Sources:
    """Numbers citations once each, in order of first use."""

    def __init__(self, documents: Mapping[str, DocumentRecord]) -> None:
        self.documents = documents
        self.numbers: dict[tuple[str, int, int], int] = {}
        self.items: list[Source] = []

    def cite(self, citations: Iterable[Citation]) -> list[int]:
        numbers: list[int] = []
        for citation in citations:
            key = (citation.doc_id, citation.start, citation.end)
            number = self.numbers.get(key)
            if number is None:
                number = self.numbers[key] = len(self.items) + 1
                document = self.documents.get(citation.doc_id)
                self.items.append(Source(number, citation, document.title if document else None))
            if number not in numbers:
                numbers.append(number)
            if len(numbers) == MAX_CITATIONS_PER_SENTENCE:
                break
        return numbers


SIDE_LABELS = {"government": "government forces", "opposition": "the opposition", "foreign": "foreign forces",
               "sdf": "the SDF", "druze": "Druze factions", "civilian": "civilians", "isis": "the Islamic State",
               "jnim": "JNIM", "rsf": "the RSF", "houthis": "the Houthis", "hezbollah": "Hezbollah"}


def _side(side: str | None) -> str:
    """A side code as words ("sdf" -> "the SDF"); unknown codes as they are."""
    return SIDE_LABELS.get(side, side) if side else "an unknown side"


def _document_name(document: DocumentRecord | None, doc_id: str) -> str:
    if document is None:
        return doc_id
    if document.outlet:
        return document.outlet
    return f"“{document.title}”" if document.title else doc_id


def _control_sentence(period: ControlPeriod) -> str:
    holder = _side(period.controller)
    if period.controller_actor is not None and period.controller_actor.name.lower() not in holder:
        holder += f" ({period.controller_actor.name})"
    since = f" since {period.since}" if period.since else ""
    if period.basis in ("transfer", "region"):
        text = f"{period.place.name} is held by {holder}{since}"
        if period.previous_controller and period.previous_controller != period.controller:
            text += f", taking it from {_side(period.previous_controller)}"
    else:
        text = f"{period.place.name} is still held by {holder}"
    if period.status == "besieged":
        text += f"; it is under siege by {', '.join(_side(s) for s in period.contested_by)}"
    elif period.status == "contested":
        text += f"; {', '.join(_side(s) for s in period.contested_by)} are fighting for it"
    return text + "."


def _incident_sentence(incident: IncidentRecord) -> str:
    actor = incident.actor1.name if incident.actor1 else "An unidentified actor"
    place = f" in {incident.location.name}" if incident.location else ""
    when = f" ({incident.date})" if incident.date else ""
    sources = incident.independent_sources
    backing = f", reported by {sources} independent sources" if sources > 1 else ""
    modality = {"reported": " (reported)", "hedged": " (unconfirmed)"}.get(incident.modality, "")
    return f"{incident.sub_event_type}{place}{when}: {actor}{modality}{backing}."


def _incident_citations(incident: IncidentRecord) -> list[Citation]:
    return [Citation(doc_id=s.doc_id, start=s.evidence.start, end=s.evidence.end, text=s.evidence.text,
                     outlet=s.outlet, published=s.published) for s in incident.sources]


def build_briefing(picture: Picture, documents: Mapping[str, DocumentRecord],
                   quotes: Iterable[QuoteRecord] = (), *, title: str = "Situation briefing") -> Briefing:
    """What the briefing says, sentence by sentence, each with its citations. A fact without
    evidence is left out rather than stated unsourced."""
    sources = _Sources(documents)
    sections: list[Section] = []

    control = Section("Control of places")
    changes = [p for p in picture.situation if p.evidence]
    changes.sort(key=lambda p: (p.basis not in ("transfer", "region"), p.place.country or "", p.place.name))
    for period in changes:
        control.sentences.append(Sentence(_control_sentence(period), sources.cite(period.evidence)))
    sections.append(control)

    corridors = Section("Roads and crossings")
    for corridor in picture.corridors:
        if corridor.status in ("cut", "contested") and corridor.evidence:
            corridors.sentences.append(Sentence(corridor.summary + ".", sources.cite(corridor.evidence)))
    sections.append(corridors)

    contradictions = Section("Contradictions between sources")
    for found in picture.contradictions:
        claims = "; ".join(f"{_document_name(documents.get(c.doc_id), c.doc_id)} says {c.statement} ({c.modality})"
                           for c in found.claims)
        contradictions.sentences.append(Sentence(f"{found.subject}: {claims}.",
                                                 sources.cite(c.evidence for c in found.claims)))
    sections.append(contradictions)

    by_theatre: dict[str, list[IncidentRecord]] = defaultdict(list)
    for incident in picture.incidents:
        if incident.modality in ("asserted", "reported", "hedged"):
            by_theatre[incident.location.country if incident.location and incident.location.country else "—"].append(
                incident)
    for theatre in sorted(by_theatre):
        section = Section(f"Incidents: {theatre}")
        ranked = sorted(by_theatre[theatre], key=lambda i: (-i.independent_sources, -i.confidence))
        for incident in ranked[:MAX_INCIDENTS_PER_THEATRE]:
            cited = sources.cite(_incident_citations(incident))
            section.sentences.append(Sentence(_incident_sentence(incident), cited))
        sections.append(section)

    notable = Section("Notable quotes")
    for quote in list(quotes)[:MAX_QUOTES]:
        speaker = quote.speaker.name if quote.speaker else "An unnamed source"
        via = f", speaking to {quote.via}" if quote.via else ""
        document = documents.get(quote.doc_id)
        citation = Citation(doc_id=quote.doc_id, start=quote.start, end=quote.end, text=quote.text,
                            outlet=document.outlet if document else None,
                            published=document.published if document else None)
        notable.sentences.append(Sentence(f"{speaker}{via}: “{quote.text}”", sources.cite([citation])))
    sections.append(notable)

    as_of = picture.as_of.isoformat() if isinstance(picture.as_of, date) else "latest reports"
    return Briefing(title=title, as_of=as_of, sections=[s for s in sections if s.sentences], sources=sources.items)


_ENVIRONMENT = Environment(loader=PackageLoader("frontwatch.report", "templates"),
                           autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def render_markdown(briefing: Briefing) -> str:
    return _ENVIRONMENT.get_template("briefing.md").render(briefing=briefing)


def render_html(briefing: Briefing) -> str:
    return _ENVIRONMENT.get_template("briefing.html").render(briefing=briefing)


def write_briefing(briefing: Briefing, path: Path) -> None:
    """Markdown for `.md`, HTML otherwise (`.html`, `.htm`)."""
    text = render_markdown(briefing) if path.suffix.lower() in (".md", ".markdown") else render_html(briefing)
    path.write_text(text, encoding="utf-8")
