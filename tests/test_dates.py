"""Tests for frontwatch.extract.dates: date expressions anchored to the publication date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontwatch.extract.dates import (
    _COMBINED,
    _KINDS,
    _dateparser_parse,
    _first_expression,
    _plain_date,
    anchor_date,
    parse_published,
)

# Publication dates on different weekdays, around a year boundary and a leap day.
PUBLISHED = [date(2024, 12, 5), date(2025, 1, 4), date(2024, 3, 1), date(2023, 7, 17)]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("published", PUBLISHED)
def test_since_month_and_year(published: date) -> None:
    assert anchor_date("The group has held the town since October 2017.", published) == ("2017-10", "month")
    assert anchor_date("Rebels have controlled it since March 2011, residents said.", published) == ("2011-03", "month")


@pytest.mark.parametrize("published", PUBLISHED)
def test_in_a_year(published: date) -> None:
    assert anchor_date("The town fell to the jihadists in 2018.", published) == ("2018", "year")
    assert anchor_date("Fighting has raged since 2014 along the river.", published) == ("2014", "year")


def test_a_number_that_is_not_a_year_is_no_date() -> None:
    published = date(2024, 12, 5)
    assert anchor_date("In 1500 homes the power failed.", published) == ("2024-12-05", "week")
    assert anchor_date("They fired 2018 shells.", published) == ("2024-12-05", "week")


@pytest.mark.parametrize("published", PUBLISHED)
@pytest.mark.parametrize("weekday", WEEKDAYS)
def test_on_a_weekday_is_the_last_such_day_up_to_publication(published: date, weekday: str) -> None:
    value, precision = anchor_date(f"Rebels attacked the checkpoint on {weekday}, a monitor said.", published)
    assert precision == "day"
    found = date.fromisoformat(value or "")
    assert found.strftime("%A") == weekday
    assert published - timedelta(days=6) <= found <= published


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)), st.sampled_from(WEEKDAYS))
def test_weekday_property(published: date, weekday: str) -> None:
    value, _ = anchor_date(f"on {weekday.lower()} the army withdrew", published)
    found = date.fromisoformat(value or "")
    assert found.strftime("%A") == weekday and 0 <= (published - found).days <= 6


@pytest.mark.parametrize("published", PUBLISHED)
def test_relative_days(published: date) -> None:
    assert anchor_date("The base was shelled yesterday.", published) == (
        (published - timedelta(days=1)).isoformat(), "day")
    assert anchor_date("Shelling resumed last night near the airport.", published)[0] == (
        published - timedelta(days=1)).isoformat()
    assert anchor_date("Officials said today that the road was open.", published) == (published.isoformat(), "day")


@pytest.mark.parametrize("published", PUBLISHED)
def test_this_month_and_last_month(published: date) -> None:
    assert anchor_date("Fighting began earlier this month.", published) == (published.strftime("%Y-%m"), "month")
    previous = published.replace(day=1) - timedelta(days=1)
    assert anchor_date("Clashes erupted last month in the south.", published) == (previous.strftime("%Y-%m"), "month")


def test_day_and_month_without_year_takes_the_publication_year() -> None:
    assert anchor_date("The convoy arrived on 3 December.", date(2024, 12, 5)) == ("2024-12-03", "day")
    assert anchor_date("The convoy arrived on December 3.", date(2024, 12, 5)) == ("2024-12-03", "day")
    assert anchor_date("Talks opened on the 3rd of December.", date(2024, 12, 20)) == ("2024-12-03", "day")


def test_day_and_month_after_publication_is_last_year() -> None:
    # "on 30 December" in an article of 4 January is the December just gone
    assert anchor_date("The convoy arrived on 30 December.", date(2025, 1, 4)) == ("2024-12-30", "day")


def test_full_dates() -> None:
    published = date(2024, 12, 5)
    assert anchor_date("It happened on 3 December 2022.", published) == ("2022-12-03", "day")
    assert anchor_date("It happened on March 15, 2011, in Deraa.", published) == ("2011-03-15", "day")
    assert anchor_date("The decree was annulled on 2019-06-30.", published) == ("2019-06-30", "day")


def test_iso_date_after_a_preposition_keeps_its_day() -> None:
    # "since 2024-11-27" must not be read as the year pattern "since 2024"
    published = date(2024, 12, 5)
    assert anchor_date("Rebels have held the town since 2024-11-27.", published) == ("2024-11-27", "day")


def test_the_first_expression_wins() -> None:
    published = date(2024, 12, 5)
    assert anchor_date("On Tuesday rebels took the town they had lost in 2018.", published) == ("2024-12-03", "day")
    assert anchor_date("Lost in 2018, the town was retaken on Tuesday.", published) == ("2018", "year")


@pytest.mark.parametrize("published", PUBLISHED)
def test_no_date_inherits_the_publication_date_with_week_precision(published: date) -> None:
    assert anchor_date("Troops advanced towards the river.", published) == (published.isoformat(), "week")


def test_relative_dates_without_a_publication_date_are_unknown() -> None:
    for text in ("Troops advanced.", "Rebels attacked on Tuesday.", "It happened yesterday.", "earlier this month"):
        assert anchor_date(text, None) == (None, "unknown")
    # an absolute date needs no anchor
    assert anchor_date("since October 2017", None) == ("2017-10", "month")


_MONTH_WORDS = ["January", "jan", "Feb.", "february", "MARCH", "Mar", "April", "may", "MAY", "June", "jun.", "July",
                "August", "aug", "September", "sept.", "Sep", "october", "Nov", "DEC.", "December"]
_ANCHORS = [date(2025, 1, 4), date(2023, 7, 17), date(2024, 3, 1), date(2024, 2, 28), date(2024, 12, 31), None]


@st.composite
def _date_sentences(draw: st.DrawFn) -> str:
    """A sentence with a date expression in one of the shapes our patterns find, impossible days included."""
    day = f"{draw(st.integers(0, 33))}{draw(st.sampled_from(['', 'st', 'nd', 'rd', 'th']))}"
    month = draw(st.sampled_from(_MONTH_WORDS))
    year = draw(st.sampled_from(["2024", "2023", "2000", "1900", "2030", "0000", "0001"]))
    space = draw(st.sampled_from([" ", "  ", "\n"]))
    shape = draw(st.sampled_from([
        f"{day}{space}{month} {year}", f"{day} of {month}, {year}", f"{day}{space}{month}", f"{day} of {month}",
        f"{month}{space}{day}, {year}", f"{month} {day} {year}", f"{month}{space}{day}", f"{month} {year}",
        f"{month} of {year}", f"{year}-{draw(st.integers(0, 13)):02d}-{draw(st.integers(0, 32)):02d}"]))
    return f"Rebels took the town on {shape} and held it."


@given(_date_sentences(), st.sampled_from(_ANCHORS))
@settings(max_examples=150, deadline=None)
def test_plain_dates_read_as_dateparser_reads_them(sentence: str, anchor: date | None) -> None:
    # the direct reading of a plain expression must give dateparser's date, or leave it to dateparser
    found = _COMBINED.search(sentence)  # none in "on Feb. 2024"
    if found is None or _KINDS[found.lastgroup or ""] not in ("day", "day_no_year", "month"):
        return
    plain = _plain_date(found.group(), anchor)
    if plain is not None:
        assert plain == _dateparser_parse(found.group(), anchor)


_WORDS = ["in", "In", "since", "of", "by", "mid", "mid-", "early", "on", "On", "this", "This", "last", "LAST",
          "earlier", "today", "tonight", "yesterday", "morning", "month", "week", "night", "Monday", "friday",
          "December", "dec.", "Sept", "sept", "May", "may", "march", "3", "3rd", "12", "2019", "1999", "2024-11-27",
          "\u0663", "\u017feptember", "\u0130n", "\u0131n", "week\u212a", "tod\u00e1y", "town", "rebels", "the",
          "shelled", "\u201cquoted\u201d", "\u2014"]


@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", "  ", ", ", "\n", "-", ".", ""])),
                max_size=12))
@settings(max_examples=400, deadline=None)
def test_first_expression_is_what_one_scan_with_every_pattern_finds(words: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in words)
    expected, found = _COMBINED.search(text), _first_expression(text)
    assert (found.span(), found.lastgroup) == (expected.span(), expected.lastgroup) if expected else found is None


def test_plain_dates_without_a_year_look_back_from_the_anchor() -> None:
    assert _plain_date("29 February", date(2023, 7, 17)) == date(2020, 2, 29)
    assert _plain_date("December 30", date(2023, 7, 17)) == date(2022, 12, 30)
    assert _plain_date("4 January", date(2025, 1, 4)) == date(2025, 1, 4)
    assert _plain_date("31 February 2024", None) is None and _plain_date("00 December", None) is None


def test_parse_published() -> None:
    assert parse_published("2024-12-05") == date(2024, 12, 5)
    assert parse_published("2024-12-05T10:30:00+00:00") == date(2024, 12, 5)
    assert parse_published("December 5") is None
    assert parse_published(None) is None and parse_published("") is None


def test_placeholder_publication_dates_are_unknown() -> None:
    # Go's zero time, "never" and a CMS default are no publication dates; a real one near them is kept
    for placeholder in ("0001-01-01", "0001-01-01T00:00:00Z", "9999-12-31", "1800-01-01"):
        assert parse_published(placeholder) is None, placeholder
    assert parse_published("1901-06-30") == date(1901, 6, 30)
    assert parse_published("2199-12-31") == date(2199, 12, 31)


@pytest.mark.parametrize("sentence", ["Rebels shelled the town yesterday.", "Rebels shelled the town on Sunday.",
                                      "Rebels shelled the town last month.", "Rebels shelled it on 3 December.",
                                      "Rebels shelled it this month.", "Rebels shelled it today."])
def test_anchoring_at_the_first_day_of_the_calendar_does_not_step_off_it(sentence: str) -> None:
    when, precision = anchor_date(sentence, date.min)
    assert when is None or date.fromisoformat(when if len(when) == 10 else f"{when}-01") >= date.min
    assert (when is None) == (precision == "unknown")


def test_a_month_in_an_early_year_keeps_four_digits() -> None:
    assert anchor_date("Rebels shelled it this month.", date(812, 5, 3)) == ("0812-05", "month")


def test_events_carry_anchored_dates(extract: Callable[..., object]) -> None:
    result = extract("Government forces shelled Idlib yesterday. Rebels shelled Hama.\n"
                     "Air strikes hit Saraqib in Syria in 2018.", published="2024-12-05")
    by_sentence = {event.evidence.text.split()[0]: (event.date, event.date_precision)
                   for event in result.events}  # type: ignore[attr-defined]
    assert by_sentence.get("Government") == ("2024-12-04", "day")
    assert by_sentence.get("Rebels") == ("2024-12-05", "week")
    assert by_sentence.get("Air") == ("2018", "year")
