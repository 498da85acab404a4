"""Gold annotation files (format: tests/gold/README.md) and their expansion
to character spans in the cleaned text of their article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwatch.errors import GoldError
from frontwatch.ingest.clean import _QUOTES
from frontwatch.kb.loading import load_yaml


@dataclass
class GoldMention:
    start: int
    end: int
    entity_type: str
    entity_id: str
    generic: bool


@dataclass
class GoldFile:
    path: Path
    doc_path: Path
    published: str | None
    data: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)


def gold_files(paths: list[Path]) -> list[Path]:
    """Gold YAML files named directly or found in the given directories."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.yaml")))
        elif path.is_file():
            found.append(path)
        else:
            raise GoldError(str(path), "no such gold file or directory")
    return found


def _resolve_doc(gold_path: Path, doc: str) -> Path:
    """`doc` is relative to the repository root: try the gold file's ancestors."""
    for base in [gold_path.parent, *gold_path.resolve().parents]:
        candidate = base / doc
        if candidate.is_file():
            return candidate
    raise GoldError(str(gold_path), f"article {doc!r} not found next to or above the gold file")


def load_gold(path: Path) -> GoldFile:
    data = load_yaml(path)
    doc = data.get("doc")
    if not isinstance(doc, str):
        raise GoldError(str(path), "missing `doc` (path of the article, relative to the repository root)")
    published = data.get("published")
    return GoldFile(
        path=path,
        doc_path=_resolve_doc(path, doc),
        published=str(published) if published else None,
        data=data,
        mentions=list(data.get("mentions") or []),
        events=list(data.get("events") or []),
        quotes=list(data.get("quotes") or []),
    )


def normalise(text: str) -> str:
    """The cleaner's one-for-one character normalisation (quotes, spaces)."""
    return text.translate(_QUOTES)


def expand_mentions(gold: GoldFile, text: str, allowed: list[tuple[int, int]]) -> list[GoldMention]:
    """Every occurrence of every gold surface inside the allowed (non-excluded) ranges.

    Longer surfaces claim their occurrences first; `nth` counts the occurrences
    left unclaimed (1-based)."""
    claimed: list[tuple[int, int]] = []
    result: list[GoldMention] = []
    entries = sorted(enumerate(gold.mentions), key=lambda item: -len(str(item[1].get("surface", ""))))
    for index, entry in entries:
        surface = normalise(str(entry.get("surface") or ""))
        if not surface or "type" not in entry or "id" not in entry:
            raise GoldError(str(gold.path), f"mentions[{index}] needs surface, type and id")
        pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
        occurrences = [
            (m.start(), m.end()) for m in pattern.finditer(text)
            if any(a <= m.start() and m.end() <= b for a, b in allowed)
            and not any(s < m.end() and m.start() < e for s, e in claimed)
        ]
        if not occurrences:
            raise GoldError(str(gold.path), f"mentions[{index}]: surface {surface!r} not found in the article body")
        nth = entry.get("nth")
        if nth:
            occurrences = [occ for k, occ in enumerate(occurrences, start=1) if k in set(nth)]
        for start, end in occurrences:
            claimed.append((start, end))
            result.append(GoldMention(start, end, str(entry["type"]), str(entry["id"]), bool(entry.get("generic"))))
    result.sort(key=lambda g: (g.start, g.end))
    return result
