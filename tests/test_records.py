"""Records: the fast copy used on hot paths behaves like pydantic's own."""

from __future__ import annotations

from frontwatch.records import MentionRecord, replaced


def _template() -> MentionRecord:
    return MentionRecord(doc_id="a", start=0, end=4, surface="Homs", entity_type="place", entity_id="169577",
                         name="Homs", geonames_id=169577, lat=34.7, lon=36.7, country="SY", feature="PPL")


def test_replaced_is_model_copy_with_update() -> None:
    template = _template()
    copy = replaced(template, doc_id="b", start=10, end=14)
    expected = template.model_copy(update={"doc_id": "b", "start": 10, "end": 14})
    assert copy == expected
    assert copy.model_dump_json() == expected.model_dump_json()
    assert copy.model_fields_set == expected.model_fields_set
    assert (template.doc_id, template.start) == ("a", 0)  # the template is untouched


def test_replaced_copies_are_independent() -> None:
    template = _template()
    copy = replaced(template, start=10, end=14)
    copy.surface = "Hims"
    assert template.surface == "Homs"
    assert copy.model_fields_set >= {"surface", "start", "end"}
