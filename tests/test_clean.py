"""Tests for frontwatch.ingest.clean: repairs, offsets back to the raw text, excluded spans."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontwatch.ingest.clean import (
    _BOILERPLATE,
    _COMMENT_HEADER,
    _QUOTES,
    CleanText,
    _comment_score,
    _dangling,
    _edits,
    _find_all,
    _letter_classes,
    _may_hold_comments,
    _paragraph_key,
    _paragraphs,
    clean,
    find_excluded,
)
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import known_name_test

COMMON_WORDS = frozenset({"The", "While", "This", "He", "Officials", "It", "They", "In"})


def kb_clean(kb: KnowledgeBase, raw: str) -> CleanText:
    """Clean as the pipeline does, with the KB's known names and common words."""
    return clean(raw, is_known_name=known_name_test(kb), common_words=kb.lexicon.get("common_words", frozenset()))


def lines(text: str) -> list[str]:
    return text.split("\n")


# ------------------------------------------------------------------ glued sentences


def test_lower_case_word_glued_to_a_sentence_is_split() -> None:
    result = clean("the convoy reached the bridgeThe shelling resumed at dawn")
    assert lines(result.text) == ["the convoy reached the bridge", "The shelling resumed at dawn"]
    [repair] = result.repairs
    assert repair.kind == "glued_sentence"
    assert result.text[repair.start:repair.end] == "\n"
    assert repair.original_start == repair.original_end == len("the convoy reached the bridge")


def test_name_glued_to_a_sentence_opener_is_split() -> None:
    result = clean("supplies went to UkraineWhile officials argued about the cost", common_words=COMMON_WORDS)
    assert lines(result.text) == ["supplies went to Ukraine", "While officials argued about the cost"]
    assert [r.kind for r in result.repairs] == ["glued_sentence"]


def test_name_glued_to_a_name_needs_evidence_before_splitting() -> None:
    # neither half is a sentence opener and the left half is no known name: leave it
    assert clean("He met officials in PortSudan on Friday", common_words=COMMON_WORDS).text == \
        "He met officials in PortSudan on Friday"
    # a known left half is enough
    split = clean("He met officials in KassalaGedaref on Friday", common_words=COMMON_WORDS,
                  is_known_name=lambda word: word == "Kassala")
    assert "Kassala\nGedaref" in split.text


def test_kb_splits_glued_sentences_after_place_names(kb: KnowledgeBase) -> None:
    result = kb_clean(kb, "Fighting continued in DamascusThe army sent reinforcements to AleppoThey arrived late")
    assert lines(result.text) == ["Fighting continued in Damascus", "The army sent reinforcements to Aleppo",
                                  "They arrived late"]


@pytest.mark.parametrize("sentence", [
    "He watched the speech on YouTube before leaving.",
    "She filmed the strike on her iPhone and posted it.",
    "A McDonald restaurant near the square was closed.",
    "The footage was shared on WhatsApp groups overnight.",
    "He typed the report on a MacBook in the hotel lobby.",
])
def test_camel_case_brands_are_not_split(kb: KnowledgeBase, sentence: str) -> None:
    result = kb_clean(kb, sentence)
    assert result.text == sentence
    assert result.repairs == []


@pytest.mark.parametrize("sentence", [
    "The footage appeared on LinkedIn later that day.",
    "Payments were sent through PayPal to the families.",
    "Troops used StarLink terminals near the front.",
    "The clip spread quickly on TikTok overnight.",
])
def test_camel_case_brands_whose_halves_are_words_or_places_are_not_split(kb: KnowledgeBase, sentence: str) -> None:
    # "In" is a sentence opener, "Pay", "Star", "Tik" are GeoNames places somewhere:
    # neither makes a brand name two sentences
    assert kb_clean(kb, sentence).text == sentence


def test_a_name_the_kb_knows_is_never_split() -> None:
    sentence = "He wrote for openDemocracy last year."
    assert "open\nDemocracy" in clean(sentence).text  # without the KB, it looks glued
    kept = clean(sentence, is_known_name=lambda word: word == "openDemocracy")
    assert kept.text == sentence and kept.repairs == []


