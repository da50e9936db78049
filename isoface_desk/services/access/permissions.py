"""Who may do what: the one table of role -> permissions, enforced by every service call.

Least privilege (issue 7): a nurse handles identity, lab orders and results but not the
signed checklists; an auditor reads everything and changes nothing; an administrator
manages users and settings and signs clinical records only if also a dermatologist.
A user may hold several roles and gets the union of their permissions.
`role_matrix_markdown()` prints the table for the README.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

ROLES: tuple[str, ...] = ("dermatologist", "nurse", "auditor", "admin")


class Permission(StrEnum):
    PATIENT_READ = "patient.read"  # search the list, open a patient (identity)
    PATIENT_WRITE = "patient.write"  # add and edit patient details
    COURSE_READ = "course.read"
    COURSE_WRITE = "course.write"  # start a course, change the dose, end it
    DRAFT_WRITE = "draft.write"  # autosaved unsigned visits
    RECORD_SIGN = "record.sign"  # sign a visit, sign a correction
    RECORD_READ = "record.read"  # signed checklists: content and PDF
    RECORD_EXPORT = "record.export"  # export or print a signed PDF
    ORDER_READ = "order.read"  # due lists, orders and results
    ORDER_WRITE = "order.write"  # generate, print, collect, enter results
    AUDIT_READ = "audit.read"  # the audit trail, reports
    INTEGRITY_VERIFY = "integrity.verify"  # verify records, PDFs and the chain
    USER_MANAGE = "user.manage"  # add, disable, reset users; change roles
    SETTINGS_MANAGE = "settings.manage"  # clinic details, idle lock, certificate, backups


P = Permission

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "dermatologist": frozenset(
        {
            P.PATIENT_READ,
            P.PATIENT_WRITE,
            P.COURSE_READ,
            P.COURSE_WRITE,
            P.DRAFT_WRITE,
            P.RECORD_SIGN,
            P.RECORD_READ,
            P.RECORD_EXPORT,
            P.ORDER_READ,
            P.ORDER_WRITE,
        }
    ),
    "nurse": frozenset(
        {P.PATIENT_READ, P.PATIENT_WRITE, P.COURSE_READ, P.ORDER_READ, P.ORDER_WRITE}
    ),
    "auditor": frozenset(
        {
            P.PATIENT_READ,
            P.COURSE_READ,
            P.RECORD_READ,
            P.RECORD_EXPORT,
            P.ORDER_READ,
            P.AUDIT_READ,
            P.INTEGRITY_VERIFY,
        }
    ),
    "admin": frozenset({P.USER_MANAGE, P.SETTINGS_MANAGE, P.INTEGRITY_VERIFY}),
}

assert set(ROLE_PERMISSIONS) == set(ROLES)

#: Short descriptions for the README table and for messages.
DESCRIPTIONS: dict[Permission, str] = {
    P.PATIENT_READ: "Search and open patients (identity)",
    P.PATIENT_WRITE: "Add and edit patient details",
    P.COURSE_READ: "See treatment courses",
    P.COURSE_WRITE: "Start a course, change the dose, end it",
    P.DRAFT_WRITE: "Work on unsigned visits (autosaved drafts)",
    P.RECORD_SIGN: "Sign visits and corrections",
    P.RECORD_READ: "Read signed checklists and their PDFs",
    P.RECORD_EXPORT: "Print or export signed PDFs",
    P.ORDER_READ: "See lab orders, due lists and results",
    P.ORDER_WRITE: "Generate, print and collect lab orders; enter results",
    P.AUDIT_READ: "Read the audit trail and reports",
    P.INTEGRITY_VERIFY: "Verify records, PDFs and the audit chain",
    P.USER_MANAGE: "Add, disable and reset users; change roles",
    P.SETTINGS_MANAGE: "Clinic details, idle lock, signing certificate, backups",
}


def permissions_for(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of the permissions of `roles` (unknown roles grant nothing)."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def roles_with(permission: Permission) -> tuple[str, ...]:
    """The roles that grant `permission`, in ROLES order (for messages)."""
    return tuple(role for role in ROLES if permission in ROLE_PERMISSIONS[role])


def role_matrix_markdown() -> str:
    """The role matrix as a Markdown table (README, issue 7)."""
    lines = [
        "| Permission | " + " | ".join(ROLES) + " |",
        "|---|" + "|".join(":-:" for _ in ROLES) + "|",
    ]
    for permission in Permission:
        marks = ["yes" if permission in ROLE_PERMISSIONS[r] else "" for r in ROLES]
        lines.append(f"| {DESCRIPTIONS[permission]} (`{permission}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines)
