"""Modality and attribution of an event, from cue words around its trigger.

Precedence, strongest first: negated > hedged > hypothetical > planned >
reported > asserted. A claim that is attributed *and* hedged is hedged (the
attribution is still recorded).
"""

from __future__ import annotations

import re

from frontwatch.extract.lexicon import Lexicon
from frontwatch.records import Attribution, MentionRecord

NEGATION_WINDOW = 60  # characters before the trigger a negation may stand
_NOT_ONLY = re.compile(r"\bnot\s+only\b", re.IGNORECASE)
_ACCORDING_TO = re.compile(r"\baccording to\s+(?:the\s+)?([^,.;:]+)", re.IGNORECASE)
_REPORTING_CLAUSE = re.compile(r"(?:^|[,;:]\s*)([^,;:]{3,80}?)\s+(?:say|says|said|told|tell|tells|claim|claims|"
                               r"claimed|reported|reports|stated|announced|confirmed|warned|added)\b",
                               re.IGNORECASE)
_PRESUPPOSED = re.compile(r"\b(?:since|after|following|before|until)\s+the\s+$", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+of\b")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?\"\u201c\n])\s*$")
_DATE_AFTER = re.compile(r"\s+\d")
_REPORTING_AFTER = re.compile(r",\s*(?:said|says|according to|told)\s+([^,.;]{3,60})", re.IGNORECASE)


def modality(lexicon: Lexicon, text: str, clause_start: int, trigger_start: int, trigger_end: int,
             clause_end: int, attributed: bool) -> str:
    """The modality of the event whose trigger is text[trigger_start:trigger_end]."""
    before = text[clause_start:trigger_start]
    if _PRESUPPOSED.search(text, max(clause_start, trigger_start - 20), trigger_start) and \
            _OF_AFTER.match(text, trigger_end):
        # "the largest gain since the capture of X": a past event the sentence takes as given,
        # whatever the mood of the sentence around it
        return "reported" if attributed else "asserted"
    near = text[max(clause_start, trigger_start - NEGATION_WINDOW):trigger_start]
    negation = lexicon.modality_before["negated"].search(near)
    if negation and not _NOT_ONLY.search(near[negation.start():]):
        return "negated"
    if lexicon.modality_before["hedged"].search(before):
        return "hedged"
    if _modal(lexicon.modality_before["hypothetical"], text, clause_start, trigger_start):
        return "hypothetical"
    # a nominal trigger as subject of a modal verb: "the fall of the city would mean"
    first = _modal(lexicon.hypothetical_after, text, trigger_end, min(clause_end, trigger_end + 60))
    if first and not re.search(r"\b(?:said|says|told)\b", text[trigger_end:first.start()]):
        return "hypothetical"
    if lexicon.modality_before["planned"].search(before):
        return "planned"
    return "reported" if attributed else "asserted"


def _modal(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The first cue of `pattern` in text[start:end] that is not the month May ("captured in May",
    "on 11 May"): a capitalised "May" is the modal only where it opens a sentence and no date follows."""
    for found in pattern.finditer(text, start, end):
        if found.group() != "May":
            return found
        opens_sentence = _SENTENCE_OPENING.search(text, max(0, found.start() - 3), found.start())
        if opens_sentence and not _DATE_AFTER.match(text, found.end()):
            return found
    return None


def attribution(lexicon: Lexicon, text: str, start: int, end: int, mentions: list[MentionRecord],
                media_ids: frozenset[str]) -> tuple[Attribution | None, tuple[int, int] | None]:
    """Who the sentence text[start:end] is attributed to, if anyone, and the span
    of the source phrase (its mentions are sources, not actors of the event)."""
    sentence = text[start:end]
    source: str | None = None
    offset = 0
    found = _ACCORDING_TO.search(sentence)
    if found:
        source, offset = found.group(1).strip(), found.start(1)
    else:
        found = _REPORTING_CLAUSE.search(sentence)
        if found and not re.match(r"(?:it|this|that|there)\b", found.group(1).strip(), re.IGNORECASE):
            source, offset = found.group(1).strip(), found.start(1)
        else:
            found = _REPORTING_AFTER.search(sentence)
            if found:
                source, offset = found.group(1).strip(), found.start(1)
    if not source or found is None:
        return None, None
    source = re.sub(r"^(?:the|a|an)\s+", "", source, flags=re.IGNORECASE)
    source_start = start + offset
    source_end = source_start + len(found.group(1)) if found else source_start
    inside = [m for m in mentions if source_start <= m.start and m.end <= source_end + 1]
    kind = "named"
    if lexicon.anonymous_heads.search(source) and not any(m.entity_type == "person" for m in inside):
        kind = "anonymous"
    elif inside and all(m.entity_id in media_ids for m in inside):
        kind = "outlet"
    elif not inside:
        kind = "anonymous"
    return Attribution(source=source, kind=kind), (source_start, source_end)  # type: ignore[arg-type]
