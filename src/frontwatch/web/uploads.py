"""Articles uploaded from the browser or the API, stored with the ingest `frontwatch ingest` uses.

Uploaded bytes go to a fresh temporary directory under a name we make (`upload.txt`,
`upload.jsonl`, ...): the client's file name is never a path. Only its extension picks
the reader (the same readers and limits as the CLI), and a cleaned copy of the name is
kept as the document's `source` label (`upload:report.html`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath

from pydantic import BaseModel

from frontwatch.ingest.readers import KINDS, iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import Skipped, SourceDocument
from frontwatch.store.db import Database
from frontwatch.store.ingest import IngestSummary, ingest
from frontwatch.store.repository import get_document, source_doc_id

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
MAX_LABEL_CHARS = 80


@dataclass
class UploadedFile:
    filename: str  # as the client sent it: untrusted, only ever shown and used for its extension
    data: bytes


@dataclass
class PastedArticle:
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


class SkippedUpload(BaseModel):
    source: str
    reason: str


class UploadResult(BaseModel):
    """What an upload stored: counts as `frontwatch ingest` prints them, and the documents."""

    read: int
    stored: int
    replaced: int
    unchanged: int
    skipped: list[SkippedUpload]
    doc_ids: list[str]  # the stored documents the upload holds (new, replaced or already there)


def safe_label(filename: str) -> str:
    """The file's base name with anything but letters, digits, `._ -` removed, for display."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:MAX_LABEL_CHARS]
    return cleaned or "upload"


def _file_sources(upload: UploadedFile, max_doc_bytes: int, workdir: Path) -> Iterator[SourceDocument | Skipped]:
    label = f"upload:{safe_label(upload.filename)}"
    suffix = PurePath(safe_label(upload.filename)).suffix.lower()
    if suffix not in KINDS:
        yield Skipped(source=label, reason=f"unsupported file type {suffix or '(no extension)'} "
                                           f"(supported: {', '.join(KINDS)})")
        return
    path = workdir / f"upload{suffix}"
    path.write_bytes(upload.data)
    for item in iter_sources([str(path)], max_doc_bytes=max_doc_bytes):
        # the temporary path never leaves this function: sources are named by the label
        if isinstance(item, Skipped):
            yield Skipped(source=item.source.replace(str(path), label), reason=item.reason.replace(str(path), label))
        else:
            yield item.model_copy(update={"source": item.source.replace(str(path), label)})
    path.unlink()


def pasted_source(article: PastedArticle) -> SourceDocument | Skipped:
    text = article.text.replace("\r\n", "\n").strip()
    if not text:
        return Skipped(source="upload:pasted", reason="empty")
    return SourceDocument(text=text, title=(article.title or "").strip() or None,
                          outlet=(article.outlet or "").strip() or None, url=(article.url or "").strip() or None,
                          published=article.published.isoformat() if article.published else None,
                          source="upload:pasted")


@dataclass
class Upload:
    files: list[UploadedFile] = field(default_factory=list)
    pasted: PastedArticle | None = None

    def __bool__(self) -> bool:
        return bool(self.files) or bool(self.pasted and self.pasted.text.strip())


def store_upload(upload: Upload, database: Database, kb: KnowledgeBase, max_doc_bytes: int) -> UploadResult:
    """Read every uploaded file and the pasted article, process and store them."""
    sources: list[SourceDocument | Skipped] = []
    with tempfile.TemporaryDirectory(prefix="frontwatch-upload-") as workdir:
        for uploaded in upload.files:
            sources.extend(_file_sources(uploaded, max_doc_bytes, Path(workdir)))
    if upload.pasted is not None and upload.pasted.text.strip():
        sources.append(pasted_source(upload.pasted))
    summary = IngestSummary()
    labels = [f"upload:{safe_label(f.filename)}" for f in upload.files]
    if upload.pasted is not None:
        labels.append("upload:pasted")
    ingest(sources, kb, database, summary, inputs=labels)
    wanted = [source_doc_id(s) for s in sources if isinstance(s, SourceDocument)]
    with database.read() as connection:
        doc_ids = [doc_id for doc_id in dict.fromkeys(wanted) if get_document(connection, doc_id) is not None]
    return UploadResult(read=summary.documents, stored=summary.stored, replaced=summary.replaced,
                        unchanged=summary.unchanged,
                        skipped=[SkippedUpload(source=s.source, reason=s.reason) for s in summary.skipped],
                        doc_ids=doc_ids)
