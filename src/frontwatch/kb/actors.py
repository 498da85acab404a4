"""Actors, people and organisations from `data/actors/*.yaml`, generic
references from `generic.yaml` and demonyms from `demonyms.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from frontwatch.errors import KBError
from frontwatch.kb.loading import load_yaml, require

ENTITY_TYPES = {"actor", "person", "organisation"}
STATE_KINDS = {"state", "government", "state_force", "intelligence"}


class ActorEntry(NamedTuple):
    slug: str
    entity_id: str  # Wikidata QID when known, else the slug
    name: str
    entity_type: str
    kind: str
    side: str | None
    country: str | None
    wikidata: str | None
    tags: tuple[str, ...]
    default_for: tuple[str, ...]
    allegiance: tuple[str, ...]
    role: str | None
    aliases: tuple[str, ...]
    short_names: tuple[str, ...]
    sides: tuple[tuple[str, str], ...] = ()  # (ISO2 theatre, side) where the side differs by theatre

    def side_in(self, theatre: str | None) -> str | None:
        """The actor's side in a theatre (ISO2): its `sides` entry for that theatre (Hezbollah:
        `government` in Syria, its own camp in Lebanon); a state's own forces and leaders, written
        `foreign` in the KB, are `government` at home; else its `side`."""
        for country, side in self.sides:
            if country == theatre:
                return side
        if theatre is not None and self.country == theatre and (
                self.side == "foreign" or (self.side is None and self.kind in STATE_KINDS)):
            return "government"
        return self.side


class GenericPhrase(NamedTuple):
    phrase: str
    tags: tuple[str, ...]  # tags, then usage flags written "@flag" (see GENERIC_FLAGS)


# Optional usage keys of a generic.yaml entry, kept with its tags as "@<key>":
#   theatre     resolves only to actors of the theatre's own country ("the government", "the police")
#   recent      prefers the actor with the tag named in this or the previous sentence ("the military said")
#   determiner  refers only after "the", a demonstrative or a possessive ("the group", "Abiy's government")
#   adjective   the word is also an adjective: "military sources" is no reference (implies `determiner`)
GENERIC_FLAGS = ("theatre", "recent", "determiner", "adjective")


def load_actors(paths: list[Path]) -> list[ActorEntry]:
    """All actor entries; a slug defined twice is an error naming both files."""
    actors: list[ActorEntry] = []
    seen: dict[str, str] = {}
    for path in paths:
        data = load_yaml(path)
        entries = data.get("actors")
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise KBError(str(path), "actors", "expected a list of actor entries")
        for index, entry in enumerate(entries):
            actor = _actor(path, f"actors[{index}]", entry)
            if actor.slug in seen:
                raise KBError(str(path), f"actors[{index}]", f"id {actor.slug!r} already defined in {seen[actor.slug]}")
            seen[actor.slug] = str(path)
            actors.append(actor)
    return actors


def _strings(path: Path, where: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise KBError(str(path), where, f"`{key}` must be a list")
    return tuple(str(v) for v in value)


def _actor(path: Path, where: str, entry: Any) -> ActorEntry:
    if not isinstance(entry, dict):
        raise KBError(str(path), where, "expected a mapping")
    slug = require(path, where, entry, "id", str)
    where = f"{where} ({slug})"
    name = require(path, where, entry, "name", str)
    entity_type = str(entry.get("type", "actor"))
    if entity_type not in ENTITY_TYPES:
        raise KBError(str(path), where, f"type must be one of {sorted(ENTITY_TYPES)}, not {entity_type!r}")
    wikidata = entry.get("wikidata")
    if wikidata is not None and not (isinstance(wikidata, str) and wikidata.startswith("Q")):
        raise KBError(str(path), where, f"wikidata must look like Q123, not {wikidata!r}")
    country = entry.get("country")
    sides = entry.get("sides") or {}
    if not isinstance(sides, dict):
        raise KBError(str(path), where, "`sides` must map ISO2 theatre codes to sides, e.g. {LB: hezbollah}")
    return ActorEntry(
        slug=slug,
        entity_id=wikidata or slug,
        name=name,
        entity_type=entity_type,
        kind=str(entry.get("kind", "person" if entity_type == "person" else "armed_group")),
        side=entry.get("side"),
        country=str(country).upper() if country else None,
        wikidata=wikidata,
        tags=_strings(path, where, entry, "tags"),
        default_for=_strings(path, where, entry, "default_for"),
        allegiance=_strings(path, where, entry, "allegiance"),
        role=entry.get("role"),
        aliases=_strings(path, where, entry, "aliases"),
        short_names=_strings(path, where, entry, "short_names"),
        sides=tuple((str(k).upper(), str(v)) for k, v in sides.items()),
    )


def load_generic(paths: list[Path]) -> tuple[list[GenericPhrase], dict[str, str]]:
    """Generic phrases ("the regime") and force nouns ("air force" -> air_force)."""
    phrases: list[GenericPhrase] = []
    force_nouns: dict[str, str] = {}
    for path in paths:
        data = load_yaml(path)
        for index, entry in enumerate(data.get("generic") or []):
            where = f"generic[{index}]"
            if not isinstance(entry, dict):
                raise KBError(str(path), where, "expected a mapping with `phrases` and `tags`")
            tags = _strings(path, where, entry, "tags")
            words = _strings(path, where, entry, "phrases")
            if not tags or not words:
                raise KBError(str(path), where, "needs non-empty `phrases` and `tags`")
            unknown = set(entry) - {"phrases", "tags", *GENERIC_FLAGS}
            if unknown:
                raise KBError(str(path), where, f"unknown key(s) {sorted(unknown)}; allowed: phrases, tags, "
                              + ", ".join(GENERIC_FLAGS))
            tags += tuple(f"@{flag}" for flag in GENERIC_FLAGS if entry.get(flag))
            phrases.extend(GenericPhrase(phrase, tags) for phrase in words)
        nouns = data.get("force_nouns") or {}
        if not isinstance(nouns, dict):
            raise KBError(str(path), "force_nouns", "expected a mapping noun -> class")
        force_nouns.update({str(k): str(v) for k, v in nouns.items()})
    return phrases, force_nouns


def load_demonyms(paths: list[Path]) -> dict[str, str]:
    """Demonym -> ISO2 country code."""
    result: dict[str, str] = {}
    for path in paths:
        data = load_yaml(path)
        table = data.get("demonyms") or {}
        if not isinstance(table, dict):
            raise KBError(str(path), "demonyms", "expected a mapping ISO2 -> list of demonyms")
        for iso, words in table.items():
            if not isinstance(words, list):
                raise KBError(str(path), f"demonyms.{iso}", "expected a list")
            for word in words:
                result[str(word)] = str(iso).upper()
    return result