def test_missing_space_after_full_stop_is_inserted() -> None:
    result = clean("Rebels entered the town.The army withdrew south.")
    assert result.text == "Rebels entered the town. The army withdrew south."
    [repair] = result.repairs
    assert repair.kind == "missing_space" and result.text[repair.start:repair.end] == " "


def test_abbreviations_and_decimals_get_no_space() -> None:
    for text in ("The U.S.Army said nothing.", "Losses rose 3.5 percent.", "See www.example.org today."):
        assert clean(text).text == text


# ------------------------------------------------------------------ whitespace


def test_whitespace_is_normalised() -> None:
    raw = "  Troops   moved \t north.\r\n\r\n\n   Then\u00a0they   stopped.\u200b  \n"
    result = clean(raw)
    assert result.text == "Troops moved north.\nThen they stopped."
    assert result.repairs == []  # whitespace edits are not repairs


def test_invisible_characters_between_spaces_leave_one_space() -> None:
    assert clean("shelling resumed \u200b at dawn \ufeff\u00a0 today").text == "shelling resumed at dawn today"


def test_curly_quotes_become_straight() -> None:
    assert clean("He said “we will stay” and ‘left’.").text == "He said \"we will stay\" and 'left'."


# ------------------------------------------------------------------ offsets back to the raw text


def assert_words_map_back(raw: str, result: CleanText) -> None:
    for word in re.finditer(r"\w+", result.text):
        start, end = result.original_span(word.start(), word.end())
        assert raw[start:end] == word.group(), (word.group(), raw[start:end])


def test_to_original_maps_every_word_back() -> None:
    raw = "  Troops   moved\t\tnorth.The convoy reached the bridgeThe shelling \n\n\n resumed \u200b at dawn."
    result = clean(raw)
    assert result.text != raw
    assert_words_map_back(raw, result)
    assert result.to_original(0) == 2  # leading whitespace dropped


WORDS = st.sampled_from(["rebels", "entered", "Hama", "bridge", "The", "army", "withdrew", "Aleppo", "town",
                         "While", "convoy", "3.5", "U.S.", "said"])
JOINS = st.sampled_from([" ", "  ", "\t", "\n", "\n\n", " \n ", "\r\n", "", ".", ". ", "\u00a0", " \u200b"])


@given(st.lists(st.tuples(WORDS, JOINS), min_size=1, max_size=30), st.sampled_from(["", " ", "\n  "]))
def test_to_original_property(pieces: list[tuple[str, str]], lead: str) -> None:
    raw = lead + "".join(word + join for word, join in pieces)
    result = clean(raw, common_words=COMMON_WORDS)
    assert_words_map_back(raw, result)
    for repair in result.repairs:
        assert result.text[repair.start:repair.end] in ("\n", " ")
        assert raw[repair.original_start:repair.original_end] == ""  # repairs only insert


# ------------------------------------------------------------------ excluded spans

NEWS = [
    "Government forces shelled the northern outskirts of the town on Tuesday, residents said.",
    "Aid agencies said thousands of families had fled towards the border in recent days.",
    "The army said it had repelled an attack on its positions near the airport.",
    "A spokesman for the opposition said the fighting would continue until the town was taken.",
]
# a pasted reader comment: first person, emotive, hard-wrapped mid-sentence
COMMENT = [
    "I have lived here all my life and this is disgusting!! Shame on all of",
    "them, the world should stop watching and do something for",
    "the people who are dying every day. God help us",
]


def test_reader_comment_tail_is_excluded() -> None:
    text = "\n".join(NEWS + COMMENT)
    result = clean(text)
    [span] = result.excluded
    assert span.reason == "reader_comment"
    assert result.text[span.start:span.end] == "\n".join(COMMENT) == span.text
    assert result.is_excluded(span.start, span.start + 5)
    assert not result.is_excluded(0, len(NEWS[0]))


def test_article_ending_with_a_first_person_quote_is_not_a_comment() -> None:
    ending = ("\"I saw the tanks enter the square and I ran for my life!! God help us,\" said one resident, "
              "who gave only his first name.")
    assert clean("\n".join([*NEWS, ending])).excluded == []


