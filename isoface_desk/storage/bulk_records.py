"""Synthetic signed records in bulk, for measuring the auditor's workspace at scale.

`fill_records(engine, count)` adds `count` signed records that verify: canonical content
with its hash, a small placeholder PDF with its hash, and one "sign" event per record in the
audit chain (appended with `append_events`). They spread over prescribers, patients,
profiles, visit kinds, verdicts and ten years of visit dates, so that every filter of the
record list selects a realistic share. Only `isoface-desk audit bench` uses this: it never
runs on a clinic's database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, select

from isoface_desk.domain.record_marks import pdf_keywords
from isoface_desk.storage.audit import EventSpec, append_events
from isoface_desk.storage.canonical import canonical_json, sha256_hex
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.models import PatientRow, RecordPdfRow, SignedRecordRow, utcnow
from isoface_desk.storage.repositories.records import (
    RECORD_TARGET,
    SIGN_ACTION,
    NewRecord,
    record_content,
)
from isoface_desk.storage.seals import Sealer

PROFILES = ("uk-mhra-2026", "eu-ppp-2024", "us-ipledge-2025")
KINDS = ("initiation", "follow-up", "follow-up", "follow-up", "end-of-course")
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 3652
BATCH = 5000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FillPlan:
    prescribers: Sequence[tuple[int, str]]  # (user id, username)
    patient_ids: Sequence[int]
    seed: int = 7
    #: Each prescriber's unlocked key by user id: their records' sign events are sealed
    #: with it, as a real signature's are (storage.seals).
    sealers: Mapping[int, Sealer] = field(default_factory=dict)


def _new_record(rng: random.Random, plan: FillPlan) -> tuple[NewRecord, str]:
    prescriber_id, username = rng.choice(plan.prescribers)
    warned = rng.random() < 0.2
    item9 = 1 if rng.random() < 0.01 else 0
    findings = [{"code": "PHQ9_MODERATE_OR_WORSE", "severity": "warn"}] if warned else []
    new = NewRecord(
        patient_id=rng.choice(plan.patient_ids),
        course_id=None,
        visit_kind=rng.choice(KINDS),
        visit_date=FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)),
        profile_id=rng.choice(PROFILES),
        verdict="needs-review" if warned else "clear",
        prescriber_id=prescriber_id,
        form_id="follow-up",
        form_version="1",
        form_hash="b" * 64,
        answers={"phq9": [0, 1, 0, 0, 1, 0, 0, 0, item9], "phq9_action": None},
        findings=findings,
        justifications={"PHQ9_MODERATE_OR_WORSE": "Reviewed; referral offered."} if warned else {},
    )
    return new, username


def _rows(new: NewRecord, username: str, signed_at: dt.datetime) -> dict[str, Any]:
    payload = record_content(new, username, signed_at)
    content = canonical_json(payload)
    return {
        "patient_id": new.patient_id,
        "course_id": None,
        "visit_kind": new.visit_kind,
        "visit_date": new.visit_date,
        "profile_id": new.profile_id,
        "verdict": new.verdict,
        "prescriber_id": new.prescriber_id,
        "signed_by": username,
        "form_id": new.form_id,
        "form_version": new.form_version,
        "form_hash": new.form_hash,
        "content": content,
        "content_hash": sha256_hex(content),
        "findings": payload["findings"],
        "justifications": payload["justifications"],
        "signatures": payload["signatures"],
        "has_justified_warnings": bool(payload["justifications"]),
        "corrects_record_id": None,
        "created_at": signed_at,
    }


def _batches(count: int, size: int) -> Iterator[int]:
    while count > 0:
        yield min(size, count)
        count -= size


def fill_records(
    engine: Engine, count: int, plan: FillPlan, progress: Progress | None = None
) -> int:
    """Add `count` verifiable signed records (one transaction per batch); how many."""
    rng = random.Random(plan.seed)
    records = cast(Table, SignedRecordRow.__table__)
    pdfs = cast(Table, RecordPdfRow.__table__)
    done = 0
    for size in _batches(count, BATCH):
        signed_at = utcnow()
        made = [_new_record(rng, plan) for _ in range(size)]
        values = [_rows(new, username, signed_at) for new, username in made]
        with session_scope(engine) as session:
            first = int(session.scalar(select(SignedRecordRow.id).order_by(
                SignedRecordRow.id.desc()).limit(1)) or 0) + 1  # fmt: skip
            for offset, row in enumerate(values):
                row["id"] = first + offset
            session.execute(insert(records), values)
            pdf_rows = [_pdf_row(row) for row in values]
            session.execute(insert(pdfs), pdf_rows)
            specs = (
                EventSpec(row["signed_by"], SIGN_ACTION, RECORD_TARGET, row["id"], {
                    "content_hash": row["content_hash"], "pdf_hash": pdf["pdf_hash"],
                    "patient_id": row["patient_id"], "corrects_record_id": None,
                    "verdict": row["verdict"], "kind": row["visit_kind"]},
                    plan.sealers.get(row["prescriber_id"]))
                for row, pdf in zip(values, pdf_rows, strict=True)
            )  # fmt: skip
            append_events(session, specs)
        done += size
        if progress is not None:
            progress(done, count)
    return done


def patient_ids(engine: Engine, limit: int) -> list[int]:
    """The ids of the first `limit` patients (the records are spread over them)."""
    with read_scope(engine) as session:
        query = select(PatientRow.id).order_by(PatientRow.id).limit(limit)
        return [int(i) for i in session.scalars(query)]


def _pdf_row(row: dict[str, Any]) -> dict[str, Any]:
    """A placeholder PDF naming the record's content hash, as a real one does."""
    mark = pdf_keywords(row["id"], row["content_hash"]).encode("ascii")
    pdf = b"%PDF-1.7\n% placeholder " + mark + b"\n%%EOF\n"
    return {"record_id": row["id"], "pdf": pdf, "pdf_hash": sha256_hex(pdf),
            "created_at": row["created_at"]}  # fmt: skip
