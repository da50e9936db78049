"""The role matrix, enforced: every service action called by a user of every role.

An action the role's permissions allow must succeed; any other raises AccessDenied and
writes nothing (the audit chain does not move). Each case first prepares what it needs
as the setup's dermatologist-administrator, then makes exactly one service call.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.errors import AccessDenied
from isoface_desk.services.access.permissions import ROLE_PERMISSIONS, Permission
from isoface_desk.services.access.users import NewUser
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.db import read_scope
from tests.services.conftest import (
    PASSWORD,
    ROLES,
    VISIT_DAY,
    World,
    example_patient,
    fresh_user,
    patient_signature,
    print_orders,
    visit,
)

Call = Callable[[Actor], object]
P = Permission
START = CourseStart(start_date=VISIT_DAY, product="Isoface 20 mg", strength_mg=20, mg_per_day=40)


@dataclass(frozen=True)
class Base:
    patient_id: int
    course_id: int
    record_id: int


@pytest.fixture(scope="module")
def base(shared_world: World) -> Base:
    s, first = shared_world.services, shared_world.first
    patient = s.patients.create(first, example_patient())
    course = s.courses.start(first, patient.id, START).course
    signed = s.records.sign_visit(
        first, patient.id, course.id, "initiation", visit(), {}, patient_signature(), PASSWORD
    )
    return Base(patient.id, course.id, signed.record_id)


def _new_patient(w: World) -> int:
    return w.services.patients.create(w.first, example_patient()).id


def _new_course(w: World, status: str = "active") -> int:
    from dataclasses import replace

    start = replace(START, status=status)
    return w.services.courses.start(w.first, _new_patient(w), start).course.id


def _planned_order(w: World, b: Base) -> tuple[int, list[str]]:
    orders = w.services.orders.for_patient(w.first, _new_course_patient(w))
    order = next(o for o in orders if o.status == "planned")
    return order.id, [str(t) for t in order.tests]


def _new_course_patient(w: World) -> int:
    patient_id = _new_patient(w)
    w.services.courses.start(w.first, patient_id, START)
    return patient_id


def _new_user(w: World) -> int:
    name = f"u{uuid.uuid4().hex[:8]}"
    new = NewUser(name, "Someone", frozenset({"nurse"}), PASSWORD)
    return w.services.users.add_user(w.first, new).id


def c_sign(w: World, b: Base) -> Call:
    patient_id = _new_patient(w)
    return lambda a: w.services.records.sign_visit(
        a, patient_id, None, "initiation", visit(), {}, patient_signature(), PASSWORD
    )


def c_correct(w: World, b: Base) -> Call:
    return lambda a: w.services.records.correct_record(
        a, b.record_id, visit(), {}, patient_signature(), PASSWORD, "typo in the weight"
    )


def c_collect(w: World, b: Base) -> Call:
    order_id, _ = _planned_order(w, b)
    return lambda a: _lab_work(w).mark_collected(a, [order_id])


def c_print(w: World, b: Base) -> Call:
    ids = [o.id for o in w.services.orders.for_patient(w.first, b.patient_id)]
    return lambda a: print_orders(w, a, ids[:1])


def _lab_work(w: World) -> LabWorkService:
    """The service behind the due list's Collected and a print job's marking."""
    return LabWorkService(w.services.engine, now=w.clock)


def c_end(w: World, b: Base) -> Call:
    course_id = _new_course(w)
    return lambda a: w.services.courses.end(a, course_id, VISIT_DAY + dt.timedelta(days=60))


def c_start(w: World, b: Base) -> Call:
    patient_id = _new_patient(w)
    return lambda a: w.services.courses.start(a, patient_id, START)


def c_user(action: str) -> Callable[[World, Base], Call]:
    def prepare(w: World, b: Base) -> Call:
        uid = _new_user(w)
        users = w.services.users
        calls: dict[str, Call] = {
            "roles": lambda a: users.set_roles(a, uid, {"nurse", "auditor"}),
            "disable": lambda a: users.set_active(a, uid, False),
            "reset": lambda a: users.reset_password(a, uid, "Another-plum-tree-7"),
            "details": lambda a: users.update_details(
                a, uid, display_name="New Name", licence_number=""
            ),
        }
        return calls[action]

    return prepare


def c_draft(action: str) -> Callable[[World, Base], Call]:
    def prepare(w: World, b: Base) -> Call:
        d = w.services.drafts
        if action == "save":
            return lambda a: d.save(
                a,
                patient_id=b.patient_id,
                kind="initiation",
                visit_date=VISIT_DAY,
                answers={"weight_kg": 62},
            )
        if action == "mine":
            return lambda a: d.mine(a)

        def own_then(a: Actor) -> object:
            # Needs the permission to create the draft first; refused roles stop there.
            draft = d.save(
                a, patient_id=b.patient_id, kind="initiation", visit_date=VISIT_DAY, answers={}
            )
            return d.get(a, draft.id) if action == "get" else d.discard(a, draft.id)

        return own_then

    return prepare


def simple(make: Callable[[World, Base, Actor], object]) -> Callable[[World, Base], Call]:
    return lambda w, b: lambda a: make(w, b, a)


CASES: dict[str, tuple[Permission, Callable[[World, Base], Call]]] = {
    "patients.search": (
        P.PATIENT_READ,
        simple(lambda w, b, a: w.services.patients.search(a, "zoe")),
    ),
    "patients.count": (P.PATIENT_READ, simple(lambda w, b, a: w.services.patients.count(a, "zoe"))),
    "patients.get": (
        P.PATIENT_READ,
        simple(lambda w, b, a: w.services.patients.get(a, b.patient_id)),
    ),
    "patients.create": (
        P.PATIENT_WRITE,
        simple(lambda w, b, a: w.services.patients.create(a, example_patient())),
    ),
    "patients.edit": (
        P.PATIENT_WRITE,
        simple(
            lambda w, b, a: w.services.patients.edit(
                a, b.patient_id, example_patient("edited-" + uuid.uuid4().hex[:6])
            )
        ),
    ),
    "patients.bulk_import": (
        P.PATIENT_WRITE,
        simple(lambda w, b, a: w.services.patients.bulk_import(a, [example_patient()])),
    ),
    "courses.for_patient": (
        P.COURSE_READ,
        simple(lambda w, b, a: w.services.courses.for_patient(a, b.patient_id)),
    ),
    "courses.start": (P.COURSE_WRITE, c_start),
    "courses.end": (P.COURSE_WRITE, c_end),
    "records.sign_visit": (P.RECORD_SIGN, c_sign),
    "records.correct_record": (P.RECORD_SIGN, c_correct),
    "records.for_patient": (
        P.RECORD_READ,
        simple(lambda w, b, a: w.services.records.for_patient(a, b.patient_id)),
    ),
    "records.get": (P.RECORD_READ, simple(lambda w, b, a: w.services.records.get(a, b.record_id))),
    "records.pdf(view)": (
        P.RECORD_READ,
        simple(lambda w, b, a: w.services.records.pdf(a, b.record_id)),
    ),
    "records.pdf(export)": (
        P.RECORD_EXPORT,
        simple(lambda w, b, a: w.services.records.pdf(a, b.record_id, purpose="export")),
    ),
    "orders.for_patient": (
        P.ORDER_READ,
        simple(lambda w, b, a: w.services.orders.for_patient(a, b.patient_id)),
    ),
    "lab_printing.run_job": (P.ORDER_WRITE, c_print),
    "lab_work.mark_collected": (P.ORDER_WRITE, c_collect),
    "drafts.save": (P.DRAFT_WRITE, c_draft("save")),
    "drafts.mine": (P.DRAFT_WRITE, c_draft("mine")),
    "drafts.get": (P.DRAFT_WRITE, c_draft("get")),
    "drafts.discard": (P.DRAFT_WRITE, c_draft("discard")),
    "users.list_users": (P.USER_MANAGE, simple(lambda w, b, a: w.services.users.list_users(a))),
    "users.add_user": (
        P.USER_MANAGE,
        simple(
            lambda w, b, a: w.services.users.add_user(
                a, NewUser(f"n{uuid.uuid4().hex[:8]}", "N", frozenset({"auditor"}), PASSWORD)
            )
        ),
    ),
    "users.set_roles": (P.USER_MANAGE, c_user("roles")),
    "users.set_active": (P.USER_MANAGE, c_user("disable")),
    "users.reset_password": (P.USER_MANAGE, c_user("reset")),
    "users.update_details": (P.USER_MANAGE, c_user("details")),
    "my_signature.own_signature": (
        P.RECORD_SIGN,
        simple(lambda w, b, a: w.services.my_signature.own_signature(a)),
    ),
    "my_signature.set_own_signature": (
        P.RECORD_SIGN,
        simple(lambda w, b, a: w.services.my_signature.set_own_signature(a, demo_signature_png(4))),
    ),
    "auth.set_idle_lock_minutes": (
        P.SETTINGS_MANAGE,
        simple(lambda w, b, a: w.services.auth.set_idle_lock_minutes(a, 12)),
    ),
}


def _head(w: World) -> tuple[int, str]:
    with read_scope(w.services.engine) as session:
        return chain_head(session)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_action_with_every_role(
    shared_world: World, base: Base, case: str, role: str
) -> None:
    permission, prepare = CASES[case]
    call = prepare(shared_world, base)
    actor = shared_world.actors[role]
    before = _head(shared_world)
    if permission in ROLE_PERMISSIONS[role]:
        call(actor)
    else:
        with pytest.raises(AccessDenied):
            call(actor)
        assert _head(shared_world) == before, "a refused action wrote to the audit chain"


def test_every_permission_is_exercised() -> None:
    assert {permission for permission, _ in CASES.values()} >= set(Permission) - {
        P.AUDIT_READ,  # the auditor's workspace services come with issue 7
        P.INTEGRITY_VERIFY,  # services.integrity needs no login by design (H3)
    }


def test_a_disabled_account_is_refused_even_with_a_valid_actor(shared_world: World) -> None:
    s, nurse = shared_world.services, fresh_user(shared_world, "nurse")
    s.users.set_active(shared_world.first, nurse.user_id, False)
    with pytest.raises(AccessDenied, match="disabled"):
        s.patients.search(nurse, "")


def test_roles_removed_while_signed_in_take_effect_at_once(shared_world: World) -> None:
    s, derm = shared_world.services, fresh_user(shared_world, "dermatologist")
    s.users.set_roles(shared_world.first, derm.user_id, {"nurse"})
    with pytest.raises(AccessDenied, match="no longer allow"):
        s.records.for_patient(derm, 1)


def test_an_admin_who_is_also_a_dermatologist_may_sign(shared_world: World) -> None:
    s, first = shared_world.services, shared_world.first
    assert first.roles == {"dermatologist", "admin"}
    patient_id = s.patients.create(first, example_patient()).id
    signed = s.records.sign_visit(
        first, patient_id, None, "initiation", visit(), {}, patient_signature(), PASSWORD
    )
    assert signed.verdict == "clear"
