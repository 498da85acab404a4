"""Tests for frontwatch.extract.mentions on sentences written for these tests: geocoding,
country-focus disambiguation, unknown people and organisations, generic references,
demonym + force phrases, and the provenance invariant text[start:end] == surface."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Extraction
from frontwatch.extract.mentions import (
    Match,
    MentionFinder,
    find_mentions,
    window_regex,
    window_start,
    word_alternation,
)
from frontwatch.ingest.clean import clean
from frontwatch.ingest.segment import Sentence
from frontwatch.kb.gazetteer import distance_km
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import article_ranges, article_sentences, known_name_test, process
from frontwatch.records import DocumentRecord, SourceDocument

Extract = Callable[..., Extraction]

# (GeoNames id, ISO2, lat, lon) from an atlas, not from the KB; test_expected_ids_are_those_places
# checks the ids against the gazetteer so a typo here cannot pass silently.
KHARKIV = ("706483", "UA", 49.99, 36.23)
KYIV = ("703448", "UA", 50.45, 30.52)
MOSUL = ("99072", "IQ", 36.34, 43.13)
HODEIDAH = ("79415", "YE", 14.80, 42.95)
EL_FASHER = ("379555", "SD", 13.63, 25.35)
TIMBUKTU = ("2449067", "ML", 16.77, -3.01)
HAMA = ("170017", "SY", 35.13, 36.75)
HOMS = ("169577", "SY", 34.73, 36.72)
TRIPOLI_LB = ("266826", "LB", 34.44, 35.85)
TRIPOLI_LY = ("2210247", "LY", 32.89, 13.19)
PLACES = [KHARKIV, KYIV, MOSUL, HODEIDAH, EL_FASHER, TIMBUKTU, HAMA, HOMS, TRIPOLI_LB, TRIPOLI_LY]


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p[0])
def test_expected_ids_are_those_places(kb: KnowledgeBase, place: tuple[str, str, float, float]) -> None:
    entity_id, country, lat, lon = place
    found = kb.place_by_id(entity_id)
    assert found is not None and found.country == country
    assert distance_km(found.lat, found.lon, lat, lon) < 25


GEOCODING = [
    ("Russian missiles struck Kharkiv overnight, regional officials said.", "Kharkiv", KHARKIV),
    ("Shelling hit residential districts of Kharkov again on Friday.", "Kharkov", KHARKIV),
    ("Air raid sirens sounded across Kyiv before dawn.", "Kyiv", KYIV),
    ("Residents of Kiev spent the night in metro stations.", "Kiev", KYIV),
    ("Iraqi forces retook Mosul from the militants after a long siege.", "Mosul", MOSUL),
    ("Houthi fighters fired at a tanker off Hodeidah on Sunday.", "Hodeidah", HODEIDAH),
    ("Air strikes hit fuel depots in the port of Hudaydah.", "Hudaydah", HODEIDAH),
    ("The RSF shelled a market in El Fasher, killing nine people.", "Fasher", EL_FASHER),
    ("Aid trucks could not reach Al-Fashir because of the fighting.", "Al-Fashir", EL_FASHER),
    ("Jihadists have besieged Timbuktu in northern Mali for weeks.", "Timbuktu", TIMBUKTU),
    ("Boats carrying food reached Tombouctou in northern Mali by the river.", "Tombouctou", TIMBUKTU),
]


@pytest.mark.parametrize(("sentence", "surface", "place"), GEOCODING, ids=[g[1] for g in GEOCODING])
def test_places_are_geocoded(extract: Extract, sentence: str, surface: str,
                             place: tuple[str, str, float, float]) -> None:
    entity_id, country, lat, lon = place
    found = [m for m in extract(sentence).places() if surface in m.surface]
    assert len(found) == 1, [m.surface for m in extract(sentence).mentions]
    [mention] = found
    assert mention.entity_id == entity_id and mention.geonames_id == int(entity_id)
    assert mention.country == country
    assert mention.lat is not None and mention.lon is not None
    assert distance_km(mention.lat, mention.lon, lat, lon) < 25


def test_el_fasher_span_keeps_its_article(extract: Extract) -> None:
    # "El Fasher" is the name; a record whose surface reads "Fasher" misquotes the text
    [mention] = extract("The RSF shelled a market in El Fasher on Friday.").places()
    assert mention.surface == "El Fasher"


def test_spelling_variants_in_one_text_link_to_one_place(extract: Extract) -> None:
    text = ("Deir Ezzour came under fire on Monday. Residents of Deir al-Zor fled east, and by Tuesday "
            "government forces had entered Deir ez-Zor. Strikes later hit Albukamal and al-Bu Kamal, "
            "while the navy stayed in Tartous, also written Tartus.")
    ids = {m.surface: m.entity_id for m in extract(text).places()}
    assert ids["Deir Ezzour"] == ids["Deir al-Zor"] == ids["Deir ez-Zor"] == "170794"
    assert ids["Albukamal"] == ids["al-Bu Kamal"] == "174448"
    assert ids["Tartous"] == ids["Tartus"] == "163345"


# ------------------------------------------------------------------ country focus


def test_hama_in_a_syria_story_is_the_syrian_city(extract: Extract) -> None:
    text = ("Syrian rebels advanced towards Hama on Monday after taking several villages. "
            "Government forces said they had withdrawn from positions north of Hama to protect civilians.")
    places = [m for m in extract(text).places() if m.surface == "Hama"]
    assert len(places) == 2 and {m.entity_id for m in places} == {HAMA[0]}


@pytest.mark.parametrize("text", [
    "Ukrainian officials in Kyiv compared the siege of Pokrovsk with the battle for Homs.",
    "Houthi officials in Sanaa spoke of Homs as a warning.",
    "Sudanese army officers who trained in Homs now fight the RSF near Omdurman.",
    "Homs.",
])
def test_homs_never_resolves_outside_syria(extract: Extract, text: str) -> None:
    homs = [m for m in extract(text).places() if m.surface == "Homs"]
    assert [m.entity_id for m in homs] == [HOMS[0]]


@pytest.mark.parametrize(("text", "place"), [
    ("Clashes erupted in Tripoli, Lebanon's second city, as the Lebanese army deployed.", TRIPOLI_LB),
    ("Militias fought in Tripoli, the Libyan capital, for a second day.", TRIPOLI_LY),
])
def test_the_story_country_picks_between_namesakes(extract: Extract, text: str, place: tuple[str, ...]) -> None:
    [tripoli] = [m for m in extract(text).places() if m.surface == "Tripoli"]
    assert tripoli.entity_id == place[0] and tripoli.country == place[1]


def test_common_words_at_sentence_start_are_not_places(extract: Extract) -> None:
    text = ("Best of all, the convoy was not stopped. Hope faded in the camps. To the east, fighting raged. "
            "Mark the date: the talks open on Monday. Will the truce hold?")
    assert extract(text).places() == []


def test_lower_case_words_are_not_places(extract: Extract) -> None:
    text = "the best hope is to mark the day with a nice bath, reading and a split of the sale in a mobile home."
    assert extract(text).mentions == []


def test_sentence_initial_words_that_are_also_towns_are_not_places(extract: Extract) -> None:
    # "Reading", "Split", "Nice" are towns, but here they are an ordinary opening word
    text = ("Reading the statement aloud, the governor said the town was calm. "
            "Split between two camps, the council did not vote. Nice words will not feed anyone, she said.")
    assert extract(text).places() == []


# ------------------------------------------------------------------ people, organisations, actors


def test_unknown_person_and_organisation_are_recognised(extract: Extract) -> None:
    text = ("Lena Hartmann of the Baltic Security Forum said the talks had stalled. "
            "Hartmann added that neither side trusted the other.")
    mentions = extract(text).mentions
    people = [m for m in mentions if m.entity_type == "person"]
    organisations = [m for m in mentions if m.entity_type == "organisation"]
    assert [(m.surface, m.entity_id) for m in organisations] == [
        ("Baltic Security Forum", "organisation:baltic-security-forum")]
    assert [(m.surface, m.entity_id) for m in people] == [
        ("Lena Hartmann", "person:lena-hartmann"), ("Hartmann", "person:lena-hartmann")]
    assert people[1].link == "short_name"


def test_person_recognised_by_an_apposition(extract: Extract) -> None:
    text = '"The front is collapsing," said Omar Khatib, a researcher at the Levant Policy Institute.'
    result = extract(text)
    kinds = {m.surface: (m.entity_type, m.entity_id) for m in result.mentions}
    assert kinds["Omar Khatib"] == ("person", "person:omar-khatib")
    assert kinds["Levant Policy Institute"] == ("organisation", "organisation:levant-policy-institute")


def test_acronyms_match_only_as_written(extract: Extract) -> None:
    mentions = extract("The SDF said the sdf convoy and the Sdf office were hit.").mentions
    assert [(m.surface, m.entity_id) for m in mentions] == [("SDF", "sdf")]


def test_generic_reference_resolves_by_story_country(extract: Extract) -> None:
    text = "The regime shelled Idlib in north-west Syria. The regime denied it, and the rebels vowed to respond."
    generic = [(m.surface, m.entity_id, m.link) for m in extract(text).mentions if m.link == "generic"]
    assert generic == [("regime", "syrian-government", "generic"), ("regime", "syrian-government", "generic"),
                       ("rebels", "syrian-opposition", "generic")]


def test_generic_reference_prefers_the_group_named_before_it(extract: Extract) -> None:
    text = "HTS fighters advanced from Idlib. The jihadists then entered Hama."
    [jihadists] = extract(text).with_surface("jihadists")
    assert jihadists.entity_id == "hts" and jihadists.link == "generic"


def test_generic_reference_without_a_theatre_is_not_guessed(extract: Extract) -> None:
    assert [m for m in extract("The regime fell, analysts in Berlin said.").mentions if m.link == "generic"] == []


@pytest.mark.parametrize(("phrase", "country"), [
    ("Turkish troops", "TR"), ("Russian warplanes", "RU"), ("Iranian forces", "IR"), ("Jordanian soldiers", "JO"),
])
def test_demonym_force_phrases_resolve_to_that_countrys_forces(kb: KnowledgeBase, extract: Extract,
                                                               phrase: str, country: str) -> None:
    [mention] = extract(f"{phrase} were deployed near Aleppo and Manbij in northern Syria.").with_surface(phrase)
    assert mention.entity_type == "actor" and mention.link in ("alias", "demonym")
    actor = next(a for a in kb.actors if mention.entity_id in (a.entity_id, a.slug))
    assert actor.country == country and actor.kind in ("state_force", "state")
    assert mention.side == "foreign"  # in a Syria story


def test_foreign_troops_are_not_the_government_of_a_short_story(extract: Extract) -> None:
    # a demonym must not outweigh the story's own places: Turkey is not this story's state
    text = "Turkish troops shelled Kurdish positions. The SDF said its fighters held Manbij."
    [turkish] = extract(text).with_surface("Turkish troops")
    assert turkish.side == "foreign"


def test_spans_never_start_with_the(extract: Extract) -> None:
    text = ("The Syrian army and the SDF fought along the Euphrates near the Islamic State stronghold. "
            "The rebels took the town, and the regime withdrew. The Houthis fired missiles at the Red Sea.")
    mentions = extract(text).mentions
    assert len(mentions) >= 6
    for mention in mentions:
        if not mention.name.lower().startswith("the "):  # "The Hague" is a name
            assert not mention.surface.lower().startswith("the "), mention.surface


# ------------------------------------------------------------------ provenance invariant

SENTENCES = [
    "Syrian rebels entered Hama on Thursday after government forces withdrew south towards Homs.",
    "HTS said its fighters had taken Deir Ezzour, according to Syrian security sources.",
    "\"If Homs falls, I don't see how the regime can survive,\" said Jerome Drevon of the Crisis Group.",
    "Russian warplanes struck al-Bu Kamal and Albukamal overnight, the Observatory reported.",
    "Lena Hartmann of the Baltic Security Forum told Reuters the talks had stalled.",
    "Turkish troops shelled positions near Manbij on Tuesday, killing three SDF fighters.",
    "The RSF shelled El Fasher while the army held Khartoum, a UN official said.",
    "Ukrainian forces repelled an attack near Pokrovsk, Kyiv said on Monday.",
    "Israeli strikes hit Tyre and Nabatieh in southern Lebanon, Hezbollah said.",
    "Houthi fighters fired drones at ships off Hodeidah since October 2017.",
]
COMMENT_LINES = [
    "I have lived in Aleppo all my life and this is disgusting!! Shame on all of",
    "them, the world should stop the regime and do something for",
    "the people of Homs who are dying. God help us",
]
FILLER = st.text(alphabet=st.sampled_from(list("abcdefghij KLMNO .,;:!?\"'()-\u00a0\u200b\t") + ["\u2019", "\u201c"]),
                 max_size=40)
JOINS = st.sampled_from([" ", "  ", "\n", "\n\n", "", "\t", " \u200b ", "\r\n", "\u00a0"])


def assert_provenance(result: Extraction) -> None:
    text = result.doc.text
    for mention in result.mentions:
        assert text[mention.start:mention.end] == mention.surface
        assert mention.surface.strip() == mention.surface and mention.surface
    for event in result.events:
        assert text[event.evidence.start:event.evidence.end] == event.evidence.text
        assert event.trigger is not None and text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert event.evidence.start <= event.trigger.start < event.trigger.end <= event.evidence.end
    for quote in result.quotes:
        assert text[quote.start:quote.end] == quote.text
    spans = [(m.start, m.end) for m in result.mentions] + [(e.evidence.start, e.evidence.end) for e in result.events] \
        + [(q.start, q.end) for q in result.quotes]
    for excluded in result.doc.excluded:
        assert text[excluded.start:excluded.end] == excluded.text
        for start, end in spans:
            assert end <= excluded.start or start >= excluded.end, (text[start:end], excluded.reason)


def test_provenance_on_written_sentences(extract: Extract) -> None:
    result = extract("\n".join(SENTENCES + COMMENT_LINES))
    assert {e.reason for e in result.doc.excluded} == {"reader_comment"}
    assert len(result.mentions) > 20 and result.events and result.quotes
    assert_provenance(result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.sampled_from(SENTENCES), FILLER), JOINS), min_size=1, max_size=12),
       st.booleans(), st.booleans())
def test_provenance_property(extract: Extract, pieces: list[tuple[str, str]], comments: bool,
                             boilerplate: bool) -> None:
    body = [piece + join for piece, join in pieces]
    if boilerplate:
        body.insert(len(body) // 2, "\nRead more: Rebels seize Hama airport\n")
    raw = "".join(body)
    if comments:
        raw += "\n" + "\n".join(COMMENT_LINES)
    result = extract(raw)
    assert_provenance(result)
    if boilerplate:
        assert "boilerplate" in {e.reason for e in result.doc.excluded}


def _generic(result: Extraction) -> list[tuple[str, str]]:
    return [(m.surface, m.entity_id) for m in result.mentions if m.link == "generic"]


def test_military_as_an_adjective_is_no_reference(extract: Extract) -> None:
    text = ("The Sudanese army shelled Omdurman on Monday. Two military sources said the military camp near Kosti "
            "was hit, and the military said it would respond.")
    assert _generic(extract(text)) == [("military", "sudan-armed-forces")]  # only "the military said"


def test_generic_phrase_after_a_name_belongs_to_that_name(extract: Extract) -> None:
    text = ("Houthi fighters shelled Taiz on Monday. In Sanaa, Houthi security forces detained four aid workers, "
            "the Aden Lawyers group said.")
    assert _generic(extract(text)) == []


def test_generic_phrase_heading_a_name_is_that_actor(extract: Extract) -> None:
    text = "M23 rebels entered Uvira on Tuesday, and the Congolese army withdrew south."
    assert ("rebels", "m23") in _generic(extract(text))


def test_the_group_needs_a_definite_article(extract: Extract) -> None:
    text = ("Hezbollah fired rockets at Haifa on Monday. The group said it targeted a base. "
            "A medical group said three people were hurt.")
    assert _generic(extract(text)) == [("group", "Q41053")]


def test_the_group_is_not_the_owner_in_a_possessive(extract: Extract) -> None:
    text = ("JNIM, al-Qaeda's branch in the Sahel, attacked Gao on Monday. The group said it killed ten soldiers "
            "in Mali.")
    assert ("group", "jnim") in _generic(extract(text))


def test_the_government_is_the_theatres_own_state(extract: Extract) -> None:
    text = ("Protesters marched in Nairobi and Mombasa on Tuesday. The government said the finance bill would "
            "pass, and the police dispersed crowds in Kisumu. US officials urged restraint.")
    assert _generic(extract(text)) == [("government", "Q114"), ("police", "kenya-police-service")]


def test_government_forces_are_never_a_foreign_states(extract: Extract) -> None:
    text = ("The US military struck targets near Hodeidah on Saturday. Near Marib, government forces said they "
            "repelled a Houthi attack on Sunday.")
    assert ("government forces", "yemen-armed-forces") in _generic(extract(text))


def test_the_military_is_the_force_just_named(extract: Extract) -> None:
    text = ("Lebanese officials said Beirut and Tyre were calm on Monday. In Khan Younis, where Israeli forces "
            "advanced last week, the military said it destroyed a tunnel.")
    assert ("military", "idf") in _generic(extract(text))


def test_the_army_of_a_second_theatre_is_that_countrys(extract: Extract) -> None:
    text = ("JNIM attacked Gao and Timbuktu in Mali and Dori in Burkina Faso this month, and the Malian army lost a "
            "camp near Gao.\nIn Djibo and Kaya, JNIM fighters also stormed a camp, and the army said it repelled "
            "them.")
    result = extract(text)
    army = [m for m in result.mentions if m.surface == "army" and m.link == "generic"]
    assert [m.entity_id for m in army] == ["burkina-faso-armed-forces"]
    assert army[0].side == "foreign"  # the side in the story's theatre (Mali) ...


def test_actor_side_relative_to_a_country(kb: KnowledgeBase) -> None:
    # ... and in Burkina Faso itself, for events placed there
    assert kb.actor_side("burkina-faso-armed-forces", "BF") == "government"
    assert kb.actor_side("burkina-faso-armed-forces", "ML") == "foreign"
    assert kb.actor_side("Q41053", "LB") == "hezbollah" and kb.actor_side("Q41053", "SY") == "government"
    assert kb.actor_side("national-unity-government", "MM") == "opposition"  # kind government, not the state
    assert kb.actor_side("no-such-actor", "SY") is None


def test_junta_phrases_name_the_juntas_forces(extract: Extract) -> None:
    text = ("In Rakhine state, the Arakan Army fought junta troops near Sittwe, and junta warplanes bombed a "
            "village near Kyaukphyu, Myanmar.")
    generic = _generic(extract(text))
    assert ("junta troops", "myanmar-armed-forces") in generic and ("junta warplanes", "myanmar-air-force") in generic


def test_the_rebels_are_the_theatres_rebel_camp_not_a_jihadist_group(extract: Extract) -> None:
    text = ("Hayat Tahrir al-Sham took Hama on Thursday, and HTS fighters moved towards Homs. Syrian troops "
            "withdrew as the rebels advanced.")
    assert ("rebels", "syrian-opposition") in _generic(extract(text))


def test_a_generic_phrase_sticking_out_of_a_name_keeps_its_rest(extract: Extract) -> None:
    result = extract("In Damascus, the Bashar al-Assad regime faces its gravest test, Syrian officials said.")
    assert ("regime", "syrian-government") in _generic(result)
    assert [m.surface for m in result.mentions if m.entity_type == "person"] == ["Bashar al-Assad"]


def test_an_apposition_after_a_name_refers_to_it(extract: Extract) -> None:
    result = extract("The Arakan Army (AA), an ethnic armed group in Rakhine state, said it took Sittwe in Myanmar.")
    assert ("armed group", "arakan-army") in _generic(result)


def test_hyphenated_acronyms_match(extract: Extract) -> None:
    result = extract("Fighters of the SLM-AW clashed with the RSF near Tawila, in Sudan's North Darfur state.")
    assert [m.entity_id for m in result.with_surface("SLM-AW")] == ["slm-aw"]


@given(st.lists(st.text("abr", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text("abr -", max_size=12))
def test_word_alternation_matches_what_the_flat_alternation_matches(words: list[str], text: str) -> None:
    flat = re.compile("(?:" + "|".join(map(re.escape, words)) + r")(?![\w])")
    tree = re.compile(word_alternation(words) + r"(?![\w])")
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in flat.finditer(text)]


def _reference_windows(kb: KnowledgeBase, text: str) -> list[tuple[int, int]]:
    """Windows as first written: the flat pattern, then lower-case name words added in Python."""
    upper = "".join(re.escape(chr(c)) for r in ((0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00), (0x391, 0x3AA),
                                                 (0x400, 0x430)) for c in range(*r) if chr(c).isupper())
    capword = "(?:[" + upper + r"]\w*(?:['’‘`ʼʻ]\w+)*|\d+(?:st|nd|rd|th))"
    particle = ("(?:al|el|il|ul|ad|ed|ar|er|as|es|ash|esh|at|et|az|ez|an|en|ath|adh|of|de|la|le|les|du|des|del|"
                "della|di|da|do|dos|das|van|von|der|den|bin|ibn|bint|for|on|the|and|y|e|to|wal|wa)")
    separator = "(?:[ \\-\u2010\u2011\u2013]|[ \\-\u2010\u2011](?:" + particle + "[ \\-\u2010\u2011]){1,2})"
    function_words = sorted(kb.lexicon["function_words"], key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’])(?!(?:" + "|".join(map(re.escape, function_words)) + r")\b)"
                         r"(?:(?:al|el|an|ad|ar|as|ash|at|az|ez|ed|es|et)[-\u2010\u2011])?" + capword
                         + "(?:" + separator + capword + ")*")
    tail_word = re.compile(r"[ \-\u2010\u2011]([a-z]+)(?![\w\-\u2010\u2011'’])")
    windows = []
    for window in pattern.finditer(text):
        end = window.end()
        for _ in range(3):
            tail = tail_word.match(text, end)
            if tail is None or tail.group(1) not in kb.tail_words:
                break
            end = tail.end()
        windows.append((window.start(), end))
    return windows


WINDOW_PIECES = st.sampled_from([
    "al-", "Al ", "el-", "ash-", "as-", "an-", "The ", "the ", "In ", "Inside ", "A ", "a ", "e ", "It's ", "She ",
    "Shelling ", "Therein ", "By ", "Bye ", "Homs", "Syrian", "Jaysh", "Deir", " army", " forces", " air", " force",
    " al ", " de ", " of ", "-", "\u2013", " ", ".", "'", "’s", "1st", "21", "\u00c9", "\u00e9", "x", "armys", "army-",
    "\u0662", "\U0001d7d0", "\U0001f600", "nd ", "st", "ez-", "es-", "\u2010",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WINDOW_PIECES, max_size=14).map("".join))
def test_windows_are_those_of_the_reference_rules(kb: KnowledgeBase, text: str) -> None:
    assert [(window_start(m), m.end()) for m in window_regex(kb).finditer(text)] == _reference_windows(kb, text)


def test_a_window_takes_lower_case_words_of_known_names(kb: KnowledgeBase) -> None:
    text = "The Syrian army shelled al-Bab, where the Russian air force struck Idlib."
    assert [text[window_start(m):m.end()] for m in window_regex(kb).finditer(text)] == [
        "Syrian army", "al-Bab", "Russian air force", "Idlib"]


def _reference_phrases(kb: KnowledgeBase, text: str) -> list[tuple[int, int, tuple[int, ...]]]:
    """Phrase matches as first written: the automaton over text.lower(), boundaries read there."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return []
    found = []
    for end, (phrase, codes) in kb.lower_automaton().iter_long(lowered):
        start = end - len(phrase) + 1
        if start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] in "_'-"):
            continue
        if end + 1 < len(lowered) and (lowered[end + 1].isalnum() or lowered[end + 1] == "_"):
            continue
        found.append((start, end + 1, codes))
    return found


