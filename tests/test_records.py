"""Records: the fast copy used on hot paths behaves like pydantic's own."""

from __future__ import annotations

from frontwatch.records import MentionRecord, moved


def _template() -> MentionRecord:
    return MentionRecord(doc_id="a", start=0, end=4, surface="Homs", entity_type="place", entity_id="169577",
                         name="Homs", geonames_id=169577, lat=34.7, lon=36.7, country="SY", feature="PPL")


def test_moved_is_model_copy_with_new_offsets() -> None:
    template = _template()
    copy = moved(template, "b", 10, 14)
    expected = template.model_copy(update={"doc_id": "b", "start": 10, "end": 14})
    assert copy == expected
    assert copy.model_dump_json() == expected.model_dump_json()
    assert copy.model_fields_set == expected.model_fields_set
    assert copy.__pydantic_extra__ == expected.__pydantic_extra__
    assert copy.__pydantic_private__ == expected.__pydantic_private__
    assert (template.doc_id, template.start) == ("a", 0)  # the template is untouched


def test_moved_copies_are_independent() -> None:
    template = _template()
    copy = moved(template, "a", 10, 14)
    copy.surface = "Hims"
    assert template.surface == "Homs"
    assert "surface" in copy.model_fields_set
    assert template.model_fields_set is not copy.model_fields_set
