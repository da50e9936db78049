"""The work areas of the main window and which roles see each.

This decides what the window offers, not what is permitted: every service call checks the
role itself. A user may hold several roles (the first dermatologist is also the
administrator); they see the union of their areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("dermatologist", "nurse", "auditor", "admin")


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    roles: frozenset[str]
    purpose: str  # one sentence: what the person does here
    coming: str  # what the placeholder page promises until the real page exists


AREAS: tuple[Area, ...] = (
    Area(
        "patients",
        "Patients",
        frozenset({"dermatologist", "nurse", "auditor"}),
        "Find a patient and follow their isotretinoin course.",
        "Instant search by name, birth date or clinic number; patient details; the course "
        "timeline with visits and verdicts, PHQ-9 totals, cumulative dose against the "
        "120–150 mg/kg band, latest labs and the next tests due.",
    ),
    Area(
        "visit",
        "Visit",
        frozenset({"dermatologist"}),
        "Go through the visit checklist and sign.",
        "The guided checklist one section at a time, with the safety findings always in "
        "view, justifications for warnings, patient and guardian signatures, and the "
        "prescriber's signature.",
    ),
    Area(
        "lab_orders",
        "Lab orders",
        frozenset({"dermatologist", "nurse"}),
        "Order the monthly tests and record their results.",
        "Due and overdue lab orders, printing of order forms, and entry of results with "
        "units and reference limits.",
    ),
    Area(
        "audit",
        "Audit",
        frozenset({"auditor", "admin"}),
        "Review signed records and check that nothing was altered.",
        "The audit trail, signed records as they were signed, and integrity verification "
        "of every record and of the audit chain.",
    ),
    Area(
        "administration",
        "Administration",
        frozenset({"admin"}),
        "Manage users, the clinic and its settings.",
        "User accounts and roles, clinic details, the jurisdiction profile, paper size, "
        "the idle-lock time and the clinic signing certificate.",
    ),
)


def areas_for_roles(roles: Iterable[str]) -> tuple[Area, ...]:
    """The areas a person with these roles sees, in menu order."""
    held = set(roles)
    unknown = held - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    return tuple(area for area in AREAS if area.roles & held)


def area(key: str) -> Area:
    for candidate in AREAS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
