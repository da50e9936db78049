"""One demo patient in one course state, built through the services as a clinic would.

States: registered (no course yet); initiation due (planned course, baseline orders due);
blocked (planned course and a saved draft the safety engine blocks: stale pregnancy
test); month 1 (initiation signed); on treatment (initiation, a dose change, follow-ups,
one warning justified); completed and stopped courses (with end-of-course visits); a
record corrected by a later one. Past lab orders are printed, collected and resulted;
orders due this week are printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from isoface_desk.devtools.demo_country import DEFAULT, DemoCountry
from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_people import named_patient
from isoface_desk.devtools.demo_visits import (
    DAYS_SUPPLY,
    PRODUCT_NAME,
    DemoPatientFacts,
    Twist,
    visit_dict,
)
from isoface_desk.domain.checklist import visit_dict_to_answers
from isoface_desk.services.access.passwords import DEMO_PASSWORD
from isoface_desk.services.bundle import Services
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_results import ResultEntry
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.services.visits.visit_checks import form_for, visit_signers

STATES: tuple[str, ...] = (
    "registered",
    "initiation-due",
    "blocked",
    "month-1",
    "on-treatment",
    "completed",
    "stopped",
    "corrected",
)
#: Days before today each course state started.
STARTED_DAYS_AGO = {
    "month-1": 30,
    "on-treatment": 70,
    "completed": 220,
    "stopped": 120,
    "corrected": 40,
}
NORMAL_RESULTS: dict[str, dict[str, Any]] = DEFAULT.normal_results
MG_PER_DAY = 40.0
RAISED_MG_PER_DAY = 60.0
STOP_REASON = DEFAULT.stop_reason
#: Where the demo's print jobs go (PrintOutcome.destination): nowhere, see `_dropped`.
DEMO_PRINTER = "the demo's printer (nothing printed)"


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _dropped(_pdf: bytes) -> bool:
    """Deliver a demo print job: rendered like a nurse's, then dropped (no printer)."""
    return True


def _normal(test: str, day: dt.date, country: DemoCountry = DEFAULT) -> ResultEntry:
    """A normal result of `test` taken on `day`, as the country's laboratory reports it."""
    normal = country.normal_results[test]
    if "result" in normal:
        return ResultEntry(test, day, str(normal["result"]))
    return ResultEntry(test, day, float(normal["value"]), str(normal["unit"]), normal.get("uln"))


