"""A print job rendered in a child process: the same orders in the bytes as in-process,
progress coming back, Cancel going there, and the child's errors raised in the parent."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import demo_clinic
from isoface_desk.devtools.order_demo import demo_orders
from isoface_desk.documents.print_process import render_in_child
from isoface_desk.errors import InputError


def test_the_child_renders_the_job_with_progress_and_cancel() -> None:
    orders = demo_orders(60)
    seen: list[tuple[int, int]] = []

    def stop_once_started() -> bool:
        return bool(seen)

    result = render_in_child(orders, demo_clinic(), progress=lambda d, t: seen.append((d, t)),
                             should_cancel=stop_once_started)  # fmt: skip
    assert seen[0][1] == 60 and 1 <= len(result.order_ids) < 60
    assert result.order_ids == tuple(o.order_id for o in orders[: len(result.order_ids)])
    assert len(PdfReader(io.BytesIO(result.pdf)).pages) == len(result.order_ids)


def test_an_error_in_the_child_is_raised_here() -> None:
    orders = demo_orders(2)
    with pytest.raises(InputError, match="selected twice"):
        render_in_child([orders[0], orders[0]], demo_clinic(), labels=True)
