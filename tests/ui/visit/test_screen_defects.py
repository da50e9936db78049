"""The visit screen's defects found while running a course from an empty database (issue
10, item 6), each on the real widgets: records, dates, "(optional)" labels, "None of
these", help texts by profile, lab units, widths at 1280 and 1024 px, the sign dialog,
the drawn signature in the draft, and closing the window mid-visit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QLabel, QWidget
from pytestqt.qtbot import QtBot

from isoface_desk.domain.checklist import Form, visit_dict_to_answers
from isoface_desk.ui.visit import VisitChecklist
from isoface_desk.ui.visit.date_editor import DateEditor
from isoface_desk.ui.visit.editors import ChoiceEditor, NumberEditor, SignatureEditor
from isoface_desk.ui.visit.multi_choice import MultiChoiceEditor
from isoface_desk.ui.visit.records_editor import RecordsEditor
from isoface_desk.ui.visit.sign_dialog import SignDialog
from tests.conftest import EXAMPLES
from tests.ui.app_support import app_on  # noqa: F401
from tests.ui.visit.conftest import VISIT_DAY, Db, Keys, Signer, draft_handle, draw_signature
from tests.ui.visit.conftest import uk_context as uk

EXAMPLE = EXAMPLES / "uk-initiation-clear.json"


def example(form: Form, kind: str | None = None) -> dict[str, Any]:
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not available")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["visit"]["kind"] = kind or form.kind
    return visit_dict_to_answers(form, data)


def notes(checklist: VisitChecklist) -> list[str]:
    assert checklist.controller.result is not None
    return [n.text for n in checklist.controller.result.notes]


def records(checklist: VisitChecklist, qid: str) -> RecordsEditor:
    editor = checklist.controller.editors[qid]
    assert isinstance(editor, RecordsEditor)
    return editor


def texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


# --------------------------------------------------------------------------- records


def test_removing_the_empty_lab_row_answers_none_and_signing_follows_the_findings(
    forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    answers = example(forms["follow-up"])
    del answers["labs"]  # no blood test since the last visit
    checklist = open_checklist("follow-up", initial_answers=answers, sign=Signer())
    labs = records(checklist, "labs")
    assert len(labs.rows) == 1 and "Blood results: a record is incomplete" in notes(checklist)
    labs.rows[0].remove.click()
    assert labs.rows == [] and labs.value() == []
    assert notes(checklist) == []
    assert checklist.view.panel.sign_button.isEnabled()


def test_a_new_medicine_row_with_only_its_default_route_is_no_entry(
    forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    answers = example(forms["follow-up"])
    answers["medications"] = []
    checklist = open_checklist("follow-up", initial_answers=answers, sign=Signer())
    records(checklist, "medications").add_button.click()  # "By mouth" is chosen by itself
    assert not [n for n in notes(checklist) if n.startswith("Current medicines")]
    assert checklist.view.panel.sign_button.isEnabled()


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("typed", ["2026-10-15", "15/10/2026", "15.10.2026", "20261015"])
def test_a_typed_date_is_taken_in_the_clinics_formats(
    typed: str, open_checklist: Callable[..., VisitChecklist], keys: Keys,
) -> None:  # fmt: skip
    checklist = open_checklist("initiation")
    c = checklist.controller
    assert c.go_to_question("previous_course_end")
    keys.type(typed)
    assert c.editors["previous_course_end"].value() == dt.date(2026, 10, 15)
    keys.tab()  # leaving the field shows the date the one way dates are printed
    editor = c.editors["previous_course_end"]
    assert isinstance(editor, DateEditor) and editor.edit.text() == "2026-10-15"


def test_a_date_that_is_no_date_is_a_problem_not_ignored(
    open_checklist: Callable[..., VisitChecklist], keys: Keys,
) -> None:  # fmt: skip
    checklist = open_checklist("initiation")
    c = checklist.controller
    assert c.go_to_question("previous_course_end")
    keys.type("31/02/2026")
    widget = checklist.view.question_widget("previous_course_end")
    assert widget.problem_label.isVisibleTo(widget)
    assert "is not a date" in widget.problem_label.text()
    assert any(n.startswith("If the patient has taken") and "not a date" in n
               for n in notes(checklist))  # fmt: skip


def _calendar_after_alt_down(keys: Keys) -> QCalendarWidget:
    keys.press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = QApplication.activePopupWidget()
    assert popup is not None, "Alt+Down opens no calendar"
    calendar = popup if isinstance(popup, QCalendarWidget) else popup.findChild(QCalendarWidget)
    assert calendar is not None
    return calendar


@pytest.mark.qt_log_ignore("^This plugin does not support (raise|grabbing the keyboard)")
def test_the_calendar_opens_at_the_visit_date_or_the_current_value(
    qtbot: QtBot, open_checklist: Callable[..., VisitChecklist], keys: Keys,
) -> None:  # fmt: skip
    checklist = open_checklist("initiation")
    c = checklist.controller
    assert c.go_to_question("previous_course_end")
    calendar = _calendar_after_alt_down(keys)
    assert (calendar.yearShown(), calendar.monthShown()) == (VISIT_DAY.year, VISIT_DAY.month)
    calendar.window().hide()
    c.editors["previous_course_end"].set_value(dt.date(2025, 3, 9))
    assert c.go_to_question("previous_course_end")
    calendar = _calendar_after_alt_down(keys)
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 3)
    assert calendar.selectedDate().day() == 9
    calendar.window().hide()


# --------------------------------------------------------------------------- labels and help


def label_text(checklist: VisitChecklist, qid: str) -> str:
    return checklist.view.question_widget(qid).label.text()


def test_contraception_is_not_labelled_optional_when_an_empty_list_blocks(
    forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    checklist = open_checklist("initiation", initial_answers=example(forms["initiation"]))
    c = checklist.controller
    assert "(optional)" not in label_text(checklist, "contraception_methods")  # filled in
    c.editors["contraception_methods"].set_value(None)
    c.refresh()
    assert checklist.controller.result is not None
    assert "(optional)" not in label_text(checklist, "contraception_methods")  # empty: blocks
    assert "(optional)" in label_text(checklist, "previous_course_end")  # truly optional
    assert "(optional)" not in label_text(checklist, "labs")


def test_medical_history_none_of_these_is_an_answer_and_the_help_says_so(
    open_checklist: Callable[..., VisitChecklist], keys: Keys,
) -> None:  # fmt: skip
    checklist = open_checklist("initiation")
    c = checklist.controller
    widget = checklist.view.question_widget("conditions")
    assert "unticked" not in widget.help_text and "None of these" in widget.help_text
    assert "unticked" not in checklist.view.question_widget("allergies").help_text
    assert any(n.startswith("Conditions the patient") for n in notes(checklist))
    c.go_to_section("conditions")
    editor = c.editors["conditions"]
    assert isinstance(editor, MultiChoiceEditor) and editor.none_box is not None
    assert keys.focus() is editor.none_box
    keys.press(Qt.Key.Key_Space)
    assert editor.value() == []
    assert not any(n.startswith("Conditions the patient") for n in notes(checklist))
    assert checklist.view.section_list.status_of("conditions") == "done"


def all_help(checklist: VisitChecklist) -> str:
    return "\n".join(t for page in checklist.view.pages.values() for t in texts(page.widget()))


@pytest.mark.parametrize("kind", ["initiation", "follow-up", "end-of-course"])
def test_help_texts_fit_the_profile_and_the_patient(
    kind: str, open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    uk_visit = open_checklist(kind, context=uk())
    for page in uk_visit.view.pages.values():
        page.widget().show()  # every label, whatever the answers hide
    text = all_help(uk_visit)
    for word in ("iPLEDGE", "EU:", "US:", "erectile", "in the notes", "profile's window"):
        assert word not in text, f"{word!r} in the help of a UK {kind} visit"
    if kind != "end-of-course":
        assert "at most 3 days before the visit" in text  # the UK window, in days
    us_visit = open_checklist(kind, context=uk(profile_id="us-ipledge-2026"))
    text = all_help(us_visit)
    assert "iPLEDGE" in text
    if kind != "end-of-course":
        assert "at most 6 days before the visit" in text


# --------------------------------------------------------------------------- lab units


def test_lab_units_follow_the_test_and_the_result_stays_legible(
    open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    checklist = open_checklist("initiation")
    checklist.resize(1280, 720)
    checklist.controller.go_to_section("labs")
    row = records(checklist, "labs").rows[0]
    test, unit, value = row.editors["test"], row.editors["unit"], row.editors["value"]
    assert isinstance(test, ChoiceEditor) and isinstance(unit, ChoiceEditor)
    assert isinstance(value, NumberEditor)

    def offered() -> list[str]:
        return [unit.combo.itemData(i) for i in range(unit.combo.count())]

    test.set_value("TG")
    test.changed.emit()
    assert offered() == ["mmol/L", "mg/dL"]
    unit.set_value("mg/dL")
    test.set_value("ALT")
    test.changed.emit()
    assert offered() == ["U/L"] and unit.value() == "U/L"  # the only unit, chosen
    QApplication.processEvents()
    assert row.editors["uln"].isVisibleTo(checklist)
    digits = value.edit.fontMetrics().horizontalAdvance("1000.5")
    assert value.edit.width() > digits, "the Result box is too narrow to read"


# --------------------------------------------------------------------------- widths


@pytest.mark.parametrize("size", [(1280, 720), (1024, 600)])
def test_the_product_page_is_not_clipped(
    size: tuple[int, int], qtbot: QtBot, forms: dict[str, Form],
    open_checklist: Callable[..., VisitChecklist], tmp_path: Path,
) -> None:  # fmt: skip
    checklist = open_checklist("initiation", initial_answers=example(forms["initiation"]))
    checklist.resize(*size)
    checklist.controller.go_to_section("product-dose")
    page = checklist.view.pages["product-dose"]
    qtbot.waitUntil(lambda: page.viewport().width() < size[0] // 2 + 200)
    QApplication.processEvents()
    checklist.grab().save(str(tmp_path / f"product-{size[0]}.png"))
    assert page.widget().width() <= page.viewport().width(), "the page is wider than its view"
    assert page.horizontalScrollBar().maximum() == 0
    right = page.viewport().mapToGlobal(page.viewport().rect().topRight()).x()
    excipients = checklist.controller.editors["product_excipients"]
    assert isinstance(excipients, MultiChoiceEditor)
    product = checklist.controller.editors["product_name"]
    widgets = [product, *excipients.boxes.values(), excipients.other]
    for widget in widgets:
        assert widget is not None
        edge = widget.mapToGlobal(widget.rect().topLeft()).x() + widget.sizeHint().width()
        if widget is not product and widget is not excipients.other:
            assert edge <= right, f"{widget.accessibleName()} is cut off at {size}"
        assert widget.mapToGlobal(widget.rect().topRight()).x() <= right, widget.accessibleName()


# --------------------------------------------------------------------------- sign dialog


def test_the_sign_dialog_shows_the_whole_error(qtbot: QtBot) -> None:
    dialog = SignDialog("Initiation visit of Zoë Ångström, 2026-10-12: Clear.", "Dr Derm")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    height = dialog.height()
    message = ("The password is not correct. After five failed attempts the account is "
               "locked for 15 minutes; ask an administrator to unlock it sooner.")  # fmt: skip
    dialog.show_error(message)
    QApplication.processEvents()
    label = dialog.error_label
    assert label.wordWrap()
    assert label.height() >= label.heightForWidth(label.width()), "the error is cut off"
    assert label.geometry().right() <= dialog.rect().right()
    assert dialog.buttons.geometry().bottom() <= dialog.rect().bottom()
    assert dialog.height() >= height


# --------------------------------------------------------------------------- drafts


def test_the_drawn_signature_is_kept_in_the_draft(
    qtbot: QtBot, db: Db, forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    form = forms["initiation"]
    handle = draft_handle(db.engine, db.actor, db.patient, form, uk())
    checklist = open_checklist("initiation", drafts=handle)
    c = checklist.controller
    c.go_to_section("consent")
    pad = c.editors["patient_signature"]
    assert isinstance(pad, SignatureEditor)
    draw_signature(qtbot, pad.box.pad)
    strokes = pad.box.pad.stroke_count()
    assert c.save_now()
    checklist.close()

    again = open_checklist("initiation", drafts=draft_handle(db.engine, db.actor, db.patient,
                                                             form, uk()))  # fmt: skip
    restored = again.controller.editors["patient_signature"]
    assert isinstance(restored, SignatureEditor)
    assert restored.value() == "signed" and restored.box.pad.stroke_count() == strokes
    assert restored.png() is not None
    assert "Patient's signature: not signed" not in notes(again)


# --------------------------------------------------------------------------- the window


def test_closing_the_window_mid_visit_says_the_visit_is_kept_as_a_draft(
    app_on: Callable[..., Any],  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
) -> None:  # fmt: skip
    from isoface_desk.services.care.patients import PatientData
    from isoface_desk.ui.patients.visit_area import VisitArea
    from tests.ui.app_support import actor, copy_of, demo_template

    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url, now=lambda: dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.UTC))
    data = PatientData("Hanna", "Berg", dt.date(1998, 7, 3), "female", "C-7002",
                       can_get_pregnant=True)  # fmt: skip
    patient = app.services().patients.create(actor(url, "nurse"), data)
    app.sign_in_ok("derm")
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and visit.start(patient.id, "initiation")
    assert visit.checklist is not None
    visit.checklist.controller.editors["weight_kg"].set_value(64)
    app.window.close()
    titles = [m.title for m in app.channel.captured]
    assert titles == ["The visit is kept as a draft"], app.channel.captured
    drafts = app.services().drafts.mine(actor(url, "derm"))
    (draft,) = [d for d in drafts if d.patient_id == patient.id]
    assert draft.answers["weight_kg"] == 64  # saved on closing
