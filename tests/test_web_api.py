"""The REST API over a real SQLite database holding the ingested examples (the seed articles)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from web_support import client, demo_database, demo_db_path, make_client  # noqa: F401 - fixtures

DEIR_EZ_ZOR = "170794"
ALEPPO = "170063"


def test_status_counts_the_stored_records(client: TestClient) -> None:
    status = client.get("/api/status").json()
    assert status["counts"]["documents"] == 2 and status["counts"]["events"] > 20
    assert status["uploads"] == "open"  # loopback, no token


def test_documents_are_paged_and_searchable(client: TestClient) -> None:
    page = client.get("/api/documents", params={"limit": 1}).json()
    assert page["total"] == 2 and page["limit"] == 1 and len(page["items"]) == 1
    second = client.get("/api/documents", params={"limit": 1, "offset": 1}).json()
    assert second["items"][0]["doc_id"] != page["items"][0]["doc_id"]
    found = client.get("/api/documents", params={"q": "BU KAMAL"}).json()  # case-insensitive words
    assert found["total"] == 1
    assert client.get("/api/documents", params={"q": "100%_"}).json()["total"] == 0  # LIKE wildcards are literal


def test_document_text_comes_with_spans_that_point_into_it(client: TestClient) -> None:
    doc_id = client.get("/api/documents").json()["items"][0]["doc_id"]
    body = client.get(f"/api/documents/{doc_id}").json()
    text = body["document"]["text"]
    kinds = {span["kind"] for span in body["spans"]}
    assert {"event", "quote"} <= kinds
    events = client.get("/api/events", params={"doc_id": doc_id, "limit": 500}).json()["items"]
    evidence = {(e["evidence"]["start"], e["evidence"]["end"]): e["evidence"]["text"] for e in events}
    for span in body["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        if span["kind"] == "event":
            assert evidence[(span["start"], span["end"])] == text[span["start"]:span["end"]]
    assert client.get("/api/documents/nope").status_code == 404


def test_events_filter_by_place_name_in_any_spelling(client: TestClient) -> None:
    by_id = client.get("/api/events", params={"place": DEIR_EZ_ZOR}).json()
    assert by_id["total"] >= 1
    assert all(e["location"]["entity_id"] == DEIR_EZ_ZOR for e in by_id["items"])
    for spelling in ("Deir Ezzour", "Deir al-Zor", "deir ez-zor"):
        assert client.get("/api/events", params={"place": spelling}).json()["total"] == by_id["total"], spelling


def test_events_filters_combine_and_page(client: TestClient) -> None:
    everything = client.get("/api/events", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"])
    page = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == total and page["items"] == everything["items"][5:10]
    battles = client.get("/api/events", params={"event_type": "Battles", "limit": 500}).json()
    assert 0 < battles["total"] < total and all(e["event_type"] == "Battles" for e in battles["items"])
    hypothetical = client.get("/api/events", params={"modality": "hypothetical", "limit": 500}).json()
    assert hypothetical["total"] >= 1 and all(e["modality"] == "hypothetical" for e in hypothetical["items"])
    actor = next(e["actor1"]["entity_id"] for e in everything["items"] if e["actor1"])
    by_actor = client.get("/api/events", params={"actor": actor, "limit": 500}).json()["items"]
    assert by_actor and all(actor in {(e["actor1"] or {}).get("entity_id"), (e["actor2"] or {}).get("entity_id")}
                            for e in by_actor)
    syria = client.get("/api/events", params={"bbox": "35.5,32.3,42.4,37.4", "limit": 500}).json()
    assert syria["total"] >= 10
    assert all(35.5 <= e["location"]["lon"] <= 42.4 for e in syria["items"])
    assert client.get("/api/events", params={"bbox": "-10,-10,-9,-9"}).json()["total"] == 0
    dated = client.get("/api/events", params={"since": "2017-01-01", "until": "2017-12-31"}).json()
    assert dated["total"] >= 1 and all(e["date"].startswith("2017") for e in dated["items"])


def test_bad_input_is_a_clear_4xx(client: TestClient) -> None:
    cases = {
        "/api/events?bbox=1,2": "expected four numbers",
        "/api/events?bbox=10,0,5,1": "min_lon <= max_lon",
        "/api/events?since=2020-01-01&until=2019-01-01": "after until",
        "/api/incidents?since=yesterday": "since",
        "/api/events?limit=100000": "limit",
        "/api/events?offset=-1": "offset",
        "/api/events?modality=maybe": "modality",
        "/api/situation?as_of=2024-13-01": "as_of",
        "/api/search?q=": "q",
    }
    for url, words in cases.items():
        response = client.get(url)
        assert response.status_code == 422, url
        assert words in response.text, (url, response.text)
    assert client.get("/api/incidents/inc-nope").json() == {"detail": "no incident with id 'inc-nope'"}


def test_incidents_are_fused_filtered_and_paged(client: TestClient) -> None:
    everything = client.get("/api/incidents", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 20
    corroborated = client.get("/api/incidents", params={"min_sources": 2}).json()
    assert 0 < corroborated["total"] < everything["total"]
    assert all(i["source_count"] >= 2 for i in corroborated["items"])
    sdf = client.get("/api/incidents", params={"side": "sdf", "place": "Deir Ezzour"}).json()["items"]
    assert sdf and all(i["location"]["entity_id"] == DEIR_EZ_ZOR for i in sdf)
    first = everything["items"][0]
    one = client.get(f"/api/incidents/{first['incident_id']}").json()
    assert one == first and one["sources"][0]["evidence"]["text"]
    words = client.get("/api/incidents", params={"q": "ring road"}).json()["items"]
    assert words and all("ring road" in " ".join(s["evidence"]["text"] for s in i["sources"]) for i in words)
    geo = client.get("/api/incidents/geojson", params={"place": "Homs"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert features and all(f["properties"]["place"] == "Homs" for f in features)


def test_situation_as_json_and_geojson(client: TestClient) -> None:
    situation = client.get("/api/situation").json()
    held = {p["place"]["entity_id"]: p["controller"] for p in situation["control"]}
    assert held[ALEPPO] == "opposition" and held[DEIR_EZ_ZOR] == "sdf"
    assert all(p["evidence"] for p in situation["control"] if p["basis"] != "capital")
    assert any(c["status"] == "cut" for c in situation["corridors"])
    geo = client.get("/api/situation/geojson").json()
    assert {f["properties"]["kind"] for f in geo["features"]} == {"control"}
    assert len(geo["features"]) == len(situation["control"])
    # the seeds carry no publication date: as of a past date nothing was known
    assert client.get("/api/situation", params={"as_of": "2020-01-01"}).json()["control"] == []


def test_timeline_replays_control_by_since_date(client: TestClient) -> None:
    replay = client.get("/api/timeline").json()
    labels = [step["label"] for step in replay["steps"]]
    assert labels[-1] == "latest" and labels.index("2017-10") < labels.index("2018")
    deir = next(p for p in replay["places"] if p["place"]["entity_id"] == DEIR_EZ_ZOR)
    first, last = deir["periods"][0], deir["periods"][-1]
    assert (first["controller"], first["since"], first["step"]) == ("government", "2017-10", labels.index("2017-10"))
    assert (last["controller"], last["since"], last["step"]) == ("sdf", None, len(labels) - 1)


def test_contradictions_quotes_and_corridors(client: TestClient) -> None:
    contradictions = client.get("/api/contradictions").json()
    assert any(c["kind"] == "whereabouts" and c["subject"] == "Bashar al-Assad" for c in contradictions)
    assert client.get("/api/contradictions", params={"kind": "control"}).json() == \
        [c for c in contradictions if c["kind"] == "control"]
    quotes = client.get("/api/quotes", params={"limit": 2}).json()
    assert quotes["total"] >= 2 and len(quotes["items"]) == 2
    assert all(q["text"] for q in quotes["items"])
    corridors = client.get("/api/corridors").json()
    assert any(c["corridor_id"] == "sy-deir-ez-zor-iraq" for c in corridors)


def test_search_finds_places_by_any_spelling(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "Deir Ezzour"}).json()
    assert DEIR_EZ_ZOR in {p["entity_id"] for p in found["places"]}
    assert found["documents"]["total"] >= 1 and found["incidents"]
    words = client.get("/api/search", params={"q": "northern ring road"}).json()
    assert words["documents"]["total"] == 1 and words["incidents"]


def test_openapi_schema_and_offline_reference(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/documents", "/api/documents/{doc_id}", "/api/events", "/api/incidents",
                 "/api/situation", "/api/situation/geojson", "/api/timeline", "/api/contradictions",
                 "/api/quotes", "/api/search"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/documents"]
    assert "/" not in schema["paths"]  # pages stay out of the API schema
    docs = client.get("/docs").text
    assert 'src="/static/swagger/swagger-ui-bundle.js"' in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/leaflet/leaflet.js").status_code == 200


def test_pages_render_the_demo(client: TestClient) -> None:
    home = client.get("/").text
    assert "Deir ez-Zor" in home and 'class="chip side-sdf"' in home
    incident_id = client.get("/api/incidents", params={"place": "Homs", "min_sources": 2}).json()["items"][0][
        "incident_id"]
    page = client.get(f"/incidents/{incident_id}").text
    assert page.count('<mark class="evidence"') >= 2  # every source's sentence, in its document
    assert "Contradictions" in client.get("/contradictions").text
    assert "Bashar al-Assad" in client.get("/contradictions").text
    assert "Deir ez-Zor" in client.get("/search", params={"q": "Deir Ezzour"}).text
    assert client.get("/incidents/inc-nope").status_code == 404
    assert "<h1>404</h1>" in client.get("/documents/nope").text
    basemap = client.get("/basemap.geojson").json()
    assert len(basemap["features"]) > 150 and {"country", "admin1"} == {f["properties"]["kind"]
                                                                       for f in basemap["features"]}


def test_the_picture_is_cached_until_the_database_changes(make_client) -> None:
    client = make_client()
    cache = client.app.state.frontwatch.pictures
    assert client.get("/api/situation").json()["control"] == []
    client.get("/api/incidents")
    client.get("/")
    assert cache.builds == 1
    article = "Syrian Democratic Forces captured Raqqa from the Islamic State on 17 October 2017."
    assert client.post("/api/documents", data={"text": article, "published": "2017-10-18"}).status_code == 201
    control = client.get("/api/situation").json()["control"]
    assert cache.builds == 2 and control
    client.get("/api/incidents")
    assert cache.builds == 2
    client.get("/api/situation", params={"as_of": "2017-10-18"})
    assert cache.builds == 3  # one picture per as_of
