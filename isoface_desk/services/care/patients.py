"""Patients: add, edit, search (for a lazy list model), open (an audited "view").

Searching returns pages (`limit`/`offset`) and counts, so a list of 100,000 patients
loads only what is on screen. One search box serves names (any script, accents and case
ignored), clinic numbers and birth dates: a word that reads as a date (2004-05-10 or
10/05/2004) searches the birth date. Searches are not audit events (each keystroke would
be one); opening a patient is, and so is every change. Events carry ids and the names of
the changed fields, never the values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from isoface_desk.errors import InputError, StorageError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.care.patient_import import (
    duplicate_numbers,
    patient_problems,
    summarised,
)
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.services.labs.orders import sync_course_orders
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.patients import SEXES, Patient, PatientData

__all__ = [
    "SEXES",
    "PatientData",
    "PatientQuery",
    "PatientService",
    "parse_query",
]

MAX_PAGE = 1000
BULK_BATCH = 10_000
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


@dataclass(frozen=True)
class PatientQuery:
    text: str = ""
    birth_date: dt.date | None = None


def _date_of(word: str) -> dt.date | None:
    iso = _ISO.match(word)
    dmy = _DMY.match(word)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dmy:
            return dt.date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError:
        return None
    return None


def parse_query(text: str) -> PatientQuery:
    """Split one search box's text into name/number words and a birth date."""
    words = []
    birth_date = None
    for word in text.split():
        day = _date_of(word)
        if day is not None and birth_date is None:
            birth_date = day
        else:
            words.append(word)
    return PatientQuery(text=" ".join(words), birth_date=birth_date)


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_PAGE)), max(0, offset)


class PatientService(ServiceBase):
    def search(
        self, actor: Actor, query: str | PatientQuery = "", *, limit: int = 100, offset: int = 0
    ) -> list[Patient]:
        """One page of matching patients, by family then given name."""
        q = parse_query(query) if isinstance(query, str) else query
        limit, offset = _page(limit, offset)
        with self._read(actor, Permission.PATIENT_READ) as session:
            return patients_repo.search_patients(
                session, q.text, birth_date=q.birth_date, limit=limit, offset=offset
            )

    def count(self, actor: Actor, query: str | PatientQuery = "") -> int:
        q = parse_query(query) if isinstance(query, str) else query
        with self._read(actor, Permission.PATIENT_READ) as session:
            return patients_repo.count_patients(session, q.text, birth_date=q.birth_date)

    def get(self, actor: Actor, patient_id: int) -> Patient:
        """One patient's details; an audited "view"."""
        with self._unit(actor, Permission.PATIENT_READ) as session:
            patient = patients_repo.get_patient(session, patient_id)
            append_event(session, actor.username, "view", "patient", patient_id, {})
            return patient

    def create(self, actor: Actor, data: PatientData) -> Patient:
        with self._unit(actor, Permission.PATIENT_WRITE) as session:
            patient = patients_repo.add_patient(session, data)
            append_event(session, actor.username, "create", "patient", patient.id, {})
            return patient

    def edit(
        self, actor: Actor, patient_id: int, data: PatientData,
        *, read_at: dt.datetime | None = None,
    ) -> Patient:  # fmt: skip
        """Replace the patient's details; the event lists which fields changed.

        `read_at` is the `updated_at` of the Patient the person edited (the dialog passes
        it): when another workstation saved the patient since, ConflictError says when and
        who, and nothing is stored (no change, no event), so one edit never silently
        overwrites another. Without it the details are replaced whatever their version.
        """
        with self._unit(actor, Permission.PATIENT_WRITE) as session:
            before = patients_repo.get_patient(session, patient_id)
            old = asdict(PatientData(**{k: getattr(before, k) for k in asdict(data)}))
            changed = sorted(k for k, v in asdict(data).items() if old[k] != v)
            patient = patients_repo.update_patient(session, patient_id, data, read_at=read_at)
            if {"can_get_pregnant", "attributes"} & set(changed):
                _resync_open_courses(session, patient_id)  # pregnancy tests, glucose
            append_event(
                session, actor.username, "edit", "patient", patient_id, {"fields": changed}
            )
            return patient

    def bulk_import(
        self, actor: Actor, patients: Iterable[PatientData], *, batch_size: int = BULK_BATCH
    ) -> int:
        """Add many patients fast (`isoface-desk patients import`, the demo seed), all or
        nothing: every patient is checked first (InputError naming each bad one), then all
        are inserted in one unit of work, rows without ORM objects, one "bulk import" audit
        event per batch. A clinic number already in the database refuses them all. Returns
        how many were added."""
        batch = list(patients)
        _check_bulk(batch, self.today())
        try:
            with self._unit(actor, Permission.PATIENT_WRITE) as session:
                for start in range(0, len(batch), batch_size):
                    chunk = batch[start : start + batch_size]
                    added = patients_repo.bulk_insert_patients(session, chunk,
                                                               batch_size=batch_size)  # fmt: skip
                    append_event(session, actor.username, "bulk import", "patient", "",
                                 {"count": added})  # fmt: skip
        except StorageError:
            self._refuse_taken(actor, batch)
            raise
        return len(batch)

    def _refuse_taken(self, actor: Actor, batch: list[PatientData]) -> None:
        """After a refused insert: InputError if clinic numbers are already used."""
        with self._read(actor, Permission.PATIENT_READ) as session:
            taken = [p.clinic_number for p in batch
                     if _number_used(session, p.clinic_number)]  # fmt: skip
        if taken:
            shown = ", ".join(taken[:20]) + (" ..." if len(taken) > 20 else "")
            raise InputError(f"Nothing was imported: clinic number(s) already used: {shown}.")


def _check_bulk(batch: list[PatientData], today: dt.date) -> None:
    problems = [f"patient {i} ({p.clinic_number or 'no clinic number'}): {problem}"
                for i, p in enumerate(batch, start=1)
                for problem in patient_problems(p, today)]  # fmt: skip
    problems += [f"clinic number {n} appears more than once" for n in duplicate_numbers(batch)]
    if problems:
        raise InputError(summarised(problems))


def _number_used(session: Session, clinic_number: str) -> bool:
    found = patients_repo.search_patients(session, clinic_number, limit=MAX_PAGE)
    return any(p.clinic_number == clinic_number for p in found)


def _resync_open_courses(session: Session, patient_id: int) -> None:
    """The schedule depends on pregnancy potential and diabetes: regenerate the orders of
    the patient's open courses (printed orders are kept, as on every regeneration)."""
    for course in courses_repo.courses_for_patient(session, patient_id):
        if course.status in ("planned", "active"):
            sync_course_orders(session, course.id)
