"""Text preparation for Paragraphs: escaping, right-to-left shaping, CJK fallback."""

from __future__ import annotations

import unicodedata

import pytest
from reportlab.pdfbase import pdfmetrics

from isoface_desk.devtools.demo_documents import DEMO_NAMES
from isoface_desk.documents import fonts


def test_markup_escapes_what_a_paragraph_would_parse() -> None:
    assert fonts.markup('<b>x</b> & "y"') == '&lt;b&gt;x&lt;/b&gt; &amp; "y"'


def test_latin_and_cyrillic_stay_in_dejavu() -> None:
    assert fonts.markup("Zoë Ångström") == "Zoë Ångström"
    assert fonts.markup("Иван Петров") == "Иван Петров"


def test_cjk_runs_go_to_the_cjk_font() -> None:
    out = fonts.markup("Mr 李小龍 <3")
    assert out == f'Mr <font name="{fonts.CJK}">李小龍</font> &lt;3'


def test_arabic_is_shaped_in_visual_order_and_kept_on_one_line() -> None:
    out = fonts.visual_order("محمد عبدالله")
    assert " " not in out and "\u00a0" in out  # no break inside the name
    # Presentation forms, right to left: reading the glyphs backwards gives the name.
    logical = unicodedata.normalize("NFKC", out[::-1]).replace("\u00a0", " ")
    assert logical == "محمد عبدالله"
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in out if c != "\u00a0")


def test_oblique_face_falls_back_to_upright_for_arabic() -> None:
    out = fonts.markup("محمد", fonts.SANS_OBLIQUE)
    assert out.startswith(f'<font name="{fonts.SANS}">')


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_every_glyph_of_the_demo_names_exists_in_the_font_chosen(name: str) -> None:
    fonts.register_fonts()
    shaped = fonts.visual_order(name)
    for ch in shaped.replace("\u00a0", " "):
        if ch == " ":
            continue
        font = fonts.SANS if ch not in "李小龍" else fonts.CJK
        if font == fonts.CJK:
            fonts.register_cjk_font()
        face = pdfmetrics.getFont(font).face
        assert ord(ch) in face.charToGlyph, f"{ch!r} missing from {font}"
