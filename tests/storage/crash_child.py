"""The writer that test_crash_safety kills: signed records in a loop, each id reported only
after its transaction committed.

Each round writes a signed record (with its PDF and "sign" event), and every third round
also a "view" event and a correction of the previous record, so a kill can land in any
part of a unit of work. Run as a script (`python -m tests.storage.crash_child URL`) it
prints the ids on standard output; the test forks it and reads them from a pipe.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from sqlalchemy import select

from isoface_desk.domain.record_marks import pdf_keywords
from isoface_desk.services.access.signing_keys import unlock
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.db import make_engine, session_scope
from isoface_desk.storage.models import PatientRow, UserRow
from isoface_desk.storage.repositories.records import (
    NewRecord,
    StoredRecord,
    insert_signed_record,
)
from tests.storage.conftest import KEY_PASSWORD


def fake_pdf(record: StoredRecord) -> bytes:
    body = pdf_keywords(record.id, record.content_hash).encode() + b" "
    return b"%PDF-1.7\n" + body * 40 + b"\n%%EOF"


def _record(n: int, patient_id: int, user_id: int, corrects: int | None) -> NewRecord:
    return NewRecord(
        patient_id=patient_id,
        course_id=None,
        visit_kind="follow-up",
        visit_date=dt.date(2026, 1, 1) + dt.timedelta(days=n % 300),
        profile_id="uk-mhra-2026",
        verdict="clear",
        prescriber_id=user_id,
        form_id="follow-up",
        form_version="1.0",
        form_hash="c" * 64,
        answers={"n": n, "weight_kg": 60 + n % 20, "note": "Zoë Ångström — Иван Петров"},
        findings=[],
        signatures=[{"role": "patient", "name": "李小龍", "png_sha256": "0" * 64}],
        corrects_record_id=corrects,
    )


def write_forever(url: str, out_fd: int) -> None:
    """Sign records until killed; write each committed id and a newline to `out_fd`."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        patient_id = session.scalar(select(PatientRow.id).order_by(PatientRow.id).limit(1))
        user_id = session.scalar(select(UserRow.id).order_by(UserRow.id).limit(1))
    assert patient_id is not None and user_id is not None
    with session_scope(engine) as session:  # the prescriber's key, as a signature unlocks it
        key = unlock(session, user_id, KEY_PASSWORD)
    previous: int | None = None
    n = 0
    while True:
        n += 1
        with session_scope(engine) as session:
            corrects = previous if n % 3 == 0 else None
            stored = insert_signed_record(
                session,
                _record(n, patient_id, user_id, corrects),
                actor="derm",
                pdf_builder=fake_pdf,
                sealer=key,
            )
            if n % 3 == 0:
                append_event(session, "derm", "view", "record", stored.id, {"n": n})
        os.write(out_fd, f"{stored.id}\n".encode())
        previous = stored.id


if __name__ == "__main__":
    write_forever(sys.argv[1], sys.stdout.fileno())
