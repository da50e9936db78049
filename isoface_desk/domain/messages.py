"""Texts for people that are not part of a form: finding messages, input errors, the words
printed on documents. They live in forms/messages/<group>.toml, one table per key:

    [TETRACYCLINE]
    text = "{names} is a tetracycline: {risk}."
    text_es = "{names} es una tetraciclina: {risk}."

and are read through the same `_es` mechanism as every forms/ text, so a `Messages` holds
one language. `text(group, key, **params)` fills the `{placeholders}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang
from isoface_desk.errors import FormDataError

FOLDER = "messages"


@dataclass(frozen=True, slots=True)
class Messages:
    lang: Lang = SOURCE_LANGUAGE
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    def has(self, group: str, key: str) -> bool:
        return key in self.groups.get(group, {})

    def text(self, group: str, key: str, /, **params: Any) -> str:
        """The text of `key` in `group`, its placeholders filled from `params`.
        An unknown group or key is a programming error (KeyError naming both)."""
        try:
            template = self.groups[group][key]
        except KeyError:
            raise KeyError(f"no message {group}/{key} in forms/{FOLDER}") from None
        return template.format(**params) if params else template


def load_messages(forms_dir: Path, lang: Lang = SOURCE_LANGUAGE) -> Messages:
    """Every forms/messages/*.toml file in `lang` (no folder: no messages)."""
    folder = forms_dir / FOLDER
    if not folder.is_dir():
        return Messages(lang)
    groups: dict[str, dict[str, str]] = {}
    hashes: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        label = f"{FOLDER}/{path.name}"
        try:
            data = load_toml(path, label, lang)
        except FormDataError as exc:
            problems.extend(exc.problems)
            continue
        r = Reader(label)
        group: dict[str, str] = {}
        for key, table in data.items():
            if not isinstance(table, dict):
                r.problem(key, "expected a table with text (and text_es)")
                continue
            r.unknown_keys(table, ("text",), key)
            group[key] = (r.get(table, "text", str, key) or "").strip()
            r.check(group[key] != "" or "text" not in table, f"{key}.text", "must not be empty")
        problems.extend(r.problems)
        groups[path.stem] = group
        hashes[label] = file_hash(path)
    if problems:
        raise FormDataError(problems)
    return Messages(lang, groups, hashes)
