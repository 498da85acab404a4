"""Tests for frontwatch.ingest.segment: sentence boundaries with offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontwatch.ingest.segment import Sentence, segment


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Gen. Mazloum Abdi met Mr. Smith on Monday. They spoke for an hour.",
     ["Gen. Mazloum Abdi met Mr. Smith on Monday.", "They spoke for an hour."]),
    ("Lt. Col. Ahmed Saleh and Dr. Rana Haddad arrived. Talks began.",
     ["Lt. Col. Ahmed Saleh and Dr. Rana Haddad arrived.", "Talks began."]),
    ("The U.S. Army said it had no troops there. The U.N. agreed.",
     ["The U.S. Army said it had no troops there.", "The U.N. agreed."]),
    ("Troops reached the village in Jan. 2019 and stayed. Nobody left.",
     ["Troops reached the village in Jan. 2019 and stayed.", "Nobody left."]),
])
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_initials_do_not_end_sentences() -> None:
    text = "The report by J. R. Haddad was published. It named A. Karimov as the commander."
    assert sentences(text) == ["The report by J. R. Haddad was published.", "It named A. Karimov as the commander."]


def test_decimal_numbers_do_not_end_sentences() -> None:
    text = "Prices rose 3.5 percent in 2.5 weeks. The 1.2 million residents were hit."
    assert sentences(text) == ["Prices rose 3.5 percent in 2.5 weeks.", "The 1.2 million residents were hit."]


def test_sentences_ending_in_quotes_and_other_marks() -> None:
    text = ('He said "We will not withdraw." The crowd cheered! Did they leave? "No," she said. '
            "(It was late.) Then calm.")
    assert sentences(text) == ['He said "We will not withdraw."', "The crowd cheered!", "Did they leave?",
                               '"No," she said.', "(It was late.)", "Then calm."]


def test_a_sentence_may_start_with_a_digit_or_arabic_script() -> None:
    assert sentences("Troops left. 20 people died. قال المرصد ذلك.") == ["Troops left.", "20 people died.",
                                                                      "قال المرصد ذلك."]


def test_lower_case_after_a_full_stop_is_not_a_boundary() -> None:
    assert sentences("They met at 5 p.m. on the border. Nothing was agreed.") == [
        "They met at 5 p.m. on the border.", "Nothing was agreed."]


def test_line_breaks_are_boundaries() -> None:
    text = "Rebels seize Hama\nRebels entered the city on Thursday\n\nThe army withdrew."
    assert sentences(text) == ["Rebels seize Hama", "Rebels entered the city on Thursday", "The army withdrew."]


def test_offsets_are_trimmed_and_a_range_can_be_segmented() -> None:
    text = "  Intro line.  \n  First sentence. Second sentence.  "
    spans = segment(text, text.index("First"), len(text))
    assert [text[s.start:s.end] for s in spans] == ["First sentence.", "Second sentence."]
    assert spans[0].start == text.index("First")
    assert segment("   \n  ") == []


PIECES = st.sampled_from([*"ab C.!?\"'()\n 3", "Gen.", "U.S.", " Mr. ", "e.g.", "\u0642"])


@given(st.lists(PIECES, max_size=40).map("".join))
def test_sentences_are_ordered_disjoint_trimmed_and_cover_all_words(text: str) -> None:
    spans = segment(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        piece = text[span.start:span.end]
        assert piece == piece.strip()
        previous_end = span.end
    # every non-space character is inside some sentence
    covered = {i for span in spans for i in range(span.start, span.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# The first implementation, kept as an oracle: the faster one must cut every text the same way.
_REFERENCE_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u0600-\u06FF])|\n")
_REFERENCE_WORD_BEFORE = re.compile(r"([\w.]+)\s*$")
_REFERENCE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt cpl brig adm cmdr gov sen rep st jr sr mt ft no nos vol fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e vs approx est dept inc ltd co corp "
    "al".split()
)


def reference_segment(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []

    def append(start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))

    position = 0
    for match in _REFERENCE_BOUNDARY.finditer(text):
        if match.group() != "\n":
            before = _REFERENCE_WORD_BEFORE.search(text, max(position, match.start() - 20), match.start() + 1)
            if before:
                word = before.group(1).rstrip(".").lower()
                if word in _REFERENCE_ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        append(position, match.end() if match.group() != "\n" else match.start())
        position = match.end()
    append(position, len(text))
    return spans


ORACLE_PIECES = st.sampled_from([*"ab C.!?\"')(]\n 3_\u00e9", "..", "Gen.", "U.S.", " Mr. ", "e.g.", "\u0642",
                                 "approx.", "verylongwordwithoutanyend.", " J. ", "No.", "\u2028", "mR. ", "Approx.",
                                 "\u212a", "\u0130", "\u017ft.", "2024.", "abcdefg.", "\u00e9.", " \n "])


@settings(max_examples=500)
@given(st.lists(ORACLE_PIECES, max_size=40).map("".join))
def test_segment_cuts_as_the_reference_rules_do(text: str) -> None:
    assert [tuple(span) for span in segment(text)] == reference_segment(text)


def test_sentences_are_sentence_tuples() -> None:
    assert segment("One. Two.") == [Sentence(0, 4), Sentence(5, 9)]
