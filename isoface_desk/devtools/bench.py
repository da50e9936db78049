"""The benchmarks behind `isoface-desk bench`: how fast the hot paths run on this machine.

Each benchmark returns (label, rate, floor label, floor rate): the rate of the real work
and the rate of a trivial floor measured in the same run on the same data (a deep copy
or a JSON round-trip of the visit), so the ratio stays comparable across machines.
Register more with `BENCHMARKS[name] = function(seconds) -> BenchResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchResult:
    label: str
    rate: float
    floor_label: str
    floor_rate: float

    @property
    def ratio(self) -> float:
        return self.rate / self.floor_rate if self.floor_rate else 0.0


def rate_of(work: Callable[[], object], items: int, seconds: float) -> float:
    """Items per second of `work` (which handles `items` items a call), run for `seconds`."""
    work()  # warm caches once
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds or calls < 3:
        work()
        calls += 1
        elapsed = time.perf_counter() - start
    return calls * items / elapsed


def _bench_engine(seconds: float) -> BenchResult:
    import copy

    from isoface_desk.domain.catalog import default_catalog
    from isoface_desk.domain.check_input import parse_visit
    from isoface_desk.domain.engine import evaluate
    from isoface_desk.domain.samples import sample_visits

    catalog = default_catalog()
    data = sample_visits()
    visits = [parse_visit(d, catalog) for d in data]
    engine = rate_of(lambda: [evaluate(v, catalog) for v in visits], len(visits), seconds)
    floor = rate_of(lambda: [copy.deepcopy(d) for d in data], len(data), seconds)
    return BenchResult("evaluate() visits/s", engine, "deepcopy of the visit dict", floor)


def _bench_parse(seconds: float) -> BenchResult:
    import json

    from isoface_desk.domain.catalog import default_catalog
    from isoface_desk.domain.check_input import parse_visit
    from isoface_desk.domain.samples import sample_visits

    catalog = default_catalog()
    data = sample_visits()
    texts = [json.dumps(d) for d in data]
    parse = rate_of(lambda: [parse_visit(d, catalog) for d in data], len(data), seconds)
    floor = rate_of(lambda: [json.loads(t) for t in texts], len(texts), seconds)
    return BenchResult("parse_visit() visits/s", parse, "json.loads of the visit", floor)


def _bench_orders(seconds: float) -> BenchResult:
    from isoface_desk.devtools.order_bench import measure_orders

    count = 500 if seconds >= 1 else 50
    figures = measure_orders(count, seconds)
    return BenchResult(
        f"lab order pages/s (one job of {count})",
        figures.orders_per_s,
        "plain one-page ReportLab document, same font",
        figures.plain_per_s,
    )


def _bench_pdf(seconds: float) -> BenchResult:
    from isoface_desk.devtools.pdf_bench import measure

    t = measure(repeats=max(1, int(seconds * 7)))
    return BenchResult(
        f"signed {t.checklist_pages}-page checklists/s (build {t.checklist_ms:.0f} ms + "
        f"sign {t.sign_ms:.0f} ms; plain {t.plain_ms:.0f} ms)",
        1000 / (t.checklist_ms + t.sign_ms),
        f"plain {t.plain_pages}-page ReportLab document, same font",
        1000 / t.plain_ms,
    )


BENCHMARKS: dict[str, Callable[[float], BenchResult]] = {
    "engine": _bench_engine,
    "parse": _bench_parse,
    "orders": _bench_orders,
    "pdf": _bench_pdf,
}
