"""Near-duplicate detection on the written pairs of tests/data/near_duplicates.yaml: precision and
recall of `frontwatch.store.duplicates` over every pair of texts, through the LSH index as ingest
uses it, plus the exact 3-gram Jaccard of each copy and of the closest non-copy.

    python benchmarks/dedup_pairs.py
"""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml

from frontwatch.store.duplicates import NearDuplicateIndex, shingles, signature_of

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "near_duplicates.yaml"


def main() -> None:
    stories = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["stories"]
    texts: dict[str, str] = {}
    cluster: dict[str, str] = {}
    for story in stories:
        texts[story["id"]] = story["original"]
        cluster[story["id"]] = story["id"]
        for copy in story["copies"]:
            name = f"{story['id']}:{copy['kind']}"
            texts[name], cluster[name] = copy["text"], story["id"]
        for n, text in enumerate(story["independent"]):
            name = f"{story['id']}:independent{n}"
            texts[name], cluster[name] = text, name
    index = NearDuplicateIndex()
    found: set[frozenset[str]] = set()
    for name, text in texts.items():  # in file order, as an ingest would store them
        signature = signature_of(text)
        assert signature is not None
        found.update(frozenset((name, other)) for other, _ in index.matches(name, signature))
        index.add(name, signature)
    truth = {frozenset(pair) for pair in itertools.combinations(texts, 2) if cluster[pair[0]] == cluster[pair[1]]}
    hits = len(found & truth)
    print(f"{len(texts)} texts, {len(truth)} near-duplicate pairs, {len(texts) * (len(texts) - 1) // 2} pairs in all")
    print(f"precision {hits / len(found) if found else 1.0:.3f} ({hits}/{len(found)}), "
          f"recall {hits / len(truth):.3f} ({hits}/{len(truth)})")
    grams = {name: shingles(text) for name, text in texts.items()}

    def jaccard(a: str, b: str) -> float:
        return len(grams[a] & grams[b]) / len(grams[a] | grams[b])

    for story in stories:
        copies = [f"{story['id']}:{c['kind']}" for c in story["copies"]]
        others = [n for n in texts if cluster[n] != story["id"]]
        print(f"  {story['id']}: copies " + ", ".join(f"{c.split(':')[1]} {jaccard(story['id'], c):.2f}"
                                                    for c in copies)
              + f"; closest non-copy {max(jaccard(story['id'], o) for o in others):.2f}")


if __name__ == "__main__":
    main()
