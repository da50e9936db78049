"""Map a signed visit onto the documents print model (H6's ChecklistDocument).

Sections follow the checklist form in its order, each answered question as one row with
the label as the form words it; the PHQ-9, contraception, pregnancy tests, labs, dose,
counselling, findings and signatures go to their dedicated blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from isoface_desk.documents import model as doc
from isoface_desk.domain.catalog import Catalog, resolve_profile
from isoface_desk.domain.checklist import Form, Question, visit_dict_to_answers
from isoface_desk.domain.engine import Evaluation
from isoface_desk.domain.questionnaire import Questionnaire, load_questionnaire
from isoface_desk.domain.visit import Visit
from isoface_desk.storage.repositories.clinic import Clinic
from isoface_desk.storage.repositories.patients import Patient

#: Fields shown in their own blocks rather than as section rows.
BLOCK_FIELDS = frozenset(
    {"phq9", "contraception.methods", "pregnancy_tests", "labs", "counselling", "dose"}
)
YES_NO = {True: "Yes", False: "No"}


@dataclass(frozen=True)
class SignerInfo:
    role: str
    name: str
    png: bytes | None


@dataclass(frozen=True)
class PrintContext:
    """Everything the mapping needs besides the visit itself."""

    clinic: Clinic
    patient: Patient
    prescriber_name: str
    prescriber_licence: str
    record_id: int
    record_hash: str
    signed_at: dt.datetime
    signers: Sequence[SignerInfo]
    justifications: Mapping[str, str]
    amends: str = ""  # "Correction of record 12 signed 2026-11-02 (...): <reason>"


@cache
def _phq9(forms_dir: Path) -> Questionnaire:
    return load_questionnaire(forms_dir, "phq9")


def _labels(catalog: Catalog) -> dict[str, dict[str, str]]:
    c = catalog.codes
    return {
        "contraception-methods": {k: v.label for k, v in c.methods.items()},
        "counselling": {i.code: i.label for i in c.counselling},
        "conditions": {k: v.label for k, v in c.conditions.items()},
        "allergies": {k: v.label for k, v in c.allergies.items()},
        "excipients": {k: v.label for k, v in c.excipients.items()},
        "potential-reasons": {k: v.label for k, v in c.reasons.items()},
    }


def _answer_text(q: Question, value: Any, labels: dict[str, dict[str, str]]) -> str:
    names = {o.value: o.label for o in q.options} | labels.get(q.codes or "", {})
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, Mapping) for v in value):
            return "; ".join(_record_text(q, row, labels) for row in value)
        return ", ".join(names.get(str(v), str(v)) for v in value) or "None"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = names.get(str(value), str(value))
    return f"{text} {q.unit}" if q.unit and isinstance(value, int | float) else text


def _record_text(q: Question, row: Mapping[str, Any], labels: dict[str, dict[str, str]]) -> str:
    parts = []
    for sub in q.fields:
        value = row.get(sub.id)
        if value not in (None, "", []):
            parts.append(_answer_text(sub, value, labels))
    return " · ".join(parts)


def _sections(
    form: Form, visit_dict: Mapping[str, Any], catalog: Catalog
) -> tuple[doc.Section, ...]:
    answers = visit_dict_to_answers(form, visit_dict)
    labels = _labels(catalog)
    out = []
    for section in form.sections:
        rows = []
        for q in section.questions:
            value = answers.get(q.id)
            skip = q.type in ("questionnaire", "signature") or q.field in BLOCK_FIELDS
            if skip or value in (None, "", []):
                continue
            rows.append(doc.Row(label=q.label, answer=_answer_text(q, value, labels)))
        if rows:
            out.append(doc.Section(title=section.title, rows=tuple(rows)))
    return tuple(out)


def _phq9_block(visit: Visit, evaluation: Evaluation, catalog: Catalog) -> doc.Phq9 | None:
    if visit.phq9 is None or evaluation.phq9 is None:
        return None
    q = _phq9(catalog.forms_dir)
    answer_labels = {a.value: a.label for a in q.answers}
    items = tuple(
        doc.Phq9Item(text=item.text, answer_label=answer_labels.get(score, str(score)), score=score)
        for item, score in zip(q.items, visit.phq9, strict=False)
    )
    return doc.Phq9(
        items=items,
        total=evaluation.phq9.total,
        band=evaluation.phq9.band,
        action=visit.phq9_action or "",
    )


def _dose(visit: Visit, evaluation: Evaluation) -> doc.Dose | None:
    if visit.dose is None or evaluation.dose is None:
        return None
    return doc.Dose(
        product=visit.product.name if visit.product else "",
        mg_per_day=visit.dose.mg_per_day,
        mg_per_kg_day=evaluation.dose.mg_per_kg_day,
        cumulative_mg_per_kg=evaluation.dose.cumulative_mg_per_kg,
        days_supply=visit.dose.days_supply,
        weight_kg=visit.patient.weight_kg,
        refills=visit.dose.refills,
    )


def _contraception_note(visit: Visit) -> str:
    c = visit.contraception
    notes = []
    if c.abstinence_commitment:
        notes.append("Commitment to abstinence recorded.")
    if c.no_risk_agreement:
        notes.append(f"No-risk agreement: {c.no_risk_agreement}")
    return " ".join(notes)


def _clinical_blocks(visit: Visit, catalog: Catalog) -> dict[str, Any]:
    methods = catalog.codes.methods
    return {
        "contraception": tuple(
            doc.ContraceptionMethod(
                name=methods[m.code].label if m.code in methods else m.code,
                start_date=m.start_date,
            )
            for m in visit.contraception.methods
        ),
        "contraception_note": _contraception_note(visit),
        "pregnancy_tests": tuple(
            doc.PregnancyTest(t.date, t.result, t.setting, t.verification or "")
            for t in visit.pregnancy_tests
        ),
        "labs": tuple(
            doc.LabResult(
                test=lab.test,
                result_date=lab.date,
                value=lab.value,
                unit=lab.unit,
                upper_limit=lab.uln,
                abnormal=lab.uln is not None and lab.value > lab.uln,
            )
            for lab in visit.labs
        ),
        "counselling": tuple(
            doc.CounsellingItem(
                label=i.label, patient_text=i.text, ticked=i.code in visit.counselling
            )
            for i in catalog.codes.counselling
        ),
    }


def checklist_document(
    form: Form,
    visit: Visit,
    visit_dict: Mapping[str, Any],
    evaluation: Evaluation,
    catalog: Catalog,
    ctx: PrintContext,
) -> doc.ChecklistDocument:
    profile = resolve_profile(catalog, evaluation.profile_id, visit.date)
    clinic = ctx.clinic
    paper = doc.PaperSize.LETTER if clinic.paper_size == "Letter" else doc.PaperSize.A4
    p = ctx.patient
    return doc.ChecklistDocument(
        clinic=doc.Clinic(
            clinic.name, clinic.address, clinic.phone, profile.id, profile.title, paper
        ),
        patient=doc.Patient(p.full_name, p.birth_date, p.sex_at_birth, p.clinic_number),
        prescriber=doc.Prescriber(ctx.prescriber_name, "Prescriber", ctx.prescriber_licence),
        visit_kind=visit.kind,
        visit_date=visit.date,
        form=doc.FormRef(form.id, form.version, form.sha256),
        record_id=str(ctx.record_id),
        record_hash=ctx.record_hash,
        sections=_sections(form, visit_dict, catalog),
        phq9=_phq9_block(visit, evaluation, catalog),
        dose=_dose(visit, evaluation),
        findings=tuple(
            doc.Finding(f.code, f.severity, f.message, f.basis, ctx.justifications.get(f.code, ""))
            for f in evaluation.findings
        ),
        signatures=tuple(
            doc.Signature(s.role.capitalize(), s.name, ctx.signed_at, s.png) for s in ctx.signers
        ),
        amends=ctx.amends,
        **_clinical_blocks(visit, catalog),
    )
