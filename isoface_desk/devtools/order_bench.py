"""Throughput of a batch print of lab orders against a plain one-page ReportLab document.

`measure_orders(count)` prints `count` demo orders as one job (one page each) and as a
label sheet, and builds plain one-page documents in the same embedded font for
comparison, all in the same run. Rates are per second; the ratio orders/plain says how
many plain one-page documents one order page costs, whatever the machine.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from isoface_desk.devtools.pdf_bench import PLAIN_TEXT
from isoface_desk.documents import fonts

PLAIN_PARAGRAPHS = 10  # about as much text as an order page


@dataclass(frozen=True)
class OrderThroughput:
    orders: int
    orders_per_s: float  # order pages per second, in one batch of `orders`
    labels_per_s: float  # orders per second on label sheets
    plain_per_s: float  # plain one-page documents per second
    pdf_bytes: int  # size of the batch PDF

    @property
    def ratio(self) -> float:
        return self.orders_per_s / self.plain_per_s if self.plain_per_s else 0.0


def plain_one_page() -> bytes:
    """A plain one-page ReportLab document in DejaVu Sans."""
    fonts.register_fonts()
    style = ParagraphStyle("plain", fontName=fonts.SANS, fontSize=10, leading=14, spaceAfter=6)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, initialFontName=fonts.SANS)
    doc.build([Paragraph(f"{i + 1}. {PLAIN_TEXT}", style) for i in range(PLAIN_PARAGRAPHS)])
    return buf.getvalue()


def _rate(action: Callable[[], object], items: int, min_seconds: float) -> float:
    """Items per second over at least one call and at least `min_seconds`."""
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while calls == 0 or elapsed < min_seconds:
        action()
        calls += 1
        elapsed = time.perf_counter() - start
    return calls * items / elapsed


def measure_orders(count: int = 500, min_seconds: float = 1.0) -> OrderThroughput:
    from isoface_desk.devtools.demo_documents import demo_clinic
    from isoface_desk.devtools.order_demo import demo_orders
    from isoface_desk.documents.label_sheet import build_label_sheet
    from isoface_desk.documents.order_pdf import build_order_pdf

    clinic = demo_clinic()
    orders = demo_orders(count)
    warm = build_order_pdf(orders[:4], clinic)  # fonts, styles, the CJK fallback
    build_label_sheet(orders[:4], clinic)
    plain_one_page()
    sizes: list[int] = [len(warm.pdf)]

    def batch() -> None:
        sizes.append(len(build_order_pdf(orders, clinic).pdf))

    return OrderThroughput(
        orders=count,
        orders_per_s=_rate(batch, count, min_seconds),
        labels_per_s=_rate(lambda: build_label_sheet(orders, clinic), count, min_seconds),
        plain_per_s=_rate(plain_one_page, 1, min_seconds),
        pdf_bytes=sizes[-1],
    )