@dataclass
class DemoSeeder:
    services: Services
    derm: Actor
    nurse: Actor
    today: dt.date
    country: DemoCountry = DEFAULT
    courses: int = 0
    drafts: int = 0

    def seed(self, index: int, state: str) -> None:
        facts = self._facts(index)
        patient = self.services.patients.create(
            self.nurse, named_patient(index, facts.birth_date, self.country)
        )
        if state == "registered":
            return
        handler = getattr(self, "_" + state.replace("-", "_"))
        handler(index, patient.id, facts)
        self._work_orders(patient.id)

    # ------------------------------------------------------------ people

    def _facts(self, index: int) -> DemoPatientFacts:
        age = 16 if index % 11 == 3 else 19 + (index * 7) % 30  # a few under 18
        born = dt.date(self.today.year - age, 1 + index % 12, 1 + index % 27)
        people = self.country.people
        female = people[index % len(people)].sex == "female"
        return DemoPatientFacts(born, 60.0 + (index * 3) % 25, female)

    def _signatures(self, index: int, kind: str, data: dict[str, Any]) -> list[Any]:
        """The drawn signatures the visit's form asks for (patient, guardian under 18)."""
        name = self.country.people[index % len(self.country.people)]
        asked = visit_signers(kind, data, self.services.records.catalog).asked
        sigs = []
        if "patient" in asked:
            png = demo_signature_png(index)
            sigs.append(SignatureInput("patient", name.full_name, png))
        if "guardian" in asked:
            png = demo_signature_png(index + 100)
            guardian = self.country.guardian.format(given=name.given)
            sigs.append(SignatureInput("guardian", guardian, png))
        return sigs

    # ------------------------------------------------------------ building blocks

    def _course(self, patient_id: int, start: dt.date, status: str = "active") -> int:
        change = self.services.courses.start(
            self.derm,
            patient_id,
            CourseStart(
                start_date=start,
                product=PRODUCT_NAME,
                strength_mg=20,
                mg_per_day=MG_PER_DAY,
                status=status,
            ),
        )
        self.courses += 1
        return change.course.id

    def _sign(
        self,
        index: int,
        patient_id: int,
        course_id: int | None,
        kind: str,
        day: dt.date,
        facts: DemoPatientFacts,
        *,
        cumulative_mg: float = 0,
        mg_per_day: float = MG_PER_DAY,
        twist: Twist = Twist.NONE,
    ) -> int:
        data = visit_dict(kind, day, facts, mg_per_day=mg_per_day, cumulative_mg=cumulative_mg,
                          twist=twist, country=self.country)  # fmt: skip
        codes = {"LIVER_ENZYMES_HIGH"} if twist is Twist.ALT_RAISED else set()
        if twist is Twist.PSYCHIATRIC_HISTORY:
            codes = {"PSYCHIATRIC_HISTORY"}
        signed = self.services.records.sign_visit(
            self.derm,
            patient_id,
            course_id,
            kind,
            data,
            {code: self.country.justifications[code] for code in codes},
            self._signatures(index, kind, data),
            DEMO_PASSWORD,
        )
        if kind == "initiation" and course_id is None:
            self.courses += 1  # signing the initiation started the course, as in the app
        return signed.record_id

    def _initiate(self, index: int, patient_id: int, start: dt.date, facts: DemoPatientFacts,
                  twist: Twist = Twist.NONE) -> tuple[int, int]:  # fmt: skip
        """Sign the initiation, which starts the course: (record id, course id)."""
        record_id = self._sign(index, patient_id, None, "initiation", start, facts, twist=twist)
        (course,) = self.services.courses.for_patient(self.derm, patient_id)
        return record_id, course.id

    def _work_orders(self, patient_id: int) -> None:
        """The nurse's past work, the way the nurse does it (the session's print job,
        lab work and results services, as the window and the CLI): orders due before
        today printed, collected and resulted, this week's printed. The demo has no
        printer: the rendered PDF is dropped, which counts as delivered."""
        printing, results = self.services.lab_printing, self.services.lab_results
        orders = self.services.orders.for_patient(self.nurse, patient_id)
        past = [o for o in orders if o.status == "planned" and o.due_until < self.today]
        if past:
            printing.run_job(self.nurse, [o.id for o in past], _dropped, destination=DEMO_PRINTER)
            self.services.lab_work.mark_collected(self.nurse, [o.id for o in past])
            for order in past:
                day = min(order.due_until, self.today - _days(1))
                entries = [_normal(str(t), day, self.country) for t in order.tests]
                results.record(self.nurse, order.id, entries)
        soon = [
            o
            for o in orders
            if o.status == "planned" and self.today <= o.due_until and o.due_from <= self.today
        ]
        if soon:
            printing.run_job(self.nurse, [soon[0].id], _dropped, destination=DEMO_PRINTER)

    # ------------------------------------------------------------ states

    def _initiation_due(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        return self._course(patient_id, self.today + _days(7), status="planned")

    def _blocked(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        course_id = self._course(patient_id, self.today, status="planned")
        data = visit_dict("initiation", self.today, facts, twist=Twist.STALE_PREGNANCY_TEST,
                          country=self.country)  # fmt: skip
        if not facts.can_get_pregnant:  # men cannot have a stale pregnancy test
            data = visit_dict("initiation", self.today, facts, country=self.country)
            data["patient"]["allergies"] = ["soya"]  # ALLERGY_EXCIPIENT blocks
        form = form_for("initiation", self.services.records.catalog)
        self.services.drafts.save(
            self.derm,
            patient_id=patient_id,
            kind="initiation",
            visit_date=self.today,
            answers=visit_dict_to_answers(form, data),
            course_id=course_id,
            position="findings",
        )
        self.drafts += 1
        return course_id

    def _month_1(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        start = self.today - _days(STARTED_DAYS_AGO["month-1"])
        return self._initiate(index, patient_id, start, facts)[1]

    def _on_treatment(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        start = self.today - _days(STARTED_DAYS_AGO["on-treatment"])
        course_id = self._initiate(index, patient_id, start, facts)[1]
        first = start + _days(DAYS_SUPPLY)
        self._sign(
            index,
            patient_id,
            course_id,
            "follow-up",
            first,
            facts,
            cumulative_mg=MG_PER_DAY * DAYS_SUPPLY,
        )
        self._sign(  # at the raised dose: signing changes the course's dose
            index,
            patient_id,
            course_id,
            "follow-up",
            first + _days(DAYS_SUPPLY),
            facts,
            cumulative_mg=(MG_PER_DAY + RAISED_MG_PER_DAY) * DAYS_SUPPLY,
            mg_per_day=RAISED_MG_PER_DAY,
            twist=Twist.ALT_RAISED,
        )
        return course_id

    def _ended(self, index: int, patient_id: int, facts: DemoPatientFacts, state: str) -> int:
        start = self.today - _days(STARTED_DAYS_AGO[state])
        visits = 5 if state == "completed" else 1
        end = start + _days(DAYS_SUPPLY * (visits + 1))
        course_id = self._initiate(index, patient_id, start, facts)[1]
        self._sign(
            index,
            patient_id,
            course_id,
            "follow-up",
            start + _days(DAYS_SUPPLY),
            facts,
            cumulative_mg=MG_PER_DAY * DAYS_SUPPLY,
        )
        if state == "completed":  # the end-of-course visit completes the course
            self._sign(index, patient_id, course_id, "end-of-course", end, facts)
        else:  # stopped early by the prescriber, with the reason
            self.services.courses.end(
                self.derm, course_id, end, status="stopped", reason=self.country.stop_reason
            )
        return course_id

    def _completed(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        return self._ended(index, patient_id, facts, "completed")

    def _stopped(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        return self._ended(index, patient_id, facts, "stopped")

    def _corrected(self, index: int, patient_id: int, facts: DemoPatientFacts) -> int:
        start = self.today - _days(STARTED_DAYS_AGO["corrected"])
        twist = Twist.PSYCHIATRIC_HISTORY
        record_id, course_id = self._initiate(index, patient_id, start, facts, twist)
        data = visit_dict("initiation", start, facts, twist=twist, country=self.country)
        data["patient"]["weight_kg"] = facts.weight_kg + 2.5
        self.services.records.correct_record(
            self.derm,
            record_id,
            data,
            {"PSYCHIATRIC_HISTORY": self.country.justifications["PSYCHIATRIC_HISTORY"]},
            self._signatures(index, "initiation", data),
            DEMO_PASSWORD,
            self.country.correction_reason,
        )
        return course_id
