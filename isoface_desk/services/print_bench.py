"""Print-job throughput for `isoface-desk bench orders` (the CLI may not reach documents/
itself): lab order pages per second in one batch, against plain one-page documents."""

from __future__ import annotations

from isoface_desk.documents.order_bench import OrderThroughput, measure_orders


def order_throughput(count: int, min_seconds: float) -> OrderThroughput:
    """Rates of a batch of `count` demo orders and of a plain one-page document."""
    return measure_orders(count, min_seconds)
