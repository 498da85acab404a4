"""Typed events from trigger phrases, with roles, place, date, modality,
attribution and control changes.

For each sentence: find trigger phrases (`data/events.yaml`), cut the clause
around each trigger, and fill the roles from the linked mentions of that
clause: the subject actor before the trigger (or the agent after "by" / "to",
or the possessive of a nominal trigger), the object actor after it, and the
place(s) after the trigger (a coordinated list gives one event per place) or,
failing that, before it. Territorial events carry a control change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from frontwatch.extract.dates import anchor_date
from frontwatch.extract.lexicon import EventClass, Lexicon, Trigger, load_lexicon
from frontwatch.extract.modality import attribution as find_attribution
from frontwatch.extract.modality import modality as find_modality
from frontwatch.ingest.segment import Sentence
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import (
    Actor,
    Attribution,
    ControlChange,
    EventRecord,
    Evidence,
    Location,
    MentionRecord,
    Plover,
)

# a clause ends at ";", a dash, or a comma that opens a new clause
_CLAUSE_BREAK = re.compile(
    r";|\s[-\u2013\u2014]\s|,\s+(?=(?:while|whereas|but|which|who|whose|after|before|although|though|as|when|"
    r"and then|the|a|an|his|her|its|their|this|these|it|they|he|she|according)\b)",
    re.IGNORECASE,
)
_CONTROL_OF = re.compile(r"\b(?:under\s+(?:the\s+)?control\s+of|held\s+by|controlled\s+by|in\s+the\s+hands\s+of)\s+",
                         re.IGNORECASE)
_ADJECTIVE_CONTROL = re.compile(r"\bunder\s+(rebel|opposition|government|regime|army|kurdish|jihadist)\s+control\b",
                                re.IGNORECASE)
_ADJECTIVE_SIDE = {"rebel": "opposition", "opposition": "opposition", "government": "government",
                   "regime": "government", "army": "government", "kurdish": "sdf", "jihadist": "opposition"}
_COORDINATION = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+y\s+|\s+e\s+|\s+or\s+)$")
_ANAPHORIC_PLACE = re.compile(r"\b(?:this|that|the)\s+(?:\w+\s+){0,2}(?:city|town|region|area|province|village)\b",
                              re.IGNORECASE)
_POSSESSIVE = re.compile(r"^'s?\s+$")
TERRITORIAL = {"capture", "driven_out", "control_state", "withdrawal"}
MULTI_PLACE = TERRITORIAL | {"air_strike", "shelling", "clash"}
STATE_KINDS = {"state", "state_force", "government"}
CONFIDENCE = {"asserted": 0.85, "reported": 0.75, "hedged": 0.5, "planned": 0.35, "hypothetical": 0.25,
              "negated": 0.2}


@dataclass
class DocumentState:
    """What earlier sentences established (for anaphora and implied roles)."""

    last_actor: dict[str, Actor] = field(default_factory=dict)  # event family -> last known actor1
    last_place: MentionRecord | None = None
    gains: dict[str, str] = field(default_factory=dict)  # place id -> side that took it
    last_attribution: Attribution | None = None


class EventFinder:
    def __init__(self, kb: KnowledgeBase, doc_id: str, text: str, mentions: list[MentionRecord],
                 published: date | None) -> None:
        self.kb = kb
        self.lexicon: Lexicon = load_lexicon()
        self.doc_id = doc_id
        self.text = text
        self.mentions = mentions
        self.published = published
        self.state = DocumentState()
        self.media_ids = {a.entity_id for a in kb.actors if a.kind == "media"}
        self.state_by_country = {a.country: a for a in kb.actors if a.kind == "state" and a.country}
        countries = [m.country for m in mentions if m.entity_type == "place" and m.country]
        self.focus = max(set(countries), key=countries.count) if countries else None

    # ------------------------------------------------------------ helpers

    def _clause(self, sentence: Sentence, position: int) -> tuple[int, int]:
        start, end = sentence.start, sentence.end
        for found in _CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end):
            if found.end() <= position:
                start = found.end()
            elif found.start() >= position:
                end = found.start()
                break
        return start, end

    def _actor_of(self, mention: MentionRecord) -> Actor | None:
        if mention.entity_type in ("actor", "person"):
            return Actor(entity_id=mention.entity_id, name=mention.name, side=mention.side)
        if mention.entity_type == "place" and mention.feature == "COUNTRY" and mention.country:
            state = self.state_by_country.get(mention.country)
            side = "government" if mention.country == self.focus else "foreign"
            if state is not None:
                return Actor(entity_id=state.entity_id, name=state.name, side=side)
            return Actor(entity_id=mention.entity_id, name=mention.name, side=side)
        if mention.entity_type == "organisation" and mention.entity_id not in self.media_ids:
            return Actor(entity_id=mention.entity_id, name=mention.name, side=mention.side or "other")
        return None

    def _is_actor(self, mention: MentionRecord) -> bool:
        return mention.entity_type in ("actor", "person") or (
            mention.entity_type == "place" and mention.feature == "COUNTRY")

    def _places_run(self, places: list[MentionRecord], first: int) -> list[MentionRecord]:
        """The coordinated list of places starting at places[first]."""
        run = [places[first]]
        for nxt in places[first + 1:]:
            gap = self.text[run[-1].end:nxt.start]
            if not _COORDINATION.match(gap):
                break
            run.append(nxt)
        return run

    def _implied_actor(self, start: int, end: int) -> Actor | None:
        found = self.lexicon.implied_re.search(self.text, start, end)
        if not found:
            return None
        tag = self.lexicon.implied_actors[found.group().lower()]
        counts: dict[str, int] = {}
        for m in self.mentions:
            ref = self.kb.actor_by_slug.get(m.entity_id)
            actor = self.kb.actors[ref] if ref is not None else None
            if actor is None:
                actor = next((a for a in self.kb.actors if a.entity_id == m.entity_id), None)
            if actor is not None and tag in actor.tags:
                counts[actor.slug] = counts.get(actor.slug, 0) + 1
        if counts:
            actor = self.kb.actors[self.kb.actor_by_slug[max(counts, key=lambda k: counts[k])]]
        else:
            actor = next((a for a in self.kb.actors if tag in a.default_for and a.country == self.focus), None)
            if actor is None:
                return Actor(entity_id=tag, name=found.group(), side="opposition" if tag == "rebel" else tag)
        return Actor(entity_id=actor.entity_id, name=actor.name, side=actor.side)

    def _controller_phrase(self, start: int, end: int, skip: tuple[int, int] | None = None) -> Actor | None:
        """The holder named by "under the control of X" / "under rebel control" in text[start:end]."""
        for found in _CONTROL_OF.finditer(self.text, start, end):
            if skip and skip[0] <= found.start() < skip[1]:
                continue
            holder = next((m for m in self.mentions if found.end() <= m.start <= found.end() + 4
                           and self._is_actor(m)), None)
            if holder is not None:
                return self._actor_of(holder)
        adjective = _ADJECTIVE_CONTROL.search(self.text, start, end)
        if adjective and not (skip and skip[0] <= adjective.start() < skip[1]):
            word = adjective.group(1).lower()
            return Actor(entity_id=word, name=f"{word} forces", side=_ADJECTIVE_SIDE[word])
        return None

    def _precision(self, place: MentionRecord) -> int:
        if place.feature in ("ADM1", "ADM2", "REGION", "COUNTRY", "RIVER", "SEA", "MOUNTAIN"):
            return 3
        lead = self.text[max(0, place.start - 40):place.start]
        if self.lexicon.area_words.search(lead) and re.search(r"\bof\s+(?:the\s+)?$|\bnear\s+$|\baround\s+$", lead):
            return 2
        if place.feature in ("NEIGHBOURHOOD", "ROAD", "BASE", "CROSSING", "AIRPORT", "PORT", "AREA", "CAMP"):
            return 2
        return 1

    def _location(self, place: MentionRecord) -> Location:
        return Location(entity_id=place.entity_id, name=place.name, geonames_id=place.geonames_id,
                        lat=place.lat, lon=place.lon, country=place.country, admin1=place.admin1,
                        feature=place.feature, precision=self._precision(place))  # type: ignore[arg-type]

    # ------------------------------------------------------------ one trigger

    def _roles(self, event_class: EventClass, trigger: re.Match[str], clause: tuple[int, int],
               clause_mentions: list[MentionRecord]) -> tuple[Actor | None, Actor | None, list[MentionRecord]]:
        phrase = trigger.group().lower()
        t_start, t_end = trigger.start(), trigger.end()
        actors_before = [m for m in clause_mentions if m.end <= t_start and self._is_actor(m)]
        actors_after = [m for m in clause_mentions if m.start >= t_end and self._is_actor(m)]
        places = [m for m in clause_mentions if m.entity_type == "place" and m.feature != "COUNTRY"
                  or (m.entity_type == "place" and event_class.id not in ("request_yield", "reject"))]
        nominal = phrase.split()[-1] in event_class.nominal and re.match(r"\s+of\s+", self.text[t_end:t_end + 5])
        actor1: MentionRecord | None = None
        actor2: MentionRecord | None = None
        if nominal:
            possessive = [m for m in actors_before if _POSSESSIVE.match(self.text[m.end:t_start].replace("the", ""))]
            by = [m for m in actors_after if re.search(r"\bby\s+(?:the\s+)?$", self.text[t_end:m.start])]
            actor1 = possessive[-1] if possessive else (by[0] if by else None)
            if event_class.id == "clash":  # "the assault of the jihadists": the genitive is the attacker
                genitive = [m for m in actors_after if re.fullmatch(r"\s+of\s+(?:the\s+)?", self.text[t_end:m.start])]
                actor1 = actor1 or (genitive[0] if genitive else None)
        elif phrase.endswith((" to", " by")) or phrase in ("held by", "controlled by"):
            actor1 = actors_after[0] if actors_after else None
        else:
            by = [m for m in actors_after if re.search(r"\bby\s+(?:the\s+)?$", self.text[max(t_end, m.start - 8):m.start])]
            actor1 = by[0] if by else (actors_before[0] if actors_before else None)
            rest = [m for m in actors_after if m is not actor1]
            actor2 = rest[0] if rest else None
        # places: after the trigger first (a coordinated list), else before it
        place_list = [m for m in places if m.start >= t_end]
        chosen: list[MentionRecord] = []
        if place_list:
            first = 0
            if event_class.id == "withdrawal":
                while first < len(place_list) and self._is_destination(place_list[first]):
                    first += 1
            if first < len(place_list) and place_list[first].start - t_end < 80:
                chosen = self._places_run(place_list, first)
        if not chosen:
            before = [m for m in places if m.end <= t_start]
            if before:
                run_start = len(before) - 1
                while run_start > 0 and _COORDINATION.match(self.text[before[run_start - 1].end:before[run_start].start]):
                    run_start -= 1
                chosen = before[run_start:]
        if not chosen and self.state.last_place is not None and _ANAPHORIC_PLACE.search(self.text, t_end, clause[1]):
            chosen = [self.state.last_place]
        if event_class.id not in MULTI_PLACE:
            chosen = chosen[:1]
        a1 = self._actor_of(actor1) if actor1 else None
        a2 = self._actor_of(actor2) if actor2 else None
        return a1, a2, chosen

    def _is_destination(self, place: MentionRecord) -> bool:
        lead = self.text[max(0, place.start - 12):place.start].split()
        return bool(lead) and lead[-1].lower() in self.lexicon.destination_words

    def _weak_ok(self, trigger: re.Match[str], clause: tuple[int, int], clause_mentions: list[MentionRecord]) -> bool:
        """Weak triggers ("took", "fell") need a place or a territorial object right after them."""
        window_end = min(clause[1], trigger.end() + 45)
        if any(m.entity_type == "place" and trigger.end() <= m.start < window_end for m in clause_mentions):
            return True
        words = re.findall(r"[a-z]+", self.text[trigger.end():window_end].lower())[:4]
        return any(w in self.lexicon.generic_objects for w in words)

    # ------------------------------------------------------------ sentences

    def find(self, sentences: list[Sentence], glued_starts: set[int]) -> list[EventRecord]:
        events: list[EventRecord] = []
        for index, sentence in enumerate(sentences):
            inside = [m for m in self.mentions if sentence.start <= m.start and m.end <= sentence.end]
            attribution = find_attribution(self.lexicon, self.text, sentence.start, sentence.end, inside,
                                           self.media_ids)
            if attribution is None and sentence.start in glued_starts:
                attribution = self.state.last_attribution  # "... traveled to Russia\nWhile his ..."
            self.state.last_attribution = attribution
            seen: set[tuple[str, str | None]] = set()
            for trigger in self.lexicon.trigger_re.finditer(self.text, sentence.start, sentence.end):
                spec: Trigger = self.lexicon.triggers[re.sub(r"\s+", " ", trigger.group().lower())]
                clause = self._clause(sentence, trigger.start())
                clause_mentions = [m for m in inside if clause[0] <= m.start and m.end <= clause[1]]
                if spec.weak and not self._weak_ok(trigger, clause, clause_mentions):
                    continue
                events.extend(self._events_for(index, sentence, trigger, spec.event_class, clause,
                                               clause_mentions, attribution, seen))
            places = [m for m in inside if m.entity_type == "place" and m.feature != "COUNTRY"]
            if places:
                self.state.last_place = places[-1]
        return events

    def _events_for(self, index: int, sentence: Sentence, trigger: re.Match[str], event_class: EventClass,
                    clause: tuple[int, int], clause_mentions: list[MentionRecord], attribution: Attribution | None,
                    seen: set[tuple[str, str | None]]) -> list[EventRecord]:
        actor1, actor2, places = self._roles(event_class, trigger, clause, clause_mentions)
        if actor1 is None:
            actor1 = self._implied_actor(clause[0], clause[1])
        if event_class.id == "control_state":
            actor1 = self._controller_phrase(trigger.start(), clause[1]) or actor1
        family = "territorial" if event_class.id in TERRITORIAL else event_class.id
        if actor1 is None and event_class.control and family in self.state.last_actor:
            actor1 = self.state.last_actor[family]  # "The capture of al-Bu Kamal ..." after "the SDF seized ..."
        elif actor1 is not None and event_class.control == "gain":
            self.state.last_actor[family] = actor1
        if event_class.id == "clash" and actor1 is not None and actor1.side == "foreign" and \
                self._is_state_actor(actor1):
            event_class = self._class("air_strike")  # a state striking across a border does so from the air
        mood = find_modality(self.lexicon, self.text, clause[0], trigger.start(), trigger.end(), clause[1],
                             attribution is not None)
        sub = event_class.sub_event_type
        if event_class.government_sub_event_type and actor1 is not None and actor1.side == "government":
            sub = event_class.government_sub_event_type
        when, precision = anchor_date(self.text[clause[0]:clause[1]], self.published)
        records: list[EventRecord] = []
        for place in places or [None]:  # type: ignore[list-item]
            key = (event_class.id, place.entity_id if place else None)
            if key in seen:
                continue
            seen.add(key)
            control = self._control(event_class, actor1, actor2, place, mood, sentence, trigger)
            evidence = Evidence(start=sentence.start, end=sentence.end, text=self.text[sentence.start:sentence.end])
            digest = hashlib.sha1(f"{self.doc_id}|{sentence.start}|{event_class.id}|{key[1]}".encode()).hexdigest()
            confidence = CONFIDENCE[mood] - (0.1 if place is None else 0) - (0.1 if actor1 is None else 0)
            records.append(EventRecord(
                doc_id=self.doc_id, event_id=digest[:16], event_type=_event_type(sub, event_class),
                sub_event_type=sub, plover=Plover(type=event_class.plover_type, mode=event_class.plover_mode),
                actor1=actor1, actor2=actor2, location=self._location(place) if place else None,
                date=when, date_precision=precision, modality=mood,  # type: ignore[arg-type]
                attribution=attribution if mood != "asserted" else None, control_change=control,
                evidence=evidence, confidence=round(max(0.05, confidence), 2)))
        return records

    def _class(self, class_id: str) -> EventClass:
        return next(t.event_class for t in self.lexicon.triggers.values() if t.event_class.id == class_id)

    def _is_state_actor(self, actor: Actor) -> bool:
        return any(a.entity_id == actor.entity_id and (a.kind in STATE_KINDS or "air_force" in a.tags)
                   for a in self.kb.actors)

    def _control(self, event_class: EventClass, actor1: Actor | None, actor2: Actor | None,
                 place: MentionRecord | None, mood: str, sentence: Sentence,
                 trigger: re.Match[str]) -> ControlChange | None:
        if place is None or event_class.control is None or mood not in ("asserted", "reported", "hedged"):
            return None
        if event_class.control == "gain":
            new = actor1.side if actor1 else None
            previous = actor2.side if actor2 and actor2.side != new else None
            if previous is None:
                holder = self._controller_phrase(sentence.start, sentence.end, skip=(trigger.start(), trigger.end() + 40))
                if holder is not None and holder.side != new:
                    previous = holder.side
            if new:
                self.state.gains[place.entity_id] = new
            return ControlChange(place=place.entity_id, new_controller=new, previous_controller=previous)
        previous = actor1.side if actor1 else None
        new = self.state.gains.get(place.entity_id)
        return ControlChange(place=place.entity_id, new_controller=new if new != previous else None,
                             previous_controller=previous)


def _event_type(sub: str, event_class: EventClass) -> str:
    from frontwatch.extract.lexicon import acled_event_type

    return event_class.event_type if sub == event_class.sub_event_type else acled_event_type(sub)


def find_events(kb: KnowledgeBase, doc_id: str, text: str, sentences: list[Sentence],
                mentions: list[MentionRecord], published: date | None, glued_starts: set[int]) -> list[EventRecord]:
    """All events in the given (non-excluded) sentences."""
    finder = EventFinder(kb, doc_id, text, mentions, published)
    events = finder.find(sentences, glued_starts)
    return events
