"""The source registry (frontwatch.fuse.sources) and its weight in fusion: a higher-tier outlet
raises an incident's confidence, a near-copy adds nothing, a user file overrides the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwatch.errors import KBError
from frontwatch.fuse.incidents import fuse_incidents
from frontwatch.fuse.sources import load_sources
from frontwatch.records import DocumentRecord
from test_fuse import event


def _doc(doc_id: str, outlet: str | None, url: str | None = None) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, outlet=outlet, url=url, published="2025-03-02", text_sha256="0" * 64,
                          text="")


def test_shipped_registry_tiers_outlets_by_name_alias_and_domain() -> None:
    registry = load_sources()
    assert registry.tier_of("Reuters") == 1
    assert registry.tier_of("  agence france-presse ") == 1 and registry.tier_of("AFP") == 1
    assert registry.tier_of(None, "https://www.bbc.co.uk/news/world-1") == 1
    assert registry.tier_of("SANA") == 4
    assert registry.tier_of("Some Local Blog") == registry.default_tier == 3
    assert registry.weight_of("Reuters") > registry.weight_of("Some Local Blog") > registry.weight_of("SANA")


def test_a_higher_tier_source_raises_confidence() -> None:
    registry = load_sources()
    for outlet, expected_tier in (("Reuters", 1), ("Unknown Gazette", 3), ("SANA", 4)):
        documents = {"a": _doc("a", outlet)}
        (incident,) = fuse_incidents([event("a", 1, confidence=0.8)], documents, registry)
        assert incident.sources[0].tier == expected_tier
        assert incident.confidence == pytest.approx(0.8 * registry.tiers[expected_tier].weight, abs=1e-3)
    reuters = fuse_incidents([event("a", 1), event("b", 1)], {"a": _doc("a", "Unknown Gazette"),
                                                                "b": _doc("b", "Reuters")}, registry)[0]
    blogs = fuse_incidents([event("a", 1), event("b", 1)], {"a": _doc("a", "Unknown Gazette"),
                                                              "b": _doc("b", "Other Blog")}, registry)[0]
    assert reuters.independent_sources == blogs.independent_sources == 2
    assert reuters.confidence > blogs.confidence


def test_a_near_copy_adds_no_source_and_no_confidence() -> None:
    registry = load_sources()
    original = {"w": _doc("w", "Unknown Gazette")}
    (alone,) = fuse_incidents([event("w", 1)], original, registry)
    # a tier-1 outlet running the gazette's story: a copy, not a second source
    documents = {**original, "c": _doc("c", "Reuters")}
    (both,) = fuse_incidents([event("w", 1), event("c", 1)], documents, registry, originals={"c": "w"})
    assert both.source_count == 2 and both.independent_sources == 1
    assert both.confidence == alone.confidence
    assert {s.doc_id: s.duplicate_of for s in both.sources} == {"w": None, "c": "w"}
    # the same article from Reuters as an independent report does corroborate
    documents["c"] = _doc("c", "Reuters")
    (independent,) = fuse_incidents([event("w", 1), event("c", 1)], documents, registry)
    assert independent.independent_sources == 2 and independent.confidence > alone.confidence


def test_a_user_file_overrides_tiers_and_outlets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "sources.yaml"
    user.write_text("tiers:\n  3: {weight: 0.3}\noutlets:\n  - {name: Unknown Gazette, tier: 1}\n"
                    "  - {name: Reuters, tier: 2, domains: [example.org]}\n", encoding="utf-8")
    registry = load_sources(user)
    assert registry.tier_of("Unknown Gazette") == 1 and registry.tier_of("Reuters") == 2
    assert registry.tier_of(None, "http://news.example.org/a") == 2
    assert registry.weight_of("Nobody") == 0.3
    from frontwatch.fuse.sources import default_sources

    monkeypatch.setenv("FRONTWATCH_SOURCES", str(user))
    assert default_sources().tier_of("Unknown Gazette") == 1


@pytest.mark.parametrize(("content", "message"), [
    ("tiers:\n  1: {weight: 2}\n", "weight"),
    ("outlets:\n  - {name: X, tier: 9}\n", "outlets[0] (X): unknown tier 9"),
    ("default_tier: 7\n", "default_tier"),
    ("outlets:\n  - just a name\n", "outlets[0]"),
])
def test_a_bad_registry_names_the_file_and_entry(tmp_path: Path, content: str, message: str) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(KBError, match="mine.yaml") as caught:
        load_sources(user)
    assert message in str(caught.value)


def test_a_missing_registry_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KBError, match="source registry not found"):
        load_sources(tmp_path / "nope.yaml")


def test_cli_rejects_a_bad_registry_with_the_file_named(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "tiers.yaml"
    bad.write_text("outlets:\n  - {name: X, tier: 9}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "frontwatch.cli", "situation", "--db", str(tmp_path / "x.db"),
                             "--sources", str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "tiers.yaml" in result.stderr and "unknown tier 9" in result.stderr