PHRASE_PIECES = st.sampled_from(["the regime", "The Regime", "THE ARMY", "army", "Armyé", "\u00e9army", "rebels",
                                 "government forces", "Government\u00a0forces", "al-Assad", "AL-QAEDA", " ", "-",
                                 "_", "'", "\u0130", "\u212a", "\u00c9", "x", "militia", "?"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PHRASE_PIECES, max_size=12).map("".join))
def test_phrases_are_those_of_the_reference_pass(kb: KnowledgeBase, text: str) -> None:
    finder = MentionFinder(kb, text, [Sentence(0, len(text))])
    found = [(m.start, m.end, m.codes) for m in finder._phrase_matches()]
    assert found == _reference_phrases(kb, text)


@dataclass
class _WordsOnly:
    """The parts of a KB the window pattern reads, with a function word an article could start."""

    digest: str = "test-lower-case-function-word"
    lexicon: dict[str, frozenset[str]] = field(default_factory=lambda: {"function_words": frozenset({"The", "al"})})
    tail_words: list[str] = field(default_factory=lambda: ["army", "air", "force"])


@settings(max_examples=200, deadline=None)
@given(st.lists(WINDOW_PIECES, max_size=14).map("".join))
def test_windows_where_a_function_word_may_be_an_article(text: str) -> None:
    kb = _WordsOnly()
    found = [(window_start(m), m.end()) for m in window_regex(kb).finditer(text)]  # type: ignore[arg-type]
    assert found == _reference_windows(kb, text)  # type: ignore[arg-type]


