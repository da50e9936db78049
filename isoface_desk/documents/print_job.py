"""What every print job of lab orders shares: checking the selection, running it order by
order with progress and cancel, the PDF's info, and the Code128 barcode of an order id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from isoface_desk.documents.order_model import PrintedOrder, Progress, ShouldCancel
from isoface_desk.errors import InputError

BAR_WIDTH = 0.33 * mm  # the X dimension at most (13 mil)
MIN_BAR_WIDTH = 0.19 * mm  # 7.5 mil, the least Code128 allows
QUIET_MODULES = 10  # Code128 quiet zone each side, in X dimensions


def check_job(orders: Sequence[PrintedOrder]) -> None:
    if not orders:
        raise InputError("nothing to print: no orders were selected")
    twice = sorted(i for i, n in Counter(o.order_id for o in orders).items() if n > 1)
    if twice:
        raise InputError(f"order {', '.join(twice)} is selected twice")


def run_batch(
    orders: Sequence[PrintedOrder],
    render: Callable[[PrintedOrder], None],
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> list[str]:
    """Render each order unless cancelled first; the ids of the orders rendered."""
    done: list[str] = []
    for order in orders:
        if should_cancel is not None and should_cancel():
            break
        render(order)
        done.append(order.order_id)
        if progress is not None:
            progress(len(done), len(orders))
    return done


def describe(canvas: Canvas, title: str, author: str) -> None:
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Isoface Desk")
    canvas.setProducer("Isoface Desk (ReportLab)")


def order_barcode(order_id: str, max_width: float, height: float) -> Code128:
    """A Code128 symbol of `order_id`, quiet zones included, at most `max_width` wide."""
    modules = Code128(order_id, barWidth=1, humanReadable=False, quiet=False).width
    bar = min(BAR_WIDTH, max_width / (modules + 2 * QUIET_MODULES))
    if bar < MIN_BAR_WIDTH:
        raise InputError(f"order {order_id}: the id is too long for a barcode this size")
    quiet = QUIET_MODULES * bar
    return Code128(order_id, barWidth=bar, barHeight=height, humanReadable=False,
                   quiet=True, lquiet=quiet, rquiet=quiet)  # fmt: skip
