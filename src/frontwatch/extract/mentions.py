"""Find and link mentions of places, actors, people and organisations.

The flow reads top to bottom:

1. tokenise each sentence and fold every token (`kb.fold`);
2. match the longest known name at each position against the KB name index;
3. find capitalised chunks no KB name explains and type them as unknown
   organisations (by head word) or people (by given name or context);
4. link: places by document context (countries mentioned, population,
   co-mentioned places); short names, generic references and demonym phrases
   to actors by what else the document mentions.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from frontwatch.ingest.segment import Sentence
from frontwatch.kb.fold import ARTICLES, TOKEN_RE, fold_token, is_capitalised, name_key
from frontwatch.kb.gazetteer import Place, distance_km
from frontwatch.kb.index import (
    ACTOR,
    ALL_CAP,
    EXACT_PREFIX,
    FIRST_CAP,
    FORCE,
    GENERIC,
    PLACE,
    SHORT_NAME,
    KnowledgeBase,
)
from frontwatch.records import MentionRecord, moved

# lower-case words allowed inside a capitalised name ("London School of Economics")
CHUNK_PARTICLES = frozenset("of de la le du des del di da al el ad ar as ash at az ez bin ibn van von der "
                            "for on to the wal wa".split())
# only these may join tokens of one name: spaces, hyphens, apostrophes
_JOINER = re.compile(r"[ \-\u2010\u2011\u2013']{1,3}")
_ATTACHED_ARTICLE = re.compile(r"(?:(?:[Aa][lrsdtzn]|[Ee][lrsdtzn]|[Aa]sh|[Ee]sh)[-\u2010\u2011]"
                               r"|(?:Al|El|Ad|Ar|Az|Ash|Ez|Ed|Er) )$")
_SLUG = re.compile(r"[^a-z0-9]+")

_APPOSITION_FILLERS = frozenset("a an the senior former deputy leading top veteran".split())


def _upper_letters() -> str:
    chars = [chr(c) for r in ((0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00), (0x391, 0x3AA), (0x400, 0x430))
             for c in range(*r) if chr(c).isupper()]
    return "".join(re.escape(ch) for ch in chars)


_Trie = dict[str, "_Trie"]


def _trie(words: Iterable[str]) -> _Trie:
    root: _Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return root


def _trie_pattern(node: _Trie) -> str:
    """An alternation of words written as a prefix tree ("ar(?:my|med)"), which the regex engine
    tries letter by letter instead of word by word; it matches exactly what the flat one matches
    where every word must be followed by a boundary."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return (alternation if alternation.startswith("(?:") else "(?:" + alternation + ")") + "?"
    return alternation


def word_alternation(words: Iterable[str]) -> str:
    """A group matching any of the words (each then followed by a boundary of the caller's)."""
    return "(?:" + _trie_pattern(_trie(words)) + ")"


_UPPER = _upper_letters()
_PARTICLE = word_alternation("al el il ul ad ed ar er as es ash esh at et az ez an en ath adh of de la le les du des "
                             "del della di da do dos das van von der den bin ibn bint for on the and y e to wal "
                             "wa".split())
_CAPWORD = "(?:[" + _UPPER + r"]\w*(?:['’‘`ʼʻ]\w+)*|\d+(?:st|nd|rd|th))"
_SEP = "(?:[ \\-\u2010\u2011\u2013]|[ \\-\u2010\u2011](?:" + _PARTICLE + "[ \\-\u2010\u2011]){1,2})"
_WINDOWS: dict[str, re.Pattern[str]] = {}


def _not_at_word_start(words: Iterable[str]) -> str:
    """A negative lookahead, placed after the first letter of a word, that fails where the word
    is one of `words` ("The": after its "T", no "he" + boundary). Written by second letter, then
    first ("h(?:(?<=Th)e|(?<=Sh)e)"), so that most words are turned down by one letter compare."""
    by_second: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    single = sorted(word for word in words if len(word) == 1)
    for word in words:
        if len(word) > 1:
            by_second[word[1]][word[0]].append(word[2:])
    branches = [re.escape(second) + "(?:" + "|".join(f"(?<={re.escape(first + second)})" + _trie_pattern(_trie(rests))
                                                      + r"\b" for first, rests in sorted(firsts.items())) + ")"
                for second, firsts in sorted(by_second.items())]
    if single:
        branches.append("(?<=[" + "".join(map(re.escape, single)) + r"])\b")
    return "(?!" + "|".join(branches) + ")"


# What a name can start with, as one character class the regex engine tests quickly: capitals,
# the decimal digits of the BMP listed (the \d category costs a Unicode lookup per character
# scanned) and every astral character as one range (the pattern then tests those for \d itself).
_BMP_DIGITS = "".join(re.escape(chr(code)) for code in range(0x10000) if chr(code).isdecimal())
_NAME_START = _UPPER + _BMP_DIGITS + "\U00010000-\U0010ffff"
# An Arabic article joined to the name (al-, el-, an-, ad-, ar-, as-, ash-, at-, az-, ez-, ed-, es-,
# et-), read behind its first letter (once a hyphen is seen there); group 1 or 2 is where the window
# starts.
_ARTICLE_BEFORE = (r"(?<=(?<![\w'’])(ash)[-\u2010\u2011].)"
                   r"|(?<=(?<![\w'’])(a[lndrstz]|e[lzdst])[-\u2010\u2011].)")
_REST_OF_NAME_WORD = ("(?<=[" + _UPPER + r"])\w*(?:['’‘`ʼʻ]\w+)*"  # the rest of a capitalised word
                      + r"|(?<=\d)\d*(?:st|nd|rd|th)")  # the rest of "21st"


def window_regex(kb: KnowledgeBase) -> re.Pattern[str]:
    """A window around every capitalised name: optional joined article, then
    capitalised words (lower-case particles allowed inside), then up to three
    lower-case words that occur inside known names ("Syrian army"). Sentence-opening
    function words ("The", "In") are skipped. Only windows are tokenised and
    looked up, which keeps per-token Python work off the common words of the
    text (measured: ~3x faster than tokenising every word).

    The pattern opens with one character class, the characters a name can start
    with, so that the regex engine skips to the next candidate in C; what must hold
    before and at that character follows it as lookbehinds (measured: 40% faster
    than opening with them). A joined article is read behind the name's first
    letter (testing every "a" and "e" of the text cost a quarter of the scan), so a
    window starts at `window_start(match)`, not always at `match.start()`."""
    pattern = _WINDOWS.get(kb.digest)
    if pattern is None:
        function_words = kb.lexicon.get("function_words", frozenset())
        skip = _not_at_word_start(function_words) if function_words else ""
        tail_words = [word for word in kb.tail_words if re.fullmatch("[a-z]+", word)]
        tail = r"(?:[ \-\u2010\u2011]" + word_alternation(tail_words) + r"(?![\w\-\u2010\u2011'’])){0,3}"
        rest = "(?:" + _SEP + _CAPWORD + ")*" + (tail if tail_words else "")
        if any(word[:1] in ("a", "e") for word in function_words):
            # a function word that may be an article would be skipped where an article starts a
            # window: test "a" and "e" as first letters, function words at each
            pattern = re.compile(
                "[" + _NAME_START + r"ae](?<![\w'’].)" + skip + "(?:" + _REST_OF_NAME_WORD
                + r"|(?:(?<=a)(?:sh|[lndrstz])|(?<=e)[lzdst])[-\u2010\u2011]" + _CAPWORD + ")" + rest)
        else:
            pattern = re.compile(
                "[" + _NAME_START + r"](?:(?<=[-\u2010\u2011].)(?:" + _ARTICLE_BEFORE + r")|(?<![\w'’].)" + skip + ")"
                + "(?:" + _REST_OF_NAME_WORD + ")" + rest)
        _WINDOWS[kb.digest] = pattern
    return pattern


def window_start(window: re.Match[str]) -> int:
    """Where a window found by `window_regex` starts: at its joined article, if any."""
    return window.start() if window.lastindex is None else window.start(window.lastindex)


_AT_OR_IN = re.compile(r"\s+(?:at|in)\s+(?:the\s+)?")
_LOWER_NEXT = re.compile(r" [a-z]")
_POSSESSIVE_END = re.compile(r"['’]s?$")
_STATE_KINDS = frozenset({"state", "state_force", "government", "intelligence"})
_VERBAL_ENDINGS = ("ing", "ly")
# "Reading the statement aloud, ...": a sentence-opening -ing/-ly word before a determiner is a verb
_VERB_OPENING = re.compile(r"[A-Z][a-z]+(?:ing|ly) (?:the|a|an|his|her|its|their|this|that|these|those|our)\b")
MIN_FOREIGN_POPULATION = 100_000  # a place outside the document's countries must be this big
CO_MENTION_KM = 300.0
# a country is a second theatre of a story when it weighs this share of the focus country
# (calibrated on the gold set: Burkina Faso in a Mali story 0.49; Russia in Syria stories <= 0.38,
# but it counts only through its towns, never through its name)
THEATRE_SHARE = 0.25

# Context of a generic phrase (see `MentionFinder._generic_context`); searched with pos/endpos,
# so `$` is the start of the phrase.
_WORD_BEFORE = re.compile(r"(?:(?<![\w'’\-])([A-Z][\w\-]*)(['’]s?)?|\))[ \u00a0]+$")
_DETERMINER_BEFORE = re.compile(r"(?<![\w'’])(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur)"
                                r"[ \u00a0]+$|\w['’]s?[ \u00a0]+$")
_WORD_AFTER = re.compile(r"[ \u00a0]+([a-z][a-z\-]*)")
# "The Arakan Army (AA), an ethnic armed group": an apposition right after a name
_APPOSITION_BEFORE = re.compile(r"(?:\)|[ \u00a0]*\([^()\n]{1,30}\))?,[ \u00a0]+an?[ \u00a0]+"
                                r"(?:[a-z\-]+[ \u00a0]+){0,2}")
_FOLLOWERS: dict[str, frozenset[str]] = {}


def noun_followers(kb: KnowledgeBase) -> frozenset[str]:
    """Lower-case words that may follow a noun subject (verbs, auxiliaries, prepositions): after
    an adjective-like generic word they show it is used as a noun ("the military said")."""
    words = _FOLLOWERS.get(kb.digest)
    if words is None:
        lexicon = kb.lexicon
        words = frozenset(w.lower() for key in ("function_words", "person_cues_after", "subject_verbs")
                          for w in lexicon.get(key, frozenset()))
        _FOLLOWERS[kb.digest] = words
    return words


@dataclass
class Token:
    start: int
    end: int
    raw: str
    key: str
    cap: bool
    sentence_start: bool


@dataclass(slots=True)
class Match:
    start: int
    end: int
    first: int  # index of first content token
    count: int  # number of content tokens
    codes: tuple[int, ...]
    candidates: Candidates  # the codes decoded


@dataclass(frozen=True, slots=True)
class Candidates:
    """The index entries of one name, decoded: what linking needs to know about them. Decoded once
    per process and code tuple (the same names recur in every article)."""

    actor_kind: int | None  # ACTOR, FORCE or SHORT_NAME: the first of these kinds among the entries
    actor_refs: tuple[int, ...]  # the entries of that kind
    counted_actor: int | None  # the first actor or force entry
    counted_country: str | None  # its country, which it makes a country of the story
    counted_weight: float  # by this much: a local armed group says where the story is, a state's forces less
    places: tuple[Place, ...]
    largest_population: int  # of those places
    population_scores: tuple[float, ...]  # the part of each place's score its size gives
    country: str | None  # ISO2 of the first country among the places
    anchor: Place | None  # the one place, if notable enough to say where the story is
    generic: bool  # generic entries among them
    generic_tags: tuple[str, ...]  # their tags and flags, in order, without repeats
    # per focus country of a story, the places not ruled out for their size (see _pick_place)
    places_by_focus: dict[str | None, tuple[tuple[Place, float], ...]] = field(default_factory=dict, compare=False)


def decode_candidates(kb: KnowledgeBase, codes: tuple[int, ...]) -> Candidates:
    by_kind: dict[int, list[int]] = {}
    for code in codes:
        by_kind.setdefault((code >> 2) & 0b111, []).append(code >> 5)
    actor_kind = next((kind for kind in (ACTOR, FORCE, SHORT_NAME) if kind in by_kind), None)
    counted = next((code >> 5 for code in codes if (code >> 2) & 0b111 in (ACTOR, FORCE)), None)
    counted_actor = kb.actors[counted] if counted is not None else None
    places = tuple(kb.place(ref) for ref in by_kind.get(PLACE, ()))
    country = next((place.country for place in places if place.feature == "COUNTRY"), None)
    # only names that are unambiguous *and* notable say where a story is;
    # a lone village match ("Sunni" -> Suni, Italy) must not vouch for itself
    anchor = places[0] if len(places) == 1 and (places[0].curated or
                                                 places[0].population >= MIN_FOREIGN_POPULATION) else None
    tags = dict.fromkeys(tag for g in by_kind.get(GENERIC, ()) for tag in kb.generic_tags[g])
    return Candidates(
        actor_kind, tuple(by_kind[actor_kind]) if actor_kind is not None else (), counted,
        counted_actor.country or None if counted_actor is not None else None,
        0.25 if counted_actor is not None and counted_actor.kind in _STATE_KINDS else 1,
        places, max((place.population for place in places), default=0),
        tuple(0.5 * math.log10(place.population + 10) for place in places),
        country, anchor, GENERIC in by_kind, tuple(tags))


_CANDIDATES: dict[str, dict[tuple[int, ...], Candidates]] = {}
# Validated records per (kind, entity, surface, how linked, side): a copy with the document's id and
# offsets is all a mention needs (validating a new record costs 8x more).
_TEMPLATES: dict[str, dict[tuple[object, ...], MentionRecord]] = {}
_MAX_CACHED_TEMPLATES = 100_000
_LINKS = {ACTOR: "alias", FORCE: "demonym", SHORT_NAME: "short_name"}
# What linking notes of an actor's record, once per document, entity, surface and link: the actor it
# counts as named (None: none), whether that is an armed group named outright (not by a generic
# phrase), and whether the surface ends as a possessive ("al-Qaeda's").
_ActorNote = tuple[int | None, bool, bool]
# What linking notes of a place name, once per document and surface: the index codes it was read
# with, the record to copy (None: no place fits), whether it may be a capitalised word opening a
# sentence rather than a town, and the country it names as the paragraph's latest place (None: none).
_PlaceNote = tuple[tuple[int, ...], MentionRecord | None, bool, str | None]
_UNPICKED = Place("", "", None, 0.0, 0.0, "", None, 0, "", 0, False)  # no place picked yet (None: none fits)
# |latitude difference| beyond which two places are surely further apart than CO_MENTION_KM
# (300 km is 2.70 degrees of a great circle; the margin absorbs rounding)
_FAR_LATITUDE = 2.75


@dataclass
class DocumentContext:
    """What the whole document says about where and who it is about."""

    country_weight: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    actor_count: dict[int, int] = field(default_factory=dict)  # times each actor was named so far
    anchors: list[Place] = field(default_factory=list)
    last_armed_group: int | None = None
    # second pass, in text order: where actors and towns were named so far
    named_actors: list[tuple[int, int]] = field(default_factory=list)  # (start, actor ref)
    named_places: list[tuple[int, str]] = field(default_factory=list)  # (start, ISO2) of sub-national places
    previous: MentionRecord | None = None  # the record just before the one being linked
    total_weight: float = 1  # the heaviest country's weight
    _focus: str | None = None
    _countries: set[str] | None = None
    _theatres: set[str] | None = None

    def freeze(self) -> None:
        """Fix focus and countries once the first pass over the document is done."""
        self._focus = max(self.country_weight, key=lambda c: self.country_weight[c], default=None)
        self._countries = {c for c, w in self.country_weight.items() if w >= 1}
        if not self._countries and self._focus:
            # weak evidence only ("Sudanese troops shelled Kadugli"): the best country still frames the story
            self._countries = {self._focus}
        top = self.country_weight[self._focus] if self._focus else 0.0
        self._theatres = {c for c, w in self.country_weight.items() if w >= 1 and w >= THEATRE_SHARE * top}
        self.total_weight = max(self.country_weight.values(), default=1)

    def focus(self) -> str | None:
        return self._focus

    def countries(self) -> set[str]:
        return self._countries if self._countries is not None else set()

    def theatres(self) -> set[str]:
        """The focus country and any country weighing nearly as much (a story on Mali and Burkina Faso)."""
        return self._theatres if self._theatres is not None else set()


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower().replace("'", "")).strip("-")