def test_analyst_opinion_with_attribution_is_not_a_comment() -> None:
    ending = "The government should negotiate now, said Karim Haddad, an analyst at a research centre in Beirut."
    assert clean("\n".join([*NEWS, ending])).excluded == []


def test_comment_like_paragraph_at_the_start_is_not_a_tail() -> None:
    text = "\n".join([COMMENT[0], *NEWS, NEWS[0].replace("Tuesday", "Wednesday")])
    assert [s.reason for s in clean(text).excluded] == []


@pytest.mark.parametrize("header", ["Comments (2)", "Comments", "3 Comments", "Leave a comment", "Show all comments"])
def test_comments_header_excludes_everything_after_it(header: str) -> None:
    text = "\n".join([NEWS[0], NEWS[1], header, "Great article, thanks.", "Where is Aleppo in all this?"])
    result = clean(text)
    [span] = result.excluded
    assert span.reason == "reader_comment"
    assert result.text[span.start:] == "\n".join([header, "Great article, thanks.", "Where is Aleppo in all this?"])
    assert span.end == len(result.text)


def test_a_sentence_about_comments_is_not_a_header() -> None:
    text = "\n".join([NEWS[0], "Comments by the minister angered residents.", NEWS[1]])
    assert clean(text).excluded == []


def test_repeated_paragraph_is_excluded_once() -> None:
    text = "\n".join([NEWS[0], NEWS[1], NEWS[0], NEWS[2]])
    result = clean(text)
    [span] = result.excluded
    assert span.reason == "repeated_paragraph"
    first = result.text.index(NEWS[0])
    assert span.start > first and result.text[span.start:span.end] == NEWS[0]


def test_short_repeated_lines_are_kept() -> None:
    # a repeated short line ("Hama") is not a duplicated paragraph
    text = "\n".join(["Hama", NEWS[0], "Hama", NEWS[1]])
    assert clean(text).excluded == []


@pytest.mark.parametrize("line", ["Read more: Aid convoy reaches besieged town", "Related: Talks stall in Geneva",
                                  "Subscribe to our newsletter", "© 2024 Levant Daily. All rights reserved."])
def test_boilerplate_line_is_excluded(line: str) -> None:
    result = clean("\n".join([NEWS[0], line, NEWS[1]]))
    [span] = result.excluded
    assert span.reason == "boilerplate" and span.text == line


def test_reading_a_report_is_not_boilerplate() -> None:
    text = "\n".join([NEWS[0], "Reading the statement aloud, the governor said the town was calm.", NEWS[1]])
    assert clean(text).excluded == []


# ------------------------------------------------------------------ the fast scans agree with the regexes

# The patterns the cleaner first used, kept as oracles for the byte-class scans that replaced them.
_REFERENCE_CASE_BOUNDARY = re.compile(r"[A-Z](?<=[a-z][A-Z])(?=[a-z])")
_REFERENCE_MISSING_SPACE = re.compile(r"[.!?](?<=[a-z][a-z][.!?])[\"')\]]?(?=[A-Z][a-z])")

SCAN_PIECES = st.sampled_from([*"aZ.!?\"')] \n", "ab", "Cd", "\u00e9", "\u2013", "\u0101", "\u0130", "\U0001f600",
                               "?", "\u201c", "\u2019", "\u00a0", "\u200b", "\x07", "xY"])


@given(st.lists(SCAN_PIECES, max_size=30).map("".join))
def test_letter_class_scans_find_what_the_regexes_find(text: str) -> None:
    classes = _letter_classes(text)
    assert len(classes) == len(text)
    boundaries = [found + 1 for found in _find_all(classes, b"aAa")]
    assert boundaries == [m.start() for m in _REFERENCE_CASE_BOUNDARY.finditer(text)]
    missing = [edit[0] for edit in _edits(text, lambda _: False, frozenset()) if edit[3] == "missing_space"]
    assert missing == [m.end() for m in _REFERENCE_MISSING_SPACE.finditer(text)]


