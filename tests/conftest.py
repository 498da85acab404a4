"""Shared fixtures: the knowledge base (built once per run) and a helper that runs
the per-document function on a text."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import DocumentRecord, EventRecord, MentionRecord, QuoteRecord, SourceDocument

CACHE_VARIABLE = "FRONTWATCH_CACHE_DIR"
_previous_cache: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Cache the built KB index where every test and every CLI subprocess finds it.

    Building takes ~15 s; a cache under pytest's own cache directory survives between
    runs, so a run builds it at most once. A directory the environment already names
    (CI, a developer's shell) is left as it is.
    """
    global _previous_cache
    _previous_cache = os.environ.get(CACHE_VARIABLE)
    if _previous_cache:
        return
    cache = getattr(config, "cache", None)  # None when run with -p no:cacheprovider
    directory = cache.mkdir("frontwatch-kb") if cache is not None else Path(tempfile.mkdtemp(prefix="frontwatch-kb-"))
    os.environ[CACHE_VARIABLE] = str(directory)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _previous_cache is None:
        os.environ.pop(CACHE_VARIABLE, None)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    from frontwatch.kb.index import load

    return load()


@dataclass
class Extraction:
    """What `process()` returned for one text, split by record kind."""

    doc: DocumentRecord
    mentions: list[MentionRecord]
    events: list[EventRecord]
    quotes: list[QuoteRecord]

    def places(self) -> list[MentionRecord]:
        return [m for m in self.mentions if m.entity_type == "place"]

    def with_surface(self, surface: str) -> list[MentionRecord]:
        return [m for m in self.mentions if m.surface == surface]


def run_process(kb: KnowledgeBase, text: str, published: str | None = "2024-12-05", **fields: object) -> Extraction:
    """Run the per-document function on `text` and sort its records by kind."""
    from frontwatch.pipeline import process

    records = process(SourceDocument(text=text, published=published, **fields), kb)  # type: ignore[arg-type]
    doc = records[0]
    assert isinstance(doc, DocumentRecord)
    return Extraction(
        doc=doc,
        mentions=[r for r in records if isinstance(r, MentionRecord)],
        events=[r for r in records if isinstance(r, EventRecord)],
        quotes=[r for r in records if isinstance(r, QuoteRecord)],
    )


@pytest.fixture(scope="session")
def extract(kb: KnowledgeBase) -> Callable[..., Extraction]:
    """`extract(text, published="2024-12-05")` -> Extraction (session-scoped, so Hypothesis may use it)."""

    def run(text: str, published: str | None = "2024-12-05", **fields: object) -> Extraction:
        return run_process(kb, text, published, **fields)

    return run


# A user KB directory (`--kb DIR`): one new actor and one new place. The index digest
# depends on file names and contents, not on the directory, so every test that uses
# this fixture shares one cached index.
USER_ACTORS = """\
actors:
  - id: lakeside-brigade
    name: Lakeside Brigade
    type: actor
    kind: militia
    side: opposition
    country: SY
    tags: [rebel]
    aliases: [Liwa al-Buhayra, Lakeside Brigades]
"""
USER_PLACES = """\
places:
  - id: sy-base-qurnat-test
    name: Qurnat Zeitoun Base
    feature: BASE
    country: SY
    lat: 35.21
    lon: 36.58
    precision: 1
    aliases: [Qurnat Zeitoun airbase]
"""


@pytest.fixture(scope="session")
def user_kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("user-kb")
    (directory / "actors").mkdir()
    (directory / "places").mkdir()
    (directory / "actors" / "lakeside.yaml").write_text(USER_ACTORS, encoding="utf-8")
    (directory / "places" / "bases.yaml").write_text(USER_PLACES, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def user_kb(user_kb_dir: Path) -> KnowledgeBase:
    from frontwatch.kb.index import load

    return load([user_kb_dir])