def _tokens(text: str, sentence: Sentence) -> list[Token]:
    tokens: list[Token] = []
    previous_end = sentence.start
    for match in TOKEN_RE.finditer(text, sentence.start, sentence.end):
        raw = match.group()
        opening = not tokens or not text[previous_end:match.start()].strip(" \"'(")
        tokens.append(Token(match.start(), match.end(), raw, fold_token(raw), is_capitalised(raw),
                            sentence_start=opening and all(t.key == "" for t in tokens)))
        previous_end = match.end()
    return tokens


@dataclass(frozen=True)
class WindowAnalysis:
    tokens: tuple[Token, ...]
    matches: tuple[tuple[int, int, int, int, tuple[int, ...], Candidates], ...]  # the fields of each Match
    # (first, count, wholly a KB name) of the capitalised chunks that may name an unknown person or
    # organisation, still to classify in context
    chunks: tuple[tuple[int, int, bool], ...]
    words: tuple[str, ...]  # raw words, for demonyms
    plain: bool = False  # only matches: tokens, but no demonyms and no chunks (most windows)


_ANALYSES: dict[str, dict[str, WindowAnalysis]] = {}
_MAX_CACHED_WINDOWS = 200_000


def _shifted(token: Token, offset: int) -> Token:
    return Token(token.start + offset, token.end + offset, token.raw, token.key, token.cap, token.sentence_start)


