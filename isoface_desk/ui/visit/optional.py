"""Which visible questions may truly be left empty: the "(optional)" of their labels.

The form marks what must be answered (`required`, `required_when`), but some questions the
form leaves optional still block signing when empty, through a safety finding: no
contraception method for a patient who can get pregnant gives CONTRACEPTION_MISSING. Such
a question is not labelled optional. Pure Python (no Qt): an unanswered question is needed
when a blocking finding leads to it now; an answered one when clearing its answer would
add a blocking finding (one more evaluation per answered optional question).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import Form, VisitContext, locate_field, shown
from isoface_desk.ui.visit.live_check import LiveResult, live_check

#: Answer types never labelled optional or not (signatures say "not signed" themselves).
_UNLABELLED = ("signature",)


def optional_questions(
    form: Form, answers: Mapping[str, Any], context: VisitContext, catalog: Catalog,
    result: LiveResult,
) -> set[str]:  # fmt: skip
    """Ids of the visible questions an empty answer to which is neither required nor
    blocks signing."""
    view = shown(form, answers, context)
    blocks = _blocks(result)
    leading = {found.question.id for code, field in blocks
               if (found := locate_field(form, field)) is not None}  # fmt: skip
    out: set[str] = set()
    for q in view.questions:
        if q.type in _UNLABELLED or view.required(q, context) or q.id in leading:
            continue
        if q.id in view.answers:
            without = {k: v for k, v in answers.items() if k != q.id}
            if _blocks(live_check(form, without, context, catalog)) - blocks:
                continue
        out.add(q.id)
    return out


def _blocks(result: LiveResult) -> set[tuple[str, str]]:
    findings = result.evaluation.findings if result.evaluation is not None else ()
    return {(f.code, f.field) for f in findings if f.severity == "block"}
