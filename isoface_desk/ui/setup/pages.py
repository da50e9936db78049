"""The pages of the first-run wizard (views): clinic, rules and paper, first account,
signing certificate. Each page says what is missing before Next is allowed, and every
field has a label with a mnemonic and an accessible name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from isoface_desk.domain.catalog import Catalog
from isoface_desk.services.access.passwords import MIN_LENGTH, policy_problems

PROBLEM_STYLE = "QLabel { color: #b3261e; }"
LETTER_FAMILIES = ("us-",)  # jurisdictions whose clinics print on US Letter by default


def _line(name: str, hint: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(hint)
    return edit


def _problems_label() -> QLabel:
    label = QLabel()
    label.setAccessibleName("What is missing")
    label.setWordWrap(True)
    label.setStyleSheet(PROBLEM_STYLE)
    return label


class ClinicPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The clinic")
        self.setSubTitle("Its name, address and phone number appear on every printed record.")
        self.name = _line("Clinic name")
        self.address = QPlainTextEdit()
        self.address.setAccessibleName("Clinic address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().height() * 4)
        self.phone = _line("Clinic phone")
        form = QFormLayout(self)
        form.addRow("Clinic &name:", self.name)
        form.addRow("&Address:", self.address)
        form.addRow("&Phone:", self.phone)
        self.name.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.name.text().strip())


class RulesPage(QWizardPage):
    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.setTitle("Rules and paper")
        self.setSubTitle("The jurisdiction decides which safety rules apply; the version in "
                         "force on each visit date is chosen automatically.")  # fmt: skip
        self.profile = QComboBox()
        self.profile.setAccessibleName("Jurisdiction profile")
        for family, versions in sorted(catalog.families.items()):
            title = versions[-1].title.split("(")[0].strip()
            self.profile.addItem(f"{title} ({family})", family)
        self.schedule = QComboBox()
        self.schedule.setAccessibleName("Lab monitoring schedule")
        self.schedule.addItem("Product information (SmPC): monthly then three-monthly", "smpc")
        self.schedule.addItem("Minimal: baseline and at peak dose", "minimal")
        self.paper = QComboBox()
        self.paper.setAccessibleName("Paper size")
        self.paper.addItem("A4", "A4")
        self.paper.addItem("US Letter", "Letter")
        form = QFormLayout(self)
        form.addRow("&Jurisdiction profile:", self.profile)
        form.addRow("&Lab schedule:", self.schedule)
        form.addRow("Paper si&ze:", self.paper)
        self.profile.currentIndexChanged.connect(self._on_profile_current_index_changed)
        index = self.profile.findData("uk-mhra")
        self.profile.setCurrentIndex(max(index, 0))
        self._on_profile_current_index_changed()

    def _on_profile_current_index_changed(self, _index: int = 0) -> None:
        family = str(self.profile.currentData() or "")
        letter = family.startswith(LETTER_FAMILIES)
        self.paper.setCurrentIndex(self.paper.findData("Letter" if letter else "A4"))


class AccountPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first dermatologist")
        self.setSubTitle("This account is a dermatologist and the administrator: it adds the "
                         "other users (nurses, auditors, colleagues) afterwards.")  # fmt: skip
        self.display_name = _line("Full name", "e.g. Dr Dana Derm")
        self.username = _line("User name", "used to sign in; no spaces")
        self.licence = _line("Professional licence number", "e.g. GMC 7654321")
        self.password = _line("Password", f"at least {MIN_LENGTH} characters")
        self.repeat = _line("Repeat password")
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.problems = _problems_label()
        form = QFormLayout(self)
        form.addRow("&Full name:", self.display_name)
        form.addRow("&User name:", self.username)
        form.addRow("&Licence number:", self.licence)
        form.addRow("&Password:", self.password)
        form.addRow("&Repeat password:", self.repeat)
        form.addRow(self.problems)
        for edit in (self.display_name, self.username, self.licence, self.password, self.repeat):
            edit.textChanged.connect(self._on_field_text_changed)
        self._on_field_text_changed()

    def problem_list(self) -> list[str]:
        problems = []
        if not self.display_name.text().strip():
            problems.append("Enter the full name.")
        name = self.username.text().strip()
        if not name or any(ch.isspace() for ch in name):
            problems.append("Enter a user name without spaces.")
        if not self.licence.text().strip():
            problems.append("Enter the professional licence number.")
        if self.password.text():
            problems += policy_problems(self.password.text(), name)
        else:
            problems.append("Choose a password.")
        if self.password.text() and not self.repeat.text():
            problems.append("Repeat the password.")
        elif self.password.text() != self.repeat.text():
            problems.append("The two passwords are not the same.")
        return problems

    def _on_field_text_changed(self, _text: str = "") -> None:
        problems = self.problem_list()
        self.problems.setText("\n".join(problems))
        self.problems.setAccessibleDescription(" ".join(problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem_list()


class CertificatePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Signing certificate")
        self.setSubTitle("Your own signing key, the clinic's root: it endorses your "
                         "colleagues' keys and stays locked with your password.")  # fmt: skip
        self.generate = QRadioButton("&Generate a new self-signed certificate for this clinic")
        self.generate.setAccessibleName("Generate a new certificate")
        self.import_ = QRadioButton("&Import a PKCS#12 file (.p12 or .pfx) from a provider")
        self.import_.setAccessibleName("Import a PKCS#12 file")
        group = QButtonGroup(self)
        group.addButton(self.generate)
        group.addButton(self.import_)
        self.generate.setChecked(True)
        self.file = _line("PKCS#12 file", "path to the .p12 or .pfx file")
        self.browse = QPushButton("&Browse…")
        self.browse.setAccessibleName("Choose the PKCS#12 file")
        self.passphrase = _line("PKCS#12 passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.problems = _problems_label()
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.browse)
        self.import_box = QWidget()
        form = QFormLayout(self.import_box)
        form.addRow("&File:", row)
        form.addRow("Pa&ssphrase:", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(self.generate)
        layout.addWidget(self.import_)
        layout.addWidget(self.import_box)
        layout.addWidget(self.problems)
        layout.addStretch(1)
        self.import_.toggled.connect(self._on_import_toggled)
        self.file.textChanged.connect(self.completeChanged)
        self.browse.clicked.connect(self._on_browse_clicked)
        self._on_import_toggled(False)

    def _on_import_toggled(self, checked: bool) -> None:
        self.import_box.setEnabled(checked)
        self.completeChanged.emit()

    def _on_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose the PKCS#12 file", "", "PKCS#12 files (*.p12 *.pfx);;All files (*)"
        )
        if path:
            self.file.setText(path)

    def pkcs12_path(self) -> Path | None:
        text = self.file.text().strip()
        return Path(text) if self.import_.isChecked() and text else None

    def isComplete(self) -> bool:
        return self.generate.isChecked() or bool(self.file.text().strip())

    def show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setAccessibleDescription(" ".join(problems))
