"""A prescriber's own signature image (issue 6, item 4): set through the service, it is
printed on the lab orders that prescriber ordered (an image on the page, read back with
pypdf), only there; a nurse (or anyone who does not sign records) cannot set one; every
change is an audited "user change"; what is not a usable PNG is refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.documents.images import png_size
from isoface_desk.errors import AccessDenied, InputError
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_printing import LabPrintService, render_batch
from isoface_desk.storage.audit import chain_head, events_for_target
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.db import read_scope
from tests.services.conftest import World, example_patient, fresh_user

START = CourseStart(start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20,
                    mg_per_day=40)  # fmt: skip


def order_of(w: World, prescriber: Actor) -> int:
    """A planned lab order of a new course started by `prescriber`."""
    pid = w.services.patients.create(prescriber, example_patient()).id
    w.services.courses.start(prescriber, pid, START)
    orders = w.services.orders.for_patient(prescriber, pid)
    return next(o.id for o in orders if o.status == "planned")


def printed_images(w: World, order_id: int, out: Path) -> list[tuple[int, int]]:
    """The sizes of the images on the printed order page (as the nurse prints it)."""
    batch = LabPrintService(w.services.engine, now=w.clock).prepare(w.actors["nurse"], [order_id])
    pdf = render_batch(batch).pdf
    out.write_bytes(pdf)
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    return [image.image.size for image in page.images]


def test_a_prescribers_signature_is_printed_on_their_orders(
    shared_world: World, tmp_path: Path
) -> None:
    w = shared_world
    derm, other = fresh_user(w, "dermatologist"), fresh_user(w, "dermatologist")
    mine, theirs = order_of(w, derm), order_of(w, other)
    assert printed_images(w, mine, tmp_path / "before.pdf") == []  # a blank signature line
    assert w.services.my_signature.own_signature(derm) is None

    png = demo_signature_png(7)
    w.services.my_signature.set_own_signature(derm, png)
    assert w.services.my_signature.own_signature(derm) == png
    # the signature, drawn above the prescriber's name, at its full resolution
    assert printed_images(w, mine, tmp_path / "mine.pdf") == [png_size(png)]
    assert printed_images(w, theirs, tmp_path / "theirs.pdf") == []  # not on others' orders

    with read_scope(w.services.engine) as session:
        (event,) = [e for e in events_for_target(session, "user", derm.user_id)
                    if e.details.get("change") == "signature"]  # fmt: skip
    assert (event.actor, event.action) == (derm.username, "user change")
    assert event.details == {"change": "signature", "png_sha256": sha256_hex(png)}

    w.services.my_signature.set_own_signature(derm, None)  # removed: blank line again
    assert w.services.my_signature.own_signature(derm) is None
    assert printed_images(w, mine, tmp_path / "after.pdf") == []


@pytest.mark.parametrize("role", ["nurse", "auditor", "admin"])
def test_only_a_prescriber_sets_a_signature(shared_world: World, role: str) -> None:
    w = shared_world
    actor = w.actors[role]
    with read_scope(w.services.engine) as session:
        before = chain_head(session)
    with pytest.raises(AccessDenied, match=r"record\.sign"):
        w.services.my_signature.set_own_signature(actor, demo_signature_png(2))
    with pytest.raises(AccessDenied):
        w.services.my_signature.own_signature(actor)
    with read_scope(w.services.engine) as session:
        assert chain_head(session) == before, "a refused change wrote to the audit chain"


@pytest.mark.parametrize(
    ("png", "problem"),
    [
        (b"", "empty"),
        (b"GIF89a....", "not a PNG"),
        (demo_signature_png(1)[:60], "cannot be read|damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024), "too large"),
    ],
)
def test_what_is_not_a_usable_png_is_refused(shared_world: World, png: bytes, problem: str) -> None:
    derm = fresh_user(shared_world, "dermatologist")
    with pytest.raises(InputError, match=problem):
        shared_world.services.my_signature.set_own_signature(derm, png)
    assert shared_world.services.my_signature.own_signature(derm) is None


def test_a_disabled_prescriber_cannot_change_it(shared_world: World) -> None:
    w = shared_world
    derm = fresh_user(w, "dermatologist")
    w.services.users.set_active(w.first, derm.user_id, False)
    with pytest.raises(AccessDenied, match="disabled"):
        w.services.my_signature.set_own_signature(derm, demo_signature_png(3))
