"""Near-duplicates across outlets: syndicated wire copy, lightly rewritten or trimmed, is
linked to its original so that fusion counts it once.

Each stored document gets a MinHash signature (datasketch) of the word 3-grams of its article
text (excluded spans such as reader comments left out), kept in `document_minhashes`. At
ingest, an LSH index over the stored signatures proposes candidates; a candidate is a
near-duplicate when the estimated Jaccard similarity of the two texts' 3-grams reaches
`MIN_JACCARD`, or when nearly all of the shorter text's 3-grams are in the longer one
(`MIN_CONTAINMENT`: a copy that keeps only the first paragraphs). Every member of a cluster
points (`documents.duplicate_of`) at the cluster's *original*: its earliest published member,
else the first stored.

Calibrated on the pairs of tests/data/near_duplicates.yaml (benchmarks/dedup_pairs.py prints
the figures): verbatim copies score 0.92-0.98, rewritten copies 0.47-0.52 and trimmed ones
0.65, while independent reports of the same events stay at or below 0.02.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from sqlalchemy import Connection, delete, insert, select, update

from frontwatch.records import DocumentRecord
from frontwatch.store.schema import document_minhashes, documents

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.2  # candidates: below the decision thresholds, so that the LSH misses none
MIN_JACCARD = 0.3
MIN_CONTAINMENT = 0.8
MIN_SHINGLES = 15  # texts shorter than this (a headline, one sentence) are never linked

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Signature:
    """A document's MinHash and the number of distinct 3-grams it was made of."""

    minhash: LeanMinHash
    shingles: int


def article_text(document: DocumentRecord) -> str:
    """The document's text without its excluded spans (reader comments, boilerplate)."""
    parts: list[str] = []
    position = 0
    for span in sorted(document.excluded, key=lambda s: s.start):
        parts.append(document.text[position:span.start])
        position = max(position, span.end)
    parts.append(document.text[position:])
    return " ".join(parts)


def shingles(text: str) -> set[bytes]:
    """The distinct word 3-grams of a text, lower-cased."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature_of(text: str) -> Signature | None:
    """The signature of a text; None for a text without words."""
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(grams))
    return Signature(LeanMinHash(minhash), len(grams))


def similarity(a: Signature, b: Signature) -> float | None:
    """The estimated Jaccard similarity of two texts when they are near-duplicates, else None."""
    if min(a.shingles, b.shingles) < MIN_SHINGLES:
        return None
    jaccard = float(a.minhash.jaccard(b.minhash))
    if jaccard >= MIN_JACCARD:
        return jaccard
    # |A & B| from the Jaccard estimate and the set sizes: J = I / (|A| + |B| - I)
    common = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
    return jaccard if common / min(a.shingles, b.shingles) >= MIN_CONTAINMENT else None


class NearDuplicateIndex:
    """The LSH index of stored signatures, built once per ingest run from the database."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[str, Signature] = {}

    @classmethod
    def load(cls, connection: Connection) -> NearDuplicateIndex:
        """Every stored signature made the way this code makes them (others are left out)."""
        index = cls()
        query = (select(documents.c.doc_id, document_minhashes.c.hashvalues, document_minhashes.c.shingles)
                 .join(documents, documents.c.id == document_minhashes.c.document_id)
                 .where(document_minhashes.c.num_perm == NUM_PERM, document_minhashes.c.seed == SEED,
                        document_minhashes.c.scheme == SCHEME))
        with index.lsh.insertion_session() as session:
            for row in connection.execute(query, execution_options={"yield_per": 1000}):
                signature = _decode(row.hashvalues, row.shingles)
                index.signatures[row.doc_id] = signature
                session.insert(row.doc_id, signature.minhash)
        return index

    def add(self, doc_id: str, signature: Signature | None) -> None:
        """Index a stored document (replacing its older signature)."""
        if doc_id in self.signatures:
            self.lsh.remove(doc_id)
            del self.signatures[doc_id]
        if signature is not None:
            self.lsh.insert(doc_id, signature.minhash)
            self.signatures[doc_id] = signature

    def matches(self, doc_id: str, signature: Signature) -> list[tuple[str, float]]:
        """Stored near-duplicates of a document (itself left out), most similar first."""
        found = []
        for candidate in self.lsh.query(signature.minhash):
            if candidate == doc_id:
                continue
            score = similarity(signature, self.signatures[candidate])
            if score is not None:
                found.append((str(candidate), score))
        return sorted(found, key=lambda item: (-item[1], item[0]))


