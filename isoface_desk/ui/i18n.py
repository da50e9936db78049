"""The UI's language: Qt Linguist translations, the locale of dates and numbers.

The catalogue of record is resources/i18n/isoface_<lang>.ts (kept with
`python -m isoface_desk.devtools.i18n update`); the app loads its compiled .qm through a
QTranslator, with Qt's own qtbase translation for the standard dialogs' buttons. A wheel
or a bundle ships the .qm built at build time; a checkout compiles it on first use (and
again whenever the .ts is newer) into the user's cache, so a fresh clone just works.

`apply_language(lang)` installs the translators and the locale: Qt then sends every widget
a LanguageChange event; the window's permanent texts (menus, navigation) are re-read there.
Screens built afterwards are built in the new language. Stored values and the JSON
interface never change with the language: only what is displayed does.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QLibraryInfo,
    QLocale,
    QTime,
    QTranslator,
)
from PySide6.QtWidgets import QApplication

import isoface_desk.config as config
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang, normalise_lang

log = logging.getLogger("isoface.ui.language")

#: The locale each language displays in: Colombian Spanish first (dd/mm/aaaa, decimal comma).
LOCALES: dict[Lang, tuple[QLocale.Language, QLocale.Country]] = {
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
    "es": (QLocale.Language.Spanish, QLocale.Country.Colombia),
}
#: Dates as the people of each language write them.
DATE_FORMATS: dict[Lang, str] = {"en": "yyyy-MM-dd", "es": "dd/MM/yyyy"}
DATE_TIME_FORMATS: dict[Lang, str] = {"en": "yyyy-MM-dd HH:mm", "es": "dd/MM/yyyy HH:mm"}

_installed: list[QTranslator] = []
_current: list[Lang] = [SOURCE_LANGUAGE]


def current_language() -> Lang:
    return _current[0]


def locale_for(lang: Lang) -> QLocale:
    language, country = LOCALES[lang]
    locale = QLocale(language, country)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return locale


def catalogue_qm(lang: Lang) -> Path | None:
    """The compiled catalogue of `lang`: shipped, or built from the checkout's .ts."""
    folder = config.resources_dir() / "i18n"
    qm = folder / f"isoface_{lang}.qm"
    ts = folder / f"isoface_{lang}.ts"
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return qm if qm.exists() else None
    built = config.data_dir() / "cache" / "i18n" / f"isoface_{lang}.qm"
    if built.exists() and built.stat().st_mtime >= ts.stat().st_mtime:
        return built
    return _compile(ts, built) or (qm if qm.exists() else None)


def qt_tool(name: str) -> str:
    """pyside6-<name> (lrelease, lupdate) next to this interpreter, else from PATH."""
    here = str(Path(sys.executable).parent)
    return shutil.which(f"pyside6-{name}", path=here) or f"pyside6-{name}"


def _compile(ts: Path, target: Path) -> Path | None:
    command = qt_tool("lrelease")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [command, str(ts), "-qm", str(target)], check=True, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        log.warning("could not compile the %s translations", ts.name)
        return None
    return target


def apply_language(lang: str | None) -> Lang:
    """Install the translators and the display locale of `lang` (None: English); returns
    the language applied. Idempotent; an unknown code falls back to English, logged."""
    try:
        chosen = normalise_lang(lang)
    except ValueError:
        log.warning("unknown language code, English used")
        chosen = SOURCE_LANGUAGE
    app = QCoreApplication.instance()
    if app is None or (chosen == _current[0] and (_installed or chosen == SOURCE_LANGUAGE)):
        _current[0] = chosen
        QLocale.setDefault(locale_for(chosen))
        return chosen
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(locale_for(chosen))
    _current[0] = chosen
    if chosen != SOURCE_LANGUAGE:
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ours = catalogue_qm(chosen)
        for path in ([str(ours)] if ours else []) + [f"{qt_folder}/qtbase_{chosen}.qm"]:
            translator = QTranslator(app)
            if translator.load(path):
                app.installTranslator(translator)
                _installed.append(translator)
            else:
                log.warning("translation file not loaded: %s", Path(path).name)
    if chosen == SOURCE_LANGUAGE and isinstance(app, QApplication):
        # Removing the last translator sends no LanguageChange: send one ourselves.
        for widget in QApplication.topLevelWidgets():
            QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
    return chosen


def show_date(value: dt.date | None, lang: Lang | None = None) -> str:
    """A date as people of the UI's language write it (2026-12-02 / 02/12/2026)."""
    if value is None:
        return ""
    chosen = lang or current_language()
    return locale_for(chosen).toString(QDate(value.year, value.month, value.day),
                                       DATE_FORMATS[chosen])  # fmt: skip


def show_date_time(value: dt.datetime | None, lang: Lang | None = None) -> str:
    """A moment in local time, to the minute."""
    if value is None:
        return ""
    chosen = lang or current_language()
    local = value.astimezone() if value.tzinfo else value
    moment = QDateTime(QDate(local.year, local.month, local.day),
                       QTime(local.hour, local.minute, local.second))  # fmt: skip
    return locale_for(chosen).toString(moment, DATE_TIME_FORMATS[chosen])


def show_number(value: float | int, decimals: int = 2, lang: Lang | None = None) -> str:
    """A number for people: 1.25 / 1,25; trailing zeros after the point dropped."""
    chosen = lang or current_language()
    text = locale_for(chosen).toString(float(value), "f", decimals)
    point = locale_for(chosen).decimalPoint()
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def date_edit_format(lang: Lang | None = None) -> str:
    """The display format for QDateEdit widgets."""
    return DATE_FORMATS[lang or current_language()]
