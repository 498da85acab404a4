"""Modality and attribution of an event, from cue words around its trigger.

Precedence, strongest first: negated > hedged > hypothetical > planned >
reported > asserted. A claim that is attributed *and* hedged is hedged (the
attribution is still recorded).
"""

from __future__ import annotations

import re

from frontwatch.extract.lexicon import GatedPattern, Lexicon, gated
from frontwatch.records import Attribution, MentionRecord

NEGATION_WINDOW = 60  # characters before the trigger a negation may stand
_NOT_ONLY = re.compile(r"\bnot\s+only\b", re.IGNORECASE)
# the words each gated pattern below needs in a match (a text without them is not searched)
_ACCORDING_TO_WORDS = ("according to",)
_IF_AFTER_WORDS = ("if", "unless")
_REPORTING_AFTER_WORDS = ("said", "says", "according to", "told")
_REPORTING_LAST_WORDS = ("reported", "informed", "announced", "stated", "added", "confirmed")
_SAYING_WORDS = ("say", "said", "told", "tell", "claim", "report", "stated", "announced", "confirmed", "warned",
                 "added")
_ACCORDING_TO = gated(r"\baccording to\s+(?:the\s+)?([^,.;:]+)", re.IGNORECASE, _ACCORDING_TO_WORDS)
_REPORTING_CLAUSE = gated(r"(?:^|[,;:]\s*)([^,;:]{3,80}?)\s+(?:say|says|said|told|tell|tells|claim|claims|"
                          r"claimed|reported|reports|stated|announced|confirmed|warned|added)\b",
                          re.IGNORECASE, _SAYING_WORDS)
_PRESUPPOSED = re.compile(r"\b(?:since|after|following|before|until)\s+the\s+$", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+of\b")
_REPORTING_AFTER = gated(r",\s*(?:said|says|according to|told)\s+([^,.;]{3,60})", re.IGNORECASE, _REPORTING_AFTER_WORDS)
# a source with an apposition: "the Azawad Liberation Front (FLA), a Tuareg separatist alliance, said ..."
_REPORTING_APPOSED = gated(r"(?:^|[,;:]\s*)([^,;:]{3,80}?),\s+(?:a|an|the)\s+[^,;:\"]{3,80},\s+(?:say|says|said|"
                           r"told|tells|claim|claims|claimed|reported|reports|stated|announced|confirmed|warned|"
                           r"added)\b", re.IGNORECASE, _SAYING_WORDS)
_COMMA_SAID = gated(r",\s+(?:say|says|said|told|tells|claim|claims|claimed|reported|reports|stated|announced|"
                    r"confirmed|warned|added)\b", re.IGNORECASE, _SAYING_WORDS)
# an inverted reporting clause closing the sentence: "..., reported the regional military administration."
_REPORTING_LAST = gated(r",\s*(?:reported|informed|announced|stated|added|confirmed)\s+(the\s+[^,.;\"]{3,60})"
                        r"[.;]?\s*$", re.IGNORECASE, _REPORTING_LAST_WORDS)
# a negation does not reach past the start of another clause: "X, which is not a party to the fighting,
# has pulled back", "it does not change the map in Darfur, where the RSF is still on the offensive"
_CLAUSE_BREAK = re.compile(r"(?:,|;|:|\b(?:while|whereas|where|when|which|who|because|but)\b)", re.IGNORECASE)

# a sentence opening with a conditional clause ("If X, <trigger>"; a quote mark may open it)
_IF_FIRST = re.compile(r"[\"'“‘\s]*(?:if|unless)\b[^,;:.\"”]{2,120},", re.IGNORECASE)
# a conditional clause after the trigger ("deploy troops if a ceasefire is reached"), not "even if", "as if"
_IF_AFTER = gated(r"(?<!even )(?<!as )\b(?:if|unless)\s+(?!any\b|not\b|so\b|necessary\b|needed\b)\w",
                  re.IGNORECASE, _IF_AFTER_WORDS)

_NO_DETERMINER = re.compile(r"\bno\s+(?:[\w-]+\s+)?$", re.IGNORECASE)


def _cue(pattern: GatedPattern, text: str) -> re.Match[str] | None:
    """The first cue in text that is not a month name ("captured in May": the month, not the modal)."""
    for found in pattern.finditer(text):
        if found.group() == "May" and found.start() > 0:
            continue
        return found
    return None


def modality(lexicon: Lexicon, text: str, clause_start: int, trigger_start: int, trigger_end: int,
             clause_end: int, attributed: bool, sentence_start: int | None = None) -> str:
    """The modality of the event whose trigger is text[trigger_start:trigger_end]
    (`clause_end` is the end of the sentence; `sentence_start` lets a conditional clause reach the trigger)."""
    before = text[clause_start:trigger_start]
    if _PRESUPPOSED.search(text, max(clause_start, trigger_start - 20), trigger_start) and \
            _OF_AFTER.match(text, trigger_end):
        # "the largest gain since the capture of X": a past event the sentence takes as given,
        # whatever the mood of the sentence around it
        return "reported" if attributed else "asserted"
    near = text[max(clause_start, trigger_start - NEGATION_WINDOW):trigger_start]
    negation = lexicon.modality_before["negated"].search(near)
    if negation and not _NOT_ONLY.search(near[negation.start():]) and not _CLAUSE_BREAK.search(near, negation.end()):
        return "negated"
    if _NO_DETERMINER.search(near):
        return "negated"  # "no talks have taken place": the determiner denies the noun it governs
    if lexicon.modality_before["hedged"].search(before):
        return "hedged"
    if _cue(lexicon.modality_before["hypothetical"], before):
        return "hypothetical"
    # a nominal trigger as subject of a modal verb: "the fall of the city would mean"
    if lexicon.hypothetical_after.search(text, trigger_end, min(clause_end, trigger_end + 60)):
        after = text[trigger_end:min(clause_end, trigger_end + 60)]
        first = _cue(lexicon.hypothetical_after, after)
        if first and not re.search(r"\b(?:said|says|told)\b", after[:first.start()]):
            return "hypothetical"
    if sentence_start is not None and _conditional(text, sentence_start, trigger_start, trigger_end, clause_end):
        return "hypothetical"
    if lexicon.modality_before["planned"].search(before):
        return "planned"
    return "reported" if attributed else "asserted"


def _conditional(text: str, sentence_start: int, trigger_start: int, trigger_end: int, sentence_end: int) -> bool:
    """The main clause of a conditional: "If the police keep shooting, the protests will grow",
    "Lebanon is ready to deploy troops if a ceasefire is reached"."""
    if _IF_FIRST.match(text, sentence_start, trigger_start):
        return True
    return bool(_IF_AFTER.search(text, trigger_end, sentence_end))


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
            found = _REPORTING_LAST.search(sentence, max(0, len(sentence) - 90))
            if not found and _COMMA_SAID.search(sentence):  # (a cheap test before the costly pattern)
                found = _REPORTING_APPOSED.search(sentence)
            found = found or _REPORTING_AFTER.search(sentence)
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
