"""What the auditor's PDF summary says, computed from the records a filter selects.

`build_summary` streams the records (storage.repositories.audit_queries.iter_report_rows)
and counts per prescriber and visit month: visits, visits signed with warnings ("needs
review"), warnings justified, PHQ-9 item 9 positives; then adds the blocks met (the
"sign refused" audit events whose codes include a block, by visit date) and the pregnancy
tests overdue (open lab orders with an hCG test whose window closed in the period).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from isoface_desk.documents.audit_report import (
    AuditSummary,
    BlockMet,
    JustifiedWarning,
    MonthCount,
    OverdueTest,
    SelfHarmPositive,
)
from isoface_desk.documents.blocks import fmt_date
from isoface_desk.documents.model import PaperSize
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import audit_queries as queries
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories.records import RecordFilter

PREGNANCY_TEST = "HCG"
REFUSED_ACTION = "sign refused"


def item9_of(answers: dict[str, Any]) -> int | None:
    """The PHQ-9 item 9 answer of a visit (None when the PHQ-9 was not filled in)."""
    phq9 = answers.get("phq9")
    if isinstance(phq9, list) and len(phq9) == 9 and isinstance(phq9[8], int):
        return int(phq9[8])
    return None


def justification_pairs(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(warning code, justification text) of a signed record, in code order."""
    found = payload.get("justifications") or {}
    if not isinstance(found, dict):
        return []
    return sorted((str(code), str(text)) for code, text in found.items())


@dataclass
class _Tally:
    names: dict[int, str]
    months: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    justified: list[JustifiedWarning] = field(default_factory=list)
    item9: list[SelfHarmPositive] = field(default_factory=list)
    records: int = 0

    def name(self, user_id: int | None) -> str:
        if user_id is None:
            return "—"
        return self.names.get(user_id, f"user {user_id}")

    def add(self, row: queries.ReportRow) -> None:
        s = row.summary
        month = s.visit_date.strftime("%Y-%m")
        prescriber = self.name(s.prescriber_id)
        self.records += 1
        self.months[(s.prescriber_id, month, "visits")] += 1
        if s.verdict == "needs-review":
            self.months[(s.prescriber_id, month, "needs_review")] += 1
        for code, text in justification_pairs(row.payload):
            self.months[(s.prescriber_id, month, "justified")] += 1
            self.justified.append(JustifiedWarning(s.id, s.visit_date, prescriber, code, text))
        answers = row.payload.get("answers") or {}
        score = item9_of(answers) if isinstance(answers, dict) else None
        if score:
            self.months[(s.prescriber_id, month, "item9")] += 1
            action = str(answers.get("phq9_action") or "")
            self.item9.append(SelfHarmPositive(s.id, s.visit_date, prescriber, score, action))


def build_summary(
    session: Session, flt: RecordFilter, actor: Actor, now: dt.datetime, today: dt.date
) -> AuditSummary:
    people = queries.people(session)
    tally = _Tally({p.id: p.display_name for p in people})
    for row in queries.iter_report_rows(session, flt):
        tally.add(row)
    by_username = {p.username: p.id for p in people}
    blocks = _blocks(session, flt, by_username, tally)
    overdue = _overdue(session, flt, tally, today)
    clinic = clinic_repo.get_clinic(session)
    seq, head = chain_head(session)
    return AuditSummary(
        clinic_name=clinic.name if clinic else "Isoface Desk",
        clinic_lines=" · ".join(x for x in (clinic.address, clinic.phone) if x) if clinic else "",
        paper=PaperSize.LETTER if clinic and clinic.paper_size == "Letter" else PaperSize.A4,
        period=period_text(flt),
        filters=tuple(filter_lines(flt, tally.names)),
        generated_by=f"{actor.display_name} ({actor.username})",
        generated_at=now,
        chain_head=f"event {seq}, hash {head}",  # whole: a checkpoint on paper
        records=tally.records,
        months=_month_rows(tally),
        justified=tuple(tally.justified),
        item9=tuple(tally.item9),
        blocks=tuple(blocks),
        overdue=tuple(overdue),
    )


def period_text(flt: RecordFilter) -> str:
    if flt.date_from and flt.date_to:
        return f"{fmt_date(flt.date_from)} to {fmt_date(flt.date_to)}"
    if flt.date_from:
        return f"from {fmt_date(flt.date_from)}"
    if flt.date_to:
        return f"up to {fmt_date(flt.date_to)}"
    return "all dates"