def _encode(signature: Signature) -> bytes:
    return np.asarray(signature.minhash.hashvalues, dtype="<u4").tobytes()


def _decode(data: bytes, count: int) -> Signature:
    values = np.frombuffer(data, dtype="<u4").astype(np.uint64)
    return Signature(LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME), int(count))


def _first_key(row: Any) -> tuple[bool, str, int]:
    """Order of publication: dated before undated, then by date, then first stored."""
    return (row.published is None, row.published or "", row.id)


def record_near_duplicates(connection: Connection, doc_id: str, signature: Signature | None,
                           index: NearDuplicateIndex) -> str | None:
    """Store a just-stored document's signature and link it to its cluster's original (or make it
    the original, when it was published before the cluster's). Returns the original's doc_id when
    the document is a copy. Call in the transaction that stored the document; `index.add` it once
    that is committed."""
    row = connection.execute(select(documents.c.id, documents.c.published).where(documents.c.doc_id == doc_id)).one()
    connection.execute(delete(document_minhashes).where(document_minhashes.c.document_id == row.id))
    connection.execute(update(documents).where(documents.c.id == row.id)
                       .values(duplicate_of=None, duplicate_similarity=None))
    if signature is None:
        return None
    connection.execute(insert(document_minhashes).values(
        document_id=row.id, num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=_encode(signature),
        shingles=signature.shingles))
    matches = index.matches(doc_id, signature)
    if not matches:
        return None
    best, score = matches[0]
    matched = _rows(connection, [best])
    if best not in matched:
        return None  # stored by an ingest that was then rolled back
    original_id = matched[best].duplicate_of or best
    if original_id == doc_id:
        return None  # a new version of the original itself
    original = _rows(connection, [original_id]).get(original_id) or matched[best]
    original_id = original.doc_id
    if _first_key(row) < _first_key(original):
        # published before the cluster's original: it becomes the original of them all
        connection.execute(update(documents).where(documents.c.duplicate_of == original_id)
                           .values(duplicate_of=doc_id))
        earlier = index.signatures.get(original_id)
        connection.execute(update(documents).where(documents.c.doc_id == original_id).values(
            duplicate_of=doc_id,
            duplicate_similarity=round(similarity(signature, earlier) or score, 3) if earlier else round(score, 3)))
        return None
    connection.execute(update(documents).where(documents.c.id == row.id)
                       .values(duplicate_of=original_id, duplicate_similarity=round(score, 3)))
    return original_id


def _rows(connection: Connection, doc_ids: Iterable[str]) -> dict[str, Any]:
    query = select(documents.c.id, documents.c.doc_id, documents.c.published, documents.c.duplicate_of) \
        .where(documents.c.doc_id.in_(list(doc_ids)))
    return {row.doc_id: row for row in connection.execute(query)}


def originals(connection: Connection) -> dict[str, str]:
    """The original of every stored near-copy: {copy doc_id: original doc_id}."""
    query = select(documents.c.doc_id, documents.c.duplicate_of).where(documents.c.duplicate_of.is_not(None))
    return {row.doc_id: row.duplicate_of for row in connection.execute(query)}


def original_of(connection: Connection, doc_id: str) -> str | None:
    """The original a stored document is a near-copy of (None for originals and unknown ids)."""
    query = select(documents.c.duplicate_of).where(documents.c.doc_id == doc_id)
    return connection.execute(query).scalar_one_or_none()


def copies_of(connection: Connection, doc_id: str) -> list[tuple[str, float | None]]:
    """(doc_id, similarity) of the stored copies of an original, first stored first."""
    query = (select(documents.c.doc_id, documents.c.duplicate_similarity)
             .where(documents.c.duplicate_of == doc_id).order_by(documents.c.id))
    return [(row.doc_id, row.duplicate_similarity) for row in connection.execute(query)]
