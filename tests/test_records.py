"""Records: the fast copy used on hot paths behaves like pydantic's own."""

from __future__ import annotations

from frontwatch.records import DocumentRecord, ExcludedSpan, MentionRecord, Repair, document_record, moved


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


def test_document_record_is_the_validated_record() -> None:
    excluded = [ExcludedSpan(start=5, end=9, reason="boilerplate", text="Read")]
    repairs = [Repair(kind="glued_sentence", start=3, end=4, original_start=3, original_end=3)]
    for optional in ({"title": "T", "outlet": "O", "url": "https://x.test/a", "published": "2024-01-02",
                      "language": "en"},
                     {"title": None, "outlet": None, "url": None, "published": None, "language": None}):
        values = {"doc_id": "d1", "text_sha256": "ab" * 32, "excluded": excluded, "repairs": repairs,
                  "source": "feed.jsonl", "text": "One.\nRead", **optional}
        built = document_record(**values)  # type: ignore[arg-type]
        expected = DocumentRecord(**values)  # type: ignore[arg-type]
        assert type(built) is DocumentRecord
        assert built == expected
        assert built.model_dump_json() == expected.model_dump_json()
        assert built.model_fields_set == expected.model_fields_set
        assert built.__pydantic_extra__ == expected.__pydantic_extra__
        assert built.__pydantic_private__ == expected.__pydantic_private__
        assert built.excluded is not excluded and built.excluded == excluded  # a list of its own
        built.excluded.append(excluded[0])
        assert len(excluded) == 1
