"""The source registry: outlets with a reliability tier the user can edit, used by fusion as a
weight on each report's confidence (docs/fusion.md, "Source weights").

The shipped registry is `data/sources.yaml`; a user file (`--sources FILE` or
FRONTWATCH_SOURCES) is laid over it: its tiers replace the shipped tiers of the same number,
its outlets are added or take the user's tier.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from frontwatch.errors import KBError
from frontwatch.kb.loading import DATA_DIR, load_yaml

DEFAULT_FILE = DATA_DIR / "sources.yaml"
_NON_WORD = re.compile(r"[^\w]+")


def outlet_key(name: str) -> str:
    """How outlet names are compared: lower case, punctuation and spacing ignored."""
    return _NON_WORD.sub(" ", name.lower()).strip()


@dataclass(frozen=True)
class Tier:
    weight: float
    label: str = ""


@dataclass
class SourceRegistry:
    """Tiers, the default tier and the tier of each known outlet (by name key and by domain)."""

    tiers: dict[int, Tier] = field(default_factory=dict)
    default_tier: int = 1
    by_name: dict[str, int] = field(default_factory=dict)
    by_domain: dict[str, int] = field(default_factory=dict)

    def tier_of(self, outlet: str | None, url: str | None = None) -> int:
        """An outlet's tier: by its name, else by the URL's host, else the default tier."""
        if outlet:
            tier = self.by_name.get(outlet_key(outlet))
            if tier is not None:
                return tier
        host = (urlsplit(url).hostname or "") if url else ""
        while host:
            tier = self.by_domain.get(host)
            if tier is not None:
                return tier
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return self.default_tier

    def weight_of(self, outlet: str | None, url: str | None = None) -> float:
        return self.tiers[self.tier_of(outlet, url)].weight

    def digest(self) -> str:
        """SHA-256 of what the registry decides (tiers, default, outlets): the fused state in the
        database records the one it was fused with (docs/fusion.md, "Incremental fusion")."""
        content = {"tiers": {str(n): [t.weight, t.label] for n, t in sorted(self.tiers.items())},
                   "default_tier": self.default_tier, "by_name": sorted(self.by_name.items()),
                   "by_domain": sorted(self.by_domain.items())}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _merge(registry: SourceRegistry, path: Path, data: dict[str, Any]) -> None:
    tiers = data.get("tiers") or {}
    if not isinstance(tiers, dict):
        raise KBError(str(path), "tiers", "expected a mapping of tier number -> {weight, label}")
    for number, entry in tiers.items():
        where = f"tiers.{number}"
        if not isinstance(number, int) or not isinstance(entry, dict):
            raise KBError(str(path), where, "expected `<number>: {weight: 0..1, label: ...}`")
        weight = entry.get("weight")
        if not isinstance(weight, int | float) or not 0 <= weight <= 1:
            raise KBError(str(path), where, "`weight` must be a number from 0 to 1")
        registry.tiers[number] = Tier(float(weight), str(entry.get("label") or ""))
    if "default_tier" in data:
        registry.default_tier = data["default_tier"]
    if registry.default_tier not in registry.tiers:
        raise KBError(str(path), "default_tier", f"tier {registry.default_tier!r} is not defined under `tiers`")
    for index, entry in enumerate(data.get("outlets") or []):
        where = f"outlets[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise KBError(str(path), where, "expected a mapping with `name` and `tier`")
        tier = entry.get("tier")
        if tier not in registry.tiers:
            raise KBError(str(path), f"{where} ({entry['name']})",
                          f"unknown tier {tier!r}; use one of {sorted(registry.tiers)}")
        for name in [entry["name"], *(entry.get("aliases") or [])]:
            registry.by_name[outlet_key(str(name))] = tier
        for domain in entry.get("domains") or []:
            registry.by_domain[str(domain).lower().removeprefix("www.")] = tier


def default_sources() -> SourceRegistry:
    """The shipped registry with the user's (FRONTWATCH_SOURCES) laid over it."""
    from frontwatch import config

    return load_sources(config.sources_file())


def load_sources(user_file: Path | None = None) -> SourceRegistry:
    """The shipped registry, with `user_file` laid over it."""
    registry = SourceRegistry()
    _merge(registry, DEFAULT_FILE, load_yaml(DEFAULT_FILE))
    if user_file is not None:
        if not user_file.is_file():
            raise KBError(str(user_file), "file", "source registry not found (--sources / FRONTWATCH_SOURCES)")
        _merge(registry, user_file, load_yaml(user_file))
    return registry
