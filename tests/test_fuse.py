"""Fusion across documents (frontwatch.fuse): incidents, control timeline, contradictions and
corridors. Unit tests build events by hand; the end-to-end tests run `process()` on short
articles written for the test, and on the seed examples for the issue's acceptance picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from frontwatch.errors import KBError
from frontwatch.fuse import build_picture
from frontwatch.fuse.contradictions import control_contradictions, whereabouts_contradictions
from frontwatch.fuse.control import ControlBuilder
from frontwatch.fuse.corridors import Corridor, corridor_status, load_corridors
from frontwatch.fuse.incidents import fuse_incidents
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import (
    Actor,
    Attribution,
    ControlChange,
    DocumentRecord,
    EventRecord,
    Evidence,
    Location,
    Plover,
    SourceDocument,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Doc:
    outlet: str | None = None
    published: str | None = None


# places by hand: two towns 8 km apart, one 300 km away, and the region of the first two
KHALDA = Location(entity_id="1001", name="Khalda", lat=35.0, lon=38.0, country="SY", admin1="SY.99", feature="PPL")
KHALDA_EAST = Location(entity_id="1002", name="Khalda East", lat=35.0, lon=38.09, country="SY", admin1="SY.99",
                       feature="PPL")
FAR = Location(entity_id="1003", name="Far Town", lat=33.0, lon=36.0, country="SY", admin1="SY.98", feature="PPL")
REGION = Location(entity_id="region-99", name="Khalda Governorate", lat=35.1, lon=38.1, country="SY",
                  admin1="SY.99", feature="ADM1", precision=3)

REBELS = Actor(entity_id="free-brigade", name="Free Brigade", side="opposition")
ARMY = Actor(entity_id="army", name="Army", side="government")
GENERAL = Actor(entity_id="Q1", name="General Sami Haddad", side="government")


def event(doc_id: str, number: int, sub_event_type: str = "Non-state actor overtakes territory", *,
          event_type: str = "Battles", location: Location | None = KHALDA, actor1: Actor | None = REBELS,
          actor2: Actor | None = None, modality: str = "asserted", date_: str | None = None,
          control: str | None = "opposition", plover: tuple[str, str | None] = ("ASSAULT", None),
          attribution: Attribution | None = None, text: str = "The rebels took the town.",
          trigger: str | None = None, confidence: float = 0.75) -> EventRecord:
    start = number * 100
    return EventRecord(
        doc_id=doc_id, event_id=f"{doc_id}-{number}", event_type=event_type, sub_event_type=sub_event_type,
        plover=Plover(type=plover[0], mode=plover[1]), actor1=actor1, actor2=actor2, location=location,
        date=date_, date_precision="day" if date_ and len(date_) == 10 else "month" if date_ else "unknown",
        modality=modality, attribution=attribution,  # type: ignore[arg-type]
        control_change=(ControlChange(place=location.entity_id, new_controller=control)
                        if control and location else None),
        evidence=Evidence(start=start, end=start + len(text), text=text),
        trigger=Evidence(start=start, end=start + len(trigger), text=trigger) if trigger else None,
        confidence=confidence)


# ---------------------------------------------------------------- incidents


def test_reports_of_one_capture_fuse_and_count_outlets_once() -> None:
    documents = {"a": Doc("Daily A", "2025-03-02"), "b": Doc("Wire B", "2025-03-02"), "c": Doc("Daily A", "2025-03-03")}
    events = [event("a", 1, date_="2025-03-01"), event("b", 1, date_="2025-03-02", location=KHALDA_EAST),
              event("c", 1, date_="2025-03-01")]
    incidents = fuse_incidents(events, documents)
    assert len(incidents) == 1
    assert incidents[0].source_count == 3
    assert incidents[0].independent_sources == 2  # Daily A ran two articles: one origin
    assert incidents[0].confidence > 0.75  # corroborated by a second origin


def test_two_outlets_quoting_one_spokesman_are_not_independent() -> None:
    said = Attribution(source="Colonel Fares Nasser", kind="named")
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    incidents = fuse_incidents([event("a", 1, modality="reported", attribution=said),
                                event("b", 1, modality="reported", attribution=said)], documents)
    assert len(incidents) == 1 and incidents[0].independent_sources == 1


@pytest.mark.parametrize("change", [
    {"location": FAR},  # 300 km apart
    {"date_": "2025-05-20"},  # weeks apart
    {"actor1": ARMY, "control": "government", "sub_event_type": "Government regains territory"},
    {"modality": "hypothetical", "control": None},
])
def test_incompatible_reports_stay_apart(change: dict[str, object]) -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    first = event("a", 1, date_="2025-03-01")
    second = event("b", 1, **{"date_": "2025-03-01", **change})  # type: ignore[arg-type]
    assert len(fuse_incidents([first, second], documents)) == 2


def test_strike_reported_as_drone_and_as_missile_fuses_in_its_family() -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    drone = event("a", 1, "Air/drone strike", event_type="Explosions/Remote violence", control=None)
    missile = event("b", 1, "Shelling/artillery/missile attack", event_type="Explosions/Remote violence", control=None)
    clash = event("b", 2, "Armed clash", control=None)
    capture = event("a", 2)
    incidents = fuse_incidents([drone, missile, clash, capture], documents)
    assert sorted(i.source_count for i in incidents) == [1, 1, 2]


def test_best_evidence_prefers_asserted_and_a_place() -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    hedged = event("a", 1, modality="hedged", text="The rebels seem to have taken the town.")
    asserted = event("b", 1, text="The rebels took Khalda on Sunday.")
    incident = fuse_incidents([hedged, asserted], documents)[0]
    assert incident.modality == "asserted" and incident.doc_id == "b"
    assert incident.evidence.text == "The rebels took Khalda on Sunday."


# ---------------------------------------------------------------- control


def _builder(events: list[EventRecord], documents: dict[str, Doc], kb: KnowledgeBase | None = None) -> ControlBuilder:
    return ControlBuilder(fuse_incidents(events, documents), kb)


def test_timeline_orders_transfers_and_answers_as_of_a_date() -> None:
    documents = {"a": Doc("Daily A", "2025-06-01")}
    events = [event("a", 1, "Government regains territory", actor1=ARMY, control="government", date_="2019-03"),
              event("a", 2, date_="2025-05-30")]
    builder = _builder(events, documents)
    periods = builder.timeline()[KHALDA.entity_id]
    assert [(p.controller, p.since) for p in periods] == [("government", "2019-03"), ("opposition", "2025-05-30")]
    assert periods[1].previous_controller == "government"
    assert periods[1].evidence and periods[1].evidence[0].doc_id == "a"
    before = builder.situation(as_of=date(2024, 1, 1))
    assert [(p.place.name, p.controller) for p in before] == [("Khalda", "government")]


def test_hypothetical_and_hedged_claims_move_nothing() -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    events = [event("a", 1, modality="hypothetical"), event("b", 1, modality="hedged"),
              event("b", 2, modality="planned")]
    assert _builder(events, documents).situation() == []


def test_a_region_taken_later_carries_its_towns() -> None:
    documents = {"a": Doc("Daily A")}
    events = [event("a", 1, "Government regains territory", actor1=ARMY, control="government", date_="2018"),
              event("a", 2, location=REGION, date_="2024-12-01"),
              event("a", 3, "Armed clash", location=FAR, control=None, date_="2024-12-01")]
    builder = _builder(events, documents)
    town = builder.periods_of(KHALDA)[-1]
    assert (town.controller, town.basis) == ("opposition", "region")
    assert builder.periods_of(KHALDA_EAST)[-1].controller == "opposition"  # no report of its own
    assert builder.periods_of(FAR) == []  # fought over, but no one is said to hold it


def test_defenders_hold_a_place_under_assault_and_a_siege_shows() -> None:
    documents = {"a": Doc("Daily A")}
    events = [event("a", 1, "Other", event_type="Strategic developments", actor1=ARMY, control=None,
                    plover=("MOBILIZE", "troops"), text="The army sent reinforcements to Khalda."),
              event("a", 2, "Armed clash", control=None, text="Khalda has been under siege by the rebels for a week.")]
    period = _builder(events, documents).situation()[0]
    assert (period.controller, period.basis, period.status, period.contested_by) == \
        ("government", "presence", "besieged", ["opposition"])
    assert {c.text for c in period.evidence} >= {"The army sent reinforcements to Khalda."}


def test_two_sources_giving_a_town_to_different_sides_are_a_contradiction() -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}
    events = [event("a", 1), event("b", 1, "Government regains territory", actor1=ARMY, control="government",
                                   text="The army says it still holds Khalda.")]
    found = control_contradictions(_builder(events, documents))
    assert len(found) == 1 and found[0].kind == "control" and found[0].subject == "Khalda"
    assert {(c.doc_id, c.statement) for c in found[0].claims} == {("a", "Khalda held by opposition"),
                                                                 ("b", "Khalda held by government")}
    # one article telling a story in time is no contradiction
    same_doc = [event("a", 1, date_="2025-01-01"),
                event("a", 2, "Government regains territory", actor1=ARMY, control="government", date_="2025-02-01")]
    assert control_contradictions(_builder(same_doc, documents)) == []


def test_whereabouts_contradiction_across_documents_only() -> None:
    documents = {"a": Doc("Daily A"), "b": Doc("Daily B")}

    def whereabouts(doc_id: str, number: int, trigger: str, modality: str = "asserted") -> EventRecord:
        return event(doc_id, number, "Other", event_type="Strategic developments", actor1=GENERAL, location=None,
                     control=None, plover=("RETREAT", None), modality=modality, trigger=trigger,
                     text=f"General Sami Haddad {trigger}.")

    gone = whereabouts("a", 1, "seems to have vanished", modality="hedged")
    stays = whereabouts("b", 1, "remains in the capital")
    found = whereabouts_contradictions([gone, stays], documents, {"Q1"})
    assert len(found) == 1 and found[0].subject == "General Sami Haddad"
    assert [(c.doc_id, c.modality) for c in found[0].claims] == [("a", "hedged"), ("b", "asserted")]
    assert whereabouts_contradictions([gone, whereabouts("a", 2, "remains in the capital")], documents, {"Q1"}) == []


# ---------------------------------------------------------------- corridors


def test_corridor_is_cut_where_another_side_holds_a_waypoint(kb: KnowledgeBase) -> None:
    aleppo = kb.place_by_id("170063")
    hama = kb.place_by_id("170017")
    assert aleppo is not None and hama is not None
    where = {p.entity_id: Location(entity_id=p.entity_id, name=p.name, lat=p.lat, lon=p.lon, country=p.country,
                                   admin1=p.admin1, feature=p.feature) for p in (aleppo, hama)}
    documents = {"a": Doc("Daily A")}
    road = [Corridor("road", "Aleppo - Hama road", "road", "government", ("170063", "170017"))]
    held = [event("a", 1, "Government regains territory", location=where["170063"], actor1=ARMY, control="government"),
            event("a", 2, "Government regains territory", location=where["170017"], actor1=ARMY, control="government")]
    assert corridor_status(road, _builder(held, documents, kb), kb)[0].status == "open"
    lost = held[:1] + [event("a", 3, location=where["170017"])]
    record = corridor_status(road, _builder(lost, documents, kb), kb)[0]
    assert record.status == "cut" and [b.held_by for b in record.breaks] == ["opposition"]
    assert record.evidence and "cut at" in record.summary
    assert corridor_status(road, _builder(held[:1], documents, kb), kb)[0].status == "unknown"


def test_corridor_file_with_an_unknown_waypoint_is_rejected(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "roads.yaml"
    path.write_text("corridors:\n  - id: r1\n    name: Nowhere road\n    waypoints: ['170063', 'no-such-place']\n",
                    encoding="utf-8")
    with pytest.raises(KBError, match="no-such-place"):
        load_corridors([path], kb)


# ---------------------------------------------------------------- end to end


def _picture_of(sources: list[SourceDocument], kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    documents: dict[str, DocumentRecord] = {}
    events: list[EventRecord] = []
    for source in sources:
        for record in process(source, kb):
            if isinstance(record, DocumentRecord):
                documents[record.doc_id] = record
            elif isinstance(record, EventRecord):
                events.append(record)
    return build_picture(events, documents, kb), documents


def test_two_outlets_on_one_capture_back_one_control_period(kb: KnowledgeBase) -> None:
    first = SourceDocument(doc_id="one", outlet="Sahel Monitor", text=(
        "Fighters of JNIM seized the town of Djibo in northern Burkina Faso on Tuesday after a day of fighting.\n"))
    second = SourceDocument(doc_id="two", outlet="Ouaga Daily", text=(
        "Burkina Faso's army withdrew from Djibo on Tuesday and JNIM fighters took control of the town.\n"))
    picture, documents = _picture_of([first, second], kb)
    djibo = [p for p in picture.situation if p.place.name == "Djibo"]
    assert djibo and djibo[0].controller == "jnim"
    assert {c.doc_id for c in djibo[0].evidence} == {"one", "two"}
    for citation in djibo[0].evidence:
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.text


def test_seed_picture(kb: KnowledgeBase) -> None:
    """The issue's acceptance picture on the two bundled examples."""
    sources = [s for s in iter_sources([str(ROOT / "examples")]) if isinstance(s, SourceDocument)]
    picture, documents = _picture_of(sources, kb)
    held = {p.place.entity_id: p for p in picture.situation}
    expected = {"170063": "opposition", "170017": "opposition", "170905": "opposition", "172408": "druze",
                "170794": "sdf", "173480": "sdf", "174448": "sdf", "169577": "government", "170654": "government"}
    assert {k: held[k].controller for k in expected if k in held} == expected
    assert held["169577"].status == "contested" and held["170654"].status == "besieged"
    assert len({c.doc_id for c in held["170794"].evidence}) == 2  # Deir ez-Zor: both articles
    assert any(c.kind == "whereabouts" and c.subject == "Bashar al-Assad" and len({x.doc_id for x in c.claims}) == 2
               for c in picture.contradictions)
    iraq_route = next(c for c in picture.corridors if c.corridor_id == "sy-deir-ez-zor-iraq")
    assert iraq_route.status == "cut" and "174448" in {b.place.entity_id for b in iraq_route.breaks}
    citations = [c for p in picture.situation for c in p.evidence] + \
        [c.evidence for x in picture.contradictions for c in x.claims] + \
        [c for r in picture.corridors for c in r.evidence]
    assert citations
    for citation in citations:
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.text