def _joinable(text: str, left: Token, right: Token) -> bool:
    return bool(_JOINER.fullmatch(text, left.end, right.start))


class MentionFinder:
    """Finds and links mentions in one document; one instance per document."""

    def __init__(self, kb: KnowledgeBase, text: str, sentences: list[Sentence],
                 ranges: list[tuple[int, int]] | None = None) -> None:
        self.kb = kb
        self.text = text
        self.sentences = sentences
        self.ranges = ranges if ranges is not None else sentences  # see find_mentions
        self.common = kb.lexicon.get("common_words", frozenset())
        self.org_heads = kb.lexicon.get("organisation_heads", frozenset())
        self.given = kb.lexicon.get("given_names", frozenset())
        self.cues_before = kb.lexicon.get("person_cues_before", frozenset())
        self.cues_after = kb.lexicon.get("person_cues_after", frozenset())
        self.place_heads = kb.lexicon.get("place_heads", frozenset())
        self._ref_by_entity = kb.actor_by_entity()
        self.window_words: list[str] = []
        self._place_memo: dict[tuple[int, ...], Place | None] = {}
        self._place_notes: dict[str, _PlaceNote] = {}
        self._actor_templates: dict[tuple[str, str, str], tuple[MentionRecord, _ActorNote]] = {}
        self._candidates = _CANDIDATES.setdefault(kb.digest, {})
        self._record_templates = _TEMPLATES.setdefault(kb.digest, {})
        self.sentence_openers: set[int] = set()
        self.window_re = window_regex(kb)
        self.sentence_starts = [s.start for s in sentences]
        self.function_words = kb.lexicon.get("function_words", frozenset())

    # ------------------------------------------------------------ matching

    def _content(self, tokens: list[Token], source: str) -> tuple[list[Token], list[bool]]:
        """Tokens without bare articles, and whether each joins the next one."""
        content = [t for t in tokens if t.key]
        joins = [
            _joinable(source, a, b) or self._joined_by_article(a, b, source)
            for a, b in zip(content, content[1:], strict=False)
        ]
        return content, joins

    def _joined_by_article(self, left: Token, right: Token, source: str) -> bool:
        between = source[left.end:right.start]
        words = TOKEN_RE.findall(between)
        return len(words) == 1 and words[0].lower() in ARTICLES and len(between) <= len(words[0]) + 3

    def _case_ok(self, code: int, tokens: list[Token]) -> bool:
        rule = code & 0b11
        if rule == ALL_CAP:
            if not (tokens[0].cap and tokens[-1].cap):
                return False
            if not all(t.cap or t.raw.lower() in CHUNK_PARTICLES for t in tokens):
                return False
            if len(tokens) == 1 and (tokens[0].raw in self.common or len(tokens[0].raw) < 3):
                return False  # "Best", "Hope", "To": words first, places second
            return True
        if rule == FIRST_CAP:
            return tokens[0].cap
        return True

    def match_sentence(self, content: list[Token], joins: list[bool], source: str) -> list[Match]:
        names = self.kb.names
        first_lengths = self.kb.first_lengths
        matches: list[Match] = []
        i = 0
        while i < len(content):
            token = content[i]
            found: Match | None = None
            if not token.cap:  # lower-case names come from the phrase pass
                i += 1
                continue
            longest = first_lengths.get(token.key, 0)
            # how far the name can extend without crossing punctuation
            reach = 1
            while reach < longest and i + reach < len(content) and joins[i + reach - 1]:
                reach += 1
            for n in range(min(longest, reach), 0, -1):
                part = content[i:i + n]
                codes = names.get(name_key([t.key for t in part]))
                if codes:
                    valid = tuple(c for c in codes if self._case_ok(c, part))
                    if valid:
                        found = Match(self._span_start(token, source), part[-1].end, i, n, valid,
                                      self._decoded(valid))
                        break
            if token.raw.isupper() and len(token.raw) > 1:
                codes = names.get(EXACT_PREFIX + token.raw)
                if codes and (found is None or found.count == 1):
                    found = Match(token.start, token.end, i, 1, codes, self._decoded(codes))
                # hyphenated acronyms ("SLM-AW") are indexed as one: join capitals linked by "-"
                n, raw = 1, token.raw
                while i + n < len(content) and n < 4 and content[i + n].raw.isupper() and \
                        source[content[i + n - 1].end:content[i + n].start] == "-":
                    raw += content[i + n].raw
                    n += 1
                    codes = names.get(EXACT_PREFIX + raw)
                    if codes and (found is None or found.count < n):
                        found = Match(token.start, content[i + n - 1].end, i, n, codes, self._decoded(codes))
            if found:
                matches.append(found)
                i += found.count
            else:
                i += 1
        return matches

    def _span_start(self, token: Token, source: str) -> int:
        """Include an attached Arabic article ("al-Bu Kamal", "al-Assad")."""
        before = source[max(0, token.start - 4):token.start]
        attached = _ATTACHED_ARTICLE.search(before)
        if attached and (attached.start() == 0 or not before[attached.start() - 1].isalnum()):
            return token.start - (len(before) - attached.start())
        return token.start

    # ------------------------------------------------------------ unknown entities

    def chunks(self, content: list[Token], joins: list[bool]) -> list[tuple[int, int]]:
        """(first, count) of maximal capitalised runs, particles allowed inside."""
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(content):
            if not content[i].cap or content[i].raw in {"The", "A", "An"}:
                i += 1
                continue
            j = i
            while j + 1 < len(content) and joins[j] and (
                content[j + 1].cap or content[j + 1].raw in CHUNK_PARTICLES
            ):
                j += 1
            while j > i and not content[j].cap:
                j -= 1
            runs.append((i, j - i + 1))
            i = j + 1
        return runs

    def _person_of_organisation(self, content: list[Token], first: int, count: int) -> tuple[int, int] | None:
        """(tokens of the person, index where the organisation starts) when an organisation
        chunk opens with a person's name followed by "of"/"at"/"from" ("X Y of the Z Forum")."""
        for k in range(first + 2, min(first + 5, first + count)):
            if content[k].raw in ("of", "at", "from"):
                names = content[first:k]
                if not all(t.cap for t in names) or any(t.raw in self.org_heads for t in names):
                    return None
                if names[0].raw not in self.given and names[0].raw not in self.cues_before and (
                        len(names) > 3 or any(t.raw in self.common for t in names)):
                    return None  # two or three plain capitalised words before "of the X Forum": a name
                org_first = k + 1
                while org_first < first + count and not content[org_first].cap:
                    org_first += 1  # skip "the"
                return (k - first, org_first) if org_first < first + count else None
        return None

    def _may_name_unknown(self, words: list[Token], whole: bool) -> bool:
        """False where `classify_chunk` surely finds no kind the chunk can take, from its words alone
        (the same tests in the same terms): most chunks never need their context looked at."""
        raws = [t.raw for t in words]
        if any(raw in self.org_heads for raw in raws[1:]) or (len(raws) >= 2 and raws[0] in self.org_heads
                                                               and any(r in CHUNK_PARTICLES for r in raws)):
            return True  # an organisation
        if not 2 <= len(raws) <= 4 or any(raw.isupper() for raw in raws):
            return False
        if any(raw in self.common or raw.lower() in CHUNK_PARTICLES for raw in raws[1:]):
            return False
        if raws[0] in self.common and raws[0] not in self.given:
            return False
        return not whole  # at best a person, and a name the gazetteer knows whole is not overruled

    def classify_chunk(self, content: list[Token], first: int, count: int) -> str | None:
        """'organisation', 'person' or None for a capitalised run no KB name covers."""
        words = content[first:first + count]
        raws = [t.raw for t in words]
        if any(raw in self.org_heads for raw in raws[1:]) or (count >= 2 and raws[0] in self.org_heads
                                                               and any(r in CHUNK_PARTICLES for r in raws)):
            return "organisation"
        if not 2 <= count <= 4 or any(raw.isupper() for raw in raws):
            return None
        following = TOKEN_RE.findall(self.text[words[-1].end:words[-1].end + 30])[:2]
        if any(word.lower() in self.place_heads for word in following):
            return None  # "the Abu Shouk displacement camp": a place name, not a person
        if any(raw in self.common or raw.lower() in CHUNK_PARTICLES for raw in raws[1:]):
            return None
        if raws[0] in self.common and raws[0] not in self.given:
            return None
        if raws[0] in self.given:
            return "person"
        before = self.text[max(0, words[0].start - 30):words[0].start].rstrip(" ,").split()
        before_two = " ".join(before[-2:])
        if before and (before[-1] in self.cues_before or before_two in self.cues_before):
            return "person"
        after = TOKEN_RE.findall(self.text[words[-1].end:words[-1].end + 40])
        # skip "a", "the", "senior", "former": ", a senior analyst at ..."
        after = [w for w in after[:4] if w.lower() not in _APPOSITION_FILLERS]
        if after and after[0] in self.cues_after:
            return "person"
        return None

    # ------------------------------------------------------------ the whole document

    def _analyse_window(self, window: str) -> WindowAnalysis:
        """Tokens, KB matches and unexplained capitalised chunks of one window, with
        offsets relative to the window. Context-free, so kept across documents (`find` looks
        them up): the same names ("Syrian army", "Deir al-Zor") recur in every article."""
        cache = _ANALYSES.setdefault(self.kb.digest, {})
        content, joins = self._content(_tokens(window, Sentence(0, len(window))), window)
        matches = self.match_sentence(content, joins, window)
        covered = {m.first + k: m for m in matches for k in range(m.count)}
        chunks: list[tuple[int, int, bool]] = []
        for first, count in self.chunks(content, joins):
            whole = first in covered and covered[first].count == count
            if count < 2 or (whole and self._is_actor_match(covered[first])):
                continue  # one word is never an unknown person or organisation
            if self._may_name_unknown(content[first:first + count], whole):
                chunks.append((first, count, whole))
        # a demonym inside a matched name ("Turkish troops") is already counted through the actor
        demonyms = tuple(t.raw for k, t in enumerate(content) if t.raw in self.kb.demonyms and k not in covered)
        found = WindowAnalysis(tuple(content), tuple((m.start, m.end, m.first, m.count, m.codes, m.candidates)
                                                      for m in matches), tuple(chunks), demonyms,
                               plain=bool(content) and not chunks and not demonyms)
        if len(cache) > _MAX_CACHED_WINDOWS:
            cache.clear()
        cache[window] = found
        return found

    def find(self, doc_id: str) -> list[MentionRecord]:
        pending: list[Match] = []
        unknown: list[tuple[int, int, str, str]] = []
        text = self.text
        analyses = _ANALYSES.setdefault(self.kb.digest, {})
        add = pending.append
        openings = set(self.sentence_starts)
        for range_start, range_end in self.ranges:
            for window in self.window_re.finditer(text, range_start, range_end):
                offset, end = window.span()
                if window.lastindex is not None:  # a joined article before the name: see window_start
                    offset = window.start(window.lastindex)
                key = text[offset:end]
                analysis = analyses.get(key) or self._analyse_window(key)
                if analysis.plain and offset not in openings:  # the usual window, handled in short
                    for start, stop, first, count, codes, candidates in analysis.matches:
                        add(Match(start + offset, stop + offset, first, count, codes, candidates))
                    continue
                if not analysis.tokens:
                    continue
                if offset in openings:
                    if _VERB_OPENING.match(text, offset):
                        continue
                    self.sentence_openers.add(offset)
                if analysis.words:
                    self.window_words.extend(analysis.words)
                if not analysis.chunks:
                    for start, stop, first, count, codes, candidates in analysis.matches:
                        add(Match(start + offset, stop + offset, first, count, codes, candidates))
                    continue
                matches = [Match(start + offset, stop + offset, first, count, codes, candidates)
                           for start, stop, first, count, codes, candidates in analysis.matches]
                content = [_shifted(t, offset) for t in analysis.tokens]
                for first, count, whole in analysis.chunks:
                    kind = self.classify_chunk(content, first, count)
                    if kind is None or (whole and kind == "person"):
                        continue  # a name the gazetteer knows whole is not overruled by context cues
                    matches = [m for m in matches if m.first + m.count <= first or m.first >= first + count]
                    if kind == "organisation":
                        split = self._person_of_organisation(content, first, count)
                        if split is not None:  # "Lena Hartmann of the Baltic Security Forum"
                            person_count, org_first = split
                            people = content[first:first + person_count]
                            unknown.append((people[0].start, people[-1].end, "person",
                                            text[people[0].start:people[-1].end]))
                            count -= org_first - first
                            first = org_first
                        # "the Syria Conflict Research Program at the London School of Economics": two
                        for k in range(first + 1, first + count):
                            if _AT_OR_IN.fullmatch(text, content[k - 1].end, content[k].start) and \
                                    content[k - 1].raw in self.org_heads and \
                                    any(t.raw in self.org_heads for t in content[k:first + count]):
                                inner = content[first:k]
                                unknown.append((inner[0].start, inner[-1].end, "organisation",
                                                text[inner[0].start:inner[-1].end]))
                                while k < first + count and not content[k].cap:
                                    k += 1  # "at the Beirut Institute": the name starts after "the"
                                count -= k - first
                                first = k
                                break
                    surface_tokens = content[first:first + count]
                    while kind == "person" and len(surface_tokens) > 2 and surface_tokens[0].raw in self.cues_before:
                        surface_tokens = surface_tokens[1:]  # "Brigadier Nabil Abdallah" -> the name
                    unknown.append((surface_tokens[0].start, surface_tokens[-1].end, kind,
                                    text[surface_tokens[0].start:surface_tokens[-1].end]))
                pending.extend(matches)
        pending = self._merge(pending, self._phrase_matches(), unknown)
        return self._link(doc_id, pending, unknown)

    def _lowered(self) -> str | None:
        """The text lower-cased for the phrase pass; None where that changes its length (offsets
        would not map back)."""
        text = self.text
        if self.kb.derived("ascii_phrases") and "\u0130" not in text and "\u212a" not in text:
            # Only ASCII letters need lower-casing to find ASCII phrases (no other character lower-
            # cases to ASCII but these two); the rest become "?", in no phrase. ~5x faster.
            return text.encode("ascii", "replace").lower().decode("ascii")
        lowered = text.lower()
        return lowered if len(lowered) == len(text) else None

    def _phrase_matches(self) -> list[Match]:
        """Lower-case names and generic phrases, found in one Aho-Corasick pass."""
        lowered = self._lowered() if self.kb.lower_phrases else None
        if lowered is None:
            return []
        text = self.text  # boundaries are read here: lower-casing keeps a character a letter or not
        found: list[Match] = []
        starts = self.sentence_starts
        for end, (phrase, codes) in self.kb.lower_automaton().iter_long(lowered):
            start = end - len(phrase) + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_'-"):
                continue
            if end + 1 < len(text) and (text[end + 1].isalnum() or text[end + 1] == "_"):
                continue
            i = bisect_right(starts, start) - 1
            if i < 0 or end + 1 > self.sentences[i].end:
                continue  # outside the article's sentences (excluded spans)
            found.append(Match(start, end + 1, -1, 0, codes, self._decoded(codes)))
        return found

    def _merge(self, pending: list[Match], phrases: list[Match],
               unknown: list[tuple[int, int, str, str]]) -> list[Match]:
        """Window matches and phrase matches together; on overlap the longer span wins, and a
        phrase that sticks out of a name keeps its rest when that is a phrase too ("the Bashar
        al-Assad regime": the person, then "regime").

        In the order of (start, longer first, windows before phrases); window matches never
        overlap one another (nor do phrases), so only those right after a phrase are compared
        one by one, the rest of a run is taken whole."""
        blocked = [(start, end) for start, end, _, _ in unknown]
        if blocked:
            phrases = [m for m in phrases if not any(s < m.end and m.start < e for s, e in blocked)]
        if not phrases:
            return pending
        merged: list[Match] = []
        starts = [m.start for m in pending]
        taken = 0
        for phrase in phrases:
            before = bisect_left(starts, phrase.start, taken)  # the window matches sorted before it
            if before < len(pending) and pending[before].start == phrase.start and \
                    pending[before].end >= phrase.end:
                before += 1
            self._merge_windows(merged, pending, taken, before)
            self._merge_one(merged, phrase)
            taken = before
        self._merge_windows(merged, pending, taken, len(pending))
        return merged

    def _merge_windows(self, merged: list[Match], pending: list[Match], first: int, stop: int) -> None:
        while first < stop and merged and pending[first].start < merged[-1].end:
            self._merge_one(merged, pending[first])
            first += 1
        merged.extend(pending[first:stop])  # clear of the last one merged, hence of each other

    def _merge_one(self, merged: list[Match], match: Match) -> None:
        if merged and match.start < merged[-1].end:
            last = merged[-1]
            if match.end - match.start > last.end - last.start:
                merged[-1] = match
            elif match.first == -1 and match.end > last.end:
                rest = self.text[last.end:match.end]
                codes = self.kb.lower_phrases.get(rest.strip(" -").lower())
                if codes and rest[:1] in " -":
                    rest_start = match.end - len(rest.lstrip(" -"))
                    merged.append(Match(rest_start, match.end, -1, 0, codes, self._decoded(codes)))
            return
        merged.append(match)

    def _is_actor_match(self, match: Match) -> bool:
        return any((code >> 2) & 0b111 in (ACTOR, SHORT_NAME, FORCE) for code in match.codes)

    def _link(self, doc_id: str, pending: list[Match],
              unknown: list[tuple[int, int, str, str]]) -> list[MentionRecord]:
        kb = self.kb
        context = DocumentContext()
        weights, openers = context.country_weight, self.sentence_openers
        for match in pending:
            candidates = match.candidates
            if candidates.counted_actor is not None:
                if candidates.counted_country:
                    weights[candidates.counted_country] += candidates.counted_weight
            elif candidates.country is not None:
                weights[candidates.country] += 2
            elif candidates.anchor is not None and not (match.start in openers and match.count == 1):
                weights[candidates.anchor.country] += 1
                context.anchors.append(candidates.anchor)
        for word in self.window_words:  # demonyms are capitalised, so they lie in windows
            iso = kb.demonyms.get(word)
            if iso:
                context.country_weight[iso] += 1

        context.freeze()
        records: list[MentionRecord] = []
        spans: list[tuple[int, int]] = []  # (start, end) of each record, read here rather than off the record
        # generic references look backwards: "the jihadists" means a group named *before* it
        actor_count: dict[int, int] = {}
        context.actor_count = actor_count
        text, named_actors = self.text, context.named_actors
        for match in pending:
            candidates = match.candidates
            noted: tuple[MentionRecord, _ActorNote] | None
            actor_kind = candidates.actor_kind
            if actor_kind is not None:  # an actor named by one of its names, a short name or a demonym + force noun
                refs = candidates.actor_refs
                ref = refs[0] if len(refs) == 1 else self._pick_actor(refs, context, short=actor_kind == SHORT_NAME)
                noted = self._actor_record(doc_id, match, text[match.start:match.end], ref, _LINKS[actor_kind],
                                           context)
            elif candidates.places:
                place_record = self._place_record(doc_id, match, candidates, context)
                if place_record is not None:  # (a place record: nothing more to note than its country)
                    records.append(place_record)
                    spans.append((match.start, match.end))
                    context.previous = place_record
                continue
            elif candidates.generic:
                noted = self._generic_record(doc_id, match, candidates, context)
                if noted is None:
                    continue
            else:
                continue
            record, (counted, armed, possessive) = noted
            records.append(record)
            spans.append((match.start, match.end))
            context.previous = record
            if counted is not None:
                # resolved generic references count too: "the rebels" keeps meaning the same group
                actor_count[counted] = actor_count.get(counted, 0) + 1
                named_actors.append((match.start, counted))
                if armed and not possessive and not text.startswith(("'s ", "’s "), match.end):
                    # "al-Qaeda's local affiliate": a possessive names the owner, not the topic
                    context.last_armed_group = counted
        known_people: dict[str, tuple[str, str]] = {}
        for start, end, kind, surface in unknown:
            entity_id = f"{kind}:{slug(surface)}"
            records.append(MentionRecord(doc_id=doc_id, start=start, end=end, surface=surface,
                                         entity_type=kind, entity_id=entity_id, name=surface,  # type: ignore[arg-type]
                                         link="unknown"))
            spans.append((start, end))
            if kind == "person":
                known_people[surface.split()[-1]] = (entity_id, surface)
        if known_people:
            self._add_surname_mentions(doc_id, known_people, records, spans)
        if sorted(spans) == spans:
            return records  # already in order (the usual case): a stable sort would keep it
        # by (start, end), stably, as sorting the records by those fields would
        return [records[i] for i in sorted(range(len(records)), key=spans.__getitem__)]

    def _add_surname_mentions(self, doc_id: str, people: dict[str, tuple[str, str]],
                              records: list[MentionRecord], spans: list[tuple[int, int]]) -> None:
        """Later references to an unknown person by surname alone ("Drevon said"), added to the
        records (and their spans) found so far."""
        taken = list(spans)
        # r"\b(Drevon|...)\b", written "(D(?<=\bD)revon|...)\b" so that the regex engine skips to
        # the surnames' first letters instead of trying every position
        pattern = re.compile("(" + "|".join(re.escape(s[0]) + r"(?<=\b" + re.escape(s[0]) + ")" + re.escape(s[1:])
                                            for s in people) + r")\b")
        for sentence in self.sentences:
            for found in pattern.finditer(self.text, sentence.start, sentence.end):
                if any(s < found.end() and found.start() < e for s, e in taken):
                    continue
                entity_id, name = people[found.group(1)]
                records.append(MentionRecord(doc_id=doc_id, start=found.start(), end=found.end(),
                                             surface=found.group(), entity_type="person", entity_id=entity_id,
                                             name=name, link="short_name"))
                spans.append(found.span())

    def _decoded(self, codes: tuple[int, ...]) -> Candidates:
        candidates = self._candidates.get(codes)
        if candidates is None:
            candidates = self._candidates[codes] = decode_candidates(self.kb, codes)
        return candidates

    def _place_record(self, doc_id: str, match: Match, candidates: Candidates,
                      context: DocumentContext) -> MentionRecord | None:
        """The place a name stands for here, if any; noted as the paragraph's latest place."""
        surface = self.text[match.start:match.end]
        note = self._place_notes.get(surface)
        if note is None or note[0] != match.codes:
            note = self._place_note(doc_id, match, candidates, context, surface)
        template, opening_word, named_country = note[1], note[2], note[3]
        if template is None:
            return None
        if opening_word and match.count == 1 and match.start in self.sentence_openers and \
                _LOWER_NEXT.match(self.text, match.end):
            return None  # "Split between two camps, ...", "Nice words ...": an opening word, not a town
        if named_country:
            context.named_places.append((match.start, named_country))
        return moved(template, doc_id, match.start, match.end)

    def _place_note(self, doc_id: str, match: Match, candidates: Candidates, context: DocumentContext,
                    surface: str) -> _PlaceNote:
        """What a place name stands for in this document (the context is fixed once the document is
        read), kept for the surface's next occurrences."""
        place = self._place_memo.get(match.codes, _UNPICKED)
        if place is _UNPICKED:
            place = self._place_memo[match.codes] = self._pick_place(candidates, context)
        if place is None:
            note: _PlaceNote = (match.codes, None, False, None)
        else:
            note = (match.codes, self._place_template(doc_id, match, place, surface),
                    not place.curated and place.feature != "COUNTRY" and place.country not in context.countries()
                    and place.population < 1_000_000,
                    place.country if place.feature != "COUNTRY" and place.country else None)
        self._place_notes.setdefault(surface, note)
        return note

    def _place_template(self, doc_id: str, match: Match, place: Place, surface: str) -> MentionRecord:
        template_key = ("place", place.entity_id, surface)
        template = self._record_templates.get(template_key)
        if template is None:
            template = self._new_template(template_key, MentionRecord(
                doc_id=doc_id, start=match.start, end=match.end, surface=surface,
                entity_type="place", entity_id=place.entity_id, name=place.name,
                link="name" if place.name == surface else "alias",
                geonames_id=place.geonames_id, lat=place.lat, lon=place.lon,
                country=place.country or None, admin1=place.admin1, feature=place.feature))
        return template

    def _generic_record(self, doc_id: str, match: Match, candidates: Candidates,
                        context: DocumentContext) -> tuple[MentionRecord, _ActorNote] | None:
        """The actor a generic phrase ("the rebels", "Sudan's army") refers to here, if any."""
        raw_tags = list(candidates.generic_tags)
        usable, owner_country, owner = self._generic_context(match, raw_tags, context)
        if not usable:
            return None
        resolved = owner if owner is not None else \
            self._resolve_generic(raw_tags, context, match.start, owner_country)
        if resolved is None:
            return None
        return self._actor_record(doc_id, match, self.text[match.start:match.end], resolved, "generic", context)

    def _generic_context(self, match: Match, raw_tags: list[str],
                         context: DocumentContext) -> tuple[bool, str | None, int | None]:
        """Whether a generic phrase refers to an actor here; the country its owner names ("Sudan's
        army", "Abiy Ahmed's government", "Kenyan riot police"); the actor it names outright when
        the phrase only heads that actor's name ("M23 rebels")."""
        text, start = self.text, match.start
        owner_country: str | None = None
        previous = context.previous
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is not None:
            word, possessive = before.group(1), before.group(2)
            named = previous is not None and previous.end >= before.start() and previous.start < start
            if word is None:
                return False, None, None  # "the Hayat Tahrir al-Sham (HTS) group": part of the name
            if word in self.kb.demonyms:
                owner_country = self.kb.demonyms[word]
            elif named and previous is not None and (possessive or previous.feature == "COUNTRY"):
                owner_country = self._country_of(previous)  # "Sudan's army", "the Kenya police"
            elif not possessive and word not in self.function_words and word not in self.common:
                ref = self._ref_of(previous) if named and previous is not None else None
                if ref is not None and set(raw_tags).intersection(self.kb.actors[ref].tags):
                    return True, None, ref  # "M23 rebels": the phrase heads the name just given
                return False, None, None  # "Houthi security forces", "the Emergency Lawyers group"
        if "@determiner" in raw_tags or "@adjective" in raw_tags:
            if not (_DETERMINER_BEFORE.search(text, max(0, start - 8), start) or self._apposition(match, previous)):
                return False, None, None  # "a medical group", "two military sources", "change of government"
        if "@adjective" in raw_tags:
            after = _WORD_AFTER.match(text, match.end)
            if after is not None:
                word = after.group(1)
                if word not in noun_followers(self.kb) and not word.endswith("ed"):
                    return False, None, None  # "the military camp", "its military mission": an adjective
        return True, owner_country, None

    def _apposition(self, match: Match, previous: MentionRecord | None) -> bool:
        """", an armed group" right after an actor's name describes that actor."""
        if previous is None or previous.entity_type not in ("actor", "organisation"):
            return False
        return previous.end < match.start <= previous.end + 50 and \
            _APPOSITION_BEFORE.fullmatch(self.text, previous.end, match.start) is not None

    def _ref_of(self, record: MentionRecord) -> int | None:
        return self.kb.derived("actor_refs").get(record.entity_id)  # type: ignore[no-any-return]

    def _country_of(self, record: MentionRecord) -> str | None:
        if record.entity_type == "place":
            return record.country
        ref = self._ref_by_entity.get(record.entity_id)
        return self.kb.actors[ref].country if ref is not None else None

    def _actor_record(self, doc_id: str, match: Match, surface: str, ref: int, link: str,
                      context: DocumentContext) -> tuple[MentionRecord, _ActorNote]:
        """A record of the actor at the match, and what linking notes of it (see `_ActorNote`)."""
        actor = self.kb.actors[ref]
        if link == "alias" and surface == actor.name:
            link = "name"
        # one record per entity id, name and link in a document (as written first)
        document_key = (actor.entity_id, surface, link)
        noted = self._actor_templates.get(document_key)
        if noted is None:
            side = actor.side_in(context.focus())  # the side in the story's theatre; kb.actor_side for others
            template_key = ("actor", ref, surface, link, side)
            template = self._record_templates.get(template_key)
            if template is None:
                template = self._new_template(template_key, MentionRecord(
                    doc_id=doc_id, start=match.start, end=match.end, surface=surface,
                    entity_type=actor.entity_type, entity_id=actor.entity_id,  # type: ignore[arg-type]
                    name=actor.name, link=link, wikidata=actor.wikidata,  # type: ignore[arg-type]
                    side=side, aliases_matched=[surface]))
            counted: int | None = None
            if actor.entity_type in ("actor", "person"):
                counted = self.kb.derived("actor_refs").get(actor.entity_id)
            armed = counted is not None and link != "generic" and \
                self.kb.actors[counted].kind in ("armed_group", "militia", "coalition")
            noted = self._actor_templates[document_key] = \
                (template, (counted, armed, _POSSESSIVE_END.search(surface) is not None))
        template, note = noted
        # with a list of its own, as a new record would have
        return moved(template, doc_id, match.start, match.end, [surface]), note

    def _new_template(self, key: tuple[object, ...], record: MentionRecord) -> MentionRecord:
        if len(self._record_templates) > _MAX_CACHED_TEMPLATES:
            self._record_templates.clear()
        self._record_templates[key] = record
        return record

    def _pick_actor(self, refs: Sequence[int], context: DocumentContext, *, short: bool) -> int:
        if len(refs) == 1:
            return refs[0]
        countries = context.countries()

        def rank(ref: int) -> tuple[int, int, int]:
            actor = self.kb.actors[ref]
            return (context.actor_count.get(ref, 0), int(actor.country in countries), -refs.index(ref))

        return max(refs, key=rank)

    def _resolve_generic(self, raw_tags: list[str], context: DocumentContext, position: int,
                         owner_country: str | None) -> int | None:
        """The actor a generic phrase refers to. In order: the actor with the tag just named
        (`recent` phrases); one the text has named in the local theatre; the theatre's default
        for the tag; for `theatre` phrases the focus country's default, else nothing; any actor
        named with the tag; the default of the heaviest country that has one."""
        if "@recent_armed_group" in raw_tags:
            return context.last_armed_group
        tags = [tag for tag in raw_tags if not tag.startswith("@")]
        wanted = set(tags)
        actors = self.kb.actors
        scoped = "@theatre" in raw_tags or owner_country is not None
        if "@recent" in raw_tags and owner_country is None:
            ref = self._just_named(wanted, context, position)
            if ref is not None:
                return ref  # "In Rafah, which Israeli forces captured, ..., the military said"
        theatre = owner_country or self._theatre_at(position, context)
        defaults = [ref for ref in (self.kb.default_actor(theatre or "", tag) for tag in tags) if ref is not None]

        def rank(ref: int) -> tuple[int, int, int]:
            return (int(actors[ref].country == theatre), context.actor_count.get(ref, 0), int(ref in defaults))

        mentioned = [ref for ref in context.actor_count if wanted.intersection(actors[ref].tags)]
        local = [ref for ref in mentioned if actors[ref].country == theatre]
        if defaults and "@recent" not in raw_tags and not scoped:
            # a camp's own word: "the rebels" are a group that is rebel first (tags [rebel, ...]),
            # not HTS (tags [jihadist, rebel]), when the theatre has a rebel camp to fall back on
            local = [ref for ref in local if actors[ref].tags[0] in wanted]
        if local:
            return max(local, key=rank)
        if defaults:
            return defaults[0]  # the theatre's own institution or camp
        if owner_country is not None:
            return None  # "Burkina Faso's police": none known, and no other country's will do
        if "@theatre" in raw_tags:
            # "the government" is the story's own country's, never a foreign one's
            focus = context.focus()
            found = [ref for ref in (self.kb.default_actor(focus or "", tag) for tag in tags) if ref is not None]
            return found[0] if found else None
        if mentioned:
            return max(mentioned, key=rank)
        for country in sorted(context.country_weight, key=lambda c: -context.country_weight[c]):
            for tag in tags:
                ref = self.kb.default_actor(country, tag)
                if ref is not None:
                    return ref
        return None

    def _just_named(self, tags: set[str], context: DocumentContext, position: int) -> int | None:
        """The last actor with one of the tags named in this sentence or the one before, in this paragraph."""
        sentence = bisect_right(self.sentence_starts, position) - 1
        for start, ref in reversed(context.named_actors):
            if bisect_right(self.sentence_starts, start) < sentence or self.text.find("\n", start, position) != -1:
                return None
            if tags.intersection(self.kb.actors[ref].tags):
                return ref
        return None

    def _theatre_at(self, position: int, context: DocumentContext) -> str | None:
        """Where this part of the story happens: the country of the last town or region named in
        the paragraph when it is one of the story's theatres, else the focus country. Country
        names do not count: a country named is often an actor ("support from Russia")."""
        theatres = context.theatres()
        for start, country in reversed(context.named_places):
            if self.text.find("\n", start, position) != -1:
                break  # earlier paragraphs do not say where this one is
            if country in theatres:
                return country
        return context.focus()

    def _pick_place(self, candidates: Candidates, context: DocumentContext) -> Place | None:
        countries = context.countries()
        if len(candidates.places) == 1:  # kept or not, no score to compare (the loop below, shortened)
            place = candidates.places[0]
            kept = place.country in countries or place.curated or place.feature == "COUNTRY" or \
                place.population >= MIN_FOREIGN_POPULATION
            if place.population < 0 and place.country != context.focus() and not place.curated:
                kept = False  # smaller than itself tenfold: what the loop's size test says of it
            return place if kept else None
        total = context.total_weight
        focus = context.focus()
        anchors = context.anchors
        best: tuple[float, Place] | None = None
        viable = candidates.places_by_focus.get(focus)
        if viable is None:  # "Geneva" is the Swiss city unless the story is about the US
            largest = candidates.largest_population
            viable = candidates.places_by_focus[focus] = tuple(
                (place, size_score)
                for place, size_score in zip(candidates.places, candidates.population_scores, strict=True)
                if not (place.country != focus and not place.curated and place.population * 10 < largest))
        for place, size_score in viable:
            country, population, curated, feature = place.country, place.population, place.curated, place.feature
            in_doc = country in countries
            if not (in_doc or curated or feature == "COUNTRY" or population >= MIN_FOREIGN_POPULATION):
                continue
            score = size_score
            if in_doc:
                score += 2 + 2 * context.country_weight[country] / total
            if curated:
                score += 1.5
            if feature == "COUNTRY":
                score += 1
            if anchors and _near_any(place, anchors):
                score += 1.5
            if best is None or score > best[0]:
                best = (score, place)
        return best[1] if best else None


def _near_any(place: Place, anchors: list[Place]) -> bool:
    """Whether another place the document names without doubt lies within CO_MENTION_KM."""
    for anchor in anchors:
        if anchor.entity_id != place.entity_id and abs(anchor.lat - place.lat) < _FAR_LATITUDE and \
                distance_km(anchor.lat, anchor.lon, place.lat, place.lon) < CO_MENTION_KM:
            return True
    return False


def find_mentions(kb: KnowledgeBase, doc_id: str, text: str, sentences: list[Sentence],
                  ranges: list[tuple[int, int]] | None = None) -> list[MentionRecord]:
    """All linked mentions in the given sentences of a cleaned text. `ranges`, where known, are the
    stretches of text the sentences cover, whitespace between them aside (`pipeline.article_ranges`):
    names are then looked for in one pass per range, not per sentence (the same names: none crosses
    a sentence boundary)."""
    return MentionFinder(kb, text, sentences, ranges).find(doc_id)
