"""Unknown people and organisations next to each other (own sentences)."""

from __future__ import annotations


def test_an_organisation_at_another_is_two_organisations(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Amal Haddad, director of the Urban Resilience Unit at the Beirut Institute of Planning, "
            "told Reuters the shelters were full.")
    organisations = {m.surface for m in extract(text).mentions if m.entity_type == "organisation"}
    assert "Urban Resilience Unit" in organisations
    assert "Beirut Institute of Planning" in organisations


def test_a_person_of_an_organisation_is_split(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Tomas Berg of the Arctic Defence Forum said the drills would continue."
    mentions = extract(text).mentions
    assert {m.surface for m in mentions if m.entity_type == "person"} == {"Tomas Berg"}
    assert {m.surface for m in mentions if m.entity_type == "organisation"} == {"Arctic Defence Forum"}
