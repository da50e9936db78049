"""Helpers for the safety-engine tests: build a visit from the clear sample, change it by
field path, evaluate it, and read the findings as {code: severity}."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from isoface_desk.domain.catalog import Catalog, default_catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.engine import Evaluation, evaluate
from isoface_desk.domain.samples import clear_visit

VISIT_DATE = date(2026, 10, 12)
PROFILES = ("us-ipledge-2023", "us-ipledge-2026", "eu-ppp-2018", "uk-mhra-2023", "uk-mhra-2026")
US = ("us-ipledge-2023", "us-ipledge-2026")
EU = ("eu-ppp-2018",)
UK = ("uk-mhra-2023", "uk-mhra-2026")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def catalog() -> Catalog:
    return default_catalog()


def days_before(n: int, day: date = VISIT_DATE) -> str:
    """The ISO date n days before the visit (0 = the visit day)."""
    return (day - timedelta(days=n)).isoformat()


def set_path(data: Any, path: str, value: Any) -> None:
    """data at "patient.weight_kg" / "medications[0].name" = value (creates objects)."""
    steps = [m.group(1) if m.group(1) is not None else int(m.group(2))
             for m in _STEP.finditer(path)]  # fmt: skip
    target = data
    for step in steps[:-1]:
        if isinstance(step, str) and target.get(step) is None:
            target[step] = {}
        target = target[step]
    target[steps[-1]] = value


def make(profile: str = "uk-mhra-2026", kind: str = "initiation", **changes: Any) -> dict[str, Any]:
    """The clear sample visit with `changes` applied; keys use '__' for '.' in paths
    (patient__weight_kg=50)."""
    data = clear_visit(profile, kind)
    if kind == "end-of-course":
        data["dose"] = None
        data["product"] = None
    for key, value in changes.items():
        set_path(data, key.replace("__", "."), value)
    return data


def run(data: dict[str, Any]) -> Evaluation:
    cat = catalog()
    return evaluate(parse_visit(data, cat), cat)


def found(data: dict[str, Any]) -> dict[str, str]:
    """{code: severity} of the visit's findings."""
    return {f.code: f.severity for f in run(data).findings}


def med(name: str, route: str = "oral", daily_iu: float | None = None) -> dict[str, Any]:
    return {"name": name, "route": route, "daily_iu": daily_iu}


def test_entry(days: int, result: str = "negative", setting: str = "clinic",
               verification: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {"date": days_before(days), "result": result, "setting": setting,
            "verification": verification}  # fmt: skip


test_entry.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def method(code: str, days: int = 600) -> dict[str, Any]:
    return {"code": code, "start_date": days_before(days)}


def lab(
    test: str, value: float, unit: str, days: int = 12, uln: float | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"test": test, "date": days_before(days), "value": value, "unit": unit}
    if uln is not None:
        entry["uln"] = uln
    return entry
