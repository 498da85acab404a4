"""Tests for frontwatch.ingest.language and what the pipeline runs on non-English articles, on
sentences written for these tests (English, French, Spanish, German, Arabic)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import Extraction
from frontwatch.ingest.language import identify_language, mask_elisions, profile

ENGLISH = ("Government forces withdrew from the northern town on Sunday after two days of heavy "
           "fighting with rebel units, residents said.")
FRENCH = ("Les forces gouvernementales se sont retirées de la ville dimanche après deux jours de "
          "violents combats contre les rebelles, selon des habitants.")
SPANISH = ("Las fuerzas del gobierno se retiraron de la ciudad el domingo después de dos días de "
           "intensos combates con los rebeldes, según los vecinos.")
GERMAN = ("Die Regierungstruppen haben sich am Sonntag nach zwei Tagen heftiger Kämpfe mit den "
          "Rebellen aus der Stadt zurückgezogen, berichteten Anwohner.")
ARABIC = "انسحبت القوات الحكومية من المدينة يوم الأحد بعد يومين من المعارك العنيفة مع المتمردين بحسب السكان."


@pytest.mark.parametrize(("text", "expected"), [
    (ENGLISH, "en"), (FRENCH, "fr"), (SPANISH, "es"), (GERMAN, "de"), (ARABIC, "ar"),
])
def test_identifies_the_language_of_a_news_sentence(text: str, expected: str) -> None:
    assert identify_language(text) == expected


def test_a_declared_language_does_not_override_a_confident_guess() -> None:
    # a site template saying lang="en" over a French article
    assert identify_language(FRENCH, "en") == "fr"


@pytest.mark.parametrize("text", ["Kadugli under siege", "Assad fled.", "HTS took Homs", "Damascus, Syria", ""])
def test_short_or_ambiguous_text_falls_back_to_the_declared_language_else_english(text: str) -> None:
    assert identify_language(text) == "en"
    assert identify_language(text, "fr") == "fr"


def test_short_text_in_arabic_script_is_still_identified() -> None:
    assert identify_language("سيطرت قوات المعارضة على مدينة حلب") == "ar"


def test_elided_articles_are_blanked_without_moving_offsets() -> None:
    french = profile("fr")
    assert french is not None
    text = "le contrôle d'Alep et l’aéroport jusqu'à Damas"
    masked = mask_elisions(text, french)
    assert len(masked) == len(text)
    assert masked == "le contrôle   Alep et   aéroport       à Damas"
    assert profile("de") is None and profile("en") is None


FRENCH_ARTICLE = (
    "Les rebelles ont lancé une offensive sur Alep et ont pris le contrôle d'Alep mercredi, selon "
    "l'Observatoire syrien des droits de l'homme. Des combats ont eu lieu près de Deraa et à "
    "Lattaquié, sur la côte, tandis que l'armée s'est retirée de Homs vers Damas. « Nous allons "
    "continuer », a déclaré un commandant, alors que des milliers de civils fuyaient vers le Liban."
)
SPANISH_ARTICLE = (
    "Los rebeldes lanzaron una ofensiva y tomaron el control de Alepo el miércoles, según el "
    "Observatorio Sirio de Derechos Humanos. Hubo combates cerca de Deraa y en Latakia, mientras el "
    "ejército se retiraba de Homs hacia Damasco. Miles de civiles huyeron hacia el Líbano y Turquía."
)


def _places(found: Extraction) -> dict[str, str | None]:
    return {m.surface: m.country for m in found.places()}


def test_french_article_is_flagged_and_its_places_found_by_alternate_names(
        extract: Callable[..., Extraction]) -> None:
    found = extract(FRENCH_ARTICLE)
    assert found.doc.language == "fr"
    places = {m.surface: m.geonames_id for m in found.places()}
    # GeoNames ids: Aleppo 170063, Damascus 170654, Latakia 173576, Homs 169577, Daraa 170905
    assert places["Alep"] == 170063  # also after "d'": "le contrôle d'Alep"
    assert places["Damas"] == 170654
    assert places["Lattaquié"] == 173576
    assert places["Homs"] == 169577
    assert places["Deraa"] == 170905
    assert places["Liban"] is not None  # the country, by its French name
    assert len([m for m in found.places() if m.surface == "Alep"]) == 2
    for mention in found.mentions:
        assert found.doc.text[mention.start:mention.end] == mention.surface


def test_no_english_rule_fires_on_a_french_article(extract: Callable[..., Extraction]) -> None:
    found = extract(FRENCH_ARTICLE)
    # "offensive", "pris le contrôle" and a quoted statement: English triggers, modality and
    # quote rules would code them; they do not run on French text
    assert found.events == [] and found.quotes == []
    # no sentence-opening function word is taken for a place ("Nous" is also Neuss, Germany),
    # no institution noun for a place, no capitalised chunk for an unknown person
    assert not {"Nous", "Les", "Des", "Observatoire"} & set(_places(found))
    assert all(m.entity_type in ("place", "actor") for m in found.mentions)


def test_spanish_article_places(extract: Callable[..., Extraction]) -> None:
    found = extract(SPANISH_ARTICLE)
    assert found.doc.language == "es"
    places = _places(found)
    assert places["Alepo"] == "SY" and places["Damasco"] == "SY" and places["Latakia"] == "SY"
    assert places["Líbano"] == "LB" and places["Turquía"] == "TR"
    assert "Observatorio" not in places and found.events == []


def test_german_and_arabic_articles_are_stored_without_mentions(extract: Callable[..., Extraction]) -> None:
    german = extract(GERMAN + " Die Rebellen haben Aleppo und Homs eingenommen.")
    arabic = extract(ARABIC)
    assert german.doc.language == "de" and german.mentions == [] and german.events == []
    assert arabic.doc.language == "ar" and arabic.mentions == [] and arabic.events == []


def test_english_article_keeps_every_stage(extract: Callable[..., Extraction]) -> None:
    found = extract("Rebel fighters seized the city of Aleppo on Wednesday after government forces "
                    "withdrew, a commander told reporters.")
    assert found.doc.language == "en"
    assert found.events and any(m.surface == "Aleppo" for m in found.places())


def test_declared_language_is_kept_for_a_short_snippet(extract: Callable[..., Extraction]) -> None:
    found = extract("Alep tombe", language="fr")
    assert found.doc.language == "fr" and found.events == []


def test_running_english_text_is_recognised_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from frontwatch.ingest import language

    def no_model(text: str) -> tuple[str, float]:
        raise AssertionError("the model was asked")

    monkeypatch.setattr(language, "detect", no_model)
    assert identify_language(ENGLISH + " " + ENGLISH) == "en"
    with pytest.raises(AssertionError, match="the model was asked"):
        identify_language(FRENCH)
