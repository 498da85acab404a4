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

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt cpl brig adm cmdr gov sen rep st jr sr mt ft no nos vol fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e vs approx est dept inc ltd co corp "
    "al".split()
)


def _maybe_abbreviated() -> str:
    """Lookbehinds, one per length, for a full stop after a word that may be an abbreviation or an
    initial: any case of one in the list, any single letter (more than `_abbreviation_before`
    accepts, never less; the regex engine compares a few letters, Python code only these)."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        by_length.setdefault(len(word), []).append(re.escape(word))
    words = [r"(?<=(?<![\w.])(?i:" + "|".join(same) + r")\.)" for same in by_length.values()]
    return "(?:" + "|".join([r"(?<=(?<![\w.])\w\.)", *words]) + ")"


# A line break, or sentence-final punctuation (and closing quotes) before a space and a capital,
# digit or quote. One character class opens the pattern, so the regex engine skips to the next
# candidate character in C (an alternation there made it try the pattern at every character).
# The whitespace after a boundary is taken too, where the next sentence starts: all of it after a
# line break (more line breaks there only end empty sentences), none of its line breaks after
# punctuation (which may be an abbreviation's, while a line break always ends a sentence).
# Group 1 is set where the word before a full stop must be checked; group 2 is the whitespace.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)\s*|(?<=[.!?])(?:" + _maybe_abbreviated() + r"()|)"
                       r"[.!?]*[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u0600-\u06FF])([^\S\n]*))")
_WORD_REACH = 20  # characters looked back for the word before a full stop


class Sentence(NamedTuple):
    start: int
    end: int


_new_tuple = tuple.__new__  # `_new_tuple(Sentence, (start, end))`: a sentence without the Python-level __new__


def segment(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] as (start, end) offsets, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    position = start
    while position < end and text[position].isspace():
        position += 1  # a sentence starts after whitespace; later ones, where a boundary match ends
    for match in _BOUNDARY.finditer(text, position, end):
        stop = match.start()
        if text[stop] == "\n":
            _append(sentences, text, position, stop)
        elif match.start(1) != -1 and _abbreviation_before(text, max(position, stop - _WORD_REACH), stop):
            continue
        else:  # ends at the punctuation
            sentences.append(_new_tuple(Sentence, (position, match.start(2))))
        position = match.end()
    _append(sentences, text, position, end)
    return sentences


def _abbreviation_before(text: str, floor: int, stop: int) -> bool:
    """Whether the word before a full stop (letters, digits and dots, from `floor` on) is an
    abbreviation ("Gen.", "U.S.") or an initial ("J.")."""
    first = stop
    while first > floor and (text[first - 1].isalnum() or text[first - 1] in "._"):
        first -= 1
    word = text[first:stop].rstrip(".").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(_new_tuple(Sentence, (start, end)))
