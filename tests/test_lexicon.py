"""Tests for frontwatch.extract.lexicon: gated phrase patterns find what their patterns find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontwatch.extract import events, modality, roles
from frontwatch.extract.lexicon import GatedPattern, Lexicon, gated, gated_phrases, load_lexicon
from frontwatch.kb.loading import DATA_DIR, load_yaml

GOLD = Path(__file__).parent / "gold"


def _gated(lexicon: Lexicon) -> dict[str, GatedPattern]:
    """The lexicon's gated patterns and the event modules' own."""
    found = {name: value for name, value in vars(lexicon).items() if isinstance(value, GatedPattern)}
    found.update({f"modality_before[{name}]": value for name, value in lexicon.modality_before.items()})
    for module in (events, modality, roles):
        found.update({f"{module.__name__}.{name}": value for name, value in vars(module).items()
                      if isinstance(value, GatedPattern)})
    return found


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


def _same(gated: GatedPattern, text: str, pos: int, endpos: int) -> None:
    expected = gated.regex.search(text, pos, endpos)
    found = gated.search(text, pos, endpos)
    assert (found.span() if found else None) == (expected.span() if expected else None), (text[pos:endpos], pos)
    assert _spans(gated.finditer(text, pos, endpos)) == _spans(gated.regex.finditer(text, pos, endpos))
    assert gated.sub(" ", text[pos:endpos]) == gated.regex.sub(" ", text[pos:endpos])


def test_every_phrase_pattern_of_the_lexicon_is_gated() -> None:
    assert {"idioms", "irrealis_before", "protesters", "modality_before[negated]",
            "frontwatch.extract.modality._REPORTING_CLAUSE"} <= set(_gated(load_lexicon()))


def test_gated_patterns_find_what_their_patterns_find_in_the_gold_articles() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted((GOLD / "articles").glob("*.txt"))][:8]
    assert texts
    for pattern in _gated(load_lexicon()).values():
        for text in texts:
            _same(pattern, text, 0, len(text))
            for pos in range(0, len(text), 37):  # windows, and slices (which start a string)
                _same(pattern, text, pos, pos + 90)
                _same(pattern, text[pos:pos + 90], 0, 90)


def _phrases() -> list[str]:
    cues = load_yaml(DATA_DIR / "cues.yaml")
    words = [str(w) for key in ("idioms", "irrealis_before", "protester_words", "attempt_before", "precedent_markers")
             for w in cues.get(key) or []]
    words += [str(w) for spec in (cues.get("modality") or {}).values() for w in spec.get("before") or []]
    # words the event modules' own patterns look for, in the phrases they make
    return words + ["according to", "said", "told reporters", "Reuters said", ", said the army", "urged them to",
                    "under rebel control", "under the control of", "held by", "backed by the", "with the help of",
                    "a former", "spokesman for the", "between the", "and the", "since 2019", "(Kharkiv)",
                    ", including Mosul,", "fled the", "forcing", "condemned the", "if the", "unless they", "there",
                    "the city", "this town", "officials from", "the enemy", "blamed the", "they", "it"]


_SPELLINGS = [str.lower, str.upper, str.title,
              lambda w: w.replace("i", "\u0131"),  # dotless i matches "i" ignoring case
              lambda w: w.replace("s", "\u017f"),  # long s matches "s"
              lambda w: w.replace("I", "\u0130").replace("i", "\u0130"),  # lower-cased into two characters
              lambda w: w.replace("k", "\u212a")]  # Kelvin sign, lower-cased to "k"


@given(st.lists(st.tuples(st.sampled_from(_phrases() + ["the", "town", "x", "rebels", "'s", "un"]),
                          st.sampled_from(_SPELLINGS), st.sampled_from([" ", "  ", "\n", ", ", "", "-", "'"])),
                max_size=10), st.integers(0, 40))
@settings(max_examples=300, deadline=None)
def test_gated_patterns_under_any_spelling(words: list[tuple[str, object, str]], pos: int) -> None:
    text = "".join(spell(word) + gap for word, spell, gap in words)  # type: ignore[operator]
    for pattern in _gated(load_lexicon()).values():
        _same(pattern, text, 0, len(text))
        _same(pattern, text, min(pos, len(text)), len(text))
        _same(pattern, text, 0, max(0, len(text) - pos))


def test_a_pattern_with_nothing_required_is_not_gated() -> None:
    empty = gated_phrases([])
    assert empty.search("anything") == re.compile(empty.pattern, re.IGNORECASE).search("anything")
    with pytest.raises(ValueError, match="lower-case"):
        GatedPattern(re.compile("x"), {"X"})
    with pytest.raises(TypeError, match="one string"):
        gated("control", re.IGNORECASE, "control")
