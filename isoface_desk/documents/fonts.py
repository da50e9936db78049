"""Embedded fonts and the text preparation that makes every script render.

DejaVu Sans (resources/fonts) covers Latin, Greek, Cyrillic, Hebrew and Arabic, including
the Arabic presentation forms. It has no CJK glyphs, so characters it lacks fall back to
WenQuanYi Micro Hei (a TrueType collection covering Chinese, Japanese kana and Hangul),
registered lazily the first time such a character appears.

ReportLab 5 can shape through uharfbuzz, but reordering right-to-left text inside a line
needs its rlbidi extension, which is not on PyPI; so Arabic runs are shaped with
arabic-reshaper (contextual presentation forms) and put in visual order with python-bidi.
A run's spaces become no-break spaces so that a right-to-left name never wraps mid-run
(wrapping visually ordered text would swap its lines).

`markup(text, font)` is the one way text reaches a Paragraph: it reorders, escapes and
wraps fallback runs in <font> tags.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from isoface_desk.config import resources_dir

SANS = "IsoSans"
SANS_BOLD = "IsoSans-Bold"
SANS_OBLIQUE = "IsoSans-Oblique"
MONO = "IsoMono"
CJK = "IsoCJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_OBLIQUE: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}
CJK_FILE = "wqy-microhei.ttc"
CJK_SUBFONT = 0  # 0 = WenQuanYi Micro Hei, 1 = its monospaced sibling

_lock = threading.Lock()

# Letters of right-to-left scripts (Hebrew, Arabic and its supplements, presentation forms).
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_RUN = re.compile(f"[{_RTL}]+(?:[ \u00a0]+[{_RTL}]+)*")


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu families with ReportLab (idempotent, thread-safe)."""
    with _lock:
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / filename)))
        _family(SANS, SANS, SANS_BOLD, SANS_OBLIQUE, SANS_BOLD)
        _family(MONO, MONO, MONO, MONO, MONO)


@lru_cache(maxsize=1)
def register_cjk_font() -> None:
    """Register the CJK fallback (about 70 ms, so only when a document needs it)."""
    with _lock:
        font = TTFont(CJK, str(fonts_dir() / CJK_FILE), subfontIndex=CJK_SUBFONT)
        pdfmetrics.registerFont(font)
        _family(CJK, CJK, CJK, CJK, CJK)


def _family(family: str, normal: str, bold: str, italic: str, bold_italic: str) -> None:
    # addMapping also records face -> (family, bold, italic); the plainest call comes
    # last so a face shared by two slots maps back to the plainer one.
    addMapping(family, 1, 1, bold_italic)
    addMapping(family, 0, 1, italic)
    addMapping(family, 1, 0, bold)
    addMapping(family, 0, 0, normal)


@lru_cache(maxsize=8)
def _charset(font_name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def _cjk_charset() -> frozenset[int]:
    register_cjk_font()
    return _charset(CJK)


@lru_cache(maxsize=1)
def _reshaper() -> object:
    import arabic_reshaper

    # DejaVu Sans has no glyph for the single-codepoint "Allah" ligature (U+FDF2).
    return arabic_reshaper.ArabicReshaper(
        configuration={"ARABIC LIGATURE ALLAH": False, "delete_harakat": False}
    )


def visual_order(text: str) -> str:
    """Shape right-to-left runs and put them in visual order; other text is unchanged."""
    if not _RTL_RUN.search(text):
        return text
    from bidi import get_display

    reshaper = _reshaper()

    def fix(match: re.Match[str]) -> str:
        shaped: str = reshaper.reshape(match.group(0))  # type: ignore[attr-defined]
        return str(get_display(shaped, base_dir="R")).replace(" ", "\u00a0")

    return _RTL_RUN.sub(fix, text)


def markup(text: str, font: str = SANS) -> str:
    """Paragraph markup showing `text` literally in `font`, with script fallbacks.

    Characters `font` lacks go to regular DejaVu if it has them (the oblique face has no
    Arabic), else to the CJK font. The result is safe to embed in Paragraph markup.
    """
    register_fonts()
    text = visual_order(text)
    own = _charset(font)
    if all(ord(ch) in own for ch in text):
        return escape(text)
    upright = _charset(SANS)
    out: list[str] = []
    run: list[str] = []
    current: str | None = None
    for ch in text:
        code = ord(ch)
        if code in own or ch.isspace():
            target = None
        elif code in upright:
            target = SANS  # a <font name> tag also resets bold and italic
        elif code in _cjk_charset():
            target = CJK
        else:
            target = None  # no font has it: leave it to the base font's .notdef
        if target != current and run:
            out.append(_wrap("".join(run), current))
            run = []
        current = target
        run.append(ch)
    if run:
        out.append(_wrap("".join(run), current))
    return "".join(out)


def _wrap(chunk: str, font: str | None) -> str:
    if font is None:
        return escape(chunk)
    if font == CJK:
        register_cjk_font()
    return f'<font name="{font}">{escape(chunk)}</font>'


def needs_cjk(text: str) -> bool:
    """True when some character of `text` only the CJK fallback font can show."""
    register_fonts()
    own = _charset(SANS)
    return any(ord(ch) not in own and ord(ch) in _cjk_charset() for ch in text)