def filter_lines(flt: RecordFilter, names: dict[int, str]) -> list[str]:
    lines = []
    if flt.prescriber_id is not None:
        lines.append(f"Prescriber: {names.get(flt.prescriber_id, flt.prescriber_id)}")
    if flt.patient_id is not None:
        lines.append(f"Patient id: {flt.patient_id}")
    for label, value in (("Profile", flt.profile_id), ("Visit kind", flt.visit_kind),
                         ("Verdict", flt.verdict)):  # fmt: skip
        if value is not None:
            lines.append(f"{label}: {value}")
    if flt.has_justified_warnings is not None:
        lines.append("With justified warnings" if flt.has_justified_warnings
                     else "Without justified warnings")  # fmt: skip
    return lines


def _month_rows(tally: _Tally) -> tuple[MonthCount, ...]:
    keys = sorted({(pid, month) for pid, month, _ in tally.months},
                  key=lambda k: (tally.name(k[0]).casefold(), k[0], k[1]))  # fmt: skip
    return tuple(
        MonthCount(
            prescriber=tally.name(pid),
            month=month,
            visits=tally.months[(pid, month, "visits")],
            needs_review=tally.months[(pid, month, "needs_review")],
            justified=tally.months[(pid, month, "justified")],
            item9_positive=tally.months[(pid, month, "item9")],
            blocks_met=tally.months[(pid, month, "blocks")],
        )
        for pid, month in keys
    )


def _in_period(day: dt.date, flt: RecordFilter) -> bool:
    return not ((flt.date_from and day < flt.date_from) or (flt.date_to and day > flt.date_to))


def _blocks(
    session: Session, flt: RecordFilter, by_username: dict[str, int], tally: _Tally
) -> list[BlockMet]:
    out = []
    for actor, time, details in queries.refused_signings(session, None, None):
        codes = tuple(str(c) for c in details.get("blocks") or ())
        day = _date_of(details.get("visit_date")) or time.date()
        user_id = by_username.get(actor)
        patient = details.get("patient_id")
        patient_id = patient if isinstance(patient, int) else None
        if not codes or not _in_period(day, flt) or not _matches(flt, user_id, patient_id, details):
            continue
        if user_id is not None:
            tally.months[(user_id, day.strftime("%Y-%m"), "blocks")] += 1
            tally.months[(user_id, day.strftime("%Y-%m"), "visits")] += 0  # the month's row
        out.append(BlockMet(day, tally.name(user_id) if user_id else actor, patient_id, codes))
    return out


def _matches(
    flt: RecordFilter, user_id: int | None, patient_id: int | None, details: dict[str, Any]
) -> bool:
    checks: Iterable[tuple[object, object]] = (
        (flt.prescriber_id, user_id),
        (flt.patient_id, patient_id),
        (flt.visit_kind, details.get("kind")),
    )
    profile = str(details.get("profile") or "")
    # The visit names an exact profile or its family ("uk-mhra" for "uk-mhra-2026").
    profile_ok = (
        flt.profile_id is None
        or flt.profile_id == profile
        or (bool(profile) and flt.profile_id.startswith(profile + "-"))
    )
    return (
        all(wanted is None or wanted == got for wanted, got in checks)
        and profile_ok
        and flt.verdict in (None, "blocked")
        and not flt.has_justified_warnings
    )


def _date_of(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _overdue(
    session: Session, flt: RecordFilter, tally: _Tally, today: dt.date
) -> list[OverdueTest]:
    last = today - dt.timedelta(days=1)
    due_to = min(flt.date_to, last) if flt.date_to else last
    orders = queries.overdue_orders_with(session, PREGNANCY_TEST, due_from=flt.date_from,
                                         due_to=due_to)  # fmt: skip
    wanted = [o for o in orders
              if (flt.prescriber_id is None or o.prescriber_id == flt.prescriber_id)
              and (flt.patient_id is None or o.patient_id == flt.patient_id)]  # fmt: skip
    numbers = queries.patient_labels(session, {o.patient_id for o in wanted})
    return [
        OverdueTest(
            order_code=order_code(o.order_id),
            clinic_number=numbers.get(o.patient_id, ("", ""))[1],
            prescriber=tally.name(o.prescriber_id),
            due_until=o.due_until,
            days_overdue=(today - o.due_until).days,
            status=o.status,
        )
        for o in wanted
    ]
