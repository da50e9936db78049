"""A lazy table model over the patient search: only the pages a person scrolls to are loaded.

The model holds the rows fetched so far. A new search (`set_query`) asks the service for
the number of matches and the first page; the view's `fetchMore` (when the person
scrolls near the end) asks for the next page of `PAGE` rows. 100,000 patients stay
instant because nothing else is read. Searches can run off the UI thread through a
`TaskRunner` (the app does this); results of a search that was overtaken by a newer one
are dropped. Without a runner everything runs synchronously (tests, screenshots).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from isoface_desk.services.care.patients import PatientQuery, parse_query
from isoface_desk.services.care.timeline import Patient
from isoface_desk.ui.lazy_model import Index, LazyTableModel
from isoface_desk.ui.tasks import TaskRunner

log = logging.getLogger("isoface.ui.patients")

PAGE = 100
FetchPage = Callable[[PatientQuery, int, int], list[Patient]]  # query, limit, offset
Count = Callable[[PatientQuery], int]

COLUMNS = ("Family name", "Given name", "Born", "Age", "Clinic number", "Sex at birth")
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class _Result:
    generation: int
    offset: int
    rows: list[Patient]
    total: int | None


class PatientListModel(LazyTableModel[Patient]):
    """Rows of patients; `total` is the number of matches, `rowCount` what is loaded."""

    COLUMNS = COLUMNS
    TASK_NAME = "patient search"

    def __init__(
        self,
        fetch_page: FetchPage,
        count: Count,
        *,
        runner: TaskRunner | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._fetch_page = fetch_page
        self._count = count
        self._today = today
        self._query = PatientQuery()

    # ----- searching

    def query_text(self) -> PatientQuery:
        return self._query

    def set_query(self, text: str) -> None:
        """Search again from the first page (the text as typed in the search box)."""
        self._generation += 1
        self._query = parse_query(text)
        generation, query = self._generation, self._query
        self._search(lambda: _Result(generation, 0, self._fetch_page(query, PAGE, 0),
                                     self._count(query)))  # fmt: skip

    def refresh(self) -> None:
        """Search again with the same query (after adding or editing a patient)."""
        self._generation += 1
        generation, query = self._generation, self._query
        self._search(lambda: _Result(generation, 0, self._fetch_page(query, PAGE, 0),
                                     self._count(query)))  # fmt: skip

    def _search(self, work: Callable[[], _Result]) -> None:
        self._fetching = True
        self._run(work, self._on_result)

    def _on_result(self, result: _Result) -> None:
        if result.generation != self._generation:
            return  # overtaken by a newer search
        self._fetching = False
        if result.offset == 0:
            self.beginResetModel()
            self._rows = list(result.rows)
            self._total = result.total if result.total is not None else len(result.rows)
            self.endResetModel()
            self.total_changed.emit(self._total)
        elif result.rows and result.offset == len(self._rows):
            self._append_rows(result.rows)
        if len(result.rows) < PAGE:  # the end came sooner than counted (rows were removed)
            self._total = min(self._total, len(self._rows))
        self.search_finished.emit()

    # ----- lazy loading

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation, query, offset = self._generation, self._query, len(self._rows)
        self._search(lambda: _Result(generation, offset, self._fetch_page(query, PAGE, offset),
                                     None))  # fmt: skip

    # ----- the table

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        patient = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(patient, index.column())
        if role == PATIENT_ID_ROLE:
            return patient.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"{patient.full_name}, clinic number {patient.clinic_number}"
        return None

    def _cell(self, patient: Patient, column: int) -> str:
        if column == 0:
            return patient.family_name
        if column == 1:
            return patient.given_name
        if column == 2:
            return patient.birth_date.isoformat()
        if column == 3:
            return str(age_on(patient.birth_date, self._today()))
        if column == 4:
            return patient.clinic_number
        return patient.sex_at_birth

    def patient_at(self, row: int) -> Patient | None:
        return self._row_at(row)

    def row_of(self, patient_id: int) -> int | None:
        return next((i for i, p in enumerate(self._rows) if p.id == patient_id), None)
