"""The checklist wired to the services: autosave into the actor's draft, sign into a record.

    start = VisitStartService(engine).prepare(actor, patient_id, "follow-up")
    checklist = open_visit_checklist(start, actor, services.drafts, services.records,
                                     catalog=catalog, messages=channel)
    window.set_area_page("visit", checklist)

Signing calls `RecordService.sign_visit` with exactly the visit that was evaluated on the
screen, the justifications typed, the drawn signatures (the patient's name from the
patient record; a guardian's name is asked in the sign dialog) and the re-entered
password. The service deletes the draft in the same transaction as the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from isoface_desk.domain.catalog import Catalog
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.corrections import Correction
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.records import RecordService, SignatureInput, SignedVisit
from isoface_desk.services.visits.visit_course import CoursePlan
from isoface_desk.services.visits.visit_start import VisitDraftHandle, VisitStart
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.checklist import VisitChecklist
from isoface_desk.ui.visit.signing import SignCallback, SignRequest


def record_signer(
    records: RecordService, actor: Actor, start: VisitStart, handle: VisitDraftHandle
) -> SignCallback:
    """The sign callback: a SignRequest becomes a signed record (or a typed error)."""

    def sign(request: SignRequest) -> SignedVisit:
        signatures = [SignatureInput(role, request.signer_names.get(role, ""), png)
                      for role, png in request.signatures.items()]  # fmt: skip
        signed = records.sign_visit(
            actor, start.patient.id, start.course_id, start.kind, request.visit,
            request.justifications, signatures, request.password, draft_id=handle.draft_id,
            course_plan=CoursePlan.from_answers(request.answers),
        )  # fmt: skip
        handle.draft_id = None  # deleted with the signing transaction
        return signed

    return sign


def correction_signer(
    records: RecordService, actor: Actor, correction: Correction, handle: VisitDraftHandle
) -> SignCallback:
    """The sign callback of a correction: RecordService.correct_record signs a new record
    that references `correction.record_id` (which stays as it is), deleting the draft."""

    def sign(request: SignRequest) -> SignedVisit:
        signatures = [SignatureInput(role, request.signer_names.get(role, ""), png)
                      for role, png in request.signatures.items()]  # fmt: skip
        signed = records.correct_record(
            actor, correction.record_id, request.visit, request.justifications, signatures,
            request.password, correction.reason, draft_id=handle.draft_id,
        )  # fmt: skip
        handle.draft_id = None  # deleted with the signing transaction
        return signed

    return sign


def open_correction_checklist(
    start: VisitStart, actor: Actor, drafts: DraftService, records: RecordService,
    correction: Correction, *, catalog: Catalog, messages: MessageChannel | None = None,
    autosave_ms: int = 500,
) -> VisitChecklist:  # fmt: skip
    """The checklist of a correction of a signed record (`start` from
    VisitStartService.prepare_correction): the record's answers to amend, autosaved into a
    draft marked as this correction (so it reopens as one), signed by correction_signer."""
    handle = VisitDraftHandle(drafts, actor, start, correction)
    return VisitChecklist(
        start.form, start.context, catalog, drafts=handle,
        sign=correction_signer(records, actor, correction, handle), messages=messages,
        heading=f"Correction of record {correction.record_id} · {visit_heading(start)}",
        prescriber=actor.display_name, autosave_ms=autosave_ms,
        signer_names={"patient": start.patient.full_name},
        initial_answers=start.prefill.answers,
    )  # fmt: skip


def visit_heading(start: VisitStart) -> str:
    p, c = start.patient, start.context
    return (f"{p.full_name} · {p.clinic_number} · born {p.birth_date.isoformat()} · "
            f"{start.kind} {c.visit_date.isoformat()} · {c.profile_id}")  # fmt: skip


def open_visit_checklist(
    start: VisitStart, actor: Actor, drafts: DraftService, records: RecordService, *,
    catalog: Catalog, messages: MessageChannel | None = None, autosave_ms: int = 500,
    initial_answers: Mapping[str, Any] | None = None,
) -> VisitChecklist:  # fmt: skip
    """The visit opens with what the clinic has stored (`start.prefill`: answers carried
    from the last signed visit, stored results, the patient record, each section marked
    with its source) unless `initial_answers` are given; a draft to resume wins over both."""
    handle = VisitDraftHandle(drafts, actor, start)
    return VisitChecklist(
        start.form, start.context, catalog, drafts=handle,
        sign=record_signer(records, actor, start, handle), messages=messages,
        heading=visit_heading(start), prescriber=actor.display_name, autosave_ms=autosave_ms,
        signer_names={"patient": start.patient.full_name},
        initial_answers=start.prefill.answers if initial_answers is None else initial_answers,
        notes=start.prefill.notes if initial_answers is None else None,
    )  # fmt: skip
