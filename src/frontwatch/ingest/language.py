"""Language identification, and what the pipeline runs on an article in each language.

The identifier is py3langid (langid.py's model, shipped with the package: nothing is
downloaded). Its model loads once per process, on the first document that needs it (about
1 s: the model file is LZMA-compressed); running English text skips it (`ENGLISH_MARKERS`).

What runs, by language (docs/languages.md):
- English: everything.
- A language with a profile in `data/languages.yaml` (French, Spanish): cleaning, segmentation
  and mentions of places and KB-named actors, found through GeoNames' alternate names
  ("Alep", "Damas", "Alepo"). The English-only stages do not run: unknown people and
  organisations (English cue words), generic references and demonym phrases ("the regime",
  "Russian troops"), events (English triggers), modality and attribution, quotes.
- Any other language: the document is stored with its language, cleaned and segmented;
  no mentions, events or quotes, so no English rule ever fires on it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from frontwatch.kb.loading import DATA_DIR, load_yaml

ENGLISH = "en"
# Below these confidences the identifier's answer is not trusted and the declared language
# (else English) is kept. Calibrated on sentences written for tests/test_language.py: English
# news sentences of 40+ letters score >= 0.95; short headlines full of names ("Kadugli under
# siege") reach 0.83 for German, while one-line French, Spanish and German sentences of
# 30-40 letters score 0.95-0.996 and Arabic script 0.9999.
MIN_CONFIDENCE = 0.9
SHORT_TEXT_LETTERS = 40
SHORT_TEXT_CONFIDENCE = 0.995
# The languages the identifier chooses among: those of conflict reporting. Fewer candidates
# make short texts far more reliable (langid's 142 languages include Frisian, Walloon and
# Nigerian Pidgin, which "Rebels seized Aleppo." resembles).
CANDIDATES = ("en", "fr", "es", "de", "it", "pt", "nl", "pl", "ro", "sv", "ar", "fa", "ur", "he", "tr",
              "ru", "uk", "hi", "zh", "ja", "ko", "id", "sw", "am", "so", "ha", "my")
# Characters of article text read: a paragraph, plenty for the identifier, whose cost is linear
# in the length (about 1 ms per 100 characters: on 3,000 it took 40% of the core pipeline's time).
SAMPLE_CHARS = 1000
# English fast path: a sample whose words are this dense in English function words is English
# without asking the model (which then never loads in an English-only run). Measured on the gold
# articles, the examples and the English texts of the tests: 0.24-0.38; French, Spanish, German,
# Dutch and Arabic sentences written for the tests: 0.00-0.08.
ENGLISH_MARKERS = frozenset("the of and to was were is are said with that by from has have for on in it its after "
                            "been would their they".split())
ENGLISH_MARKER_SHARE = 0.15
ENGLISH_MIN_WORDS = 20

_WORDS = re.compile(r"[^\W\d_]+")
_lock = threading.Lock()
_identifier: Any = None


@dataclass(frozen=True)
class LanguageProfile:
    """How articles in one non-English language are read: elided articles to look past
    ("d'Alep") and capitalised function words that are never place names on their own."""

    code: str
    elision: re.Pattern[str] | None
    function_words: frozenset[str]


def _load_identifier() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(CANDIDATES))
            _identifier = identifier
    return _identifier


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) the identifier gives a text."""
    language, probability = _load_identifier().classify(text[:SAMPLE_CHARS])
    return str(language), float(probability)


def identify_language(text: str, declared: str | None = None) -> str:
    """The language of an article: the identifier's when it is confident, else the declared
    language (HTML `lang`, a corpus field), else English."""
    sample = text[:SAMPLE_CHARS]
    words = _WORDS.findall(sample.lower())
    if len(words) >= ENGLISH_MIN_WORDS and "the" in words and \
            sum(word in ENGLISH_MARKERS for word in words) >= ENGLISH_MARKER_SHARE * len(words):
        return ENGLISH
    letters = sum(len(word) for word in words)
    if letters:
        language, probability = detect(text)
        needed = MIN_CONFIDENCE if letters >= SHORT_TEXT_LETTERS else SHORT_TEXT_CONFIDENCE
        if probability >= needed:
            return language
    return declared or ENGLISH


@lru_cache(maxsize=1)
def profiles() -> dict[str, LanguageProfile]:
    """The language profiles of `data/languages.yaml`, by code."""
    path = DATA_DIR / "languages.yaml"
    found: dict[str, LanguageProfile] = {}
    for code, entry in load_yaml(path).items():
        entry = entry or {}
        elided = [re.escape(str(e)) for e in entry.get("elided") or []]
        # an elided word before a capitalised name: "d'Alep", "l'Irak", "jusqu'à"
        elision = re.compile(r"(?<!\w)(?i:" + "|".join(elided) + r")['’](?=[^\W\d_])") if elided else None
        found[str(code)] = LanguageProfile(str(code), elision,
                                           frozenset(str(w) for w in entry.get("function_words") or []))
    return found


def profile(language: str | None) -> LanguageProfile | None:
    """The profile of a non-English language whose place names are looked for; None otherwise."""
    return profiles().get(language or "")


def mask_elisions(text: str, language: LanguageProfile) -> str:
    """The text with elided words blanked ("d'Alep" -> "  Alep"): same length, so offsets into it
    are offsets into the text, and the name is found as a word of its own."""
    if language.elision is None:
        return text
    return language.elision.sub(lambda m: " " * len(m.group()), text)
