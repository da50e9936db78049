"""Keeping the Qt Linguist catalogue of the UI: `python -m isoface_desk.devtools.i18n CMD`.

    update [STAGING.json ...]  re-extract every translatable UI string (pyside6-lupdate over
                               isoface_desk/ and the app) into resources/i18n/isoface_es.ts,
                               keeping the translations it holds, then fill unfinished
                               entries from the staging files (and /work/i18n-staging/*.json
                               when that folder exists), then compile the .qm
    check                      list every unfinished or missing translation; exit 1 if any
    release                    compile the .ts into the .qm the app loads

A staging file maps {"Context": {"English source": "Traducción" | ["singular", "plural"]}}.
The .ts is the catalogue of record, kept in the repository; the .qm is built from it (at
install, at build, or by the app itself when missing, see ui/i18n.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.language import LANGUAGES, SOURCE_LANGUAGE
from isoface_desk.ui.i18n import qt_tool

TS_DIR = PROJECT_ROOT / "resources" / "i18n"
STAGING_DIR = Path(os.environ.get("ISOFACE_I18N_STAGING", "/work/i18n-staging"))
_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'


def ts_path(lang: str) -> Path:
    return TS_DIR / f"isoface_{lang}.ts"


def qm_path(lang: str) -> Path:
    return TS_DIR / f"isoface_{lang}.qm"


def sources() -> list[Path]:
    """Every Python file that may hold UI text: the Qt layer and the app's entry point."""
    pkg = PROJECT_ROOT / "isoface_desk"
    files = [*sorted((pkg / "ui").rglob("*.py")), pkg / "app.py"]
    return [f for f in files if f.is_file()]


def lupdate(lang: str) -> None:
    path = ts_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    files = [str(f.relative_to(PROJECT_ROOT)) for f in sources()]
    cmd = [qt_tool("lupdate"), "-no-obsolete", "-locations", "none", *files, "-ts", str(path)]
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, capture_output=True)
    tree = ET.parse(path)
    tree.getroot().set("language", lang)
    write_ts(tree, path)


def write_ts(tree: ET.ElementTree[ET.Element], path: Path) -> None:
    root = tree.getroot()
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    tmp = path.with_suffix(".ts.tmp")
    tmp.write_text(_HEADER + body + "\n", encoding="utf-8")
    tmp.replace(path)


def load_staging(files: Iterable[Path]) -> dict[str, dict[str, str | list[str]]]:
    merged: dict[str, dict[str, str | list[str]]] = {}
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        for context, entries in data.items():
            merged.setdefault(context, {}).update(entries)
    return merged


def fill(lang: str, staging: dict[str, dict[str, str | list[str]]]) -> int:
    """Set every message found in `staging`; returns how many were filled."""
    path = ts_path(lang)
    tree = ET.parse(path)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        entries = staging.get(name, {})
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            if source not in entries:
                continue
            _set_translation(message, entries[source])
            filled += 1
    write_ts(tree, path)
    return filled


def _set_translation(message: ET.Element, value: str | list[str]) -> None:
    translation = message.find("translation")
    if translation is None:
        translation = ET.SubElement(message, "translation")
    translation.attrib.pop("type", None)
    translation.text = None
    for child in list(translation):
        translation.remove(child)
    if message.get("numerus") == "yes":
        forms = [value] * 2 if isinstance(value, str) else list(value)
        for form in forms:
            ET.SubElement(translation, "numerusform").text = form
    else:
        translation.text = value if isinstance(value, str) else value[-1]


def unfinished(lang: str) -> list[str]:
    """'Context: source' of every message without a finished translation."""
    out: list[str] = []
    for context in ET.parse(ts_path(lang)).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [] if translation is None else [f.text for f in translation.iter("numerusform")]
            empty = translation is None or not (
                all(forms) if message.get("numerus") == "yes" else (translation.text or "").strip()
            )
            if empty or (translation is not None and translation.get("type") == "unfinished"):
                out.append(f"{name}: {message.findtext('source')}")
    return out


def release(lang: str, out: Path | None = None) -> Path:
    target = out or qm_path(lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    cmd = [qt_tool("lrelease"), str(ts_path(lang)), "-qm", str(target)]
    subprocess.run(cmd, check=True, capture_output=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isoface_desk.devtools.i18n")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="re-extract the UI strings and fill from staging files")
    up.add_argument("staging", nargs="*", type=Path)
    sub.add_parser("check", help="list unfinished translations (exit 1 if any)")
    sub.add_parser("release", help="compile the .qm files")
    args = parser.parse_args(argv)
    langs = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
    if args.command == "update":
        files = list(args.staging)
        if STAGING_DIR.is_dir():
            files += sorted(STAGING_DIR.glob("*.json"))
        staging = load_staging(files)
        for lang in langs:
            lupdate(lang)
            filled = fill(lang, staging)
            left = unfinished(lang)
            release(lang)
            print(f"{ts_path(lang).name}: {filled} filled from staging, {len(left)} unfinished")
        return 0
    if args.command == "check":
        left = [f"{lang}: {item}" for lang in langs for item in unfinished(lang)]
        print("\n".join(left) or "every message is translated")
        return 1 if left else 0
    for lang in langs:
        print(release(lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
