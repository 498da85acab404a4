"""Print an evaluation report as a table or JSON."""

from __future__ import annotations

import json

from frontwatch.evaluate.scorer import Report


def as_dict(report: Report, *, with_errors: bool = True) -> dict[str, object]:
    data: dict[str, object] = {
        "scores": {name: prf.as_dict() for name, prf in sorted(report.scores.items())},
        "accuracy": {name: acc.as_dict() for name, acc in sorted(report.accuracies.items())},
        "files": report.files,
    }
    if with_errors:
        data["errors"] = report.errors
    return data


def format_json(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False)


def format_table(report: Report) -> str:
    lines = [f"{'metric':<36} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name, prf in sorted(report.scores.items()):
        lines.append(f"{name:<36} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
                     f"{prf.tp:5d} {prf.fp:5d} {prf.fn:5d}")
    for name, acc in sorted(report.accuracies.items()):
        lines.append(f"{name:<36} accuracy {acc.value:6.3f} ({acc.correct}/{acc.total})")
    lines.append(f"files: {len(report.files)}; errors listed with --format json")
    return "\n".join(lines)
