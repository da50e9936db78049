"""The clinical parts of the checklist: verdict, findings, PHQ-9, pregnancy prevention,
laboratory results, dose and counselling. Each returns flowables for the story (an empty
list when the visit has nothing to show there).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from isoface_desk.documents.blocks import (
    Cell,
    data_table,
    field_grid,
    fmt_date,
    fmt_num,
    heading,
    note,
)
from isoface_desk.documents.model import (
    ChecklistDocument,
    CounsellingItem,
    Dose,
    Finding,
    LabResult,
    Phq9,
)
from isoface_desk.documents.styles import (
    BLOCK,
    BLOCK_TINT,
    MUTED,
    OK,
    OK_TINT,
    SEVERITY_COLOURS,
    WARN,
    WARN_TINT,
    esc,
    para,
    rich,
    styles,
    table_style,
)

SEVERITY_WORDS = {"block": "BLOCK", "warn": "WARNING", "info": "INFO"}


def verdict_banner(doc: ChecklistDocument, width: float) -> list[Flowable]:
    counts = {s: sum(1 for f in doc.findings if f.severity == s) for s in SEVERITY_COLOURS}
    if doc.verdict == "blocked":
        colour, tint = BLOCK, BLOCK_TINT
        text = (
            f"<b>Blocked</b> — {_plural(counts['block'], 'blocking finding')}. "
            "This checklist cannot be signed or used to prescribe."
        )
    elif doc.verdict == "needs-review":
        colour, tint = WARN, WARN_TINT
        text = (
            f"<b>Needs review</b> — {_plural(counts['warn'], 'warning')}, each with "
            "the prescriber's justification below."
        )
    else:
        colour, tint = OK, OK_TINT
        text = "<b>Clear</b> — no blocking finding and no warning."
    banner = Table([[rich(text, styles().body)]], colWidths=[width], hAlign="LEFT")
    banner.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), tint),
                ("LINEBEFORE", (0, 0), (0, -1), 4, colour),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [banner]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def findings_block(findings: Sequence[Finding], width: float) -> list[Flowable]:
    st = styles()
    if not findings:
        return [heading("Safety findings"), note("The safety engine found nothing to report.")]
    rows: list[list[Cell]] = []
    extra: list[tuple[object, ...]] = []
    for i, f in enumerate(findings, start=1):
        colour, tint = SEVERITY_COLOURS[f.severity]
        chip = rich(
            f'<font color="{colour.hexval()}"><b>{SEVERITY_WORDS[f.severity]}</b></font>', st.small
        )
        rows.append([chip, para(f.code, st.mono), _finding_text(f)])
        extra += [("BACKGROUND", (0, i), (-1, i), tint), ("LINEBEFORE", (0, i), (0, i), 3, colour)]
    widths = (20 * mm, 50 * mm, width - 70 * mm)
    table = data_table(("Severity", "Code", "Finding"), rows, widths, extra=extra)
    return [heading("Safety findings"), table]


def _finding_text(f: Finding) -> list[Flowable]:
    st = styles()
    parts: list[Flowable] = [para(f.message, st.cell)]
    if f.basis:
        parts.append(para(f"Basis: {f.basis}", st.label))
    if f.severity == "warn":
        reason = esc(f.justification) if f.justification else "<i>none given</i>"
        parts.append(rich(f"<b>Prescriber's justification:</b> {reason}", st.cell))
    return parts


def phq9_block(phq9: Phq9 | None, width: float) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [heading("Mood: PHQ-9")]
    if phq9 is None:
        return [*out, note("The PHQ-9 was not completed at this visit.")]
    rows: list[list[Cell]] = []
    extra: list[tuple[object, ...]] = []
    for n, item in enumerate(phq9.items, start=1):
        rows.append(
            [
                para(str(n), st.cell),
                para(item.text, st.cell),
                para(item.answer_label, st.cell),
                para(str(item.score), st.cell_right),
            ]
        )
        if n == 9 and item.score > 0:
            extra.append(("BACKGROUND", (0, n), (-1, n), BLOCK_TINT))
    total = f"<b>Total {phq9.total} of 27</b> — {esc(phq9.band)}"
    rows.append(["", rich(total, st.cell), "", ""])
    last = len(rows)
    extra += [("SPAN", (1, last), (-1, last)), ("LINEABOVE", (0, last), (-1, last), 0.8, MUTED)]
    widths = (8 * mm, width - 68 * mm, 46 * mm, 14 * mm)
    out.append(
        data_table(
            ("#", "Over the last 2 weeks…", "Answer", "Score"),
            rows,
            widths,
            right=(3,),
            extra=extra,
        )
    )
    if phq9.action:
        out.append(para(f"Action on item 9: {phq9.action}", st.body))
    return out


def pregnancy_block(doc: ChecklistDocument, width: float) -> list[Flowable]:
    st = styles()
    if not (doc.contraception or doc.contraception_note or doc.pregnancy_tests):
        return []
    out: list[Flowable] = [heading("Pregnancy prevention")]
    if doc.contraception:
        rows: list[list[Cell]] = []
        for m in doc.contraception:
            days = "—" if m.start_date is None else str((doc.visit_date - m.start_date).days)
            rows.append(
                [
                    para(m.name, st.cell),
                    para(fmt_date(m.start_date), st.cell),
                    para(days, st.cell_right),
                ]
            )
        widths = (width - 70 * mm, 38 * mm, 32 * mm)
        out.append(
            data_table(("Contraception", "Started", "Days before visit"), rows, widths, right=(2,))
        )
    if doc.contraception_note:
        out.append(para(doc.contraception_note, st.body))
    if doc.pregnancy_tests:
        out.append(Spacer(1, 3 * mm))
        rows = [
            [
                para(fmt_date(t.test_date), st.cell),
                para(t.result, st.cell_bold),
                para(t.setting, st.cell),
                para(t.verification or "—", st.cell),
            ]
            for t in doc.pregnancy_tests
        ]
        test_widths = (30 * mm, 28 * mm, 30 * mm, width - 88 * mm)
        out.append(
            data_table(("Pregnancy test", "Result", "Setting", "Verified by"), rows, test_widths)
        )
    return out


def labs_block(labs: Sequence[LabResult], width: float) -> list[Flowable]:
    st = styles()
    if not labs:
        return []
    rows: list[list[Cell]] = []
    for lab in labs:
        limit = "—" if lab.upper_limit is None else f"≤ {fmt_num(lab.upper_limit)} {lab.unit}"
        flag = (
            f'<font color="{BLOCK.hexval()}"><b>above limit</b></font>'
            if lab.abnormal
            else f'<font color="{MUTED.hexval()}">within limit</font>'
        )
        rows.append(
            [
                para(lab.test, st.cell_bold),
                para(fmt_date(lab.result_date), st.cell),
                para(f"{fmt_num(lab.value)} {lab.unit}", st.cell_right),
                para(limit, st.cell_right),
                rich(flag, st.cell),
            ]
        )
    widths = (width - 132 * mm, 30 * mm, 34 * mm, 38 * mm, 30 * mm)
    table = data_table(("Test", "Date", "Result", "Upper limit", ""), rows, widths, right=(2, 3))
    return [heading("Laboratory results"), table]


def dose_block(dose: Dose | None, width: float) -> list[Flowable]:
    if dose is None:
        return []
    weight = "—" if dose.weight_kg is None else f"{fmt_num(dose.weight_kg, 1)} kg"
    grid = field_grid(
        [
            ("Product", dose.product),
            ("Daily dose", f"{fmt_num(dose.mg_per_day)} mg/day"),
            ("Weight", weight),
            ("Dose per kg", f"{fmt_num(dose.mg_per_kg_day)} mg/kg/day"),
            ("Supply · refills", f"{dose.days_supply} days · {dose.refills}"),
            (
                "Cumulative after this prescription",
                f"{fmt_num(dose.cumulative_mg_per_kg, 1)} mg/kg",
            ),
        ],
        width,
    )
    return [heading("Prescription"), grid]


def counselling_block(items: Sequence[CounsellingItem], width: float) -> list[Flowable]:
    st = styles()
    if not items:
        return []
    rows: list[list[Cell]] = []
    for item in items:
        mark = (
            f'<font color="{OK.hexval()}">☑</font>'
            if item.ticked
            else f'<font color="{BLOCK.hexval()}">☐</font>'
        )
        text: list[Flowable] = [para(item.label, st.cell_bold), para(item.patient_text, st.cell)]
        if not item.ticked:
            text.append(
                rich(f'<font color="{BLOCK.hexval()}">Not discussed at this visit</font>', st.label)
            )
        rows.append([rich(mark, st.cell_bold), text])
    table = data_table(("", "Counselling given"), rows, (9 * mm, width - 9 * mm))
    return [heading("Counselling"), table]
