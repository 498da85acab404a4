"""Document metadata: publication dates, titles of plain-text files, ids, language tags."""

from __future__ import annotations

import datetime
import hashlib
import re
from functools import lru_cache
from typing import Any

# Only the head of an article carries its own date; later dates are about events.
DATE_SEARCH_CHARS = 400
# A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 200

_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DAY_OF_MONTH": "first",  # "December 2024" -> 2024-12-01 (DESIGN.md, library notes)
    "RETURN_AS_TIMEZONE_AWARE": False,
    # No relative parser: "yesterday" in metadata would depend on the day we run.
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    # Without a year dateparser fills in the current one, which is wrong for an archive.
    "REQUIRE_PARTS": ["month", "year"],
}

_ISO_PREFIX = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?![\d])")
_YEAR_ONLY = re.compile(r"\s*\d{4}\s*")

_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?i:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?i:day)?\.?,?\s+)?"
# Ordered so that at one position the most specific form wins ("December 6, 2024" before
# "December 2024"). Numeric d/m/y is left out on purpose: 03/04/2025 is ambiguous.
_DATE = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}"
    rf"|{_MONTH}\s+\d{{4}})(?!\d)"
)
# Tried in order; the first candidate that parses wins.
_DATE_PATTERNS = (
    # "Published: 6 December 2024", "Updated on Dec. 8, 2024"
    re.compile(rf"\b(?i:published|posted|updated|dated|date)\b\s*(?:on\s+)?[:\-–—|]?\s*{_WEEKDAY}({_DATE})"),
    # Agency datelines: "KYIV, March 3, 2025 (Reuters) -", "DAMASCUS, Syria, Dec. 8, 2024 (AP) —"
    re.compile(
        rf"^[ \t]*[A-Z][A-Za-z.'’ -]{{1,40}},\s*(?:[A-Z][A-Za-z.'’ -]{{1,30}},\s*)?"
        rf"{_WEEKDAY}({_DATE})\s*(?:\(|[-–—:])",
        re.MULTILINE,
    ),
    # A line holding only a date (and maybe a time): "2024-12-06", "Friday, 6 December 2024 10:32 GMT"
    re.compile(
        rf"^[ \t]*{_WEEKDAY}({_DATE})(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}[^\n]{{0,30}})?[ \t]*$",
        re.MULTILINE,
    ),
)
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b", re.I)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    # Imported on first use: dateparser takes most of a second to import.
    import dateparser

    return dateparser


def normalise_date(value: str) -> str | None:
    """An ISO date `YYYY-MM-DD` for a date string from metadata, or None if it is not a full date."""
    return _normalise(value, languages=None)


def _normalise(value: str, languages: list[str] | None) -> str | None:
    if not value or not value.strip() or _YEAR_ONLY.fullmatch(value):
        return None
    iso = _ISO_PREFIX.match(value)
    if iso:
        # Keep the publisher's own calendar day; do not shift "23:30-05:00" into the next UTC day.
        try:
            return datetime.date(*(int(part) for part in iso.groups())).isoformat()
        except ValueError:
            return None
    candidate = _ORDINAL.sub(r"\1", value.strip())
    try:
        parsed = _dateparser().parse(candidate, languages=languages, settings=_DATEPARSER_SETTINGS)
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed.date().isoformat() if parsed else None


def find_published_date(text: str) -> str | None:
    """The publication date an article states in its head (label, dateline or date line), or None."""
    head = text[:DATE_SEARCH_CHARS]
    for pattern in _DATE_PATTERNS:
        for found in pattern.finditer(head):
            date = _normalise(found.group(1), languages=["en"])
            if date:
                return date
    return None


def split_title(text: str, markdown: bool = False) -> tuple[str | None, str]:
    """Split a headline off the first line of a plain-text article: (title, body)."""
    first, newline, rest = text.partition("\n")
    candidate = first.strip()
    if markdown:
        candidate = candidate.lstrip("#").strip()
    body = rest.strip()
    # A headline is short and has no final period; a first line ending in "." is a paragraph.
    if newline and body and candidate and len(candidate) <= MAX_TITLE_CHARS and not candidate.endswith("."):
        return candidate, body
    return None, text.strip()


def make_doc_id(text: str) -> str:
    """The content-derived id of a document without one of its own."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def normalise_language(value: str | None) -> str | None:
    """The primary subtag of a language tag ("en-GB" -> "en"); other values are kept as given."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if _LANGUAGE_TAG.fullmatch(value):
        return re.split(r"[-_]", value, maxsplit=1)[0].lower()
    return value
