"""The auditor's PDF summary of signed records over a period (issue 7, reports).

    pdf = build_audit_summary_pdf(summary)

Sections: the selection (period, filters, who made the report and when, the audit chain
head at that moment), visits per prescriber per month, blocks met (signing refused by a
block), warnings justified with the justification text, PHQ-9 item 9 positives with the
action recorded, and pregnancy tests overdue. Long lists stop after `MAX_ROWS` rows with a
note pointing to the CSV export, which holds every record. Every text from the database
reaches ReportLab through styles.para (escaped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from isoface_desk.documents.blocks import (
    Cell,
    data_table,
    field_grid,
    fmt_date,
    fmt_datetime,
    heading,
    note,
)
from isoface_desk.documents.model import PaperSize
from isoface_desk.documents.styles import (
    PageFrame,
    build_pdf,
    content_width,
    esc,
    para,
    styles,
)

MAX_ROWS = 1000


@dataclass(frozen=True)
class MonthCount:
    prescriber: str
    month: str  # YYYY-MM
    visits: int
    needs_review: int
    justified: int
    item9_positive: int
    blocks_met: int


@dataclass(frozen=True)
class JustifiedWarning:
    record_id: int
    visit_date: dt.date
    prescriber: str
    code: str
    justification: str


@dataclass(frozen=True)
class SelfHarmPositive:
    record_id: int
    visit_date: dt.date
    prescriber: str
    item9: int
    action: str


@dataclass(frozen=True)
class BlockMet:
    day: dt.date
    prescriber: str
    patient_id: int | None
    codes: tuple[str, ...]


@dataclass(frozen=True)
class OverdueTest:
    order_code: str
    clinic_number: str
    prescriber: str
    due_until: dt.date
    days_overdue: int
    status: str


@dataclass(frozen=True)
class AuditSummary:
    clinic_name: str
    clinic_lines: str
    paper: PaperSize
    period: str  # e.g. "1 Jan 2026 to 31 Mar 2026"
    filters: tuple[str, ...]  # "Prescriber: Dr A", ...; empty: every record of the period
    generated_by: str
    generated_at: dt.datetime
    chain_head: str  # "event 1234, hash ab12…"
    records: int
    months: tuple[MonthCount, ...]
    justified: tuple[JustifiedWarning, ...]
    item9: tuple[SelfHarmPositive, ...]
    blocks: tuple[BlockMet, ...]
    overdue: tuple[OverdueTest, ...]


def build_audit_summary_pdf(summary: AuditSummary) -> bytes:
    frame = PageFrame(
        paper=summary.paper,
        clinic_name=summary.clinic_name,
        clinic_lines=summary.clinic_lines,
        title="Audit summary",
        subtitle=summary.period,
        subject_line=f"{summary.records:,} signed records",
        footer=esc(
            f"Isoface Desk audit summary · made by {summary.generated_by} on "
            f"{fmt_datetime(summary.generated_at)} · audit chain head: {summary.chain_head}"
        ),
        pdf_title=f"Audit summary, {summary.period}",
        pdf_author=summary.clinic_name,
        pdf_subject="Signed isotretinoin checklists: audit summary",
    )
    return build_pdf(frame, audit_story(summary))


def audit_story(summary: AuditSummary) -> list[Flowable]:
    width = content_width(summary.paper)
    st = styles()
    story: list[Flowable] = [
        para("Audit summary of signed records", st.title),
        para(summary.period, st.subtitle),
        Spacer(0, 3 * mm),
        field_grid(_selection(summary), width, columns=3),
    ]
    story += _months(summary.months, width)
    story += _blocks(summary.blocks, width)
    story += _justified(summary.justified, width)
    story += _item9(summary.item9, width)
    story += _overdue(summary.overdue, width)
    return story


def _selection(s: AuditSummary) -> list[tuple[str, str]]:
    return [
        ("Period (visit dates)", s.period),
        ("Records selected", f"{s.records:,}"),
        ("Filters", "; ".join(s.filters) or "None: every record of the period"),
        ("Made by", s.generated_by),
        ("Made on", fmt_datetime(s.generated_at)),
        ("Audit chain head", s.chain_head),
    ]


def _section(title: str, intro: str, rows: Sequence[object], empty: str) -> list[Flowable]:
    out: list[Flowable] = [heading(title), note(intro)]
    if not rows:
        out.append(para(empty, styles().body))
    return out


def _more(total: int) -> list[Flowable]:
    if total <= MAX_ROWS:
        return []
    return [note(f"… and {total - MAX_ROWS:,} more: the CSV export lists every record.")]


def _months(months: Sequence[MonthCount], width: float) -> list[Flowable]:
    out = _section(
        "Visits per prescriber per month",
        "Signed visits by visit month. Needs review: visits signed with warnings, each "
        "justified. Blocks met: signing attempts a block refused.",
        months,
        "No signed visits in this selection.",
    )
    if not months:
        return out
    st = styles()
    header = ("Prescriber", "Month", "Visits", "Needs review", "Justified", "Item 9 +",
              "Blocks met")  # fmt: skip
    rows: list[list[Cell]] = [
        [para(m.prescriber, st.cell), para(m.month, st.cell)]
        + [para(f"{n:,}", st.cell_right) for n in (m.visits, m.needs_review, m.justified,
                                                   m.item9_positive, m.blocks_met)]
        for m in months[:MAX_ROWS]
    ]  # fmt: skip
    fractions = (0.30, 0.12, 0.11, 0.13, 0.11, 0.11, 0.12)
    out.append(data_table(header, rows, [width * f for f in fractions], right=(2, 3, 4, 5, 6)))
    return out + _more(len(months))


def _blocks(blocks: Sequence[BlockMet], width: float) -> list[Flowable]:
    out = _section(
        "Blocks met",
        "Signing refused because the safety check found a block (the visit was not signed).",
        blocks,
        "No signing was refused by a block in this selection.",
    )
    if blocks:
        st = styles()
        rows: list[list[Cell]] = [
            [para(fmt_date(b.day), st.cell), para(b.prescriber, st.cell),
             para(str(b.patient_id or "—"), st.cell), para(", ".join(b.codes), st.cell)]
            for b in blocks[:MAX_ROWS]
        ]  # fmt: skip
        widths = [width * f for f in (0.16, 0.28, 0.12, 0.44)]
        out.append(data_table(("Date", "Prescriber", "Patient id", "Blocks"), rows, widths))
    return out + _more(len(blocks))


def _justified(items: Sequence[JustifiedWarning], width: float) -> list[Flowable]:
    out = _section(
        "Warnings justified",
        "Every warning a prescriber signed through, with the justification typed.",
        items,
        "No warning was justified in this selection.",
    )
    if items:
        st = styles()
        rows: list[list[Cell]] = [
            [para(str(j.record_id), st.cell), para(fmt_date(j.visit_date), st.cell),
             para(j.prescriber, st.cell), para(j.code, st.cell), para(j.justification, st.cell)]
            for j in items[:MAX_ROWS]
        ]  # fmt: skip
        widths = [width * f for f in (0.09, 0.14, 0.19, 0.22, 0.36)]
        header = ("Record", "Visit", "Prescriber", "Warning", "Justification")
        out.append(data_table(header, rows, widths))
    return out + _more(len(items))


def _item9(items: Sequence[SelfHarmPositive], width: float) -> list[Flowable]:
    out = _section(
        "PHQ-9 item 9 positives",
        "Visits where the patient reported thoughts of self-harm (item 9 above 0), with the "
        "action recorded.",
        items,
        "No PHQ-9 item 9 positive in this selection.",
    )
    if items:
        st = styles()
        rows: list[list[Cell]] = [
            [para(str(p.record_id), st.cell), para(fmt_date(p.visit_date), st.cell),
             para(p.prescriber, st.cell), para(str(p.item9), st.cell_right),
             para(p.action or "No action recorded", st.cell)]
            for p in items[:MAX_ROWS]
        ]  # fmt: skip
        widths = [width * f for f in (0.09, 0.14, 0.2, 0.09, 0.48)]
        header = ("Record", "Visit", "Prescriber", "Item 9", "Action recorded")
        out.append(data_table(header, rows, widths, right=(3,)))
    return out + _more(len(items))


def _overdue(items: Sequence[OverdueTest], width: float) -> list[Flowable]:
    out = _section(
        "Pregnancy tests overdue",
        "Lab orders with a pregnancy test whose window closed in the period without a result.",
        items,
        "No pregnancy test is overdue in this selection.",
    )
    if items:
        st = styles()
        rows: list[list[Cell]] = [
            [para(o.order_code, st.cell), para(o.clinic_number, st.cell),
             para(o.prescriber, st.cell), para(fmt_date(o.due_until), st.cell),
             para(f"{o.days_overdue:,}", st.cell_right), para(o.status, st.cell)]
            for o in items[:MAX_ROWS]
        ]  # fmt: skip
        widths = [width * f for f in (0.15, 0.18, 0.24, 0.15, 0.13, 0.15)]
        header = ("Order", "Clinic number", "Prescriber", "Due by", "Days over", "Status")
        out.append(data_table(header, rows, widths, right=(4,)))
    return out + _more(len(items))
