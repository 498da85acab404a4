"""Word lists the fusion stage reads (`data/fusion.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from frontwatch.kb.loading import DATA_DIR, load_yaml


@dataclass(frozen=True)
class FusionWords:
    siege: tuple[str, ...]
    present: tuple[str, ...]
    gone: tuple[str, ...]


@cache
def fusion_words() -> FusionWords:
    """The word lists of `data/fusion.yaml`."""
    data = load_yaml(DATA_DIR / "fusion.yaml")
    where = data.get("whereabouts") or {}
    return FusionWords(tuple(data.get("siege_words") or ()), tuple(where.get("present") or ()),
                       tuple(where.get("gone") or ()))
