"""Tests for the knowledge base: loading and caching the index, user KB directories,
and validation errors that name the file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from frontwatch.errors import KBError
from frontwatch.kb import actors as actor_source
from frontwatch.kb import gazetteer
from frontwatch.kb.index import KnowledgeBase, cache_dir, load, timed_load
from frontwatch.kb.loading import kb_files, load_yaml
from frontwatch.pipeline import process
from frontwatch.records import MentionRecord, SourceDocument

# ------------------------------------------------------------------ the shipped index


def test_index_loads_places_actors_and_names(kb: KnowledgeBase) -> None:
    assert len(kb.places) > 200_000  # GeoNames cities with population >= 500, worldwide
    aleppo = kb.place_by_id("170063")
    assert aleppo is not None and aleppo.country == "SY" and aleppo.geonames_id == 170063
    assert abs(aleppo.lat - 36.2) < 0.2 and abs(aleppo.lon - 37.16) < 0.2
    assert kb.place_by_id("no-such-place") is None
    slugs = {actor.slug for actor in kb.actors}
    assert {"hts", "sdf", "syrian-arab-army", "syrian-government"} <= slugs
    assert len(slugs) == len(kb.actors)  # slugs are unique
    assert kb.demonyms.get("Syrian") == "SY"
    assert kb.lexicon["common_words"]


def test_loaded_index_is_cached_and_reloads_the_same(kb: KnowledgeBase) -> None:
    assert kb.digest
    assert (cache_dir() / f"kb-{kb.digest}.marshal").is_file()
    again, seconds = timed_load()
    assert isinstance(seconds, float) and seconds > 0  # reported, not judged: speed is for benchmarks/
    assert again.digest == kb.digest
    assert len(again.places) == len(kb.places) and again.names == kb.names
    assert [a.slug for a in again.actors] == [a.slug for a in kb.actors]


def test_kb_info_reports_size_and_load_time(kb: KnowledgeBase) -> None:
    result = subprocess.run([sys.executable, "-m", "frontwatch.cli", "kb", "info"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"places: {len(kb.places)}" in result.stdout
    assert f"digest {kb.digest}" in result.stdout
    assert re.search(r"^loaded in \d+\.\d\d s$", result.stdout, re.MULTILINE)


# ------------------------------------------------------------------ user KB directories


def mentions_of(kb: KnowledgeBase, text: str) -> list[MentionRecord]:
    records = process(SourceDocument(text=text, published="2024-12-05"), kb)
    return [r for r in records if isinstance(r, MentionRecord)]


def test_user_kb_actor_and_place_are_found(user_kb: KnowledgeBase, kb: KnowledgeBase) -> None:
    text = ("Fighters of the Liwa al-Buhayra attacked army positions near Hama on Tuesday. "
            "The Lakeside Brigade said it had also shelled the Qurnat Zeitoun airbase in Syria.")
    found = {m.surface: m for m in mentions_of(user_kb, text)}
    assert found["Liwa al-Buhayra"].entity_id == "lakeside-brigade"
    assert found["Liwa al-Buhayra"].entity_type == "actor" and found["Liwa al-Buhayra"].side == "opposition"
    assert found["Lakeside Brigade"].entity_id == "lakeside-brigade"
    base = found["Qurnat Zeitoun airbase"]
    assert base.entity_id == "sy-base-qurnat-test" and base.feature == "BASE"
    assert (base.lat, base.lon) == (35.21, 36.58)
    # the shipped KB alone knows neither
    plain = {m.entity_id for m in mentions_of(kb, text)}
    assert "lakeside-brigade" not in plain and "sy-base-qurnat-test" not in plain
    # and the user KB keeps the shipped entries
    assert user_kb.digest != kb.digest
    assert "170017" in {m.entity_id for m in found.values()}  # Hama


def test_user_kb_index_is_cached_too(user_kb: KnowledgeBase, user_kb_dir: Path) -> None:
    again = load([user_kb_dir])
    assert again.digest == user_kb.digest
    assert "lakeside-brigade" in again.actor_by_slug


def test_missing_user_kb_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KBError, match="KB directory not found"):
        load([tmp_path / "nowhere"])


# ------------------------------------------------------------------ validation


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "actors" / "broken.yaml", "actors:\n  - id: x\n    name: [unclosed\n  - id: y\n")
    with pytest.raises(KBError) as error:
        load_yaml(path)
    assert str(path) in str(error.value) and re.search(r"line \d+", str(error.value))
    assert error.value.path == str(path)


def test_invalid_place_yaml_fails_the_whole_load(tmp_path: Path) -> None:
    path = write(tmp_path / "places" / "broken.yaml", "places:\n  - id: a\n    name: 'unterminated\n")
    with pytest.raises(KBError) as error:
        load([tmp_path], use_cache=False)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(("text", "problem"), [
    ("- just\n- a list\n", "expected a mapping"),
    ("actors: {id: x}\n", "expected a list"),
    ("actors:\n  - id: x\n", "missing required field `name`"),
    ("actors:\n  - id: x\n    name: X\n    type: army\n", "type must be one of"),
    ("actors:\n  - id: x\n    name: X\n    wikidata: 12345\n", "wikidata must look like Q123"),
    ("actors:\n  - id: x\n    name: X\n    aliases: {a: b}\n", "`aliases` must be a list"),
])
def test_malformed_actor_entries_are_reported_with_file_and_entry(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / "actors" / "bad.yaml", text)
    with pytest.raises(KBError) as error:
        actor_source.load_actors([path])
    message = str(error.value)
    assert message.startswith(str(path)) and problem in message


@pytest.mark.parametrize(("entry", "problem"), [
    ("  - id: p\n    name: P\n    lat: 95\n    lon: 10\n", "lat/lon out of range"),
    ("  - id: p\n    name: P\n    lat: 35\n    lon: 36\n    feature: CASTLE\n", "unknown feature"),
    ("  - id: p\n    name: P\n    lon: 36\n", "missing required field `lat`"),
    ("  - id: p\n    name: P\n    lat: 35\n    lon: 36\n    precision: 7\n", "precision must be"),
])
def test_malformed_place_entries_are_reported_with_file_and_entry(tmp_path: Path, entry: str, problem: str) -> None:
    path = write(tmp_path / "places" / "bad.yaml", "places:\n" + entry)
    with pytest.raises(KBError) as error:
        gazetteer.curated_places([path])
    message = str(error.value)
    assert message.startswith(str(path)) and "places[0]" in message and problem in message


def test_duplicate_actor_id_names_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "actors" / "a.yaml", "actors:\n  - id: twin\n    name: Twin One\n")
    second = write(tmp_path / "actors" / "b.yaml", "actors:\n  - id: twin\n    name: Twin Two\n")
    with pytest.raises(KBError) as error:
        actor_source.load_actors([first, second])
    message = str(error.value)
    assert str(second) in message and str(first) in message and "'twin'" in message


def test_user_kb_cannot_redefine_a_shipped_actor(tmp_path: Path) -> None:
    write(tmp_path / "actors" / "mine.yaml", "actors:\n  - id: hts\n    name: My HTS\n")
    files = kb_files([tmp_path])
    with pytest.raises(KBError, match="id 'hts' already defined in .*syria.yaml"):
        actor_source.load_actors(files["actors"])


def test_alias_for_an_unknown_place_is_a_kb_error(tmp_path: Path) -> None:
    # an `aliases:` entry pointing at a GeoNames id that does not exist must be reported
    # like every other KB mistake: a KBError naming the file, not a bare KeyError
    path = write(tmp_path / "places" / "aliases.yaml",
                 "aliases:\n  - geonames_id: 999999999\n    aliases: [Nowhere Town]\n")
    with pytest.raises(KBError) as error:
        load([tmp_path], use_cache=False)
    assert str(path) in str(error.value)
