"""The `_es` mechanism of forms/ files (formdata.load_toml) and the message catalogues."""

from __future__ import annotations

from pathlib import Path

import pytest

from isoface_desk.domain.formdata import load_toml
from isoface_desk.domain.language import first_lang, normalise_lang
from isoface_desk.domain.messages import load_messages
from isoface_desk.errors import FormDataError


def write(tmp_path: Path, text: str, name: str = "x.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_language_sees_its_own_texts_and_no_suffixed_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'code = "a"\nlabel = "Birth defects"\nlabel_es = "Defectos congénitos"\n'
        '[basis]\nfooter = "EU"\nfooter_es = "UE"\n'
        '[[items]]\nhelp = "Yes"\nhelp_es = "Sí"\n',
    )
    en = load_toml(path)
    es = load_toml(path, lang="es")
    assert en == {"code": "a", "label": "Birth defects", "basis": {"footer": "EU"},
                  "items": [{"help": "Yes"}]}  # fmt: skip
    assert es == {"code": "a", "label": "Defectos congénitos", "basis": {"footer": "UE"},
                  "items": [{"help": "Sí"}]}  # fmt: skip


def test_a_missing_spanish_text_is_an_error_in_spanish_only(tmp_path: Path) -> None:
    path = write(tmp_path, 'label = "Pill"\n[basis]\nlabs = "SmPC"\n[[q]]\ntitle = "T"\n')
    assert load_toml(path)["label"] == "Pill"
    with pytest.raises(FormDataError) as exc:
        load_toml(path, "codes/x.toml", lang="es")
    assert exc.value.problems == [
        "codes/x.toml: label_es: missing (the es text of label)",
        "codes/x.toml: basis.labs_es: missing (the es text of labs)",
        "codes/x.toml: q[0].title_es: missing (the es text of title)",
    ]


def test_codes_and_numbers_need_no_translation(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'code = "implant"\nid = "x"\nvalue = 3\nlabel = "I"\nlabel_es = "Implante"\n'
    )
    assert load_toml(path, lang="es") == {
        "code": "implant",
        "id": "x",
        "value": 3,
        "label": "Implante",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'label = "{n} days"\nlabel_es = "{m} días"\n',
            "label_es: its {placeholders} differ from label's",
        ),
        ('label = "A"\nlabel_es = "  "\n', "label_es: expected non-empty text"),
        ('label_es = "Solo"\n', "label_es: no 'label' beside it"),
    ],
)
def test_bad_translations_are_named(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FormDataError) as exc:
        load_toml(path, "x.toml", lang="en")
    assert exc.value.problems == [f"x.toml: {problem}"]


def test_messages_fill_placeholders_in_their_language(tmp_path: Path) -> None:
    folder = tmp_path / "messages"
    folder.mkdir()
    write(folder, '[AGE]\ntext = "{age} years old"\ntext_es = "{age} años"\n', "findings.toml")
    assert load_messages(tmp_path).text("findings", "AGE", age=11) == "11 years old"
    es = load_messages(tmp_path, "es")
    assert es.text("findings", "AGE", age=11) == "11 años"
    assert es.lang == "es"
    with pytest.raises(KeyError, match="findings/NOPE"):
        es.text("findings", "NOPE")


def test_a_message_table_without_text_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "messages"
    folder.mkdir()
    write(folder, '[AGE]\ntxt = "x"\n', "findings.toml")
    with pytest.raises(FormDataError) as exc:
        load_messages(tmp_path)
    assert exc.value.problems == [
        "messages/findings.toml: AGE.txt: unknown key",
        "messages/findings.toml: AGE.text: missing",
    ]


@pytest.mark.parametrize(
    ("value", "lang"),
    [("es", "es"), ("ES", "es"), ("es_CO", "es"), ("es-CO", "es"), ("en", "en"), (None, "en"),
     ("", "en")],
)  # fmt: skip
def test_language_codes_normalise(value: object, lang: str) -> None:
    assert normalise_lang(value) == lang


def test_an_unknown_language_is_refused_and_first_lang_skips_it() -> None:
    with pytest.raises(ValueError, match="not a supported language"):
        normalise_lang("fr")
    assert first_lang(None, "fr", "es_CO", "en") == "es"
    assert first_lang(None, "") == "en"
