"""Unsigned visits saved as they are edited, so a crash loses at most the edit in flight.

Each save is its own small committed unit of work (SQLite runs with synchronous=FULL).
Saving a draft is not an audit event (it happens on every field edit); discarding one is
("discard draft", on the draft: patient id, visit kind and date, never answers), so an
auditor sees that unsigned work was thrown away. Opening another person's draft is not
possible: a draft belongs to its author.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from isoface_desk.errors import AccessDenied
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, CatalogServiceBase
from isoface_desk.services.visits.visit_checks import form_for
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.repositories import drafts as drafts_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.drafts import Draft, DraftData

__all__ = ["DISCARD_ACTION", "Draft", "DraftService"]

DISCARD_ACTION = "discard draft"


class DraftService(CatalogServiceBase):
    def save(
        self,
        actor: Actor,
        *,
        patient_id: int,
        kind: str,
        visit_date: dt.date,
        answers: Mapping[str, Any],
        course_id: int | None = None,
        position: str = "",
        draft_id: int | None = None,
    ) -> Draft:
        """Create (draft_id None) or overwrite the actor's draft; the form is the current
        checklist of `kind` in the service's catalog."""
        form = form_for(kind, self.catalog)
        data = DraftData(
            patient_id=patient_id,
            visit_kind=kind,
            visit_date=visit_date,
            form_id=form.id,
            form_version=form.version,
            form_hash=form.sha256,
            answers=jsonable(dict(answers)),
            course_id=course_id,
            author_id=actor.user_id,
            position=position,
        )
        with self._unit(actor, Permission.DRAFT_WRITE) as session:
            if draft_id is not None:
                _own(drafts_repo.get_draft(session, draft_id), actor)
            patients_repo.get_patient(session, patient_id)
            return drafts_repo.save_draft(session, data, draft_id)

    def mine(self, actor: Actor) -> list[Draft]:
        """The actor's open drafts, newest first (offered for recovery after a crash)."""
        with self._read(actor, Permission.DRAFT_WRITE) as session:
            return drafts_repo.drafts_by_author(session, actor.user_id)

    def get(self, actor: Actor, draft_id: int) -> Draft:
        with self._read(actor, Permission.DRAFT_WRITE) as session:
            return _own(drafts_repo.get_draft(session, draft_id), actor)

    def discard(self, actor: Actor, draft_id: int) -> None:
        """Throw the actor's unsigned visit away; a "discard draft" audit event."""
        with self._unit(actor, Permission.DRAFT_WRITE) as session:
            draft = _own(drafts_repo.get_draft(session, draft_id), actor)
            drafts_repo.delete_draft(session, draft_id)
            details = {"patient_id": draft.patient_id, "visit_kind": draft.visit_kind,
                       "visit_date": draft.visit_date.isoformat()}  # fmt: skip
            append_event(session, actor.username, DISCARD_ACTION, "draft", draft_id, details)


def jsonable(value: Any) -> Any:
    """Answers as JSON values: dates become ISO text (the checklist accepts both)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _own(draft: Draft, actor: Actor) -> Draft:
    if draft.author_id != actor.user_id:
        raise AccessDenied("This draft belongs to another user.")
    return draft
