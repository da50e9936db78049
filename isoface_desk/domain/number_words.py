"""Whole numbers in words, as a prescription writes its quantity ("56 (cincuenta y seis)"),
so that a figure cannot be altered by adding a digit. English and Spanish, 0 to 999,999."""

from __future__ import annotations

from isoface_desk.domain.language import Lang

_EN_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen")  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

_ES_UNITS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
             "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
             "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés",
             "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho",
             "veintinueve")  # fmt: skip
_ES_TENS = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta",
            "noventa")  # fmt: skip
_ES_HUNDREDS = ("", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
                "seiscientos", "setecientos", "ochocientos", "novecientos")  # fmt: skip

MAX = 999_999


def in_words(n: int, lang: Lang) -> str:
    """`n` (0..999,999) in words: 56 -> 'fifty-six' / 'cincuenta y seis'."""
    if not 0 <= n <= MAX:
        raise ValueError(f"{n} is outside 0 to {MAX:,}")
    return _es(n) if lang == "es" else _en(n)


def _en(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_EN_UNITS[hundreds]} hundred" + (f" and {_en(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    tail = "" if not rest else (f" and {_en(rest)}" if rest < 100 else f" {_en(rest)}")
    return f"{_en(thousands)} thousand{tail}"


def _es(n: int, *, apocope: bool = False) -> str:
    """Spanish; `apocope` shortens a final 'uno' to 'un' (before 'mil')."""
    if n < 30:
        word = _ES_UNITS[n]
        if apocope and n in (1, 21):
            return word[:-1] if n == 1 else "veintiún"
        return word
    if n < 100:
        tens, unit = divmod(n, 10)
        tail = f" y {_es(unit, apocope=apocope)}" if unit else ""
        return _ES_TENS[tens] + tail
    if n < 1000:
        if n == 100:
            return "cien"
        hundreds, rest = divmod(n, 100)
        return _ES_HUNDREDS[hundreds] + (f" {_es(rest, apocope=apocope)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "mil" if thousands == 1 else f"{_es(thousands, apocope=True)} mil"
    return head + (f" {_es(rest)}" if rest else "")
