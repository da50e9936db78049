"""The patient page's timeline and the visit start, on the seeded demo clinic: values derived
from the signed records, one audited view per page, role limits, and the context a new
visit opens with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from isoface_desk.errors import AccessDenied, InputError
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.db import read_scope
from tests.ui.app_support import PASSWORD, copy_of, demo_template

ON_TREATMENT, REGISTERED = 5, 1


@pytest.fixture
def services(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Services]:
    opened = open_services(copy_of(demo_template(tmp_path_factory), tmp_path), migrate=False)
    yield opened
    opened.close()


def events(services: Services) -> int:
    with read_scope(services.engine) as session:
        return chain_head(session)[0]


def test_timeline_values_come_from_the_signed_visits(services: Services) -> None:
    derm = services.auth.login("derm", PASSWORD)
    before = events(services)
    t = TimelineService(services.engine).for_patient(derm, ON_TREATMENT)
    assert events(services) == before + 1, "one view event for the whole page"
    records = [services.records.get(derm, r.id) for r in t.records]
    assert [p[1] for p in t.phq9] == [
        float(sum(r.answers["phq9"])) for r in sorted(records, key=lambda r: r.visit_date)
    ]
    latest = max(records, key=lambda r: r.visit_date)
    weight = latest.answers["patient"]["weight_kg"]
    assert t.dose[-1][1] == pytest.approx(latest.answers["course"]["cumulative_mg"] / weight)
    dose = latest.answers["dose"]
    expected = (
        latest.answers["course"]["cumulative_mg"] + dose["mg_per_day"] * dose["days_supply"]
    ) / weight
    assert t.dose_projection is not None and t.dose_projection[1] == pytest.approx(expected, 0.01)
    assert t.dose_target == (120.0, 150.0)
    assert {lab.test for lab in t.labs} >= {"ALT", "AST", "TG", "CHOL", "HCG"}
    assert [d.due_from for d in t.due] == sorted(d.due_from for d in t.due)


def test_a_nurse_gets_no_signed_content_and_an_admin_no_patient(services: Services) -> None:
    nurse = services.auth.login("nurse", PASSWORD)
    t = TimelineService(services.engine).for_patient(nurse, ON_TREATMENT)
    assert t.records == () and t.phq9 == () and t.dose == () and t.drafts == ()
    assert t.courses and t.due
    admin = services.auth.login("admin", PASSWORD)
    with pytest.raises(AccessDenied):
        TimelineService(services.engine).for_patient(admin, ON_TREATMENT)


def test_visit_start_context(services: Services) -> None:
    derm = services.auth.login("derm", PASSWORD)
    starts = VisitStartService(services.engine)
    follow_up = starts.prepare(derm, ON_TREATMENT, "follow-up")
    assert follow_up.course_id is not None and follow_up.context.cumulative_mg > 0
    assert follow_up.context.phq9_baseline_total is not None
    assert follow_up.context.profile_id == "uk-mhra-2026"
    with pytest.raises(InputError, match="needs an open treatment course"):
        starts.prepare(derm, REGISTERED, "follow-up")
    initiation = starts.prepare(derm, REGISTERED, "initiation")
    assert initiation.course_id is None and initiation.context.cumulative_mg == 0.0
    nurse = services.auth.login("nurse", PASSWORD)
    with pytest.raises(AccessDenied):
        starts.prepare(nurse, ON_TREATMENT, "follow-up")
