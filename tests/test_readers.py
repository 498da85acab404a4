"""Tests for frontwatch.ingest.readers (and the decoding/metadata helpers it uses), on real files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
from pathlib import Path

import pytest

from frontwatch.ingest.metadata import find_published_date, normalise_date
from frontwatch.ingest.readers import iter_sources
from frontwatch.records import Skipped, SourceDocument

PARAGRAPHS = [
    "Rebel fighters led by Hayat Tahrir al-Sham entered the central city of Hama on Thursday "
    "after days of fighting with government forces around its northern approaches.",
    "The Syrian army said it had redeployed its units outside the city to protect civilians, "
    "in a statement carried by state media late in the afternoon.",
    "Residents reported heavy air strikes on the northern outskirts overnight, and thousands "
    "were seen fleeing south along the highway towards Homs.",
]

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Rebels enter Hama | Levant Daily</title>
  <meta property="og:site_name" content="Levant Daily">
  <meta property="og:title" content="Rebels enter Hama">
  <meta property="article:published_time" content="2024-12-05T10:30:00+00:00">
  <link rel="canonical" href="https://levant.example/2024/12/05/rebels-enter-hama">
  <script>window.analytics = {{"page": "article"}};</script>
</head>
<body>
  <nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
  <li><a href="/sport">Sport section</a></li><li><a href="/subscribe">Subscribe now</a></li></ul></nav>
  <main><article>
    <h1>Rebels enter Hama</h1>
    <p>{PARAGRAPHS[0]}</p>
    <p>{PARAGRAPHS[1]}</p>
    <p>{PARAGRAPHS[2]}</p>
  </article></main>
  <footer><p>Copyright 2024 Levant Daily. All rights reserved.</p>
  <p><a href="/privacy">Privacy policy</a> | <a href="/contact">Contact us</a></p></footer>
</body>
</html>
"""


def read(*paths: str | Path, **options: object) -> list[SourceDocument | Skipped]:
    return list(iter_sources([str(path) for path in paths], **options))  # type: ignore[arg-type]


def documents(records: list[SourceDocument | Skipped]) -> list[SourceDocument]:
    return [record for record in records if isinstance(record, SourceDocument)]


def skipped(records: list[SourceDocument | Skipped]) -> list[Skipped]:
    return [record for record in records if isinstance(record, Skipped)]


# ------------------------------------------------------------------ plain text and Markdown


def test_txt_first_short_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "hama.txt"
    path.write_text("Rebels enter Hama\n\nRebels entered Hama on Thursday. The army withdrew.\n")
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Rebels enter Hama"
    assert doc.text == "Rebels entered Hama on Thursday. The army withdrew."
    assert doc.doc_id == hashlib.sha256(doc.text.encode()).hexdigest()[:16]
    assert doc.source == str(path)


def test_txt_first_line_ending_in_period_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "body.txt"
    path.write_text("The city of Homs is resisting the assault.\r\nThe army holds the ring road.\r\n")
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.title is None
    # Windows line endings are normalised, and both lines stay in the text.
    assert doc.text == "The city of Homs is resisting the assault.\nThe army holds the ring road."


def test_markdown_heading_and_front_matter(tmp_path: Path) -> None:
    plain = tmp_path / "a.md"
    plain.write_text("# Homs under pressure\n\nThe Russian air force is **intensifying** its strikes.\n")
    front = tmp_path / "b.md"
    front.write_text(
        "---\ntitle: Deir ez-Zor changes hands\ndate: 2024-12-06\nsource: Levant Daily\n"
        "url: https://levant.example/dez\n---\nThe SDF took Deir ez-Zor, the army said.\n"
    )
    first, second = read(plain, front)
    assert isinstance(first, SourceDocument) and isinstance(second, SourceDocument)
    assert first.title == "Homs under pressure"
    assert first.text == "The Russian air force is **intensifying** its strikes."
    assert second.title == "Deir ez-Zor changes hands"
    assert second.published == "2024-12-06"
    assert second.outlet == "Levant Daily"
    assert second.url == "https://levant.example/dez"
    assert second.text == "The SDF took Deir ez-Zor, the army said."


