"""Sentence segmentation with offsets into the cleaned text.

Rule-based on purpose: it runs on every document and must stay several times
faster than a tokenizer. Boundaries are line breaks (the cleaner turns glued
sentences into line breaks) and sentence-final punctuation followed by a
space and a capital, digit or quote, unless the word before is an abbreviation
or an initial.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A line break, or sentence-final punctuation (and closing quotes) before a space and a capital,
# digit or quote. One character class opens the pattern, so the regex engine skips to the next
# candidate character in C (an alternation there made it try the pattern at every character).
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)|(?<=[.!?])[.!?]*[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u0600-\u06FF]))")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt cpl brig adm cmdr gov sen rep st jr sr mt ft no nos vol fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e vs approx est dept inc ltd co corp "
    "al".split()
)
_WORD_REACH = 20  # characters looked back for the word before a full stop
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
_TRAILING_WORD = re.compile(r"[\w.]*\Z")


class Sentence(NamedTuple):
    start: int
    end: int


def segment(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] as (start, end) offsets, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    position = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.start()
        if text[stop] == "\n":
            _append(sentences, text, position, stop)
        elif text[stop] == "." and _abbreviation_before(text, max(position, stop - _WORD_REACH), stop):
            continue
        else:
            _append(sentences, text, position, match.end())
        position = match.end()
    _append(sentences, text, position, end)
    return sentences


def _abbreviation_before(text: str, floor: int, stop: int) -> bool:
    """Whether the word before a full stop (letters, digits and dots, from `floor` on) is an
    abbreviation ("Gen.", "U.S.") or an initial ("J.")."""
    # Only the last few characters are read: a longer word is no abbreviation. (The character
    # before a boundary's first stop is never a stop, so no dots are stripped from such a word.)
    first = max(floor, stop - _LONGEST_ABBREVIATION - 1)
    if text[first:stop].isalpha() and first > floor and stop - first > _LONGEST_ABBREVIATION:
        return False  # the usual case: a long word ends the sentence
    word = _TRAILING_WORD.search(text, first, stop)
    if word is None or (word.start() == first > floor and (text[first - 1].isalnum() or text[first - 1] in "._")):
        return False
    found = word.group().rstrip(".").lower()
    return found in _ABBREVIATIONS or (len(found) == 1 and found.isalpha())


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end))