def _reference_merge(finder: MentionFinder, pending: list[Match], phrases: list[Match]) -> list[Match]:
    """The merge as first written: every span sorted, each compared with the last one kept."""
    spans = sorted(pending + phrases, key=lambda m: (m.start, m.start - m.end))
    merged: list[Match] = []
    for match in spans:
        if merged and match.start < merged[-1].end:
            last = merged[-1]
            if match.end - match.start > last.end - last.start:
                merged[-1] = match
            elif match.first == -1 and match.end > last.end:
                rest = finder.text[last.end:match.end]
                codes = finder.kb.lower_phrases.get(rest.strip(" -").lower())
                if codes and rest[:1] in " -":
                    rest_start = match.end - len(rest.lstrip(" -"))
                    merged.append(Match(rest_start, match.end, -1, 0, codes, finder._decoded(codes)))
            continue
        merged.append(match)
    return merged


MERGE_TEXT = "the Bashar al-Assad regime forces and the army of the rebels regime militia " * 3


def _spans(draw: Callable[..., object], first: int) -> list[Match]:
    """Sorted, non-overlapping spans over MERGE_TEXT (window matches if first >= 0, phrases if -1)."""
    cuts = sorted(set(draw(st.lists(st.integers(0, len(MERGE_TEXT)), max_size=12))))  # type: ignore[arg-type]
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if end > start:
            spans.append((start, end))
    return [Match(start, end, first if first == -1 else k, 1, (), None) for k, (start, end)  # type: ignore[arg-type]
            in enumerate(spans)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_merge_keeps_what_the_reference_merge_keeps(kb: KnowledgeBase, data: st.DataObject) -> None:
    finder = MentionFinder(kb, MERGE_TEXT, [Sentence(0, len(MERGE_TEXT))])
    pending, phrases = _spans(data.draw, 0), _spans(data.draw, -1)
    found = [(m.start, m.end, m.first, m.codes) for m in finder._merge(list(pending), list(phrases), [])]
    expected = [(m.start, m.end, m.first, m.codes) for m in _reference_merge(finder, pending, phrases)]
    assert found == expected


RANGE_TEXTS = [
    "Rebels seized Homs on Monday. The Syrian army withdrew to al-Bab.\nRead more: Syria news\n"
    "Turkish troops shelled Tal Abyad, the SDF said.\nThe army of Russia hit Idlib again.",
    "Fighting continued in DamascusThe army sent reinforcements to Aleppo.\n\nGen. Smith met Mr. Jones in "
    "Deir ez-Zor.\nI have lived here all my life and this is disgusting!! Shame on all of\nthem, God help us",
]


@pytest.mark.parametrize("text", RANGE_TEXTS)
def test_names_are_found_alike_per_range_and_per_sentence(kb: KnowledgeBase, text: str) -> None:
    document = process(SourceDocument(text=text, doc_id="d"), kb, events=False)[0]
    assert isinstance(document, DocumentRecord)
    cleaned = clean(text, is_known_name=known_name_test(kb), common_words=kb.lexicon["common_words"])
    sentences = article_sentences(cleaned)
    per_sentence = find_mentions(kb, "d", cleaned.text, sentences)
    per_range = find_mentions(kb, "d", cleaned.text, sentences, article_ranges(document))
    assert [m.model_dump() for m in per_range] == [m.model_dump() for m in per_sentence]
    assert per_sentence  # the texts do name places and actors
