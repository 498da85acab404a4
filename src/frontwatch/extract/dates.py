"""Dates of events, anchored to the article's publication date.

Our patterns find the date expression and decide its precision; dateparser
turns the expression into a date (it cannot find "since October 2017" or
"earlier this month" in running text on its own). The plain shapes our
patterns find ("3 December 2024", "Dec. 3", "October 2017", "2024-12-03") are
read directly, to the same date dateparser gives (a test compares the two);
dateparser, ~4 ms a call, answers the rest. Events with no date in
their sentence inherit the publication date with precision "week": wire
reports describe what happened in the days before publication.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}\b", re.I), "day"),
    (re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I), "day"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "day"),
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.I), "day_no_year"),
    (re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)", re.I), "day_no_year"),
    (re.compile(rf"\b(?:{_MONTHS})\s+(?:of\s+)?\d{{4}}\b", re.I), "month"),
    # "(?!-\d)": "since 2024-11-27" is a day, not the year pattern "since 2024"
    (re.compile(r"\b(?:in|since|from|until|by|during|of|early|late|mid-?)\s+((?:19|20)\d{2})\b(?!-\d)", re.I),
     "year"),
    (re.compile(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", re.I), "today"),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), "yesterday"),
    (re.compile(r"\bon\s+(?:" + "|".join(_WEEKDAYS) + r")\b", re.I), "weekday"),
    (re.compile(r"\b(?:earlier this month|this month)\b", re.I), "this_month"),
    (re.compile(r"\blast month\b", re.I), "last_month"),
    (re.compile(r"\b(?:last week|earlier this week|this week)\b", re.I), "week"),
]

# The word each pattern above opens with (every one opens with \b and a whole word): "" for a number.
_FIRST_WORDS: list[tuple[str, ...]] = [
    ("",), tuple(_MONTHS.split("|")), ("",), ("",), tuple(_MONTHS.split("|")), tuple(_MONTHS.split("|")),
    ("in", "since", "from", "until", "by", "during", "of", "early", "late", "mid"), ("today", "tonight", "this"),
    ("yesterday", "last"), ("on",), ("earlier", "this"), ("last",), ("last", "earlier", "this"),
]


def _combined(numbers: list[int]) -> re.Pattern[str]:
    """The patterns of `numbers` as named alternatives (group "p<number>"), in their order."""
    parts: list[str] = []
    for number in numbers:
        pattern = _PATTERNS[number][0]
        inner = pattern.pattern.replace("((?:19|20)\\d{2})", "(?:(?:19|20)\\d{2})")  # no nested groups
        flags = "(?i:" if pattern.flags & re.IGNORECASE else "(?:"
        parts.append(f"(?P<p{number}>{flags}{inner}))")
    return re.compile("|".join(parts))


_COMBINED = _combined(list(range(len(_PATTERNS))))
_KINDS = {f"p{number}": kind for number, (_, kind) in enumerate(_PATTERNS)}
# The patterns that can match at a word, by the (lower-cased) word: a match starts at a word, and
# trying only the patterns that open with that word is ~5x faster than one scan with all of them.
_STARTING_WITH: dict[str, re.Pattern[str]] = {
    word: _combined([number for number, words in enumerate(_FIRST_WORDS) if word in words])
    for word in {word for words in _FIRST_WORDS for word in words}}
_WORD = re.compile(r"\w+")
# A gate on the lower-cased text that an expression found must also pass (written as a pre-filter;
# it also turns a few away, such as "on  Monday" with two spaces).
_SHORT_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_CUE = re.compile(rf"\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_SHORT_MONTHS})"
                  rf"|(?:{_SHORT_MONTHS})[a-z]*\.?\s+\d"
                  r"|today|tonight|this (?:morning|afternoon|evening|month|week)|yesterday|last (?:night|month|week)"
                  r"|on (?:mon|tues|wednes|thurs|fri|satur|sun)day")


_MONTH_NUMBERS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for name in names}
# the shapes of the expressions _PATTERNS find, with their numbers named
_ORDINAL = r"(?:st|nd|rd|th)?"
_PLAIN_DATE = re.compile(
    r"(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})"
    rf"|(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]+)\.?(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<month_first>[a-z]+)\.?\s+(?:(?P<day_second>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year_third>\d{{4}}))?"
    r"|(?:of\s+)?(?P<year_second>\d{4}))", re.IGNORECASE)


def _plain_date(expression: str, anchor: date | None) -> date | None:
    """The date of a plain expression, as dateparser (settings of `_parse`) reads it; None when
    the expression is not plain (an impossible day, an unknown word) and dateparser must decide.
    No year: the last such day up to the anchor ("29 February" goes back to a leap year)."""
    found = _PLAIN_DATE.fullmatch(expression)
    if found is None:
        return None
    if found["iso_year"]:
        year, month, day = int(found["iso_year"]), int(found["iso_month"]), int(found["iso_day"])
    else:
        month = _MONTH_NUMBERS.get((found["month"] or found["month_first"]).lower(), 0)
        day = int(found["day"] or found["day_second"] or 1)
        year_text = found["year"] or found["year_third"] or found["year_second"]
        if not year_text:
            if anchor is None or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
                return None  # no anchor: dateparser takes today, which is no plain answer
            year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
            while month == 2 and day == 29 and not _is_leap(year):
                year -= 1
            return date(year, month, day) if year >= 1 else None
        year = int(year_text)
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month] or \
            (month == 2 and day == 29 and not _is_leap(year)):
        return None
    return date(year, month, day)


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=4096)
def _parse(expression: str, anchor: date | None) -> date | None:
    plain = _plain_date(expression, anchor)
    if plain is not None:
        return plain
    return _dateparser_parse(expression, anchor)


def _dateparser_parse(expression: str, anchor: date | None) -> date | None:
    import dateparser

    settings: dict[str, object] = {"PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past",
                                   "RETURN_AS_TIMEZONE_AWARE": False}
    if anchor is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
    parsed = dateparser.parse(expression, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def anchor_date(text: str, published: date | None) -> tuple[str | None, str]:
    """(ISO date or None, precision) for the first date expression in text."""
    found = _first_expression(text)
    if found is not None and not _CUE.search(text.lower()):
        found = None
    if found is None:
        if published is None:
            return None, "unknown"
        return published.isoformat(), "week"
    kind = _KINDS[found.lastgroup or ""]
    return _resolve(kind, found.group(), published)


def _first_expression(text: str) -> re.Match[str] | None:
    """What `_COMBINED.search(text)` finds: the leftmost expression, and at one position the earlier
    (more specific) pattern, as listed in _PATTERNS; tried only at the words a pattern opens with."""
    for word in _WORD.finditer(text):
        token = word.group()
        pattern: re.Pattern[str] | None
        if token[0].isdigit():
            pattern = _STARTING_WITH[""]
        elif token.isascii():
            pattern = _STARTING_WITH.get(token.lower())
        else:
            pattern = _COMBINED  # "ſeptember" matches "september" ignoring case: no shortcut
        if pattern is not None and (found := pattern.match(text, word.start())) is not None:
            return found
    return None


def _resolve(kind: str, expression: str, published: date | None) -> tuple[str | None, str]:
    if kind == "year":
        return re.search(r"\d{4}", expression).group(), "year"  # type: ignore[union-attr]
    if kind == "month":
        parsed = _parse(expression, published)
        return (_month(parsed), "month") if parsed else (None, "unknown")
    if kind in ("day", "day_no_year"):
        parsed = _parse(expression, published)
        if parsed is None:
            return None, "unknown"
        if kind == "day_no_year" and published is not None and parsed > published:
            parsed = _year_before(parsed)  # "on 3 December" in a January article
            if parsed is None:
                return None, "unknown"
        return parsed.isoformat(), "day"
    if published is None:
        return None, "unknown"
    if kind == "today":
        return published.isoformat(), "day"
    if kind == "yesterday":
        return _days_before(published, 1)
    if kind == "weekday":
        weekday = _WEEKDAYS.index(expression.split()[-1].lower())
        return _days_before(published, (published.weekday() - weekday) % 7)
    if kind == "this_month":
        return _month(published), "month"
    if kind == "last_month":
        if published.replace(day=1) == date.min:
            return None, "unknown"
        return _month(published.replace(day=1) - timedelta(days=1)), "month"
    return published.isoformat(), "week"


def _days_before(published: date, days: int) -> tuple[str | None, str]:
    """The day `days` before publication; unknown when that falls before the calendar's first day
    (a corrupt publication date such as 0001-01-01 must not crash extraction)."""
    if published.toordinal() <= days:
        return None, "unknown"
    return (published - timedelta(days=days)).isoformat(), "day"


def _year_before(day: date) -> date | None:
    """The same day a year earlier; 29 February becomes the 28th; None before year 1."""
    if day.year == 1:
        return None
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    return day.replace(year=day.year - 1)


def _month(day: date) -> str:
    """YYYY-MM with a four-digit year even for years before 1000 (strftime drops the padding)."""
    return f"{day.year:04d}-{day.month:02d}"


# Publication dates outside these years are placeholders, not dates: Go's zero time "0001-01-01",
# "9999-12-31" for "never", a CMS default of "1800-01-01". Anchoring "yesterday" to them would date
# events to the wrong millennium (or, at the calendar's edge, fail), so they count as unknown.
PLAUSIBLE_PUBLICATION_YEARS = range(1900, 2200)


def parse_published(value: str | None) -> date | None:
    """The publication date of a document record, if it is an ISO date in a plausible year."""
    if not value:
        return None
    try:
        published = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return published if published.year in PLAUSIBLE_PUBLICATION_YEARS else None
