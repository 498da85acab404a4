"""Cleaning: normalise whitespace and quotes, repair glued sentences, and mark
reader comments, boilerplate and repeated paragraphs as excluded spans.

The cleaned text is what every offset refers to. Edits are recorded so that
`CleanText.to_original(offset)` maps a cleaned offset back to the raw text.
Excluded spans stay in the cleaned text (so a viewer can show them greyed out)
but produce no mentions or events.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from frontwatch.records import ExcludedSpan, Repair

# One-for-one character replacements (offsets do not move).
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"',
                         "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                         "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ",
                         "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n"})
_TRANSLATED = {chr(k): v for k, v in _QUOTES.items()}

# A note on speed: a regex that opens with a character class costs ~50 instructions per character
# of the text it scans (as much as spaCy's whole tokenizer spends on ~1/20 of a character), while
# `in`, `str.find` and `bytes.translate` run at a few. Rare characters and rare letter patterns are
# therefore looked for with those, and the regexes run only where they occur.
_INVISIBLE_DROPPED = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROLS_DROPPED = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_DROP_CHARS = re.compile("[" + re.escape(_INVISIBLE_DROPPED + _CONTROLS_DROPPED.decode("ascii")) + "]")
# whitespace runs: any run holding a line break becomes one "\n", others one space
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# (invisible characters inside a run count as part of it: "a \u200b b" -> "a b")
_WHITESPACE_RUN = re.compile(f"[ \\r{_INVISIBLE}]*\\n[ \\r\\n{_INVISIBLE}]*"
                             f"|[ \\r{_INVISIBLE}]*[ \\r][ \\r{_INVISIBLE}]+|\\r")
_EDGE_SPACE = " \r\n"

# A lower-case letter directly followed by a capitalised word: "territoryThe fall",
# "RussiaWhile His" (the patterns start at the rare boundary, which keeps them fast).
# Found as b"aAa" in the text's letter classes (see `_letter_classes`).
_WORD_BEFORE = re.compile(r"[A-Za-z]+$")
_WORD_AFTER = re.compile(r"[A-Z][a-z]+")
# "environment.The offensive": no space after the full stop (two lower-case letters, [.!?], maybe a
# closing quote or bracket, then a capitalised word): b"aa.Aa" or b"aa.)Aa" in the letter classes.
_CLASS_TABLE = bytearray(b" " * 256)
for _byte in range(ord("a"), ord("z") + 1):
    _CLASS_TABLE[_byte] = ord("a")
    _CLASS_TABLE[_byte - 32] = ord("A")
for _byte in b".!":  # and "?", which `_letter_classes` sets where the text has one
    _CLASS_TABLE[_byte] = ord(".")
for _byte in b"\"')]":
    _CLASS_TABLE[_byte] = ord(")")
for _byte in _CONTROLS_DROPPED:
    _CLASS_TABLE[_byte] = ord("#")
_CLASSES = bytes(_CLASS_TABLE)

# Lines that start a comment section: everything after them is excluded.
# (Used with .match(text, start, end), so no "^": it would only match at offset 0.)
_COMMENT_HEADER = re.compile(
    r"\s*(?:\d+\s+)?(?:reader\s+)?(?:comments?|reactions|responses|discussion)\s*(?:\(\d+\))?:?\s*$"
    r"|\s*(?:leave|add|post|write)\s+a\s+(?:comment|reply)\b|\s*(?:show|view|load)\s+(?:all\s+)?comments\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\s*(?:read more|read also|related:|related articles|see also|subscribe\b|sign up\b|share this|"
    r"follow us\b|all rights reserved|copyright\b|©|advertisement\s*$|click here\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"\n]*\"")
_WORDS = re.compile(r"[a-z']+")
_FIRST_PERSON_WORDS = frozenset("i i'm i've i'd my me mine myself".split())
_EMOTIVE_WORDS = frozenset("god allah lord shame disgusting pathetic idiot idiots lol wtf amen inshallah hell "
                           "evil".split())
_EMOTIVE_PHRASES = ("very wrong", "so wrong", "must die", "!!", "??")
_OPINION_WORDS = frozenset("should shouldn't must ought".split())
_ATTRIBUTION_WORDS = frozenset("said says told reported reports".split())
_DANGLING_WORDS = frozenset("and or of the to in for with a an that but".split())
# A paragraph scores 3 only with a first-person or emotive word or phrase (opinion and a dangling
# end make 2): where the text outside quotes holds none, no comment tail can start.
_COMMENT_MARKERS = frozenset(word.encode() for word in _FIRST_PERSON_WORDS | _EMOTIVE_WORDS)
_WORD_TABLE = bytearray(b" " * 256)
for _byte in b"abcdefghijklmnopqrstuvwxyz'":
    _WORD_TABLE[_byte] = _byte
_WORD_BYTES = bytes(_WORD_TABLE)  # [a-z'] kept, anything else a space: split() then gives _WORDS


def _dangling(paragraph: str) -> bool:
    """A line that stops mid-sentence ("... for the many years of Iran and")."""
    words = paragraph[-30:].split()
    return bool(words) and words[-1].lower() in _DANGLING_WORDS


@dataclass
class CleanText:
    """Cleaned text, its excluded spans and repairs, and a map to the raw text."""

    text: str
    excluded: list[ExcludedSpan] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # anchors: cleaned offset -> raw offset at every edit boundary
    _clean_anchors: list[int] = field(default_factory=list)
    _raw_anchors: list[int] = field(default_factory=list)

    def to_original(self, offset: int, *, end: bool = False) -> int:
        """Raw-text offset of a cleaned-text offset. Where the cleaner deleted text,
        one cleaned offset stands for a whole raw gap: a span's `end` maps to the
        near side of that gap (`end=True`), a `start` to the far side."""
        i = (bisect_left if end else bisect_right)(self._clean_anchors, offset) - 1
        if i < 0:
            return offset
        return self._raw_anchors[i] + (offset - self._clean_anchors[i])

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text (start, end) of a cleaned-text span."""
        return self.to_original(start), self.to_original(end, end=True)

    def is_excluded(self, start: int, end: int) -> bool:
        return any(span.start < end and start < span.end for span in self.excluded)


