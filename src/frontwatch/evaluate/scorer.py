"""Score Frontwatch's records against gold annotations.

Mentions: a predicted mention matches a gold one when their spans overlap and
the entity types agree (recognition); linking also needs the same entity id.
Places are additionally scored for geocoding: the share of recognised gold
places whose predicted coordinates lie within 161 km (100 miles) of the gold
place, the customary threshold in geoparsing evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwatch.errors import GoldError
from frontwatch.evaluate.events import score_events, score_quotes
from frontwatch.evaluate.gold import GoldFile, GoldMention, expand_mentions, gold_files, load_gold
from frontwatch.evaluate.metrics import PRF, Accuracy
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.gazetteer import distance_km
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import article_ranges, process
from frontwatch.records import DocumentRecord, EventRecord, MentionRecord, OutputRecord, QuoteRecord, SourceDocument

GEOCODING_KM = 161.0
ENTITY_TYPES = ("place", "actor", "person", "organisation")


@dataclass
class Report:
    """Scores per record kind, summed over all gold files, and per file."""

    scores: dict[str, PRF] = field(default_factory=dict)
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def prf(self, name: str) -> PRF:
        return self.scores.setdefault(name, PRF())

    def acc(self, name: str) -> Accuracy:
        return self.accuracies.setdefault(name, Accuracy())


def gold_entity_id(kb: KnowledgeBase, entity_id: str) -> str:
    """Gold files name actors by KB slug; records use the Wikidata QID when known."""
    ref = kb.actor_by_slug.get(entity_id)
    return kb.actors[ref].entity_id if ref is not None else entity_id


def place_coordinates(kb: KnowledgeBase, entity_id: str) -> tuple[float, float] | None:
    place = kb.place_by_id(entity_id)
    return (place.lat, place.lon) if place else None


def score_mentions(kb: KnowledgeBase, gold: list[GoldMention], predicted: list[MentionRecord],
                   report: Report, errors: list[dict[str, Any]]) -> None:
    named_gold = [g for g in gold if not g.generic]
    generic_gold = [g for g in gold if g.generic]
    named_pred = [p for p in predicted if p.link != "generic"]
    generic_pred = [p for p in predicted if p.link == "generic"]

    def overlaps(g: GoldMention, p: MentionRecord) -> bool:
        return g.start < p.end and p.start < g.end

    used: set[int] = set()
    for g in named_gold:
        gold_id = gold_entity_id(kb, g.entity_id)
        candidates = [i for i, p in enumerate(named_pred) if i not in used and overlaps(g, p)]
        typed = [i for i in candidates if named_pred[i].entity_type == g.entity_type]
        linked = [i for i in typed if named_pred[i].entity_id == gold_id]
        for key in ("mentions", f"mentions.{g.entity_type}"):
            report.prf(key + ".recognised")
            report.prf(key + ".linked")
        if typed:
            report.prf("mentions.recognised").tp += 1
            report.prf(f"mentions.{g.entity_type}.recognised").tp += 1
        else:
            report.prf("mentions.recognised").fn += 1
            report.prf(f"mentions.{g.entity_type}.recognised").fn += 1
        if linked:
            used.add(linked[0])
            report.prf("mentions.linked").tp += 1
            report.prf(f"mentions.{g.entity_type}.linked").tp += 1
        else:
            report.prf("mentions.linked").fn += 1
            report.prf(f"mentions.{g.entity_type}.linked").fn += 1
            best = named_pred[typed[0]] if typed else (named_pred[candidates[0]] if candidates else None)
            errors.append({"kind": "missed" if best is None else "wrong_link", "gold_type": g.entity_type,
                           "gold_id": g.entity_id, "start": g.start, "end": g.end,
                           "predicted": None if best is None else f"{best.entity_type}:{best.entity_id}"})
            if typed:
                used.add(typed[0])
        if g.entity_type == "place" and typed:
            predicted_place = named_pred[typed[0]]
            target = place_coordinates(kb, gold_id)
            ok = (target is not None and predicted_place.lat is not None and predicted_place.lon is not None
                  and distance_km(target[0], target[1], predicted_place.lat, predicted_place.lon) <= GEOCODING_KM)
            report.acc("geocoding_161km").total += 1
            report.acc("geocoding_161km").correct += int(ok)
    for i, p in enumerate(named_pred):
        if i in used:
            continue
        if any(overlaps(g, p) and g.entity_type == p.entity_type for g in named_gold):
            continue  # counted as a wrong link (or a second prediction on one gold span)
        for key in ("mentions", f"mentions.{p.entity_type}"):
            report.prf(key + ".recognised").fp += 1
            report.prf(key + ".linked").fp += 1
        errors.append({"kind": "spurious", "predicted": f"{p.entity_type}:{p.entity_id}", "surface": p.surface,
                       "start": p.start, "end": p.end})
    # generic references: resolved to the right actor?
    for g in generic_gold:
        hit = [p for p in generic_pred if overlaps(g, p)]
        resolution = report.prf("mentions.generic")
        if hit and hit[0].entity_id == gold_entity_id(kb, g.entity_id):
            resolution.tp += 1
        else:
            resolution.fn += 1
    for p in generic_pred:
        if not any(overlaps(g, p) for g in generic_gold):
            report.prf("mentions.generic").fp += 1


def evaluate_file(gold: GoldFile, kb: KnowledgeBase, report: Report) -> list[OutputRecord]:
    # read the article exactly as `extract` would (title line split off, same decoding)
    sources = [s for s in iter_sources([str(gold.doc_path)]) if isinstance(s, SourceDocument)]
    if not sources:
        raise GoldError(str(gold.path), f"article {gold.doc_path} could not be read")
    source = sources[0].model_copy(update={"doc_id": gold.path.stem, "published": gold.published})
    records = process(source, kb)
    document = records[0]
    assert isinstance(document, DocumentRecord)
    gold_mentions = expand_mentions(gold, document.text, article_ranges(document))
    predicted = [r for r in records if isinstance(r, MentionRecord)]
    errors: list[dict[str, Any]] = []
    score_mentions(kb, gold_mentions, predicted, report, errors)
    events = [r for r in records if isinstance(r, EventRecord)]
    score_events(gold, document.text, events, report.scores, report.accuracies, errors)
    quotes = [r for r in records if isinstance(r, QuoteRecord)]
    score_quotes(gold, quotes, lambda slug: gold_entity_id(kb, slug), report.scores)
    for error in errors:
        if "start" in error:
            error["text"] = document.text[error["start"]:error["end"]]
        error["file"] = gold.path.name
    report.errors.extend(errors)
    report.files[gold.path.name] = {"gold_mentions": len(gold_mentions), "predicted_mentions": len(predicted),
                                    "errors": len(errors)}
    return records


def evaluate_gold(paths: list[Path], kb: KnowledgeBase) -> Report:
    """Run extraction on every gold article and score it."""
    report = Report()
    for path in gold_files(paths):
        evaluate_file(load_gold(path), kb, report)
    return report
