"""The findings panel, always beside the checklist: verdict, live dose and PHQ-9 figures,
one card per finding (blocks red, warnings amber, message and basis, a justification
line under each warning), what is still to answer, and the Sign button.

Cards are focusable: Enter or a click on a card (or on a line of "Still to answer")
emits `finding_activated` / `note_activated`, and the controller jumps to the question.
Cards are kept per finding code across updates, so typing a justification is never
interrupted by a recomputation.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.domain.findings import Finding
from isoface_desk.ui.visit.live_check import LiveResult, Note
from isoface_desk.ui.visit.style import (
    CLEAR,
    CLEAR_TINT,
    NOTE,
    SEVERITY_COLORS,
    SEVERITY_WORDS,
    colored,
    em,
    muted,
    scaled_font,
    wrapped,
)

JUSTIFY_PLACEHOLDER = "Justification (needed to sign)"


class FindingCard(QFrame):
    activated = Signal(object)  # Finding
    justification_changed = Signal(str, str)  # code, text

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("finding")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        color, tint = SEVERITY_COLORS[finding.severity]
        self.setStyleSheet(
            f"QFrame#finding {{ background: {tint.name()}; border: 1px solid {tint.name()};"
            f" border-left: 5px solid {color.name()}; border-radius: 3px; }}"
            f"QFrame#finding:focus {{ border: 2px solid palette(highlight);"
            f" border-left: 5px solid {color.name()}; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 8)
        layout.setSpacing(3)
        head = QHBoxLayout()
        self.severity_label = colored(QLabel(SEVERITY_WORDS[finding.severity]), color)
        scaled_font(self.severity_label, 0.9, bold=True)
        self.code_label = muted(QLabel(finding.code))
        scaled_font(self.code_label, 0.85)
        head.addWidget(self.severity_label)
        head.addStretch(1)
        head.addWidget(self.code_label)
        layout.addLayout(head)
        self.message_label = wrapped(finding.message)
        layout.addWidget(self.message_label)
        self.basis_label = muted(wrapped(f"Basis: {finding.basis}"))
        scaled_font(self.basis_label, 0.85)
        layout.addWidget(self.basis_label)
        self.justification: QLineEdit | None = None
        if finding.severity == "warn":
            self.justification = QLineEdit()
            self.justification.setPlaceholderText(JUSTIFY_PLACEHOLDER)
            self.justification.setAccessibleName(f"Justification for {finding.code}")
            self.justification.textChanged.connect(self._on_justification_text_changed)
            layout.addWidget(self.justification)
        self.set_finding(finding)

    def set_finding(self, finding: Finding) -> None:
        self.finding = finding
        self.message_label.setText(finding.message)
        self.basis_label.setText(f"Basis: {finding.basis}")
        word = SEVERITY_WORDS[finding.severity]
        self.setAccessibleName(f"{word}: {finding.message}")
        self.setAccessibleDescription(f"Press Enter to go to the question. Basis: {finding.basis}")
        self.setToolTip("Click or press Enter to go to the question behind this finding")

    def _on_justification_text_changed(self, text: str) -> None:
        self.justification_changed.emit(self.finding.code, text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.activated.emit(self.finding)
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.finding)
            event.accept()
            return
        super().keyPressEvent(event)


class FindingsPanel(QWidget):
    finding_activated = Signal(object)  # Finding
    note_activated = Signal(object)  # Note
    justification_changed = Signal()
    sign_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Safety findings")
        self.cards: dict[str, FindingCard] = {}
        self.tab_anchor: QWidget | None = None
        self._justifications: dict[str, str] = {}
        self._notes: tuple[Note, ...] = ()
        title = QLabel("Safety findings")
        scaled_font(title, 1.2, bold=True)
        self.verdict_label = wrapped("", "Verdict")
        self.verdict_label.setMargin(8)
        scaled_font(self.verdict_label, 1.0, bold=True)
        self.figures_label = wrapped("", "Dose and PHQ-9 figures")
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(6)
        self.notes_title = QLabel()
        scaled_font(self.notes_title, 1.0, bold=True)
        self.notes_list = QListWidget()
        self.notes_list.setAccessibleName("Still to answer")
        self.notes_list.setAccessibleDescription("Press Enter to go to the question.")
        self.notes_list.setWordWrap(False)
        self.notes_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.notes_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes_list.setFrameShape(QFrame.Shape.NoFrame)
        self.notes_list.itemActivated.connect(self._on_notes_list_item_activated)
        self.notes_list.itemClicked.connect(self._on_notes_list_item_activated)
        body = QWidget()
        body.setObjectName("findings-body")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 4, 0)
        inner.addWidget(self.verdict_label)
        inner.addWidget(self.figures_label)
        inner.addLayout(self.cards_box)
        inner.addWidget(self.notes_title)
        inner.addWidget(self.notes_list)
        inner.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its cards take the focus
        self.sign_button = QPushButton("Sign…")
        self.sign_button.setToolTip("Sign the visit (Alt+S)")
        self.sign_button.setAccessibleName("Sign the visit")
        self.sign_button.setEnabled(False)
        scaled_font(self.sign_button, 1.1, bold=True)
        self.sign_button.setMinimumHeight(int(2.2 * em(self)))
        self.sign_reason = muted(wrapped("", "Why signing is not possible yet"))
        self.sign_button.clicked.connect(self.sign_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(title)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.sign_reason)
        layout.addWidget(self.sign_button)

    # ----- content

    def show_result(self, result: LiveResult) -> None:
        evaluation = result.evaluation
        findings = evaluation.findings if evaluation is not None else ()
        self._show_verdict(result)
        self._show_figures(result)
        self._sync_cards(findings)
        self._show_notes(result.notes)

    def _show_verdict(self, result: LiveResult) -> None:
        evaluation = result.evaluation
        findings = evaluation.findings if evaluation is not None else ()
        blocks = sum(f.severity == "block" for f in findings)
        warns = sum(f.severity == "warn" for f in findings)
        if blocks:
            text, (color, tint) = f"Signing blocked: {_count(blocks, 'finding')}", \
                SEVERITY_COLORS["block"]  # fmt: skip
        elif warns:
            text, (color, tint) = f"Needs review: {_count(warns, 'warning')} to justify", \
                SEVERITY_COLORS["warn"]  # fmt: skip
        else:
            text, color, tint = "No safety findings", CLEAR, CLEAR_TINT
        if result.provisional or evaluation is None:
            text += " so far (the checklist is not complete)"
            color = NOTE if not (blocks or warns) else color
        self.verdict_label.setText(text)
        self.verdict_label.setStyleSheet(
            f"background: {tint.name()}; color: {color.name()}; border-radius: 3px;"
        )
        self.verdict_label.setAccessibleDescription(text)

    def _show_figures(self, result: LiveResult) -> None:
        evaluation = result.evaluation
        lines = []
        if evaluation is not None and evaluation.dose is not None:
            d = evaluation.dose
            lines.append(f"Dose: <b>{d.mg_per_kg_day:.2f} mg/kg/day</b>")
            lines.append(f"Cumulative after this prescription: <b>{d.cumulative_mg_per_kg:.1f}"
                         " mg/kg</b> (target 120–150)")  # fmt: skip
            for target in d.targets:
                if not target.already_reached and target.on is not None:
                    lines.append(f"{target.mg_per_kg:g} mg/kg reached about "
                                 f"{target.on.isoformat()}")  # fmt: skip
        if evaluation is not None and evaluation.phq9 is not None:
            p = evaluation.phq9
            lines.append(f"PHQ-9: <b>{p.total}</b> ({p.band})")
        self.figures_label.setText("<br>".join(lines))
        self.figures_label.setVisible(bool(lines))
        plain = "; ".join(line.replace("<b>", "").replace("</b>", "") for line in lines)
        self.figures_label.setAccessibleDescription(plain)

    def _sync_cards(self, findings: tuple[Finding, ...]) -> None:
        wanted = {f.code: f for f in findings}
        for code in [c for c in self.cards if c not in wanted]:
            card = self.cards.pop(code)
            self.cards_box.removeWidget(card)
            card.deleteLater()
        for index, finding in enumerate(findings):
            old = self.cards.get(finding.code)
            if old is not None and old.finding.severity != finding.severity:
                self.cards.pop(finding.code)
                self.cards_box.removeWidget(old)
                old.deleteLater()
                old = None
            card = self._new_card(finding) if old is None else old
            card.set_finding(finding)
            self.cards_box.insertWidget(index, card)
        self.fix_tab_order()

    def _new_card(self, finding: Finding) -> FindingCard:
        card = FindingCard(finding)
        if card.justification is not None:
            card.justification.setText(self._justifications.get(finding.code, ""))
        card.activated.connect(self.finding_activated)
        card.justification_changed.connect(self._on_card_justification_changed)
        self.cards[finding.code] = card
        return card

    def fix_tab_order(self) -> None:
        """After `tab_anchor` (the checklist's Next button): cards with their
        justifications, the lines still to answer, Sign."""
        previous: QWidget | None = self.tab_anchor
        for card in self.ordered_cards():
            for widget in (card, card.justification):
                if widget is None:
                    continue
                if previous is not None:
                    QWidget.setTabOrder(previous, widget)
                previous = widget
        if previous is not None:
            QWidget.setTabOrder(previous, self.notes_list)
        QWidget.setTabOrder(self.notes_list, self.sign_button)

    def ordered_cards(self) -> list[FindingCard]:
        cards = []
        for i in range(self.cards_box.count()):
            item = self.cards_box.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, FindingCard) and widget in self.cards.values():
                cards.append(widget)
        return cards

    def _show_notes(self, notes: tuple[Note, ...]) -> None:
        self._notes = notes
        lines = self.notes_list
        while lines.count() > len(notes):  # rows are reused, never rebuilt on a keystroke
            lines.takeItem(lines.count() - 1)
        while lines.count() < len(notes):
            item = QListWidgetItem()
            item.setToolTip("Go to this question")
            lines.addItem(item)
        for row, note in enumerate(notes):
            item = lines.item(row)
            if item is not None and item.text() != note.text:
                item.setText(note.text)
        self.notes_title.setText(f"Still to answer ({len(notes)})")
        self.notes_title.setVisible(bool(notes))
        self.notes_list.setVisible(bool(notes))
        rows = min(len(notes), 12)
        height = sum(self.notes_list.sizeHintForRow(i) for i in range(rows))
        self.notes_list.setFixedHeight(height + 2 * self.notes_list.frameWidth() + 4)

    def _on_notes_list_item_activated(self, item: QListWidgetItem) -> None:
        index = self.notes_list.row(item)
        if 0 <= index < len(self._notes):
            self.note_activated.emit(self._notes[index])

    # ----- justifications and signing

    def _on_card_justification_changed(self, code: str, text: str) -> None:
        self._justifications[code] = text
        self.justification_changed.emit()

    def justifications(self) -> dict[str, str]:
        """Every justification typed so far, by finding code (also of findings gone)."""
        return dict(self._justifications)

    def set_justifications(self, texts: Mapping[str, str]) -> None:
        self._justifications = {str(k): str(v) for k, v in texts.items()}
        for code, card in self.cards.items():
            if card.justification is not None:
                card.justification.blockSignals(True)
                card.justification.setText(self._justifications.get(code, ""))
                card.justification.blockSignals(False)

    def set_sign_state(self, enabled: bool, reason: str) -> None:
        self.sign_button.setEnabled(enabled)
        self.sign_reason.setText(reason)
        self.sign_reason.setVisible(bool(reason))

    def focus_panel(self) -> None:
        """Ctrl+F: the first finding, else the first line still to answer, else Sign."""
        cards = self.ordered_cards()
        if cards:
            cards[0].setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.scroll_area.ensureWidgetVisible(cards[0], 0, 0)
        elif self.notes_list.count():
            self.notes_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.notes_list.setCurrentRow(0)
        else:
            self.sign_button.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