def test_every_translated_character_is_replaced() -> None:
    for code, replacement in _QUOTES.items():
        assert clean(f"x{chr(code)}x").text == f"x{replacement}x"


COMMENT_PIECES = st.sampled_from(["I ", "i'm ", "my ", "me", "God", "shame ", "hell-", "Shall ", "mine",
                                  "should ", "said ", "very wrong", "so  wrong", "!", "?", "\"", "\u0130 ", "x ",
                                  "\n", "and", "\u212a"])


@given(st.lists(COMMENT_PIECES, max_size=30).map("".join))
def test_no_paragraph_scores_three_where_no_marker_is_found(text: str) -> None:
    keys = [_paragraph_key(paragraph) for paragraph in text.split("\n")]
    if not _may_hold_comments("\n".join(keys)):
        assert all(_comment_score(paragraph) < 3 for paragraph in text.split("\n"))
    if not _may_hold_comments(text.lower()):
        assert all(_comment_score(paragraph) < 3 for paragraph in text.split("\n"))


@given(st.lists(st.sampled_from(["a", "B", " ", "  ", "\t", "\u2003", "\u0130", "\u212a", "x\u00a0"]), max_size=12)
       .map("".join))
def test_paragraph_key_is_lower_case_with_single_spaces(body: str) -> None:
    assert _paragraph_key(body) == " ".join(body.lower().split())


@given(st.lists(SCAN_PIECES, max_size=30).map("".join))
def test_every_character_to_drop_is_dropped(text: str) -> None:
    assert not re.search("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]", clean(text).text)


def _reference_excluded(text: str) -> list[tuple[int, int, str]]:
    """Excluded spans as first found: every paragraph's key kept in one set, every paragraph of
    the second half scored."""
    paragraphs = _paragraphs(text)
    comment_from = next((i for i, (s, e) in enumerate(paragraphs) if _COMMENT_HEADER.match(text, s, e)), None)
    if comment_from is None and len(paragraphs) >= 3:
        half = max(1, len(paragraphs) // 2)
        scores = [0] * half + [_comment_score(text[s:e]) for s, e in paragraphs[half:]]
        for i in range(half, len(paragraphs)):
            if scores[i] >= 3 and all(scores[j] != 0 or _dangling(text[slice(*paragraphs[j - 1])])
                                      or paragraphs[j][1] - paragraphs[j][0] <= 300
                                      for j in range(i + 1, len(paragraphs))):
                comment_from = i
                break
    excluded, seen = [], set()
    for start, end in paragraphs[:len(paragraphs) if comment_from is None else comment_from]:
        body = text[start:end]
        if len(body) < 200 and _BOILERPLATE.match(body):
            excluded.append((start, end, "boilerplate"))
            continue
        key = " ".join(body.lower().split())
        if len(key) > 40 and key in seen:
            excluded.append((start, end, "repeated_paragraph"))
        seen.add(key)
    if comment_from is not None:
        excluded.append((paragraphs[comment_from][0], len(text), "reader_comment"))
    return excluded


PARAGRAPHS = st.sampled_from([
    "Government forces shelled the northern outskirts of the town on Tuesday, residents said.",
    "GOVERNMENT FORCES shelled the northern  outskirts of the town on Tuesday, residents said.",
    "Government forces shelled the northern\u2003outskirts of the town on Tuesday, residents said.",
    "\u0130stanbul talks resumed on Monday after a pause of several weeks, diplomats said.",
    "i\u0307stanbul talks resumed on Monday after a pause of several weeks, diplomats said.",
    "\u212aharkiv was shelled again overnight, regional officials said on Telegram.",
    "kharkiv was shelled again overnight, regional officials said on Telegram.",
    "I have lived here all my life and this is disgusting!! Shame on all of", "them, God help us",
    "Read more: the war in Sudan", "Comments (3)", "short line", " ",
])


@given(st.lists(PARAGRAPHS, max_size=12).map("\n".join))
def test_excluded_spans_are_those_of_the_reference(text: str) -> None:
    assert [(span.start, span.end, span.reason) for span in find_excluded(text)] == _reference_excluded(text)
