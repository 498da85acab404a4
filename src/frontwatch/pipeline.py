"""The per-document function: one source document + the KB -> records.

It is pure (no I/O, no global state besides the loaded KB) so that engines can
run it on one core, many processes or a cluster unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from frontwatch.extract.dates import parse_published
from frontwatch.extract.events import find_events
from frontwatch.extract.mentions import find_mentions
from frontwatch.extract.quotes import find_quotes
from frontwatch.ingest.clean import CleanText, clean
from frontwatch.ingest.language import (
    ENGLISH,
    SAMPLE_CHARS,
    LanguageProfile,
    identify_language,
    mask_elisions,
    profile,
)
from frontwatch.ingest.segment import Sentence, segment
from frontwatch.kb.fold import fold_name
from frontwatch.kb.index import PLACE, KnowledgeBase
from frontwatch.records import DocumentRecord, MentionRecord, OutputRecord, SourceDocument, document_record

NOTABLE_POPULATION = 15_000


_KNOWN_NAME_TESTS: dict[str, Callable[[str], bool]] = {}


def known_name_test(kb: KnowledgeBase) -> Callable[[str], bool]:
    """A predicate telling the cleaner whether a word is a *notable* name the KB
    knows: an actor, a country, a curated place or a town of 15,000+. (Every
    second word is some hamlet's name somewhere; "Tik" must not make "TikTok" two.)
    Built once per KB."""
    test = _KNOWN_NAME_TESTS.get(kb.digest)
    if test is None:
        test = _KNOWN_NAME_TESTS[kb.digest] = _known_name_test(kb)
    return test


def _known_name_test(kb: KnowledgeBase) -> Callable[[str], bool]:
    names = kb.names
    places = kb.places

    def notable(code: int, key: str) -> bool:
        ref, kind = code >> 5, (code >> 2) & 0b111
        if kind != PLACE:
            return True
        place = places[ref]
        if place[10] or place[8] == "COUNTRY":
            return True
        # a town of some size, under its own name (not one of its many alternates)
        return place[7] >= NOTABLE_POPULATION and fold_name(place[1]) == key

    def is_known(word: str) -> bool:
        key = fold_name(word)
        return any(notable(code, key) for code in names.get(key, ())) or ("=" + word) in names

    return is_known


def article_sentences(cleaned: CleanText) -> list[Sentence]:
    """Sentences of the cleaned text outside excluded spans."""
    sentences: list[Sentence] = []
    position = 0
    for span in sorted(cleaned.excluded, key=lambda s: s.start):
        sentences.extend(segment(cleaned.text, position, span.start))
        position = max(position, span.end)
    sentences.extend(segment(cleaned.text, position, len(cleaned.text)))
    return sentences


def process(source: SourceDocument, kb: KnowledgeBase, *, events: bool = True) -> list[OutputRecord]:
    """Clean, segment, find mentions, events and quotes in one document.

    `events=False` stops after the mentions (the core pipeline: `extract --no-events`). An article
    in another language than English gets only the stages that hold for it (`ingest.language`)."""
    cleaned = clean(source.text, is_known_name=known_name_test(kb),
                    common_words=kb.lexicon.get("common_words", frozenset()))
    sha = hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest()
    doc_id = source.doc_id or hashlib.sha256(source.text.encode("utf-8")).hexdigest()[:16]
    document = document_record(
        doc_id=doc_id, title=source.title, outlet=source.outlet, url=source.url,
        published=source.published, language=None, text_sha256=sha,
        excluded=cleaned.excluded, repairs=cleaned.repairs, source=source.source, text=cleaned.text,
    )
    ranges = article_ranges(document)
    document.language = identify_language(article_text(cleaned.text, ranges), source.language)
    sentences = article_sentences(cleaned)
    if document.language != ENGLISH:
        return [document, *foreign_mentions(kb, document, sentences, ranges)]
    mentions: list[MentionRecord] = find_mentions(kb, doc_id, cleaned.text, sentences, ranges)
    if not events:
        return [document, *mentions]
    glued_starts = {repair.end for repair in cleaned.repairs if repair.kind == "glued_sentence"}
    found = find_events(kb, doc_id, cleaned.text, sentences, mentions, parse_published(source.published),
                        glued_starts)
    quotes = find_quotes(kb, doc_id, cleaned.text, sentences, mentions, media_ids(kb))
    return [document, *mentions, *found, *quotes]


# how a mention may be linked in a non-English article: by a name the KB holds (a GeoNames
# alternate, an actor's name or alias), not by English phrases or English context cues
_FOREIGN_LINKS = frozenset({"name", "alias", "short_name"})


def foreign_mentions(kb: KnowledgeBase, document: DocumentRecord, sentences: list[Sentence],
                     ranges: list[tuple[int, int]]) -> list[MentionRecord]:
    """Mentions of places and KB-named actors in an article in a language with a profile
    (`data/languages.yaml`); none in other languages."""
    language: LanguageProfile | None = profile(document.language)
    if language is None:
        return []
    text = mask_elisions(document.text, language)
    found = find_mentions(kb, document.doc_id, text, sentences, ranges)
    return [mention for mention in found
            if mention.entity_type in ("place", "actor") and mention.link in _FOREIGN_LINKS
            and mention.surface not in language.function_words
            and document.text[mention.start:mention.end] == mention.surface]


def article_text(text: str, ranges: list[tuple[int, int]], limit: int = SAMPLE_CHARS) -> str:
    """The first `limit` characters of text outside excluded spans (reader comments may be in
    another language), for the language identifier."""
    parts: list[str] = []
    size = 0
    for start, end in ranges:
        parts.append(text[start:min(end, start + limit - size)])
        size += len(parts[-1])
        if size >= limit:
            break
    return "\n".join(parts)


def media_ids(kb: KnowledgeBase) -> frozenset[str]:
    """Entity ids of news outlets (attribution kind "outlet", quote "via")."""
    return kb.derived("media_ids")  # type: ignore[no-any-return]


def article_ranges(document: DocumentRecord) -> list[tuple[int, int]]:
    """The (start, end) ranges of a document's text that are not excluded."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for span in sorted(document.excluded, key=lambda s: s.start):
        if span.start > position:
            ranges.append((position, span.start))
        position = max(position, span.end)
    if position < len(document.text):
        ranges.append((position, len(document.text)))
    return ranges
