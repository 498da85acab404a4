"""Direct quotes with their speaker, the speaker's affiliation and the outlet
they spoke to ("Jerome Drevon of the International Crisis Group, who warned
The Wall Street Journal that ...")."""

from __future__ import annotations

import re

from frontwatch.ingest.segment import Sentence
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import MentionRecord, QuoteRecord, Speaker

_QUOTE = re.compile(r"\"([^\"\n]{8,1000})\"")
_SPEECH = re.compile(r"\b(?:said|says|say|told|tells|warned|warns|added|adds|stated|explained|wrote|writes|"
                     r"noted|argued|insisted|declared|tweeted|posted|asked|stressed|vowed)\b", re.IGNORECASE)
_TOLD = re.compile(r"\b(?:told|tells|warned|warns|said to|speaking to|in an interview with|wrote in|"
                   r"quoted by|cited by)\s+$", re.IGNORECASE)
_ATTACHED = re.compile(r"\s*,?\s*")  # the speaker right after the closing quote
# verbs that make their subject the speaker of a following quote ("described the pullout as")
_GROUP_SPEECH = re.compile(r"\b(?:said|says|told|tells|warned|warns|added|stated|described|describes|called|calls|"
                           r"denied|claimed|claims|insisted|vowed|announced|accused|dismissed)\b", re.IGNORECASE)
_GROUP_NOUN_SAID = re.compile(r"\bthe\s+(?:group|ministry|organisation|organization|movement|network|agency|"
                              r"military|army|government|militia|command)\s+(?:said|says|added|told|stated)\b",
                              re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|she)\s+(?:said|says|added|told|warned)\b", re.IGNORECASE)


def find_quotes(kb: KnowledgeBase, doc_id: str, text: str, sentences: list[Sentence],
                mentions: list[MentionRecord], media_ids: frozenset[str]) -> list[QuoteRecord]:
    """Every direct quote of at least two words in the given sentences."""
    quotes: list[QuoteRecord] = []
    last_speaker: MentionRecord | None = None
    previous_quoted = False  # the sentence before held a quote with a speaker
    last_group: MentionRecord | None = None  # the first group named in the latest sentence naming one
    for sentence in sentences:
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        people = [m for m in inside if m.entity_type == "person"]
        groups = [m for m in inside if m.entity_type in ("actor", "organisation") and m.entity_id not in media_ids]
        quoted = False
        for found in _QUOTE.finditer(text, sentence.start, sentence.end):
            content = found.group(1)
            if len(content.split()) < 2:
                continue
            speaker = _speaker(text, people, groups, found.start(), found.end(), sentence.end)
            if speaker is None and _PRONOUN.search(text, sentence.start, sentence.end):
                speaker = last_speaker
            if speaker is None and last_group is not None and _GROUP_NOUN_SAID.search(text, sentence.start,
                                                                                      sentence.end):
                speaker = last_group  # "..., the group said in a statement": the group named before
            if speaker is None and previous_quoted and not text[sentence.start:found.start()].strip():
                speaker = last_speaker  # a quote running on into the next sentence: same speaker
            quoted = quoted or speaker is not None
            affiliation, via = None, None
            if speaker is not None:
                last_speaker = speaker
                affiliation = _affiliation(kb, speaker, inside, found.start(), media_ids)
                via = _via(text, inside, sentence.start, found.start(), media_ids)
            quotes.append(QuoteRecord(
                doc_id=doc_id,
                speaker=Speaker(entity_id=speaker.entity_id, name=speaker.name) if speaker else None,
                affiliation=affiliation, via=via, text=content, start=found.start(1), end=found.end(1)))
        previous_quoted = quoted
        if groups:
            last_group = groups[0]
    return quotes


def _speaker(text: str, people: list[MentionRecord], groups: list[MentionRecord], start: int, end: int,
             sentence_end: int) -> MentionRecord | None:
    """Who says the quote text[start:end]: a person before it; a person or group right after it
    followed by a verb of saying ("...," Pierre Mukendi, a researcher, told AFP); else the group
    that is the subject of a verb of saying before it ("The RSF described the pullout as ...")."""
    before = [p for p in people if p.end <= start]
    if before:
        return before[-1]
    for candidates in (people, groups):
        after = [m for m in candidates if m.start >= end]
        if after and (_SPEECH.search(text, end, after[0].start)
                      or (_ATTACHED.fullmatch(text, end, after[0].start) and _SPEECH.search(text, after[0].end,
                                                                                              sentence_end))):
            return after[0]
    for group in groups:
        if group.end <= start and _GROUP_SPEECH.search(text, group.end, start):
            return group
    return None


def _affiliation(kb: KnowledgeBase, speaker: MentionRecord, inside: list[MentionRecord], limit: int,
                 media_ids: frozenset[str]) -> str | None:
    """The organisation named in the speaker's apposition, else the KB allegiance."""
    for mention in inside:
        if speaker.end <= mention.start < limit and mention.entity_type in ("organisation", "actor") \
                and mention.entity_id not in media_ids:
            return mention.name
    ref = kb.actor_by_slug.get(speaker.entity_id)
    if ref is None:
        ref = next((i for i, a in enumerate(kb.actors) if a.entity_id == speaker.entity_id), None)
    if ref is not None and kb.actors[ref].allegiance:
        ally = kb.actor_by_slug.get(kb.actors[ref].allegiance[0])
        if ally is not None:
            return kb.actors[ally].name
    return None


def _via(text: str, inside: list[MentionRecord], start: int, limit: int, media_ids: frozenset[str]) -> str | None:
    """The outlet the quote was given to: an outlet right after "told", "warned"..."""
    for mention in inside:
        if start <= mention.start < limit and mention.entity_id in media_ids:
            lead = text[max(start, mention.start - 30):mention.start]
            lead = re.sub(r"\b[Tt]he\s+$", "", lead)
            if _TOLD.search(lead):
                return mention.entity_id
    return None
