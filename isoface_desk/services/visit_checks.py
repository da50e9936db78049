"""The checks a visit passes before it may be signed (used by services.records).

Pure apart from `check_course`, which looks the course up in the caller's session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.checklist import Form, load_checklists, refs_from_catalog
from isoface_desk.domain.engine import Evaluation, evaluate
from isoface_desk.domain.visit import VISIT_KINDS, Visit, age_on
from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import courses as courses_repo

SIGNER_ROLES = ("patient", "guardian", "second-prescriber")
ADULT_AGE = 18


class SigningRefused(InputError):
    """The visit cannot be signed as it is. `codes` are the finding codes in the way
    (blocks, or warnings without a justification)."""

    def __init__(self, problems: list[str], codes: Sequence[str] = ()) -> None:
        super().__init__(problems)
        self.codes = tuple(codes)


class Signature(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def png(self) -> bytes: ...


def check_visit(
    kind: str, data: dict[str, Any], justifications: Mapping[str, str], catalog: Catalog
) -> tuple[Visit, Evaluation, dict[str, str]]:
    """Parse and evaluate; refuse blocks, unjustified warnings and stray justifications.
    Returns the visit, its evaluation and the justifications, trimmed."""
    if kind not in VISIT_KINDS:
        raise InputError(f"Unknown visit kind '{kind}': use one of {', '.join(VISIT_KINDS)}.")
    visit = parse_visit(data, catalog)
    if visit.kind != kind:
        raise InputError(f"visit.kind: is '{visit.kind}' but a {kind} visit is being signed.")
    evaluation = evaluate(visit, catalog)
    blocks = [f for f in evaluation.findings if f.severity == "block"]
    if blocks:
        raise SigningRefused(
            [f"{f.code}: {f.message} (this blocks signing)" for f in blocks],
            [f.code for f in blocks],
        )
    kept = {code: text.strip() for code, text in justifications.items()}
    warnings = {f.code for f in evaluation.findings if f.severity == "warn"}
    stray = sorted(set(kept) - warnings)
    if stray:
        raise InputError(
            [
                f"{code}: a justification was given, but this visit has no such warning."
                for code in stray
            ]
        )
    missing = [f for f in evaluation.findings if f.severity == "warn" and not kept.get(f.code)]
    if missing:
        raise SigningRefused(
            [f"{f.code}: type a justification for this warning before signing." for f in missing],
            [f.code for f in missing],
        )
    return visit, evaluation, kept


def check_signers(visit: Visit, signatures: Sequence[Signature]) -> None:
    """The patient signed; a guardian too when the patient is under 18 on the visit date."""
    problems = []
    roles = [s.role for s in signatures]
    for s in signatures:
        if s.role not in SIGNER_ROLES:
            problems.append(f"Unknown signer '{s.role}': use one of {', '.join(SIGNER_ROLES)}.")
        elif not s.png or not s.name.strip():
            problems.append(f"The {s.role}'s signature needs a name and a drawn signature.")
    if "patient" not in roles:
        problems.append("The patient has not signed.")
    if age_on(visit.patient.birth_date, visit.date) < ADULT_AGE and "guardian" not in roles:
        problems.append("The patient is under 18: a parent or guardian must sign too.")
    if problems:
        raise InputError(problems)


def check_course(session: Session, patient_id: int, course_id: int | None) -> None:
    if course_id is None:
        return
    course = courses_repo.get_course(session, course_id)
    if course.patient_id != patient_id:
        raise NotFound(f"Course {course_id} is not a course of patient {patient_id}.")


def form_for(kind: str, catalog: Catalog) -> Form:
    """The checklist form of this visit kind (its id, version and hash go in the record)."""
    forms = _forms(catalog)
    if kind not in forms:
        raise InputError(f"No checklist form for {kind} visits in {catalog.forms_dir}.")
    return forms[kind]


@cache
def _forms(catalog: Catalog) -> dict[str, Form]:
    """The checklists of the catalog's forms folder, loaded once per catalog."""
    return load_checklists(catalog.forms_dir, refs_from_catalog(catalog))