# ------------------------------------------------------------------ HTML


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "hama.html"
    path.write_text(ARTICLE_HTML)
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    lines = doc.text.split("\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in lines  # each paragraph on its own line, not glued to the next
    for boilerplate in ("World news", "Subscribe now", "Privacy policy", "All rights reserved", "analytics"):
        assert boilerplate not in doc.text
    assert not doc.text.startswith("Rebels enter Hama")  # the headline is the title, not body text
    assert doc.title == "Rebels enter Hama"
    assert doc.outlet == "Levant Daily"
    assert doc.published == "2024-12-05"
    assert doc.url == "https://levant.example/2024/12/05/rebels-enter-hama"
    assert doc.language == "en"


def test_truncated_html_keeps_what_it_has(tmp_path: Path) -> None:
    cut = ARTICLE_HTML.index("<p>", ARTICLE_HTML.index(PARAGRAPHS[1])) + 2  # inside the third <p
    path = tmp_path / "cut.htm"
    path.write_text(ARTICLE_HTML[:cut])
    [record] = read(path)
    # lxml recovers the tree: the complete paragraphs survive, the cut one is gone.
    assert isinstance(record, SourceDocument)
    assert PARAGRAPHS[0] in record.text and PARAGRAPHS[1] in record.text
    assert PARAGRAPHS[2] not in record.text
    assert record.title == "Rebels enter Hama"


def test_html_without_article_falls_back_to_body_text(tmp_path: Path) -> None:
    path = tmp_path / "short.html"
    path.write_text("<html><body><div>Clashes near Tartous.</div><div>Two killed.</div></body></html>")
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert "Clashes near Tartous." in doc.text and "Two killed." in doc.text
    assert "Tartous.Two" not in doc.text  # block elements are not glued together


def test_html_without_any_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>x</title><script>var a = 1;</script></head><body> </body></html>")
    [record] = read(path)
    assert isinstance(record, Skipped)
    assert record.reason == "no article text found in HTML"


def test_html_in_windows_1252_uses_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "legacy.html"
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Le café à Alep – fermé.</p></body></html>'
    path.write_bytes(page.encode("cp1252"))
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert "Le café à Alep – fermé." in doc.text


# ------------------------------------------------------------------ JSONL


def test_jsonl_bad_line_in_the_middle_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": 101, "text": "Rebels entered Aleppo.", "title": "Aleppo", "outlet": "A"}),
        '{"id": 102, "text": "broken',
        json.dumps(["not", "an", "object"]),
        json.dumps({"doc_id": "x-3", "body": "The army withdrew from Hama.", "date": "6 December 2024"}),
        "",
        json.dumps({"title": "no text here"}),
        json.dumps({"content": "Strikes on Idlib.\u0000", "source": "B", "language": "fr-FR"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    records = read(path)
    docs = documents(records)
    assert [doc.source for doc in docs] == [f"{path}:1", f"{path}:4", f"{path}:7"]
    assert [doc.doc_id for doc in docs][:2] == ["101", "x-3"]
    assert docs[0].title == "Aleppo" and docs[0].outlet == "A"
    assert docs[1].published == "2024-12-06"
    assert docs[2].text == "Strikes on Idlib."  # the NUL is gone
    assert docs[2].outlet == "B" and docs[2].language == "fr"
    assert docs[2].doc_id == hashlib.sha256(b"Strikes on Idlib.").hexdigest()[:16]
    problems = {record.source: record.reason for record in skipped(records)}
    assert set(problems) == {f"{path}:2", f"{path}:3", f"{path}:6"}
    assert "not valid JSON" in problems[f"{path}:2"]
    assert "object" in problems[f"{path}:3"]
    assert "text" in problems[f"{path}:6"]


def test_jsonl_line_over_the_limit_is_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    with path.open("w") as handle:
        handle.write(json.dumps({"text": "small one"}) + "\n")
        handle.write(json.dumps({"text": "x" * 300_000}) + "\n")
        handle.write(json.dumps({"text": "small two"}) + "\n")
    records = read(path, max_doc_bytes=100_000)
    assert [doc.text for doc in documents(records)] == ["small one", "small two"]
    [big] = skipped(records)
    assert big.source == f"{path}:2"
    assert "0.30 MB" in big.reason and "0.1 MB limit" in big.reason and "--max-doc-mb" in big.reason


# ------------------------------------------------------------------ CSV / TSV


def test_csv_with_ids_quotes_and_multiline_fields(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        "ID,Title,Text,Published,Outlet\n"
        '17,Hama,"Rebels entered Hama, the army said.",2024-12-05,Levant Daily\n'
        '18,Empty,,2024-12-05,Levant Daily\n'
        '19,Homs,"First line.\nSecond ""quoted"" line.",December 2024,\n',
        newline="",
    )
    records = read(path)
    docs = documents(records)
    assert [(doc.doc_id, doc.title, doc.source) for doc in docs] == [
        ("17", "Hama", f"{path}:2"),
        ("19", "Homs", f"{path}:4"),
    ]
    assert docs[0].text == "Rebels entered Hama, the army said."
    assert docs[0].published == "2024-12-05" and docs[0].outlet == "Levant Daily"
    assert docs[1].text == 'First line.\nSecond "quoted" line.'
    assert docs[1].published == "2024-12-01"  # month-only dates take the first of the month
    assert docs[1].outlet is None
    [empty] = skipped(records)
    assert empty.source == f"{path}:3"


def test_csv_row_over_the_limit_is_skipped_and_the_next_rows_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", newline="") as handle:
        handle.write("id,text\n1,first\n")
        handle.write("2," + "y" * 200_000 + "\n")
        handle.write('3,"third, after the big one"\n')
    records = read(path, max_doc_bytes=100_000)
    assert [(doc.doc_id, doc.text) for doc in documents(records)] == [
        ("1", "first"),
        ("3", "third, after the big one"),
    ]
    [big] = skipped(records)
    assert big.source == f"{path}:3" and "over the 0.1 MB limit" in big.reason


def test_jsonl_in_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    rows = [{"text": "Le café de la place était fermé à Alep après la prise de Hama."}] * 20
    path.write_bytes("\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode("cp1252"))
    docs = documents(read(path))
    assert len(docs) == 20
    assert docs[0].text == rows[0]["text"]


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    path = tmp_path / "articles.tsv"
    path.write_text("id\tbody\turl\na1\tClashes in Deraa, two killed.\thttps://x.example/1\n")
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.doc_id == "a1"
    assert doc.text == "Clashes in Deraa, two killed."  # the comma did not split the field
    assert doc.url == "https://x.example/1"


def test_csv_without_text_column_is_one_skip_naming_columns(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("id,headline,summary\n1,a,b\n2,c,d\n")
    [record] = read(path)
    assert isinstance(record, Skipped)
    assert record.source == str(path)
    assert "'headline'" in record.reason and "'summary'" in record.reason
    assert "'text'" in record.reason and "'body'" in record.reason


# ------------------------------------------------------------------ directories and stdin


def test_directory_recursion_sorted_hidden_and_unknown_ignored(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a.txt").write_text("Alpha article body.")
    (root / "b" / "c.md").write_text("Charlie article body.")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / ".hidden.txt").write_text("Hidden body.")
    (root / ".git" / "x.txt").write_text("Git body.")
    records = read(root)
    assert [doc.text for doc in documents(records)] == ["Alpha article body.", "Charlie article body."]
    assert skipped(records) == []


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "top.txt").write_text("Top body.")
    (root / "sub" / "inner.txt").write_text("Inner body.")
    os.symlink(root, root / "sub" / "loop")  # sub/loop -> corpus: a cycle
    records = read(root)
    assert sorted(doc.text for doc in documents(records)) == ["Inner body.", "Top body."]
    [loop] = skipped(records)
    assert loop.source == str(root / "sub" / "loop")
    assert "loop" in loop.reason


def test_explicit_unsupported_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    [record] = read(path)
    assert isinstance(record, Skipped)
    assert record.reason.startswith("unsupported file type .pdf")


def test_stdin_text_html_and_jsonl_are_sniffed() -> None:
    [text] = iter_sources(["-"], stdin=io.BytesIO(b"\n  Clashes near Tartous.\n"))
    [html] = iter_sources(["-"], stdin=io.BytesIO(ARTICLE_HTML.encode()))
    lines = b'\n{"text": "one"}\n{"text": "two", "id": "b"}\n'
    jsonl = list(iter_sources(["-"], stdin=io.BytesIO(lines)))
    assert isinstance(text, SourceDocument) and text.text == "Clashes near Tartous." and text.source == "-"
    assert isinstance(html, SourceDocument) and html.outlet == "Levant Daily"
    assert [(doc.text, doc.source) for doc in documents(jsonl)] == [("one", "-:2"), ("two", "-:3")]


# ------------------------------------------------------------------ bad bytes


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b" \n\t\r\n")
    (tmp_path / "blank.jsonl").write_bytes(b"\n\n")
    records = read(tmp_path / "zero.txt", tmp_path / "blank.md", tmp_path / "blank.jsonl")
    assert [(type(r).__name__, getattr(r, "reason", None)) for r in records] == [("Skipped", "empty")] * 3


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(200)
    for name in ("image.txt", "image.jsonl", "image.html"):
        (tmp_path / name).write_bytes(png)
    records = read(tmp_path / "image.txt", tmp_path / "image.jsonl", tmp_path / "image.html")
    assert [(r.source, getattr(r, "reason", None)) for r in records] == [
        (str(tmp_path / name), "binary file") for name in ("image.txt", "image.jsonl", "image.html")
    ]


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    sentence = "Le café de la place était fermé à Alep. Les rebelles ont pris Hama après trois jours."
    path.write_bytes(sentence.encode("latin-1"))
    assert b"caf\xe9 " in path.read_bytes()  # really invalid UTF-8
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.text == sentence


def test_a_few_bad_bytes_in_long_utf8_text_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "mostly.txt"
    path.write_bytes(("Rebels entered Hama on Thursday. " * 100).encode() + b"\xff\xfe" + "Alep é.".encode())
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.text.count("\ufffd") == 2 and doc.text.endswith("Alep é.")


def test_random_bytes_are_rejected(tmp_path: Path) -> None:
    generator = random.Random(7)
    # No NULs or control bytes, so the binary check does not catch it: decoding must.
    noise = bytes(generator.choice([generator.randrange(0x80, 0x100), generator.randrange(0x20, 0x7F)])
                  for _ in range(4000))
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    [record] = read(path)
    assert isinstance(record, Skipped)
    assert record.reason.startswith("not valid UTF-8 text (") and "% undecodable bytes)" in record.reason


# ------------------------------------------------------------------ size limits and unreadable paths


def test_file_over_small_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"Rebels entered Hama. " * 50_000)  # 1.05 MB
    [record] = read(path, max_doc_bytes=100_000)
    assert isinstance(record, Skipped)
    assert record.reason == "file is 1.05 MB, over the 0.1 MB limit (raise it with --max-doc-mb)"


def test_real_50_mb_file_is_skipped_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.write(b"<html><body>" + b"<p>x</p>" * (50_000_000 // 8) + b"</body></html>")
    started = time.perf_counter()
    [record] = read(path)
    elapsed = time.perf_counter() - started
    assert isinstance(record, Skipped)
    assert "50.00 MB, over the 20 MB limit" in record.reason
    assert elapsed < 0.5  # decided from the size alone, without reading or parsing the page


def test_missing_and_unreadable_paths(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    locked = tmp_path / "locked.txt"
    locked.write_text("Secret body.")
    locked.chmod(0)
    try:
        records = read(missing, locked, tmp_path / "ok.txt")
    finally:
        locked.chmod(0o644)
    assert records[0] == Skipped(source=str(missing), reason="cannot read: No such file or directory")
    ok = str(tmp_path / "ok.txt")
    assert records[2] == Skipped(source=ok, reason="cannot read: No such file or directory")
    if os.geteuid() != 0:  # root reads files whatever their mode
        assert records[1] == Skipped(source=str(locked), reason="cannot read: Permission denied")


# ------------------------------------------------------------------ publication dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, March 3, 2025 (Reuters) - Russian forces struck the city overnight.", "2025-03-03"),
        ("DAMASCUS, Syria, Dec. 8, 2024 (AP) — Rebels entered the capital.", "2024-12-08"),
        ("Assad's fall\nPublished: 6 December 2024\nThe rebels advanced.", "2024-12-06"),
        ("Updated on Friday, 6th December 2024 at 10:32\nFighting continued.", "2024-12-06"),
        ("2024-12-06\nThe SDF took Deir ez-Zor.", "2024-12-06"),
        ("Homs under siege\nSaturday, December 7, 2024 14:05 GMT\nThe army held.", "2024-12-07"),
        # An event date inside a sentence is not the publication date.
        ("Rebels entered Hama on 5 December 2024 after a week of fighting.", None),
        ("The offensive began in late November and continued for days.", None),
        # Beyond the head of the article nothing is looked for.
        ("x" * 450 + "\nPublished: 6 December 2024", None),
    ],
)
def test_find_published_date(text: str, expected: str | None) -> None:
    assert find_published_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-12-06T23:30:00-05:00", "2024-12-06"),
        ("Thu, 05 Dec 2024 10:30:00 GMT", "2024-12-05"),
        ("December 2024", "2024-12-01"),
        ("6 décembre 2024", "2024-12-06"),
        ("2024", None),
        ("yesterday", None),
        ("2024-13-45", None),
        ("", None),
    ],
)
def test_normalise_date(value: str, expected: str | None) -> None:
    assert normalise_date(value) == expected


def test_dateline_fills_published_for_text_files(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text("Strikes on Kharkiv\nKHARKIV, Jan 14, 2025 (Reuters) - Missiles hit the city centre.\n")
    [doc] = read(path)
    assert isinstance(doc, SourceDocument)
    assert doc.published == "2025-01-14"
