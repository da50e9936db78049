"""The nurse workspace (view only): filters, the grouped due list, the actions on the
selection, an inline progress bar with Cancel, and a line of detail about the order.

Behaviour lives in OrdersController (ui/orders/controller.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.lab_schedule import TEST_CODES
from isoface_desk.ui.orders.due_model import COLUMNS, DueTreeModel
from isoface_desk.ui.visit.style import em, muted, scaled_font

TEST_NAMES = {"ALT": "ALT", "AST": "AST", "TG": "Triglycerides", "CHOL": "Cholesterol",
              "GLUCOSE": "Fasting glucose", "HCG": "Pregnancy test (hCG)"}  # fmt: skip
#: Column widths in font heights (em); the patient column takes what is left.
COLUMN_EMS = {0: 7.5, 2: 7, 3: 10, 4: 6.5, 5: 8.5, 6: 9, 7: 6.5}


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", "").rstrip("…"))
    button.setToolTip(tip)
    return button


class OrdersView(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Lab orders page")
        layout = QVBoxLayout(self)
        margin = em(self)
        layout.setContentsMargins(margin, int(margin * 0.8), margin, int(margin * 0.6))
        layout.setSpacing(int(margin * 0.5))
        layout.addLayout(self._title_row())
        layout.addLayout(self._filter_row())
        self.model = DueTreeModel()
        self.tree = self._tree()
        layout.addWidget(self.tree, 1)
        self.detail = muted(QLabel("Select orders to print them, mark them collected or "
                                   "enter their results."))  # fmt: skip
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("Selected order")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        layout.addLayout(self._action_row())

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel("Lab orders")
        scaled_font(title, 1.5, bold=True)
        title.setAccessibleName("Lab orders")
        self.date_label = muted(QLabel())
        self.date_label.setAccessibleName("Due list date")
        self.regenerate_button = _button(
            "Update from schedules", "regenerate",
            "Regenerate every open course's orders from its monitoring schedule",
        )  # fmt: skip
        self.refresh_button = _button("&Refresh", "refresh", "Read the due list again (F5)")
        self.refresh_button.setShortcut("F5")
        row.addWidget(title)
        row.addSpacing(em(self))
        row.addWidget(self.date_label, 1, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.regenerate_button)
        row.addWidget(self.refresh_button)
        return row

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.patient_filter = QLineEdit()
        self.patient_filter.setPlaceholderText("Patient name or clinic number")
        self.patient_filter.setAccessibleName("Filter by patient")
        self.patient_filter.setClearButtonEnabled(True)
        self.test_filter = QComboBox()
        self.test_filter.setAccessibleName("Filter by test")
        self.test_filter.addItem("All tests", "")
        for code in TEST_CODES:
            self.test_filter.addItem(TEST_NAMES.get(code, code), code)
        self.prescriber_filter = QComboBox()
        self.prescriber_filter.setAccessibleName("Filter by prescriber")
        self.prescriber_filter.setMinimumContentsLength(16)
        self.prescriber_filter.addItem("All prescribers", None)
        self.count_label = muted(QLabel())
        self.count_label.setAccessibleName("Orders shown")
        for label, widget in (("&Patient:", self.patient_filter), ("&Test:", self.test_filter),
                              ("P&rescriber:", self.prescriber_filter)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget, 2 if widget is self.patient_filter else 0)
            row.addSpacing(em(self) // 2)
        row.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignRight)
        return row

    def _tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("due_list")
        tree.setAccessibleName("Due lab orders")
        tree.setModel(self.model)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setAllColumnsShowFocus(True)
        tree.setIndentation(em(self))
        header = tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            if column in COLUMN_EMS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                tree.setColumnWidth(column, int(COLUMN_EMS[column] * em(self)))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return tree

    def _progress_widgets(self, row: QHBoxLayout) -> None:
        """The bar (with the job's text in it) and Cancel of a print job. Their size never
        changes, shown or not: a change would lay the whole list out again mid-job."""
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Print job progress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.cancel_button = _button("Cancel", "cancel", "Stop the print job")
        height = max(self.progress.sizeHint().height(), self.cancel_button.sizeHint().height())
        for widget in (self.progress, self.cancel_button):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
            widget.setFixedHeight(height)
        row.addWidget(self.progress, 2)
        row.addWidget(self.cancel_button)
        self.show_progress(False)

    def _action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.select_all_button = _button("Select &all shown", "select_all",
                                         "Select every order the filters show")  # fmt: skip
        self.selection_label = muted(QLabel("No orders selected"))
        self.selection_label.setAccessibleName("Selection")
        self.print_button = _button(
            "&Print orders…", "print_orders", "Print the selected orders, one per page"
        )
        self.labels_button = _button(
            "Print &labels…", "print_labels", "Print tube labels for the selected orders"
        )
        self.save_button = _button(
            "&Save as PDF…", "save_pdf", "Save the selected orders as one PDF (marked printed)"
        )
        self.collected_button = _button(
            "Mark &collected", "collected", "The samples of the selected orders were taken"
        )
        self.results_button = _button(
            "Enter res&ults…", "results", "Enter the laboratory's results of the selected order"
        )
        row.addWidget(self.select_all_button)
        row.addWidget(self.selection_label, 1)
        self._progress_widgets(row)
        for button in (self.print_button, self.labels_button, self.save_button,
                       self.collected_button, self.results_button):  # fmt: skip
            row.addWidget(button)
        return row

    def show_progress(self, visible: bool, text: str = "") -> None:
        for widget in (self.progress, self.cancel_button):
            widget.setVisible(visible)
        self.set_progress_text(text)
        if visible:
            self.progress.setValue(0)
            self.cancel_button.setEnabled(True)

    def set_progress_text(self, text: str) -> None:
        self.progress.setFormat(f"{text} %p%" if text else "%p%")
        self.progress.setAccessibleDescription(text)