def _letter_classes(text: str) -> bytes:
    """One byte per character of the text: "a" for a lower-case ASCII letter, "A" for a capital,
    "." for [.!?], ")" for a closing quote or bracket, "#" for a control character to drop,
    " " for anything else."""
    classes = text.encode("ascii", "replace").translate(_CLASSES)  # one "?" per non-ASCII character: " "
    if "?" not in text:
        return classes
    marked = bytearray(classes)  # the text's own question marks
    at = text.find("?")
    while at != -1:
        marked[at] = ord(".")
        at = text.find("?", at + 1)
    return bytes(marked)


def _find_all(haystack: bytes, needle: bytes) -> Iterator[int]:
    found = haystack.find(needle)
    while found != -1:
        yield found
        found = haystack.find(needle, found + 1)


def _line_break_beside_space(raw: str) -> bool:
    """Whether " \n", "\n " or "\n\n" occurs: looked for at the text's few line breaks (each of
    those substring tests reads the whole text)."""
    at = raw.find("\n")
    while at != -1:
        if raw.startswith((" ", "\n"), at + 1) or (at and raw[at - 1] == " "):
            return True
        at = raw.find("\n", at + 1)
    return False


def _edits(raw: str, is_known_name: Callable[[str], bool],
           common_words: frozenset[str]) -> list[tuple[int, int, str, str]]:
    """(raw_start, raw_end, replacement, kind) edits, sorted and non-overlapping."""
    edits: list[tuple[int, int, str, str]] = []
    classes = _letter_classes(raw)
    if b"#" in classes or (not raw.isascii() and any(char in raw for char in _INVISIBLE_DROPPED)):
        for match in _DROP_CHARS.finditer(raw):
            edits.append((match.start(), match.end(), "", "whitespace"))
    lead = len(raw) - len(raw.lstrip(_EDGE_SPACE))
    tail = len(raw.rstrip(_EDGE_SPACE))
    if lead:
        edits.append((0, lead, "", "whitespace"))  # no whitespace at the very start or end
    if tail < len(raw) and tail >= lead:
        edits.append((tail, len(raw), "", "whitespace"))
    messy = bool(edits) or "\r" in raw or "  " in raw or _line_break_beside_space(raw)
    for match in _WHITESPACE_RUN.finditer(raw, lead, max(lead, tail)) if messy else ():
        replacement = "\n" if "\n" in match.group() else " "
        if match.group() != replacement:
            edits.append((match.start(), match.end(), replacement, "whitespace"))
    # a lower-case letter directly followed by a capitalised word: "territoryThe fall", "RussiaWhile His"
    for found in _find_all(classes, b"aAa"):
        at = found + 1
        before = _WORD_BEFORE.search(raw, max(0, at - 40), at)
        after = _WORD_AFTER.match(raw, at)
        if before is None or after is None or before.end() != at:
            continue
        left, right = before.group(), after.group()
        if (before.start() > 0 and raw[before.start() - 1].isalnum()) or is_known_name(left + right):
            continue
        if left.islower():
            if len(left) >= 3:  # "territoryThe": a lower-case word glued to the next sentence
                edits.append((at, at, "\n", "glued_sentence"))
        elif left[0].isupper() and left[1:].islower() and len(left) >= 3:
            # split "RussiaWhile" but not "YouTube": the right half must start a
            # sentence, or the left half must be a name we know on its own
            if (right in common_words and len(right) >= 3) or is_known_name(left):
                edits.append((at, at, "\n", "glued_sentence"))
    missing_spaces = [found + 1 for found in _find_all(classes, b".Aa")
                      if found >= 2 and classes[found - 2:found] == b"aa"]
    missing_spaces += [found + 2 for found in _find_all(classes, b".)Aa")
                       if found >= 2 and classes[found - 2:found] == b"aa"]
    for at in sorted(missing_spaces):
        edits.append((at, at, " ", "missing_space"))
    edits.sort(key=lambda e: (e[0], -e[1]))  # at one start, the longer edit wins
    merged: list[tuple[int, int, str, str]] = []
    last_end = -1
    for edit in edits:
        if edit[0] < last_end or (merged and edit[0] == merged[-1][0] == edit[1] == merged[-1][1]):
            continue  # overlapping edit: the first one wins
        merged.append(edit)
        last_end = max(last_end, edit[1])
    return merged


