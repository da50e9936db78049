"""What a printed document shows, independent of the domain objects it comes from.

The services layer maps a visit, its findings and its signatures onto these frozen
dataclasses; the builders in this package only read them. Every text here is shown as
given (escaped, never interpreted as markup); numbers are formatted by the builders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Literal

Severity = Literal["block", "warn", "info"]
VisitKind = Literal["initiation", "follow-up", "end-of-course"]

VISIT_KIND_TITLES: dict[str, str] = {
    "initiation": "Initiation visit",
    "follow-up": "Follow-up visit",
    "end-of-course": "End-of-course visit",
}


class PaperSize(Enum):
    A4 = "A4"
    LETTER = "Letter"


@dataclass(frozen=True)
class Clinic:
    name: str
    address: str
    phone: str
    profile_id: str
    profile_basis: str
    paper: PaperSize = PaperSize.A4


@dataclass(frozen=True)
class Patient:
    name: str
    birth_date: date
    sex: str
    clinic_number: str


@dataclass(frozen=True)
class Prescriber:
    name: str
    role: str
    licence_number: str


@dataclass(frozen=True)
class Row:
    """One answered question: the label as the form words it, the answer as text."""

    label: str
    answer: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Phq9Item:
    text: str
    answer_label: str
    score: int


@dataclass(frozen=True)
class Phq9:
    items: tuple[Phq9Item, ...]
    total: int
    band: str
    action: str = ""  # what was done about item 9 (risk assessment, referral), if anything


@dataclass(frozen=True)
class ContraceptionMethod:
    name: str
    start_date: date | None


@dataclass(frozen=True)
class PregnancyTest:
    test_date: date
    result: str
    setting: str
    verification: str = ""


@dataclass(frozen=True)
class LabResult:
    test: str
    result_date: date
    value: float
    unit: str
    upper_limit: float | None = None  # the laboratory's reference upper limit, same unit
    abnormal: bool = False


@dataclass(frozen=True)
class Dose:
    product: str
    mg_per_day: float
    mg_per_kg_day: float
    cumulative_mg_per_kg: float  # after this prescription
    days_supply: int
    weight_kg: float | None = None
    refills: int = 0


@dataclass(frozen=True)
class CounsellingItem:
    label: str
    patient_text: str
    ticked: bool


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    basis: str = ""
    justification: str = ""  # the prescriber's reason, required for warnings before signing


@dataclass(frozen=True)
class Signature:
    role: str
    name: str
    signed_at: datetime
    image_png: bytes | None = None


@dataclass(frozen=True)
class FormRef:
    form_id: str
    version: str
    form_hash: str


@dataclass(frozen=True)
class ChecklistDocument:
    clinic: Clinic
    patient: Patient
    prescriber: Prescriber
    visit_kind: VisitKind
    visit_date: date
    form: FormRef
    record_id: str
    record_hash: str
    sections: tuple[Section, ...] = ()
    phq9: Phq9 | None = None
    contraception: tuple[ContraceptionMethod, ...] = ()
    contraception_note: str = ""  # abstinence commitment or no-risk agreement, as text
    pregnancy_tests: tuple[PregnancyTest, ...] = ()
    labs: tuple[LabResult, ...] = ()
    dose: Dose | None = None
    counselling: tuple[CounsellingItem, ...] = ()
    findings: tuple[Finding, ...] = ()
    signatures: tuple[Signature, ...] = ()
    amends: str = ""  # a correction: which record it amends and why, as printed

    @property
    def verdict(self) -> str:
        """blocked / needs-review / clear, as docs/rules.md defines it."""
        severities = {f.severity for f in self.findings}
        if "block" in severities:
            return "blocked"
        return "needs-review" if "warn" in severities else "clear"


@dataclass(frozen=True)
class ReminderCard:
    """The wallet card a patient keeps: what to remember and whom to call."""

    clinic_name: str
    clinic_phone: str
    patient_name: str
    course_start: date
    key_risks: tuple[str, ...]
    contraception: tuple[ContraceptionMethod, ...] = ()
    next_pregnancy_test: date | None = None
    paper: PaperSize = PaperSize.A4
