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

_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u0600-\u06FF])|\n")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt cpl brig adm cmdr gov sen rep st jr sr mt ft no nos vol fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e vs approx est dept inc ltd co corp "
    "al".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)\s*$")


class Sentence(NamedTuple):
    start: int
    end: int


def segment(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] as (start, end) offsets, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    position = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group() != "\n":
            before = _WORD_BEFORE.search(text, max(position, match.start() - 20), match.start() + 1)
            if before:
                word = before.group(1).rstrip(".").lower()
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        _append(sentences, text, position, match.end() if match.group() != "\n" else match.start())
        position = match.end()
    _append(sentences, text, position, end)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end))
