"""The quality gate: extraction on the gold set must not fall below pinned floors.

A floor is only ever raised (to just under a measured figure), never lowered
quietly. Figures and the command that produced them: docs/quality.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwatch.evaluate.scorer import evaluate_gold

GOLD = Path(__file__).parent / "gold"

# F1 floors per scored kind (measured with `frontwatch eval tests/gold/`).
F1_FLOORS = {
    "mentions.recognised": 0.97,
    "mentions.linked": 0.97,
    "mentions.place.linked": 0.96,
    "mentions.actor.linked": 0.95,
    "mentions.person.linked": 0.93,
    "mentions.organisation.linked": 0.93,
    "mentions.generic": 0.93,
    "events": 0.90,
    "events.sub_event_type": 0.93,
    "control_changes": 0.95,
    "quotes": 0.80,
}
ACCURACY_FLOORS = {
    "geocoding_161km": 0.98,
    "events.modality": 0.95,
}


@pytest.fixture(scope="module")
def report(kb):  # type: ignore[no-untyped-def]
    return evaluate_gold([GOLD], kb)


@pytest.mark.parametrize("name,floor", sorted(F1_FLOORS.items()))
def test_f1_floor(report, name: str, floor: float) -> None:  # type: ignore[no-untyped-def]
    assert report.scores[name].f1 >= floor, f"{name} F1 {report.scores[name].f1:.3f} fell below {floor}"


@pytest.mark.parametrize("name,floor", sorted(ACCURACY_FLOORS.items()))
def test_accuracy_floor(report, name: str, floor: float) -> None:  # type: ignore[no-untyped-def]
    value = report.accuracies[name].value
    assert value >= floor, f"{name} {value:.3f} fell below {floor}"


def test_seed_articles_control_picture(kb) -> None:  # type: ignore[no-untyped-def]
    """On the two seed articles the control changes implied by the events are right."""
    seeds = evaluate_gold([GOLD / "seed_000.yaml", GOLD / "seed_004.yaml"], kb)
    assert seeds.scores["control_changes"].f1 >= 0.95
    assert seeds.scores["events"].f1 >= 0.97
    assert seeds.scores["mentions.linked"].f1 >= 0.96
