"""Colours of the sides on the map, the legend and the tables (one place for both the CSS
the server writes and the palette the map script reads)."""

from __future__ import annotations

import re

# Colour-blind-friendly where it can be (Okabe-Ito first); "other"/unknown are greys.
SIDE_COLOURS = {
    "government": "#d55e00",
    "opposition": "#009e73",
    "sdf": "#e6b800",
    "druze": "#cc79a7",
    "isis": "#222222",
    "foreign": "#0072b2",
    "hezbollah": "#b8860b",
    "hamas": "#2e8b57",
    "houthis": "#8b4513",
    "rsf": "#a0522d",
    "jnim": "#556b2f",
    "aqap": "#4b0082",
    "other": "#999999",
}
UNKNOWN_COLOUR = "#bbbbbb"
_CLASS_SAFE = re.compile(r"[^a-z0-9-]")


def side_class(side: str | None) -> str:
    """The CSS class of a side's colour chip (`side-government`; unknown sides `side-unknown`)."""
    return f"side-{side}" if side in SIDE_COLOURS else "side-unknown"


def side_css() -> str:
    rules = [f".side-{_CLASS_SAFE.sub('', side)}{{--side:{colour}}}" for side, colour in SIDE_COLOURS.items()]
    rules.append(f".side-unknown{{--side:{UNKNOWN_COLOUR}}}")
    return "\n".join(rules) + "\n"
