"""Lab results from a laboratory's file (`isoface-desk orders import FILE`), all or nothing.

`LabImportService.import_file(actor, path)` reads a CSV file or a FHIR R4 Bundle of
Observations (domain/lab_import.py), then, in one unit of work, checks every row exactly
as the nurse's results dialog is checked (services/labs/lab_results.py `order_problems` for
each order's rows together, domain `result_problems` for each row) and, only if no row
is bad, stores each order's results through `store_results`: the same grading and the
same "result" / "correct result" audit event per order as the dialog, then one "import"
event with the counts. If any row is bad nothing is stored and InputError names every
bad row ("row 3: ...", "entry[7]: ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from isoface_desk.domain.lab_import import ImportRow, LabFile, read_lab_file, with_default_unit
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.domain.lab_results import result_problems
from isoface_desk.domain.lab_tests import LabTestTable
from isoface_desk.errors import InputError, NotFound
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, require
from isoface_desk.services.labs.lab_results import (
    LabTestsServiceBase,
    order_problems,
    store_results,
)
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories.lab_orders import LabOrder

__all__ = ["LabImport", "LabImportService"]

#: The largest file read (a laboratory's daily file is far smaller).
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class LabImport:
    """What an import stored: the file's format and each order as stored, in file order."""

    format: str
    orders: tuple[LabOrder, ...]

    @property
    def results(self) -> int:
        return sum(len(order.results) for order in self.orders)


class LabImportService(LabTestsServiceBase):
    def import_file(self, actor: Actor, path: Path) -> LabImport:
        """Store every result of a CSV or FHIR file, or none (InputError naming the rows)."""
        require(actor, Permission.ORDER_WRITE)
        found = read_lab_file(_read(Path(path).expanduser()), self.tests)
        rows = [_row_with_unit(row, self.tests) for row in found.rows]
        with self._unit(actor, Permission.ORDER_WRITE) as session:
            groups = self._check(session, found, rows)
            stored = tuple(
                store_results(session, actor, order, [r.entry for r in group], self.catalog)
                for order, group in groups
            )
            details = {"format": found.format, "orders": len(stored), "results": len(rows)}
            append_event(session, actor.username, "import", "lab results", "", details)
        return LabImport(found.format, stored)

    def _check(
        self, session: Session, found: LabFile, rows: Sequence[ImportRow]
    ) -> list[tuple[LabOrder, list[ImportRow]]]:
        """Each order with its rows, in file order; InputError listing every bad row."""
        problems = list(found.problems)
        groups: dict[int, list[ImportRow]] = {}
        for row in rows:
            groups.setdefault(row.order_id, []).append(row)
        checked = []
        for order_id, group in groups.items():
            try:
                order = orders_repo.get_order(session, order_id)
            except NotFound:
                problems += [
                    f"{r.where}: there is no lab order {order_code(order_id)}" for r in group
                ]
                continue
            problems += self._order_problems(order, group)
            checked.append((order, group))
        if problems:
            raise InputError([f"nothing was imported: {len(problems)} problem(s)", *problems])
        return checked

    def _order_problems(self, order: LabOrder, group: list[ImportRow]) -> list[str]:
        wanted = [str(t) for t in order.tests]
        where = ", ".join(r.where for r in group)
        problems = [
            f"{order_code(order.id)} ({where}): {problem}"
            for problem in order_problems(order, [r.entry.test for r in group])
        ]
        for row in group:
            if row.entry.test in wanted:
                found = result_problems(row.entry, self.tests, self.today())
                problems += [f"{row.where}: {problem}" for problem in found]
        return problems


def _row_with_unit(row: ImportRow, tests: LabTestTable) -> ImportRow:
    return ImportRow(row.where, row.order_id, with_default_unit(row.entry, tests))


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