def clean(raw: str, *, is_known_name: Callable[[str], bool] = lambda _: False,
          common_words: frozenset[str] = frozenset()) -> CleanText:
    """Clean one article's raw text (see module docstring)."""
    # only the few characters that occur are replaced (str.translate walks every character)
    for char, replacement in _TRANSLATED.items():
        if char in raw:
            raw = raw.replace(char, replacement)
    pieces: list[str] = []
    clean_anchors: list[int] = [0]
    raw_anchors: list[int] = [0]
    repairs: list[Repair] = []
    position = 0
    length = 0
    for start, end, replacement, kind in _edits(raw, is_known_name, common_words):
        pieces.append(raw[position:start])
        length += start - position
        if kind != "whitespace":
            repairs.append(Repair(kind=kind, start=length, end=length + len(replacement),  # type: ignore[arg-type]
                                  original_start=start, original_end=end))
        pieces.append(replacement)
        length += len(replacement)
        position = end
        clean_anchors.append(length)
        raw_anchors.append(end)
    pieces.append(raw[position:])
    text = "".join(pieces)
    result = CleanText(text=text, repairs=repairs, _clean_anchors=clean_anchors, _raw_anchors=raw_anchors)
    result.excluded = find_excluded(text)
    return result


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            spans.append((start, end))
        start = end + 1
    return spans


