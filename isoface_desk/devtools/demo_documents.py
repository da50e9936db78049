"""Demo documents: a full checklist for each visit kind and patient, for tests, the README
image and benchmarks. The names cover the scripts every PDF must render.
"""

from __future__ import annotations

import io
import math
from datetime import UTC, date, datetime, timedelta

from isoface_desk.documents.model import (
    ChecklistDocument,
    Clinic,
    ContraceptionMethod,
    CounsellingItem,
    Dose,
    Finding,
    FormRef,
    LabResult,
    PaperSize,
    Patient,
    Phq9,
    Phq9Item,
    PregnancyTest,
    Prescriber,
    Row,
    Section,
    Signature,
    VisitKind,
)

DEMO_NAMES = ("Zoë Ångström", "Иван Петров", "李小龍", "محمد عبدالله")

PHQ9_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or "
    "your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed; or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead, or of hurting yourself in some way",
)
PHQ9_ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")

COUNSELLING = (
    ("Birth defects", "Isotretinoin can seriously harm an unborn baby, even after one dose."),
    (
        "Contraception",
        "Use the agreed contraception from a month before, during, and for a "
        "month after treatment.",
    ),
    (
        "Pregnancy tests",
        "You will have a pregnancy test before each prescription and one "
        "month after the last dose.",
    ),
    (
        "Mental health",
        "Tell us, your family or a doctor at once if your mood changes or you "
        "have thoughts of harming yourself.",
    ),
    (
        "Sexual function",
        "Isotretinoin can affect sexual desire and function; tell us if you notice changes.",
    ),
    ("Blood donation", "Do not give blood during treatment and for a month after."),
    ("No sharing", "The capsules are for you alone: never share them."),
    (
        "Cosmetic procedures",
        "Avoid waxing, dermabrasion and laser treatment during and for six months after treatment.",
    ),
    ("Sun protection", "Your skin burns more easily: use sunscreen and avoid sunbeds."),
    ("Night vision", "Your vision in the dark may get worse; take care when driving at night."),
    ("Muscles and joints", "Muscle and joint pain can occur; avoid intense exercise if it hurts."),
    (
        "Warning symptoms",
        "Stop and call us for severe headache, blurred vision, severe stomach pain or dark urine.",
    ),
)


def demo_clinic(paper: PaperSize = PaperSize.A4) -> Clinic:
    return Clinic(
        name="Riverside Dermatology & Skin <Clinic>",
        address="14 Harbour Street, Leith, Edinburgh EH6 6QN",
        phone="+44 131 555 0142",
        profile_id="eu-ppp-2018",
        profile_basis=(
            "EMA retinoid referral (22 Mar 2018) and the EU SmPC: Pregnancy Prevention "
            "Programme, contraindications, liver tests and lipids at baseline, 1 month, "
            "then every 3 months."
        ),
        paper=paper,
    )


