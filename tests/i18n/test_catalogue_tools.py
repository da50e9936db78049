"""The Qt Linguist catalogue tools (devtools/i18n.py) and the UI's language (ui/i18n.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from isoface_desk.devtools import i18n as tools
from isoface_desk.ui import i18n

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>Pane</name>
    <message>
        <source>&amp;Sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform><numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Left alone</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
"""


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tools, "TS_DIR", tmp_path)
    path = tools.ts_path("es")
    path.write_text(TS, encoding="utf-8")
    return path


def test_fill_sets_translations_and_check_lists_what_is_left(
    catalogue: Path, tmp_path: Path
) -> None:
    staging = tmp_path / "area.json"
    entries = {"&Sign": "&Firmar", "%n record(s)": ["%n registro", "%n registros"]}
    staging.write_text(json.dumps({"Pane": entries}))
    assert tools.fill("es", tools.load_staging([staging])) == 2
    assert tools.unfinished("es") == ["Pane: Left alone"]
    text = catalogue.read_text(encoding="utf-8")
    assert "<translation>&amp;Firmar</translation>" in text
    assert "<numerusform>%n registros</numerusform>" in text
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>')


def test_the_compiled_catalogue_translates_with_plural_forms(
    catalogue: Path, tmp_path: Path, qapp: object
) -> None:
    staging = {"Pane": {"&Sign": "&Firmar", "%n record(s)": ["%n registro", "%n registros"],
                        "Left alone": "Solo"}}  # fmt: skip
    tools.fill("es", staging)
    qm = tools.release("es", tmp_path / "out.qm")
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("Pane", "&Sign") == "&Firmar"
        assert QCoreApplication.translate("Pane", "%n record(s)", "", 1) == "1 registro"
        assert QCoreApplication.translate("Pane", "%n record(s)", "", 3) == "3 registros"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_dates_and_numbers_display_in_the_language() -> None:
    day = dt.date(2026, 12, 2)
    assert i18n.show_date(day, "es") == "02/12/2026"
    assert i18n.show_date(day, "en") == "2026-12-02"
    assert i18n.show_number(1.25, 2, "es") == "1,25"
    assert i18n.show_number(1.25, 2, "en") == "1.25"
    assert i18n.show_number(1234.5, 2, "es") == "1234,5"
    assert i18n.show_number(40, 2, "es") == "40"
    assert i18n.date_edit_format("es") == "dd/MM/yyyy"


def test_apply_language_sets_the_locale_and_comes_back(qapp: object) -> None:
    try:
        assert i18n.apply_language("es_CO") == "es"
        assert QLocale().territory() == QLocale.Country.Colombia
        assert i18n.current_language() == "es"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    finally:
        assert i18n.apply_language("en") == "en"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    assert QLocale().language() == QLocale.Language.English
