"""The visit a checklist would open with, as check-format data (`isoface-desk visit prefill`).

    preview = VisitPreviewService(engine).prefill(actor, "C-0042", "follow-up", day)
    preview.visit        # the isoface-check/1 dict the live check would evaluate
    preview.start        # VisitStartService.prepare's VisitStart (form, context, prefill)

One path, the checklist's own: `VisitStartService.prepare` gathers the stored results and
the answers carried from the last signed visit, and `answers_to_visit_dict` turns the
prefill's answers into the check-format visit exactly as ui/visit/live_check.py does. The
prefill is that of a new visit: an unsigned draft the checklist would resume is not read
(`start.draft` says there is one). Permission `draft.write`, as for opening a visit; the
read is an audited "view" of the patient (ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.checklist import answers_to_visit_dict, unanswered_required
from isoface_desk.errors import InputError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, CatalogServiceBase
from isoface_desk.services.visits.visit_start import VisitStart, VisitStartService
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.repositories.audit_queries import patient_id_by_clinic_number

__all__ = ["VisitPreview", "VisitPreviewService"]

PAGE = "visit prefill"


@dataclass(frozen=True)
class VisitPreview:
    start: VisitStart
    visit: dict[str, Any]  # the check-format visit of the prefill's answers
    missing: tuple[str, ...]  # labels of the required questions still to answer


class VisitPreviewService(CatalogServiceBase):
    def __init__(self, *args: Any, starts: VisitStartService | None = None, **kwargs: Any) -> None:
        """`starts` prepares the visit; the composition root passes its own."""
        super().__init__(*args, **kwargs)
        self.starts = starts or VisitStartService(self.engine, now=self.now, catalog=self.catalog)

    def prefill(
        self, actor: Actor, clinic_number: str, kind: str, visit_date: dt.date | None = None
    ) -> VisitPreview:
        """What a new visit of `kind` for the patient with exactly this clinic number opens
        with; InputError if there is no such patient or the visit cannot start."""
        with self._read(actor, Permission.DRAFT_WRITE) as session:
            patient_id = patient_id_by_clinic_number(session, clinic_number)
        if patient_id is None:
            raise InputError(f"No patient has the clinic number {clinic_number.strip()!r}.")
        start = self.starts.prepare(actor, patient_id, kind, visit_date)
        _refuse_other_day(start, visit_date)
        with self._unit(actor, Permission.DRAFT_WRITE) as session:
            append_event(session, actor.username, "view", "patient", patient_id,
                         {"page": PAGE, "kind": kind})  # fmt: skip
        answers = start.prefill.answers
        visit = answers_to_visit_dict(start.form, answers, start.context)
        missing = unanswered_required(start.form, answers, start.context)
        return VisitPreview(start, visit, tuple(q.label for q in missing))


def _refuse_other_day(start: VisitStart, asked: dt.date | None) -> None:
    """A visit with the actor's own draft opens on the draft's date (prepare resumes it), so
    a prefill for another day cannot be given: say so rather than print the wrong day."""
    draft = start.draft
    if draft is None or asked is None or draft.visit_date == asked:
        return
    raise InputError(
        f"You have an unsigned {start.kind} visit of {draft.visit_date.isoformat()} for this "
        f"patient, and a {start.kind} visit opens on its date: ask for "
        f"--on {draft.visit_date.isoformat()}, or sign or discard that draft first."
    )