def test_briefing_cites_every_sentence_and_escapes_article_text(kb: KnowledgeBase, tmp_path: Path) -> None:
    from frontwatch.report.briefing import build_briefing, render_html, write_briefing

    hostile = SourceDocument(doc_id="x", outlet="<b>Evil Outlet</b>", text=(
        "Fighters of JNIM seized the town of Djibo in northern Burkina Faso on Tuesday <script>alert(1)</script>.\n"))
    sources = [s for s in iter_sources([str(ROOT / "examples")]) if isinstance(s, SourceDocument)] + [hostile]
    picture, documents = _picture_of(sources, kb)
    briefing = build_briefing(picture, documents)
    sentences = [s for section in briefing.sections for s in section.sentences]
    assert len(sentences) >= 10
    assert all(s.citations for s in sentences)
    for source in briefing.sources:
        citation = source.citation
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.text
    html = render_html(briefing)
    assert "<script>" not in html and "&lt;b&gt;Evil Outlet" in html
    assert html.count('class="claim"') == len(sentences)
    out = tmp_path / "brief.md"
    write_briefing(briefing, out)
    assert out.read_text(encoding="utf-8").count("](#source-") >= len(sentences)


def test_exports_of_the_seed_picture(kb: KnowledgeBase) -> None:
    import csv
    import io
    import json

    from frontwatch.export.formats import ACLED_COLUMNS, export_lines

    sources = [s for s in iter_sources([str(ROOT / "examples")]) if isinstance(s, SourceDocument)]
    picture, _ = _picture_of(sources, kb)
    rows = list(csv.DictReader(io.StringIO("".join(export_lines(picture, "acled-csv")))))
    assert rows and list(rows[0]) == ACLED_COLUMNS
    factual = [i for i in picture.incidents if i.modality in ("asserted", "reported", "hedged")]
    assert len(rows) == len(factual) < len(picture.incidents)  # hypotheticals are no ACLED events
    assert {r["geo_precision"] for r in rows if r["location"]} <= {"1", "2", "3"}
    collection = json.loads("".join(export_lines(picture, "geojson")))
    kinds = {f["properties"]["kind"] for f in collection["features"]}
    assert collection["type"] == "FeatureCollection" and kinds == {"incident", "control"}
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    plover = [json.loads(line) for line in export_lines(picture, "plover")]
    assert len(plover) == len(picture.incidents) and all(p["event_type"] for p in plover)
    records = [json.loads(line) for line in export_lines(picture, "jsonl")]
    assert {r["record"] for r in records} == {"incident", "control", "contradiction", "corridor"}
    with pytest.raises(ValueError, match="unknown export format"):
        list(export_lines(picture, "xml"))