def demo_signature_png(seed: int = 1) -> bytes:
    """A handwriting-like stroke, as a signature pad would give."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (480, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    points = [
        (20 + x * 4.4, 80 - 34 * math.sin(x / (5 + seed)) * math.cos(x / 23) - x * 0.25)
        for x in range(100)
    ]
    draw.line(points, fill=(20, 40, 90, 255), width=4, joint="curve")
    draw.line([(60, 110), (420, 100)], fill=(20, 40, 90, 255), width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def demo_checklist(
    kind: VisitKind = "initiation",
    name: str = DEMO_NAMES[0],
    paper: PaperSize = PaperSize.A4,
    signed: bool = True,
) -> ChecklistDocument:
    visit = date(2026, 10, 12) if kind == "initiation" else date(2027, 2, 8)
    signed_at = datetime.combine(visit, datetime.min.time(), UTC) + timedelta(hours=10)
    signatures = (
        Signature("Prescriber", "Dr Aileen McBride", signed_at, demo_signature_png(1)),
        Signature("Patient", name, signed_at + timedelta(minutes=3), demo_signature_png(3)),
    )
    return ChecklistDocument(
        clinic=demo_clinic(paper),
        patient=Patient(name, date(1998, 7, 3), "female", "RD-004217"),
        prescriber=Prescriber("Dr Aileen McBride", "Consultant dermatologist", "GMC 7012345"),
        visit_kind=kind,
        visit_date=visit,
        form=FormRef(f"eu-{kind}", "3", "sha256:" + "4f1c9e" * 10 + "ab12"),
        record_id=f"R-2026-000{len(kind)}1",
        record_hash="sha256:" + "9b2e7d41c0" * 6 + "5a3f",
        sections=_sections(kind),
        phq9=_phq9(kind),
        contraception=(
            ContraceptionMethod("Hormonal IUS (Mirena)", date(2025, 1, 20)),
            ContraceptionMethod("Male condom", date(2026, 9, 1)),
        ),
        contraception_note="",
        pregnancy_tests=(
            PregnancyTest(visit, "negative", "clinic", "Nurse J. Ross, urine hCG"),
            PregnancyTest(visit - timedelta(days=28), "negative", "lab"),
        ),
        labs=(
            LabResult("ALT", visit - timedelta(days=12), 31, "U/L", 45),
            LabResult("AST", visit - timedelta(days=12), 52, "U/L", 40, abnormal=True),
            LabResult("Triglycerides", visit - timedelta(days=12), 1.18, "mmol/L", 2.0),
        ),
        dose=None
        if kind == "end-of-course"
        else Dose(
            "Isoface 20 mg capsules", 40, 0.56, 15.7 if kind == "initiation" else 62.7, 28, 71.5, 0
        ),
        counselling=tuple(
            CounsellingItem(label, text, i != 4) for i, (label, text) in enumerate(COUNSELLING)
        ),
        findings=_findings(),
        signatures=signatures if signed else (),
    )


def _sections(kind: VisitKind) -> tuple[Section, ...]:
    sections = [
        Section(
            "Indication",
            (
                Row("Severe or refractory acne confirmed", "Yes"),
                Row("Previous treatments", "Lymecycline 3 months; adapalene/benzoyl peroxide gel"),
                Row("Scarring present", "Yes, atrophic scars on both cheeks"),
            ),
        ),
        Section(
            "Pregnancy potential",
            (
                Row("Can the patient get pregnant?", "Yes"),
                Row("Currently pregnant or breastfeeding", "No"),
                Row("Understands the pregnancy prevention programme", "Yes"),
            ),
        ),
        Section(
            "Medicines, allergies & conditions",
            (
                Row("Current medicines", "Cetirizine 10 mg <daily> & as needed"),
                Row("Allergies", "None known"),
                Row("Liver disease, raised lipids, hypervitaminosis A", "None"),
                Row("History of depression, psychosis or self-harm", "No"),
                Row("Inflammatory bowel disease", "No"),
            ),
        ),
    ]
    if kind != "initiation":
        sections.append(
            Section(
                "Since the last visit",
                (
                    Row("Side effects", "Dry lips, mild nosebleeds in the morning"),
                    Row("Doses missed", "2"),
                    Row("Mood changes noticed by patient or family", "No"),
                ),
            )
        )
    return tuple(sections)


def _phq9(kind: VisitKind) -> Phq9:
    scores = (1, 1, 0, 1, 0, 0, 1, 0, 0) if kind != "initiation" else (2, 1, 1, 1, 0, 1, 1, 0, 0)
    items = tuple(Phq9Item(t, PHQ9_ANSWERS[s], s) for t, s in zip(PHQ9_TEXTS, scores, strict=True))
    total = sum(scores)
    return Phq9(items, total, "minimal" if total < 5 else "mild")


def _findings() -> tuple[Finding, ...]:
    return (
        Finding(
            "LIVER_ENZYMES_HIGH",
            "warn",
            "AST 52 U/L is above the upper limit (40 U/L).",
            "Common practice: liver enzymes above the laboratory's upper limit.",
            "Raised after heavy exercise the day before; repeat in 2 weeks & review.",
        ),
        Finding(
            "CONTRACEPTION_SINGLE_METHOD",
            "warn",
            "Contraception relies on one method without a barrier method.",
            "EMA PPP 2018: one highly effective method, or two complementary ones.",
            "IUS in place for 20 months; condom use agreed <when possible>.",
        ),
        Finding("PHQ9_REVIEW", "info", "PHQ-9 mild: review mood again at the next visit."),
    )
