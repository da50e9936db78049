"""The PDF preview's widgets: a toolbar (pages, zoom, Save as PDF, Print) over a QPdfView.

Layout only; `PdfPreviewController` (preview.py) connects the signals and holds the
behaviour. Sizes are in font units so the window follows the system font and scaling.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

#: Zoom choices after "Fit width" and "Whole page", as factors of the actual size.
ZOOM_STEPS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH = "Fit width"
WHOLE_PAGE = "Whole page"


def _button(text: str, tip: str, shortcut: QKeySequence.StandardKey | None = None) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.replace("&", "").rstrip("…").strip())
    if shortcut is not None:
        button.setShortcut(QKeySequence(shortcut))
        tip = f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    button.setToolTip(tip)
    return button


class PdfPreviewView(QWidget):
    """Toolbar and page view. `pdf_view` shows the document set with `set_document`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        style = self.style()
        self.previous_button = _button("", "Previous page", QKeySequence.StandardKey.Back)
        self.previous_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp))
        self.previous_button.setAccessibleName("Previous page")
        self.next_button = _button("", "Next page", QKeySequence.StandardKey.Forward)
        self.next_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        self.next_button.setAccessibleName("Next page")
        self.page_spin = QSpinBox()
        self.page_spin.setAccessibleName("Page number")
        self.page_spin.setMinimum(1)
        self.page_spin.setKeyboardTracking(False)
        self.page_count_label = QLabel("of 1")
        self.zoom_out_button = _button("−", "Zoom out", QKeySequence.StandardKey.ZoomOut)
        self.zoom_out_button.setAccessibleName("Zoom out")
        self.zoom_combo = QComboBox()
        self.zoom_combo.setAccessibleName("Zoom")
        self.zoom_combo.addItem(FIT_WIDTH, "width")
        self.zoom_combo.addItem(WHOLE_PAGE, "page")
        for step in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{step:.0%}", step)
        self.zoom_in_button = _button("+", "Zoom in", QKeySequence.StandardKey.ZoomIn)
        self.zoom_in_button.setAccessibleName("Zoom in")
        self.save_button = _button(
            "&Save as PDF…", "Save the signed PDF exactly as stored", QKeySequence.StandardKey.Save
        )
        self.print_button = _button("&Print…", "Print the record", QKeySequence.StandardKey.Print)
        self.print_button.setDefault(True)
        self.pdf_view = QPdfView()
        self.pdf_view.setAccessibleName("Document pages")
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setFrameShape(QFrame.Shape.NoFrame)
        self.pdf_view.setBackgroundRole(QPalette.ColorRole.Mid)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Document status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()

    def _lay_out(self) -> None:
        em = self.fontMetrics().height()
        self.pdf_view.setPageSpacing(em)
        self.pdf_view.setDocumentMargins(QMargins(em, em, em, em))
        self.page_spin.setMinimumWidth(4 * em)
        self.zoom_combo.setMinimumWidth(7 * em)
        for small in (self.zoom_out_button, self.zoom_in_button):
            small.setFixedWidth(2 * em + 4)
        bar = QHBoxLayout()
        bar.setContentsMargins(em // 2, em // 2, em // 2, em // 2)
        bar.setSpacing(em // 3)
        widget: QWidget
        for widget in (
            self.previous_button,
            self.next_button,
            QLabel("Page"),
            self.page_spin,
            self.page_count_label,
        ):
            bar.addWidget(widget)
        bar.addSpacing(em)
        for widget in (self.zoom_out_button, self.zoom_combo, self.zoom_in_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.actions_bar = bar  # record previews add their own actions before Save
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        status = QHBoxLayout()
        status.setContentsMargins(em // 2, em // 4, em // 2, em // 4)
        status.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(_rule())
        layout.addWidget(self.pdf_view, 1)
        layout.addWidget(_rule())
        layout.addLayout(status)

    def set_page_count(self, count: int) -> None:
        self.page_spin.setMaximum(max(1, count))
        self.page_count_label.setText(f"of {count}")
        self.page_count_label.setAccessibleName(f"of {count} pages")

    def set_current_page(self, index: int) -> None:
        """Show 0-based page `index` as current in the toolbar (without jumping)."""
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(index + 1)
        self.page_spin.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < self.page_spin.maximum())

    def set_output_allowed(self, allowed: bool, why: str = "") -> None:
        """Print and Save as PDF are offered only to roles that may export records."""
        for button in (self.print_button, self.save_button):
            button.setEnabled(allowed)
            if not allowed and why:
                button.setToolTip(why)


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
