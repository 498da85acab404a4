"""A deterministic synthetic corpus of conflict-news articles for the benchmarks.

Articles are assembled from sentence templates typical of conflict reporting
(captures, strikes, withdrawals, quotes, hedges, analysis, civilian impact),
with slots filled from real place and actor names sampled from the knowledge
base, dates anchored to a publication date, numbers, and inline paraphrase
choices. A small share of articles carries the defects real input has: a
reader-comment tail and two sentences glued together without a space.

Template syntax: `{slot}` is filled by `ArticleWriter.slot_value` (a slot repeated
in one sentence keeps its value), `[a|b|c]` picks one alternative (may be empty
or contain slots).

Run on its own to write a corpus: `python benchmarks/corpus.py --articles 2000 --out corpus.jsonl`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import SourceDocument

# Theatre countries (ISO2) and how often an article is set there.
THEATRES: dict[str, int] = {"SY": 4, "UA": 4, "SD": 3, "YE": 2, "IQ": 2, "LB": 2, "ML": 1, "MM": 2, "CD": 2}
MIN_THEATRE_POPULATION = 5000
MIN_WORLD_CITY_POPULATION = 1_000_000
WORLD_CITY_SHARE = 0.05  # share of place slots filled with a world city instead of a theatre place
GENERIC_ACTOR_SHARE = 0.15  # share of actor slots filled with a generic reference ("the rebels")
ARMED_KINDS = frozenset({"armed_group", "militia", "state_force", "coalition"})
AGENCY_KINDS = frozenset({"international_org", "ngo"})
# Foreign states whose forces an article may mention next to the local ones.
INVOLVED_STATES = frozenset({"RU", "TR", "IR", "IL", "US", "FR", "AE", "SA", "RW", "GB"})
# Where talks and statements happen; kept when the KB knows the city.
DIPLOMATIC_CITIES = ("Geneva", "Doha", "Moscow", "Washington", "Ankara", "Cairo", "Riyadh", "Paris", "London",
                     "Brussels", "Vienna", "Istanbul", "Amman", "Tehran", "Abu Dhabi", "Jeddah", "Berlin", "New York",
                     "Nairobi", "Addis Ababa", "Astana", "Baghdad", "Beijing", "Rome", "Muscat")
GENERIC_ACTORS = ("the rebels", "government forces", "the jihadists", "loyalist forces", "the militia",
                  "the army", "opposition fighters", "the regime", "pro-government militias", "the insurgents")
DEFECT_PROBABILITY = 0.05  # reader-comment tail, and (independently) one glued sentence pair
MIN_SENTENCES, MAX_SENTENCES = 8, 25

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FALLBACK_OUTLETS = ("Reuters", "AFP", "the Associated Press", "Al Jazeera", "BBC News", "The Guardian", "Le Monde",
           "Kyiv Independent", "Radio Dabanga", "Enab Baladi", "Rudaw", "The New Arab", "Asharq Al-Awsat",
           "Irrawaddy", "Radio Okapi", "L'Orient-Le Jour", "Deutsche Welle", "France 24", "Middle East Eye")
DIRECTIONS = ("north", "south", "east", "west", "north-east", "north-west", "south-east", "south-west")

SOURCE_ATTRIBUTIONS = (
    "{outlet}", "a war monitor", "local residents", "{demonym} security sources", "activists on the ground",
    "a local official", "a spokesman for {actor}", "{person}", "{agency}", "medical sources",
    "a source close to {actor}", "[state media|state television]", "monitoring groups",
)
QUOTE_TEXTS = (
    "We will not give up a single metre of {place}",
    "The situation in {place} is catastrophic and getting worse by the hour",
    "Our forces are advancing on all fronts",
    "There is no water, no bread and no electricity",
    "The enemy has suffered heavy losses around {place}",
    "We call on the international community to act before it is too late",
    "This is a tactical redeployment, not a retreat",
    "People are sleeping in the streets of {place2}",
    "The regime's defeat was always within it",
    "We are ready for talks, but not under fire",
    "Nobody knows where the front line is any more",
    "They shelled the market at the busiest time of the day",
    "Every family here has lost someone",
    "We have secured the road to {place2}",
    "The ceasefire exists only on paper",
)
TITLES = (
    "{actor} [captures|seizes|takes] {place} as {actor2} [retreats|withdraws|pulls back]",
    "[Dozens|Scores] killed in [strikes|shelling] on {place}",
    "Fighting [rages|intensifies] near {place}",
    "Analysis: what the fall of {place} means for {country}",
    "Thousands flee {place} as front line moves",
    "{actor} says it [repelled|beat back] attack on {place}",
    "[Talks|Ceasefire talks] in {city} stall as fighting spreads to {place}",
    "Live: [war in|crisis in] {country}, day {number_small}",
    "Aid [blocked|cut off] to {place}, UN warns",
)
COMMENTS = (
    "{actor} will never win, this is all propaganda.",
    "God has taken revenge on the terrorists. I see this as the hand of God.",
    "Where is the UN? Where is the world while {place} burns?",
    "Great article, thank you from {city}.",
    "The media never tells the truth about {country}, wake up people",
    "My family is in {place}, we have heard nothing for {number_small} days. Please pray for them",
    "{foreign_country} should not intervene, that would be very wrong.",
    "Fake news. {actor} left {place} weeks ago",
    "Who is paying for all these weapons???",
)
# Sentence templates by kind; an article draws kinds with these weights.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "capture": (
        "{actor} [captured|seized|took control of|took over] {place} {day}[| after days of fighting"
        "| following heavy clashes with {actor2}].",
        "Fighters from {actor} entered {place} {day}, according to {source}.",
        "{actor} said it had [regained|recaptured|retaken] {place} and [several|a dozen] nearby villages.",
        "{actor} [advanced|pushed] towards {place} from the {direction}, [taking|capturing] the village of {place2} "
        "on the way.",
        "The [town|city] of {place}, home to some {population} people, [fell|was overrun] {day}.",
        "Video shared online [showed|appeared to show] {actor} fighters [patrolling|raising their flag in] "
        "the centre of {place}.",
        "{actor} now controls [most|all] of {place}, [though|but] pockets of resistance remain[| in the {direction}]"
        ", {source} said.",
    ),
    "withdrawal": (
        "{actor2} [withdrew|pulled out|retreated] from {place} [overnight|{day}|under heavy fire], "
        "leaving the [town|city] to {actor}.",
        "{actor} [denied|rejected claims] that its forces had [left|abandoned] {place}.",
        "{actor2} [described|called] the pull-back from {place} a [tactical redeployment|regrouping].",
        "[Soldiers|Fighters] of {actor2} were seen leaving {place} in [convoys|pick-up trucks] towards {place2}.",
    ),
    "strike": (
        "{actor} [launched|carried out] [air strikes|drone strikes|artillery strikes] on {place} {day}, "
        "killing at least {number} people.",
        "At least {number} civilians were killed when [shells|rockets|a drone|a missile] hit a "
        "[market|hospital|school|residential building] in {place}.",
        "[Drones|Artillery|Rockets] struck the outskirts of {place} {day}, {outlet} reported.",
        "An explosion [ripped through|hit] a [checkpoint|military convoy|bus station] near {place}, wounding "
        "{number_small} [soldiers|people|fighters].",
        "{actor} shelled positions of {actor2} around {place} throughout the night.",
        "Clashes between {actor} and {actor2} erupted on the road between {place} and {place2} {day}.",
        "{foreign_demonym} [jets|warplanes] [struck|bombed] a [weapons depot|command centre] near {place}, "
        "according to {source}.",
        "{actor} [reportedly|allegedly] [executed|detained] {number_small} [men|civilians] in {place}.",
    ),
    "modality": (
        "The fall of {place} would [mean the loss of|open the road to|cut off] {place2}[| for {actor2}].",
        "{actor} [does not|did not] take part in the battle for {place}, a spokesman said.",
        "{actor} [plans|is preparing] to [launch an offensive on|push towards] {place2} "
        "[in the coming days|before winter|by the end of the month].",
        "{person} [seems to have|appears to have] [disappeared|left {country}], according to {source}.",
        "{person} [remains|is still] in {country}, {outlet} [reported|said], citing {source}.",
        "{actor} [may|might|could] [try to|attempt to] [encircle|retake] {place} [in the coming weeks|soon], "
        "[analysts said|observers warned].",
        "If {place} falls, {actor2} would lose its last [stronghold|foothold] in the {direction}.",
        "It was not [immediately|independently] possible to verify the claims.",
        "{outlet} could not independently confirm the [report|figures].",
        "{actor} [reportedly|apparently] [evacuated|abandoned] its headquarters in {place}.",
    ),
    "quote": (
        "“{quote},” {person}, {role}, told {outlet}.",
        "“{quote},” said {person}.",
        "{person} said that {actor} would “[fight to the end|never negotiate|defend {place}]”.",
        "A [military|security] source told {outlet} that {number} fighters had been killed near {place}.",
        "“{quote},” a resident of {place} [said by phone|told {outlet}|wrote on social media].",
        "In a [statement|video message] {day}, {actor} said: “{quote}.”",
        "{person} [told reporters in {city}|said in an interview] that “{quote}”.",
    ),
    "civilians": (
        "More than {number_big} people have fled {place} [since the offensive began|in the past week], "
        "[the UN said|aid agencies said].",
        "Residents of {place} said there had been no electricity or water for {number_small} days.",
        "Aid convoys have been unable to reach {place} {since}.",
        "Hospitals in {place} are [overwhelmed|running out of fuel], a doctor told {outlet}.",
        "{agency} warned that {number_big} people around {place} faced "
        "[acute hunger|famine conditions].",
        "Families from {place} were sheltering in [schools|mosques|tents] in {place2}.",
        "{number} [soldiers|fighters|civilians] have been killed in the [fighting|offensive] {since}, "
        "[according to|said] {source}.",
        "The [road|bridge] to {place2} [was|has been] [cut|destroyed], [stranding|trapping] thousands in {place}.",
    ),
    "analysis": (
        "Analysts say the [loss|capture] of {place} [would be|is] a major blow to {actor2}.",
        "The offensive marks the biggest change on the front lines {since}.",
        "[Observers|Diplomats] in {city} said the fighting could [derail|complicate] talks "
        "[on a ceasefire|over a humanitarian corridor].",
        "The road linking {place} to {place2} is a key supply route for {actor}.",
        "{place} lies about {distance} kilometres {direction} of {place2}.",
        "{actor} has [held|controlled] {place} {since}.",
        "[Talks|Negotiations] in {city} between {actor} and {actor2} [stalled|ended without agreement] {day}.",
        "{foreign_country} [condemned|called for restraint after] the attack on {place}.",
        "The {foreign_demonym} foreign ministry said it was [following the situation closely|deeply concerned].",
        "A ceasefire agreed in {city} [last year|in the spring|two months ago] has largely collapsed.",
        "{actor} and {actor2} agreed to [exchange prisoners|open a humanitarian corridor] near {place}.",
        "The ranks of {actor2} are looking increasingly demoralised, with [hundreds|dozens] of fighters "
        "[deserting|surrendering].",
        "Meanwhile, [heavy rain|fuel shortages] slowed [operations|the advance] around {place}.",
        "The {demonym} army [said|claimed] it had [repelled|thwarted] an attack on {place}.",
        "[Protesters|Hundreds of people] gathered in {place} [to demand|calling for] the release of detainees.",
        "{actor} sent reinforcements to {place} [as|amid fears that] {actor2} [advanced|closed in] "
        "from the {direction}.",
    ),
}
KIND_WEIGHTS: dict[str, int] = {"capture": 3, "withdrawal": 2, "strike": 4, "modality": 3, "quote": 3,
                                "civilians": 3, "analysis": 4}

SMALL_NUMBERS = ("two", "three", "four", "five", "six", "seven")
LISTS: dict[str, tuple[str, ...]] = {
    "source": SOURCE_ATTRIBUTIONS, "quote": QUOTE_TEXTS, "direction": DIRECTIONS,
}

PARENTHESES = re.compile(r"\s*\([^)]*\)")
SLOT = re.compile(r"\{(\w+)\}")
CHOICE = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class NamePools:
    """The KB names an article draws from, grouped once per corpus."""

    theatre_places: dict[str, list[tuple[Any, ...]]]
    world_cities: list[str]
    diplomatic_cities: list[str]
    country_names: dict[str, str]
    demonyms: dict[str, str]
    armed_actors: list[Any]
    people: list[Any]
    agencies: list[str]
    outlets: list[str]
    foreign_states: list[str]

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> NamePools:
        """Group KB places and actors; place tuples are (entity_id, name, geonames_id, lat, lon, country, ...)."""
        theatre_places: dict[str, list[tuple[Any, ...]]] = {iso: [] for iso in THEATRES}
        world_cities: list[str] = []
        for place in kb.places:
            country, population, feature = place[5], place[7] or 0, place[8]
            if feature == "COUNTRY":
                continue
            if country in theatre_places and population >= MIN_THEATRE_POPULATION:
                theatre_places[country].append(place)
            elif population >= MIN_WORLD_CITY_POPULATION:
                world_cities.append(place[1])
        empty = [iso for iso, places in theatre_places.items() if len(places) < 3]
        if empty:
            raise ValueError(f"the KB has too few places with population >= {MIN_THEATRE_POPULATION} in {empty}")
        known = {place[1] for place in kb.places if (place[7] or 0) >= 100_000}
        country_names = {iso: kb.places[ref][1] for iso, ref in kb.country_places.items()}
        demonyms: dict[str, str] = {}
        for demonym, iso in kb.demonyms.items():
            demonyms.setdefault(iso, demonym)  # the first listed is the adjective ("British", not "Briton")
        organisations = [a for a in kb.actors if a.entity_type == "organisation"]
        return cls(
            theatre_places=theatre_places,
            world_cities=sorted(world_cities),
            diplomatic_cities=[city for city in DIPLOMATIC_CITIES if city in known] or ["Geneva"],
            country_names=country_names,
            demonyms=demonyms,
            armed_actors=[a for a in kb.actors if a.entity_type == "actor" and a.kind in ARMED_KINDS],
            people=[a for a in kb.actors if a.entity_type == "person"],
            agencies=[a.name for a in organisations if a.kind in AGENCY_KINDS] or ["the United Nations"],
            outlets=[a.name for a in organisations if a.kind == "media"] or list(FALLBACK_OUTLETS),
            foreign_states=sorted(iso for iso in country_names if iso in demonyms),
        )


@dataclass
class _Sentence:
    """What one sentence has used so far: a repeated slot keeps its value, places and actors differ."""

    values: dict[str, str] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)


@dataclass
class Corpus:
    """The generated documents and what went into them."""

    documents: list[SourceDocument]
    seed: int
    sentences: int = 0
    with_comments: int = 0
    with_glued_sentences: int = 0
    theatres: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(len(d.text.encode("utf-8")) for d in self.documents)


class ArticleWriter:
    """Writes one article: picks its cast (places, actors, people) and fills templates from it."""

    def __init__(self, rng: random.Random, pools: NamePools, theatre: str, published: date) -> None:
        self.rng = rng
        self.pools = pools
        self.theatre = theatre
        self.published = published
        places = pools.theatre_places[theatre]
        self.places = rng.sample(places, min(len(places), rng.randint(3, 7)))
        local = [a for a in pools.armed_actors if a.country == theatre]
        others = [a for a in pools.armed_actors if a.country in INVOLVED_STATES or (
            a.country != theatre and a.kind != "state_force")]
        self.actors = _sample_mixed(rng, local, others, rng.randint(2, 4))
        local_people = [p for p in pools.people if p.country == theatre]
        other_people = [p for p in pools.people if p.country != theatre]
        self.people = _sample_mixed(rng, local_people, other_people, rng.randint(1, 2))
        self.outlet = rng.choice(pools.outlets)
        self.foreign = rng.choice([iso for iso in pools.foreign_states if iso != theatre])

    # -- filling

    def fill(self, template: str) -> str:
        """A sentence from a template: resolve alternatives and slots until none are left."""
        sentence = _Sentence()
        text = template
        for _ in range(4):  # values may themselves hold slots (quotes, attributions)
            text = CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
            text = SLOT.sub(lambda m: self._slot(m.group(1), sentence), text)
            if "{" not in text and "[" not in text:
                break
        return text[:1].upper() + text[1:]

    def _slot(self, name: str, sentence: _Sentence) -> str:
        if name not in sentence.values:
            sentence.values[name] = self.slot_value(name, sentence)
        return sentence.values[name]

    def slot_value(self, name: str, sentence: _Sentence) -> str:
        """The text for one slot; places differ within a sentence, and so do actors."""
        rng = self.rng
        if name in ("place", "place2"):
            if rng.random() < WORLD_CITY_SHARE:
                value = rng.choice(self.pools.world_cities)
            else:
                fresh = [p[1] for p in self.places if p[1] not in sentence.places] or [p[1] for p in self.places]
                value = rng.choice(fresh)
            sentence.places.add(value)
            return value
        if name in ("actor", "actor2") and rng.random() < GENERIC_ACTOR_SHARE:
            return rng.choice(GENERIC_ACTORS)
        if name in ("actor", "actor2", "person"):
            cast = self.people if name == "person" else self.actors
            fresh = [a for a in cast if a.slug not in sentence.actors] or cast
            if not fresh:
                return "a senior commander" if name == "person" else "the rebels"
            entry = rng.choice(fresh)
            sentence.actors.add(entry.slug)
            return self._actor_surface(entry)
        if name == "population":
            population = self._place_population(sentence.values.get("place"))
            return f"{population or rng.randint(5, 900) * 1000:,}"
        if name == "role":
            return self._role(sentence.values.get("person", ""))
        if name == "city":
            return rng.choice(self.pools.diplomatic_cities)
        if name == "agency":
            return rng.choice(self.pools.agencies)
        if name == "country":
            return self.pools.country_names.get(self.theatre, self.theatre)
        if name == "foreign_country":
            return self.pools.country_names[self.foreign]
        if name == "demonym":
            return self.pools.demonyms.get(self.theatre, "government")
        if name == "foreign_demonym":
            return self.pools.demonyms[self.foreign]
        if name == "outlet":
            return self.outlet if rng.random() < 0.7 else rng.choice(self.pools.outlets)
        if name == "number":
            return str(rng.randint(3, 150))
        if name == "number_small":
            return rng.choice(SMALL_NUMBERS) if rng.random() < 0.7 else str(rng.randint(8, 20))
        if name == "number_big":
            return f"{rng.randint(2, 400) * 250:,}"
        if name == "distance":
            return str(rng.randint(4, 180))
        if name == "day":
            return self._day()
        if name == "since":
            return self._since()
        if name in LISTS:
            return rng.choice(LISTS[name])
        raise KeyError(f"unknown template slot {{{name}}}")

    def _place_population(self, name: str | None) -> int | None:
        for place in self.places:
            if place[1] == name:
                return int(place[7] or 0) or None
        return None

    def _actor_surface(self, actor: Any) -> str:
        """The canonical name mostly, an alias sometimes (outlets spell names differently)."""
        if actor.aliases and self.rng.random() < 0.35:
            return str(self.rng.choice(actor.aliases))
        return str(actor.name)

    def _role(self, person: str) -> str:
        for entry in self.people:
            if person in (entry.name, *entry.aliases) and entry.role:
                # KB roles can be long ("Leader of X; head of Y from 2024"): keep the first clause, no dates
                return PARENTHESES.sub("", str(entry.role).split(";")[0]).strip()
        return self.rng.choice(("a senior commander", "a spokesman for {actor}", "an official in {place}",
                                "a member of parliament"))

    def _day(self) -> str:
        rng = self.rng
        earlier = self.published - timedelta(days=rng.randint(0, 12))
        forms = (
            f"on {WEEKDAYS[earlier.weekday()]}",
            f"early on {WEEKDAYS[earlier.weekday()]}",
            f"on {earlier.day} {MONTHS[earlier.month - 1]}",
            f"on {MONTHS[earlier.month - 1]} {earlier.day}",
            "yesterday", "today", "overnight", "last week", "earlier this month", "this morning",
        )
        return rng.choice(forms)

    def _since(self) -> str:
        rng = self.rng
        year = self.published.year - rng.randint(0, 8)
        month = MONTHS[rng.randint(0, 11)]
        return rng.choice((f"since {month} {year}", f"since {year}", f"in {year}", "since the start of the year",
                           f"since {month}", "since the war began", f"since late {year}"))

    # -- the article

    def title(self) -> str:
        return self.fill(self.rng.choice(TITLES))

    def sentences(self, count: int) -> list[str]:
        kinds = list(KIND_WEIGHTS)
        weights = list(KIND_WEIGHTS.values())
        lead = self.fill(self.rng.choice(TEMPLATES[self.rng.choice(("capture", "strike", "withdrawal"))]))
        rest = [self.fill(self.rng.choice(TEMPLATES[kind])) for kind in self.rng.choices(kinds, weights, k=count - 1)]
        return [lead, *rest]

    def comment_tail(self) -> str:
        return "\n".join(self.fill(comment) for comment in self.rng.sample(COMMENTS, self.rng.randint(1, 3)))


def _sample_mixed(rng: random.Random, local: Sequence[Any], others: Sequence[Any], count: int) -> list[Any]:
    """`count` entries, mostly local to the theatre, some from elsewhere (foreign forces, envoys)."""
    picked: list[Any] = []
    pool_local, pool_other = list(local), list(others)
    while len(picked) < count and (pool_local or pool_other):
        pool = pool_local if pool_local and (rng.random() < 0.75 or not pool_other) else pool_other
        picked.append(pool.pop(rng.randrange(len(pool))))
    return picked


def _glue(paragraph: list[str], rng: random.Random) -> list[str]:
    """Join two adjacent sentences without a space ("territoryThe fall"), sometimes losing the full stop too."""
    index = rng.randrange(len(paragraph) - 1)
    first, second = paragraph[index], paragraph[index + 1]
    if first.endswith(".") and first[-2:-1].isalpha() and rng.random() < 0.5:
        first = first[:-1]
    return [*paragraph[:index], first + second, *paragraph[index + 2:]]


def _paragraphs(sentences: list[str], rng: random.Random, glue: bool) -> str:
    """Group sentences into paragraphs of 1-4 sentences, one per line, gluing one pair when asked."""
    paragraphs: list[list[str]] = []
    position = 0
    while position < len(sentences):
        size = rng.choice((1, 2, 2, 3, 3, 4))
        paragraphs.append(sentences[position:position + size])
        position += size
    if glue:
        candidates = [i for i, p in enumerate(paragraphs) if len(p) > 1]
        if not candidates:  # every paragraph has one sentence: merge the first two
            paragraphs[:2] = [paragraphs[0] + paragraphs[1]]
            candidates = [0]
        target = rng.choice(candidates)
        paragraphs[target] = _glue(paragraphs[target], rng)
    return "\n".join(" ".join(p) for p in paragraphs)


def build_corpus(kb: KnowledgeBase, articles: int, seed: int = 13) -> Corpus:
    """`articles` distinct synthetic articles, the same ones for the same KB and seed."""
    corpus = Corpus(documents=[], seed=seed)
    corpus.documents.extend(iter_articles(kb, articles, seed, corpus))
    return corpus


def iter_articles(kb: KnowledgeBase, articles: int, seed: int = 13, stats: Corpus | None = None
                  ) -> Iterator[SourceDocument]:
    """The articles of `build_corpus`, one at a time (for corpora too large to hold); `stats`, when
    given, counts what went into them."""
    rng = random.Random(seed)
    pools = NamePools.from_kb(kb)
    corpus = stats if stats is not None else Corpus(documents=[], seed=seed)
    hashes: set[bytes] = set()
    theatres, weights = list(THEATRES), list(THEATRES.values())
    first_day = date(2023, 1, 1)
    for number in range(articles):
        theatre = rng.choices(theatres, weights)[0]
        published = first_day + timedelta(days=rng.randint(0, 3 * 365))
        writer = ArticleWriter(rng, pools, theatre, published)
        sentences = writer.sentences(rng.randint(MIN_SENTENCES, MAX_SENTENCES))
        glue = rng.random() < DEFECT_PROBABILITY
        text = _paragraphs(sentences, rng, glue)
        if rng.random() < DEFECT_PROBABILITY:
            text += "\n" + writer.comment_tail()
            corpus.with_comments += 1
        corpus.with_glued_sentences += glue
        corpus.sentences += len(sentences)
        corpus.theatres[theatre] = corpus.theatres.get(theatre, 0) + 1
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        if digest in hashes:
            raise RuntimeError(f"article {number} repeats an earlier one; add templates or slot values")
        hashes.add(digest)
        yield SourceDocument(
            text=text, doc_id=f"bench-{seed}-{number:06d}", title=writer.title(), outlet=writer.outlet,
            published=published.isoformat(), language="en", source="benchmark",
        )


def write_jsonl(corpus: Corpus | Iterable[SourceDocument], path: Path) -> None:
    """Write the corpus (or a stream of its articles) as JSONL that `frontwatch extract` reads (fields id,
    title, outlet, published, text)."""
    documents = corpus.documents if isinstance(corpus, Corpus) else corpus
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            row = {"id": document.doc_id, "title": document.title, "outlet": document.outlet,
                   "published": document.published, "language": document.language, "text": document.text}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Write a corpus to a JSONL file."""
    from frontwatch.kb.index import load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=2000, help="number of articles (default 2000)")
    parser.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    corpus = build_corpus(load(), args.articles, args.seed)
    write_jsonl(corpus, args.out)
    print(f"wrote {len(corpus.documents)} articles ({corpus.total_bytes / 1e6:.2f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
