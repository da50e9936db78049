"""The visit checklist screen (view only): section list, one section at a time, findings.

    +-----------+-------------------------------------+-------------------+
    | Sections  | Section title and help              | Safety findings   |
    | 1. ...  ✓ | question                            | verdict, figures  |
    | 2. ...  ● | question          (scrolls)         | cards (scroll)    |
    |           | [Previous]               [Next]     | [Sign…]           |
    +-----------+-------------------------------------+-------------------+

Everything is sized in font units. Below ~64 em of width (1366 px at 200 %), the
section list folds into a drop-down above the section, so the findings stay in view.
Behaviour lives in `ChecklistController`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.checklist import Form, Section
from isoface_desk.ui.visit.carried import CarriedBanner
from isoface_desk.ui.visit.factory import EditorEnv, QuestionWidget
from isoface_desk.ui.visit.findings_panel import FindingsPanel
from isoface_desk.ui.visit.focus import chain, focusable_in
from isoface_desk.ui.visit.section_list import SectionList
from isoface_desk.ui.visit.style import em, muted, scaled_font, wrapped

NARROW_EM = 64


class SectionPage(QScrollArea):
    """One section: its title, help and questions, scrolling when taller than the window."""

    def __init__(self, section: Section, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setObjectName(f"section-{section.id}")
        self.setAccessibleName(f"Section: {section.title}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # never clip
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the questions take the focus
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 0, 12, 12)
        self.title = QLabel(section.title)
        self.title.setAccessibleName(section.title)
        scaled_font(self.title, 1.4, bold=True)
        layout.addWidget(self.title)
        self.banner = CarriedBanner()  # shown when the section opens filled
        layout.addWidget(self.banner)
        help_text = env.help(section)  # the profile's variant, with its numbers
        if help_text:
            layout.addWidget(muted(wrapped(help_text, f"About this section: {help_text}")))
        self.questions: dict[str, QuestionWidget] = {}
        for question in section.questions:
            widget = QuestionWidget(question, env)
            self.questions[question.id] = widget
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidget(body)

    def showEvent(self, event: QShowEvent) -> None:
        """Answers shown while the page was hidden may have widened it: size it again (a
        lab row wider than the window scrolls instead of overlapping its fields)."""
        super().showEvent(event)
        body = self.widget()
        if body is not None and body.layout() is not None:
            body.layout().activate()  # type: ignore[union-attr]
        self.setWidgetResizable(True)


class ChecklistView(QWidget):
    def __init__(
        self, form: Form, env: EditorEnv, heading: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.setObjectName("visit-checklist")
        self.setAccessibleName(form.title)
        self.section_list = SectionList()
        self.section_combo = QComboBox()
        self.section_combo.setAccessibleName("Section")
        self.section_combo.hide()
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Current section")
        self.pages: dict[str, SectionPage] = {}
        for section in form.sections:
            page = SectionPage(section, env)
            self.pages[section.id] = page
            self.stack.addWidget(page)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setAccessibleName("Previous section")
        self.prev_button.setToolTip("Previous section (Ctrl+Shift+Enter)")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setAccessibleName("Next section")
        self.next_button.setToolTip("Next section (Ctrl+Enter)")
        self.panel = FindingsPanel()
        self.title_label = QLabel(form.title)
        scaled_font(self.title_label, 1.15, bold=True)
        self.heading_label = muted(QLabel(heading))
        self.heading_label.setAccessibleName("Patient and visit")
        self.draft_label = muted(QLabel(""))
        self.draft_label.setAccessibleName("Draft status")
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addSpacing(em(self))
        top.addWidget(self.heading_label, 1)
        top.addWidget(self.draft_label)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(8, 8, 8, 8)
        center_layout.addWidget(self.section_combo)
        center_layout.addWidget(self.stack, 1)
        center_layout.addLayout(nav)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.section_list)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        unit = em(self)
        self.section_list.setMinimumWidth(9 * unit)
        center.setMinimumWidth(20 * unit)
        self.panel.setMinimumWidth(14 * unit)
        self.splitter.setSizes([12 * unit, 42 * unit, 28 * unit])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.panel.tab_anchor = self.next_button

    # ----- lookups

    def question_widget(self, question_id: str) -> QuestionWidget:
        return self.pages[self.form.section_of(question_id).id].questions[question_id]

    def question_widgets(self) -> dict[str, QuestionWidget]:
        return {qid: w for page in self.pages.values() for qid, w in page.questions.items()}

    def current_section_id(self) -> str:
        page = self.stack.currentWidget()
        assert isinstance(page, SectionPage)
        return page.section.id

    def show_section(self, section_id: str) -> None:
        self.stack.setCurrentWidget(self.pages[section_id])
        self.pages[section_id].verticalScrollBar().setValue(0)

    def reveal(self, question_id: str) -> None:
        """Scroll the current section so the question is in view."""
        widget = self.question_widget(question_id)
        self.pages[self.form.section_of(question_id).id].ensureWidgetVisible(widget, 0, 24)

    # ----- keyboard order

    def fix_tab_order(self) -> None:
        """Sections list, the questions in form order, Previous/Next, then the findings."""
        order: list[QWidget] = [self.section_list, self.section_combo]
        for page in self.pages.values():
            order.append(page.banner.button)
            for widget in page.questions.values():
                order.extend(focusable_in(widget.editor))
        order += [self.prev_button, self.next_button]
        chain(order)
        self.panel.fix_tab_order()

    # ----- width

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = self.width() < NARROW_EM * em(self)
        if narrow != self.section_list.isHidden():  # isVisible() is False until shown
            self.section_list.setVisible(not narrow)
            self.section_combo.setVisible(narrow)
