"""The languages of the product: English (the source) and Spanish (Colombian usage first).

A clinic chooses its language, a user may override it for their own screens, and the
patient's language decides the documents written for the patient (consent copy, wallet
card, lab order). Stored values and the JSON interface never change with the language.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["en", "es"]

#: Every language the product speaks, the source language first.
LANGUAGES: Final[tuple[Lang, ...]] = ("en", "es")
SOURCE_LANGUAGE: Final[Lang] = "en"

#: Suffix of the translated sibling of a text key in forms/ files (`label` + `label_es`).
SUFFIXES: Final[dict[Lang, str]] = {"es": "_es"}


def normalise_lang(value: object, default: Lang = SOURCE_LANGUAGE) -> Lang:
    """'es', 'ES', 'es_CO', 'es-CO' -> 'es'; empty or None -> `default`; else ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a language code")
    base = value.strip().replace("-", "_").split("_", 1)[0].lower()
    if base not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"{value!r} is not a supported language ({known})")
    return base


def first_lang(*choices: object) -> Lang:
    """The first of `choices` that names a language (a user's, then the clinic's...)."""
    for choice in choices:
        if isinstance(choice, str) and choice.strip():
            try:
                return normalise_lang(choice)
            except ValueError:
                continue
    return SOURCE_LANGUAGE
