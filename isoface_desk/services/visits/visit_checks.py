"""The checks a visit passes before it may be signed (used by services.records).

Pure apart from `check_course`, which looks the course up in the caller's session.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol

from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.checklist import (
    Form,
    FormSigners,
    context_from_visit_dict,
    form_signers,
    load_checklists,
    refs_from_catalog,
    visit_dict_to_answers,
)
from isoface_desk.domain.engine import Evaluation, evaluate
from isoface_desk.domain.readiness import Readiness, readiness
from isoface_desk.domain.visit import VISIT_KINDS, Visit
from isoface_desk.errors import InputError, NotFound, Problem
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import courses as courses_repo

SIGNER_ROLES = ("patient", "guardian", "second-prescriber")


class SigningRefused(InputError):
    """The visit cannot be signed as it is. `codes` are the finding codes in the way
    (blocks, or warnings without a justification); `blocked` says they are blocks."""

    def __init__(
        self, problems: list[str], codes: Sequence[str] = (), *, blocked: bool = False
    ) -> None:
        super().__init__(problems)
        self.codes = tuple(codes)
        self.blocked = blocked


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
    """Parse and evaluate; refuse what domain.readiness says stops signing, and stray
    justifications. Returns the visit, its evaluation and the justifications, trimmed."""
    if kind not in VISIT_KINDS:
        raise InputError(f"Unknown visit kind '{kind}': use one of {', '.join(VISIT_KINDS)}.")
    visit = parse_visit(data, catalog)
    if visit.kind != kind:
        what = f"is '{visit.kind}' but a {kind} visit is being signed."
        raise InputError(Problem("visit.kind", what))
    evaluation = evaluate(visit, catalog)
    ready = readiness(evaluation, justifications)
    _refuse(ready)
    return visit, evaluation, {code: ready.justified[code] for code in justifications}


def _refuse(ready: Readiness) -> None:
    """Blocks first (no justification helps), then stray and missing justifications."""
    if ready.blocks:
        raise SigningRefused(
            [f"{f.code}: {f.message} (this blocks signing)" for f in ready.blocks],
            [f.code for f in ready.blocks],
            blocked=True,
        )
    if ready.stray:
        raise InputError(
            [
                f"{code}: a justification was given, but this visit has no such warning."
                for code in ready.stray
            ]
        )
    if ready.unjustified:
        raise SigningRefused(
            [
                f"{f.code}: type a justification for this warning before signing."
                for f in ready.unjustified
            ],
            [f.code for f in ready.unjustified],
        )


def signers_of(form: Form, visit_dict: Mapping[str, Any], profile_id: str) -> FormSigners:
    """Who signs this visit by hand, as its form asks: the signers of the form's signature
    questions shown for this visit (e.g. the guardian's only under 18), and the required
    ones. `profile_id` is the exact profile the visit was evaluated under."""
    context = context_from_visit_dict(visit_dict, profile_id)
    return form_signers(form, visit_dict_to_answers(form, visit_dict), context)


def visit_signers(kind: str, visit_dict: Mapping[str, Any], catalog: Catalog) -> FormSigners:
    """`signers_of` for a visit not yet evaluated (the demo seeder, scripts)."""
    visit = parse_visit(copy.deepcopy(dict(visit_dict)), catalog)
    profile = resolve_profile(catalog, visit.profile, visit.date)
    return signers_of(form_for(kind, catalog), visit_dict, profile.id)


def check_signers(form: Form, asked: FormSigners, signatures: Sequence[Signature]) -> None:
    """Every signature the form requires is drawn and named; none it does not ask for.
    (The prescriber signs by re-entering the password, checked by the caller.)"""
    problems = []
    roles = [s.role for s in signatures]
    for s in signatures:
        if s.role not in SIGNER_ROLES:
            problems.append(f"Unknown signer '{s.role}': use one of {', '.join(SIGNER_ROLES)}.")
        elif s.role not in asked.asked:
            problems.append(f"The {form.title} form asks for no signature of the {s.role}.")
        elif not s.png or not s.name.strip():
            problems.append(f"The {s.role}'s signature needs a name and a drawn signature.")
        elif roles.count(s.role) > 1:
            problems.append(f"The {s.role} signed more than once.")
    for role in asked.required:
        if role not in roles:
            problems.append(_MISSING.get(role, f"The {role} has not signed."))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))


_MISSING = {
    "patient": "The patient has not signed.",
    "guardian": "The patient is under 18: a parent or guardian must sign too.",
}


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