def _comment_score(paragraph: str) -> int:
    """How much a paragraph reads like a reader's comment rather than reporting."""
    outside_quotes = _QUOTED.sub(" ", paragraph).lower()
    # one pass over the words, then set look-ups (several regex alternations were 5x slower)
    words = _WORDS.findall(outside_quotes)
    vocabulary = set(words)
    score = 0
    if vocabulary & _FIRST_PERSON_WORDS:
        score += 2
    emotive = 0 if vocabulary.isdisjoint(_EMOTIVE_WORDS) else sum(1 for w in words if w in _EMOTIVE_WORDS)
    emotive += sum(outside_quotes.count(p) for p in _EMOTIVE_PHRASES)
    score += min(2, emotive)
    if vocabulary & _OPINION_WORDS and not (vocabulary & _ATTRIBUTION_WORDS or "according to" in outside_quotes):
        score += 1
    if _dangling(paragraph):
        score += 1  # hard-wrapped user text: a line that stops mid-sentence
    return score


def _paragraph_key(body: str) -> str:
    """A paragraph lower-cased, its whitespace runs made single spaces: repeats have the same key."""
    if body.isprintable() and "  " not in body and body[:1] != " " and body[-1:] != " ":
        return body.lower()  # the usual case: single spaces only (no other character is both)
    return " ".join(body.lower().split())


def find_excluded(text: str) -> list[ExcludedSpan]:
    """Reader comments at the tail, boilerplate lines and repeated paragraphs."""
    paragraphs = _paragraphs(text)
    keys = [_paragraph_key(text[start:end]) for start, end in paragraphs]
    excluded: list[ExcludedSpan] = []
    comment_from: int | None = None
    for i, (start, end) in enumerate(paragraphs):
        if _COMMENT_HEADER.match(text, start, end):
            comment_from = i
            break
    if comment_from is None and len(paragraphs) >= 3:
        comment_from = _comment_tail(text, paragraphs, keys)
    cut = len(paragraphs) if comment_from is None else comment_from
    seen: set[str] = set()
    for (start, end), key in zip(paragraphs[:cut], keys[:cut], strict=True):
        body = text[start:end]
        if len(body) < 200 and _BOILERPLATE.match(body):
            excluded.append(ExcludedSpan(start=start, end=end, reason="boilerplate", text=body))
            continue
        if len(key) > 40 and key in seen:
            excluded.append(ExcludedSpan(start=start, end=end, reason="repeated_paragraph", text=body))
        seen.add(key)
    if comment_from is not None:
        start = paragraphs[comment_from][0]
        excluded.append(ExcludedSpan(start=start, end=len(text), reason="reader_comment", text=text[start:]))
    return excluded


def _may_hold_comments(lowered: str) -> bool:
    """False when no paragraph of a lower-cased text can score 3 (see `_COMMENT_MARKERS`): the same
    words as `_comment_score` finds, all paragraphs at once, from bytes (~8x faster)."""
    outside_quotes = _QUOTED.sub(" ", lowered)
    words = outside_quotes.encode("ascii", "replace").translate(_WORD_BYTES).split()
    return not _COMMENT_MARKERS.isdisjoint(words) or any(phrase in outside_quotes for phrase in _EMOTIVE_PHRASES)


def _comment_tail(text: str, paragraphs: list[tuple[int, int]], keys: list[str]) -> int | None:
    """Index of the first paragraph of a comment tail, or None.

    A tail starts with a strongly comment-like paragraph (score >= 3) in the
    second half of the document, and every paragraph after it is comment-like
    too, short, or the continuation of a hard-wrapped line. `keys` are the
    paragraphs' lower-cased keys (`_paragraph_key`).
    """
    half = max(1, len(paragraphs) // 2)
    if half < len(paragraphs) and not _may_hold_comments("\n".join(keys[half:])):
        return None
    scores = [0] * half + [_comment_score(text[s:e]) for s, e in paragraphs[half:]]
    for i in range(half, len(paragraphs)):
        if scores[i] < 3:
            continue
        tail_ok = True
        for j in range(i + 1, len(paragraphs)):
            previous = text[paragraphs[j - 1][0]:paragraphs[j - 1][1]]
            wrapped = _dangling(previous)
            if scores[j] == 0 and not wrapped and paragraphs[j][1] - paragraphs[j][0] > 300:
                tail_ok = False
                break
        if tail_ok:
            return i
    return None
