"""`isoface-desk orders result|import` in real child processes on a real SQLite clinic:
results stored and graded exactly as the nurse's dialog stores them (LabResultService),
audited, a lab file imported all or nothing with its bad rows named, a FHIR export read
back, an auditor refused, bad input one line per problem with exit status 2."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from isoface_desk.domain.lab_results import ResultEntry, assess_result
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_results import LabResultService
from isoface_desk.storage.audit import AuditEvent, recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories.lab_orders import LabOrder
from tests.cli.child import run_cli
from tests.conftest import ROOT
from tests.services.conftest import PASSWORD, World, _open, example_patient, setup_world

START = CourseStart(
    start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20, mg_per_day=40
)
DAY = "2026-06-03"
CSV_HEADER = ("order", "test", "value", "unit", "uln", "date")
BLOODS = ("--value", "ALT=30", "--uln", "ALT=40", "--value", "AST=25", "--uln", "AST=40",
          "--value", "CHOL=5.1:mmol/L")  # fmt: skip


@dataclass
class Clinic:
    url: str
    world: World
    #: planned orders of each patient, by tests: {"bloods": [ids], "hcg": [ids]}
    orders: dict[str, list[int]]

    def take(self, kind: str) -> int:
        """A planned order no other test uses."""
        return self.orders[kind].pop(0)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'results.sqlite3'}"
    services, clock = _open(url)
    world = setup_world(services, clock)
    orders: dict[str, list[int]] = {"bloods": [], "hcg": []}
    for pregnancy in (True, False):
        patient = dataclasses.replace(example_patient(), can_get_pregnant=pregnancy)
        pid = services.patients.create(world.first, patient).id
        services.courses.start(world.first, pid, START)
        for order in services.orders.for_patient(world.first, pid):
            orders["hcg" if order.tests == ["HCG"] else "bloods"].append(order.id)
    yield Clinic(url, world, orders)
    services.close()


def cli(c: Clinic, *args: str, user: str = "nurse-user") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ISOFACE_PASSWORD": PASSWORD}
    return run_cli(c.url, env, "orders", *args, "--user", user)


def stored(c: Clinic, order_id: int) -> LabOrder:
    with read_scope(c.world.services.engine) as session:
        return orders_repo.get_order(session, order_id)


def last_events(c: Clinic, count: int) -> list[AuditEvent]:
    """The last `count` audit events other than sign-ins, oldest first."""
    with read_scope(c.world.services.engine) as session:
        events = recent_events(session, limit=3 * count + 10)
    return sorted((e for e in events if e.action != "login"), key=lambda e: e.seq)[-count:]


def code(order_id: int) -> str:
    return f"LO-{order_id:06d}"


def test_a_result_by_printed_number_is_graded_as_the_dialog_grades_it(clinic: Clinic) -> None:
    order_id = clinic.take("bloods")
    done = cli(clinic, "result", code(order_id), "--date", DAY, "--value", "TG=9.5:mmol/L",
               *BLOODS)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"{code(order_id)}: resulted, block"
    assert "TG       2026-06-03  9.5 mmol/L  BLOCK  TG 9.5 mmol/L: 9 mmol/L or more" in done.stdout
    assert "ALT      2026-06-03  30 U/L (ULN 40)  NORMAL" in done.stdout
    order = stored(clinic, order_id)
    assert order.status == "resulted" and order.abnormal
    nurse = clinic.world.actors["nurse"]
    params = LabResultService(clinic.world.services.engine).lab_params(nurse, dt.date(2026, 6, 3))
    tg = ResultEntry("TG", dt.date(2026, 6, 3), 9.5, "mmol/L")
    assert order.results["TG"] == tg.stored(assess_result(tg, params))
    assert order.results["TG"]["level"] == "block"
    event = last_events(clinic, 1)[0]
    assert (event.actor, event.action, event.target_kind, event.target_id) == (
        "nurse-user", "result", "order", str(order_id))  # fmt: skip
    assert event.details == {"tests": ["ALT", "AST", "CHOL", "TG"], "abnormal": True,
                             "level": "block"}  # fmt: skip


def test_a_result_by_number_and_a_second_entry_corrects_it(clinic: Clinic) -> None:
    order_id = clinic.take("hcg")
    done = cli(clinic, "result", str(order_id), "--date", DAY, "--value", "HCG=negative")
    assert done.returncode == 0, done.stderr
    assert f"{code(order_id)}: resulted, normal" in done.stdout
    again = cli(clinic, "result", str(order_id), "--date", DAY, "--value", "hcg=positive")
    assert again.returncode == 0, again.stderr
    assert f"{code(order_id)}: resulted, block" in again.stdout
    assert stored(clinic, order_id).results["HCG"]["result"] == "positive"
    assert [e.action for e in last_events(clinic, 2)] == ["result", "correct result"]


def test_bad_values_are_one_line_each_exit_2_and_nothing_stored(clinic: Clinic) -> None:
    order_id = clinic.take("bloods")
    syntax = cli(clinic, "result", code(order_id), "--date", DAY, "--value", "TG9.5",
                 "--value", "ALT=thirty", "--uln", "GLUCOSE=7")  # fmt: skip
    assert syntax.returncode == 2 and "Traceback" not in syntax.stderr
    assert syntax.stderr.splitlines() == [
        "isoface-desk: --value 'TG9.5': write TEST=NUMBER[:UNIT], e.g. TG=9.5:mmol/L or "
        "HCG=negative",
        "isoface-desk: --value 'ALT=thirty': write TEST=NUMBER[:UNIT], e.g. TG=9.5:mmol/L or "
        "HCG=negative",
        "isoface-desk: --uln 'GLUCOSE=7': there is no --value for GLUCOSE",
    ]
    checked = cli(clinic, "result", code(order_id), "--date", DAY, "--value", "TG=9.5",
                  "--value", "ALT=30", "--value", "HCG=negative")  # fmt: skip
    assert checked.returncode == 2 and "Traceback" not in checked.stderr
    assert set(checked.stderr.splitlines()) == {
        f"isoface-desk: HCG: not ordered on {code(order_id)}",
        "isoface-desk: AST: no result entered",
        "isoface-desk: CHOL: no result entered",
        "isoface-desk: TG: the unit must be mmol/L or mg/dL",
        "isoface-desk: ALT: the laboratory's upper limit of normal is needed",
    }
    unknown = cli(clinic, "result", "LO-999999", "--date", DAY, "--value", "HCG=negative")
    assert unknown.returncode == 2 and unknown.stderr.strip() == (
        "isoface-desk: Lab order 999999 does not exist.")  # fmt: skip
    assert stored(clinic, order_id).status == "planned"


def test_an_auditor_may_not_enter_results(clinic: Clinic, tmp_path: Path) -> None:
    order_id = clinic.take("hcg")
    done = cli(clinic, "result", code(order_id), "--date", DAY, "--value", "HCG=negative",
               user="auditor-user")  # fmt: skip
    assert done.returncode == 1 and "does not allow" in done.stderr
    lab_file = write_csv(tmp_path, [[code(order_id), "HCG", "negative", "", "", DAY]])
    imported = cli(clinic, "import", str(lab_file), user="auditor-user")
    assert imported.returncode == 1 and "does not allow" in imported.stderr
    assert stored(clinic, order_id).status == "planned"


def write_csv(folder: Path, rows: list[list[str]], sep: str = ",") -> Path:
    lines = [sep.join(CSV_HEADER), *(sep.join(row) for row in rows)]
    path = folder / "lab.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def blood_rows(order: str, tg: str) -> list[list[str]]:
    return [
        [order, "ALT", "30", "U/L", "40", DAY],
        [order, "AST", "25", "", "40", DAY],
        [order, "TG", tg, "mmol/L", "", DAY],
        [order, "CHOL", "5.1", "mmol/L", "", DAY],
    ]


def test_import_csv_stores_every_order_graded_and_audited(clinic: Clinic, tmp_path: Path) -> None:
    bloods, hcg = clinic.take("bloods"), clinic.take("hcg")
    rows = [*blood_rows(code(bloods), "6,2"), [str(hcg), "HCG", "Negative", "", "", DAY]]
    rows[3][2] = "5,1"  # a spreadsheet's semicolons and decimal commas
    done = cli(clinic, "import", str(write_csv(tmp_path, rows, sep=";")))
    assert done.returncode == 0, done.stderr
    assert f"{code(bloods)}: resulted, warn" in done.stdout
    assert "TG       2026-06-03  6.2 mmol/L  WARN  TG 6.2 mmol/L: above 5 mmol/L." in done.stdout
    assert f"{code(hcg)}: resulted, normal" in done.stdout
    assert "CSV: 5 result(s) of 2 order(s) stored" in done.stdout
    assert stored(clinic, bloods).results["AST"]["unit"] == "U/L"  # its only unit
    assert stored(clinic, bloods).results["CHOL"]["value"] == 5.1
    events = last_events(clinic, 3)
    assert [(e.action, e.target_id) for e in events] == [
        ("result", str(bloods)), ("result", str(hcg)), ("import", "")]  # fmt: skip
    assert events[2].details == {"format": "CSV", "orders": 2, "results": 5}


def test_import_csv_with_one_bad_row_stores_nothing_and_names_it(
    clinic: Clinic, tmp_path: Path
) -> None:
    bloods, hcg = clinic.take("bloods"), clinic.take("hcg")
    rows = [[code(hcg), "HCG", "negative", "", "", DAY], *blood_rows(code(bloods), "9.5")]
    rows[3][3] = "mg"  # row 5 of the file (the header is row 1): TG in a unit it is not
    head = last_events(clinic, 1)[0].seq  # (a refused import leaves only its sign-in)
    done = cli(clinic, "import", str(write_csv(tmp_path, rows)))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "isoface-desk: nothing was imported: 1 problem(s)",
        "isoface-desk: row 5: TG: the unit must be mmol/L or mg/dL",
    ]
    assert stored(clinic, hcg).status == "planned" and stored(clinic, bloods).status == "planned"
    assert last_events(clinic, 1)[0].seq == head


def test_import_names_every_unreadable_or_incomplete_row(clinic: Clinic, tmp_path: Path) -> None:
    bloods = clinic.take("bloods")
    rows = [*blood_rows(code(bloods), "high")[:3], ["LO-12", "HCG", "negative", "", "", "3 June"],
            [code(bloods), "CHOL", "5,1", "mmol/L", "", DAY]]  # fmt: skip
    done = cli(clinic, "import", str(write_csv(tmp_path, rows)))
    assert done.returncode == 2
    assert done.stderr.splitlines()[1:] == [
        "isoface-desk: row 4: TG: value 'high' is not a number",
        "isoface-desk: row 5: date '3 June' is not a date (YYYY-MM-DD)",
        "isoface-desk: row 6: 7 fields, the header has 6 (a decimal comma in a comma-separated "
        "file must be quoted)",
        f"isoface-desk: {code(bloods)} (row 2, row 3): TG: no result entered",
        f"isoface-desk: {code(bloods)} (row 2, row 3): CHOL: no result entered",
    ]
    assert stored(clinic, bloods).status == "planned"


def observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]
            if e["resource"]["resourceType"] == "Observation"]  # fmt: skip


def test_fhir_export_reads_back_through_import(clinic: Clinic, tmp_path: Path) -> None:
    order_id = clinic.take("bloods")
    first = cli(clinic, "result", code(order_id), "--date", DAY, "--value", "TG=1.4:mmol/L",
                *BLOODS)  # fmt: skip
    assert first.returncode == 0, first.stderr
    out = tmp_path / "labs.json"
    assert cli(clinic, "export-fhir", "--out", str(out)).returncode == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    requests = {e["fullUrl"]: e["resource"]["requisition"]["value"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "ServiceRequest"}  # fmt: skip
    ours = [o for o in observations(bundle)
            if requests[o["basedOn"][0]["reference"]] == code(order_id)]  # fmt: skip
    tg = next(o for o in ours if o["code"]["text"] == "Triglycerides")
    tg["valueQuantity"]["value"] = 797.13
    tg["valueQuantity"]["unit"] = tg["valueQuantity"]["code"] = "mg/dL"
    out.write_text(json.dumps(bundle), encoding="utf-8")
    before = {o.id: o.results for o in all_resulted(clinic)}
    done = cli(clinic, "import", str(out))
    assert done.returncode == 0, done.stderr
    count = len(observations(bundle))
    assert f"FHIR R4 Bundle: {count} result(s) of {len(before)} order(s) stored" in done.stdout
    after = {o.id: o.results for o in all_resulted(clinic)}
    assert after[order_id]["TG"]["level"] == "block"
    assert after[order_id]["TG"]["message"].startswith("TG 797.13 mg/dL = 9.00 mmol/L")
    assert {k: v for k, v in after.items() if k != order_id} == {
        k: v for k, v in before.items() if k != order_id}  # fmt: skip
    assert {k: v for k, v in after[order_id].items() if k != "TG"} == {
        k: v for k, v in before[order_id].items() if k != "TG"}  # fmt: skip
    events = last_events(clinic, len(before) + 1)
    assert {e.action for e in events[:-1]} == {"correct result"} and events[-1].action == "import"


def all_resulted(c: Clinic) -> list[LabOrder]:
    with read_scope(c.world.services.engine) as session:
        return [o for o in orders_repo.all_orders(session) if o.status == "resulted"]
