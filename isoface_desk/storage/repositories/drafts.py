"""Unsigned visits, saved as they are edited (autosave), deleted once signed.

Each save is its own small committed unit of work (the caller's session_scope), so after a
crash or power cut at most the edit in flight is lost: SQLite runs with synchronous=FULL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from isoface_desk.errors import NotFound
from isoface_desk.storage.models import VisitDraftRow, utcnow


@dataclass(frozen=True)
class DraftData:
    patient_id: int
    visit_kind: str
    visit_date: dt.date
    form_id: str
    form_version: str
    form_hash: str
    answers: dict[str, Any] = field(default_factory=dict)
    course_id: int | None = None
    author_id: int | None = None
    #: Where the person was (e.g. the section id), to reopen the draft there.
    position: str = ""


@dataclass(frozen=True)
class Draft(DraftData):
    id: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


_FIELDS = (
    "patient_id",
    "visit_kind",
    "visit_date",
    "form_id",
    "form_version",
    "form_hash",
    "answers",
    "course_id",
    "author_id",
    "position",
)


def _to_draft(row: VisitDraftRow) -> Draft:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["answers"] = dict(row.answers)
    return Draft(id=row.id, created_at=row.created_at, updated_at=row.updated_at, **values)


def save_draft(session: Session, data: DraftData, draft_id: int | None = None) -> Draft:
    """Create a draft (draft_id None) or overwrite draft `draft_id` with `data`."""
    now = utcnow()
    if draft_id is None:
        row = VisitDraftRow(created_at=now)
        session.add(row)
    else:
        found = session.get(VisitDraftRow, draft_id)
        if found is None:
            raise NotFound(f"Draft {draft_id} does not exist.")
        row = found
    for name in _FIELDS:
        setattr(row, name, getattr(data, name))
    row.answers = dict(data.answers)
    row.updated_at = now
    session.flush()
    return _to_draft(row)


def get_draft(session: Session, draft_id: int) -> Draft:
    row = session.get(VisitDraftRow, draft_id)
    if row is None:
        raise NotFound(f"Draft {draft_id} does not exist.")
    return _to_draft(row)


def drafts_for_patient(session: Session, patient_id: int) -> list[Draft]:
    query = (
        select(VisitDraftRow)
        .where(VisitDraftRow.patient_id == patient_id)
        .order_by(VisitDraftRow.updated_at.desc(), VisitDraftRow.id.desc())
    )
    return [_to_draft(row) for row in session.scalars(query)]


def drafts_by_author(session: Session, author_id: int) -> list[Draft]:
    """A user's open drafts, newest first (to offer recovery after a crash)."""
    query = (
        select(VisitDraftRow)
        .where(VisitDraftRow.author_id == author_id)
        .order_by(VisitDraftRow.updated_at.desc(), VisitDraftRow.id.desc())
    )
    return [_to_draft(row) for row in session.scalars(query)]


def delete_draft(session: Session, draft_id: int) -> None:
    """Remove a draft (after it was signed or discarded); absent drafts are ignored."""
    session.execute(delete(VisitDraftRow).where(VisitDraftRow.id == draft_id))
