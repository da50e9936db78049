"""Flowables shared by the documents: tables that split across pages with their header
repeated, label/value grids, signature boxes, the QR code, number and date formats.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeAlias

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table

from isoface_desk.documents.model import Signature
from isoface_desk.documents.styles import (
    ACCENT,
    ACCENT_TINT,
    INK,
    MUTED,
    RULE,
    ZEBRA,
    esc,
    para,
    rich,
    styles,
    table_style,
)

#: What a table cell may hold.
Cell: TypeAlias = "Flowable | str | list[Flowable]"
QR_PREFIX = "ISOFACE-RECORD 1"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(d: date | None) -> str:
    """12 Oct 2026: the same in every locale, unambiguous to any reader."""
    if d is None:
        return "—"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def fmt_datetime(t: datetime) -> str:
    zone = t.strftime(" %Z") if t.tzinfo else ""
    return f"{fmt_date(t.date())}, {t:%H:%M}{zone}"


def fmt_num(x: float, decimals: int = 2) -> str:
    """At most `decimals` places, trailing zeros dropped: 80, 1.12, 0.5."""
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def qr_payload(record_id: str, record_hash: str) -> str:
    """What the QR code on a record holds: a version line, the record id, its hash."""
    return f"{QR_PREFIX}\n{record_id}\n{record_hash}"


def parse_qr_payload(text: str) -> tuple[str, str]:
    """(record id, record hash) from a scanned QR payload; ValueError if it is not ours."""
    lines = text.strip().split("\n")
    if len(lines) != 3 or lines[0] != QR_PREFIX:
        raise ValueError("not an Isoface record code")
    return lines[1], lines[2]


def qr_code(payload: str, size: float) -> Flowable:
    """A QR code drawn straight onto the canvas (the graphics widget would encode twice
    and build thousands of shapes: 90 ms against 20)."""
    return QrCode(payload, width=size, height=size, qrBorder=2, qrLevel="M")


def data_table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    title: str | None = None,
    right: Sequence[int] = (),
    extra: Sequence[tuple[object, ...]] = (),
) -> Table:
    """A table whose title row and column labels repeat on every page it runs onto.

    `right` lists the columns whose label is right-aligned (to sit over their numbers).
    """
    st = styles()
    data: list[list[Cell]] = []
    if title is not None:
        data.append([para(title, st.cell_bold)] + [""] * (len(widths) - 1))
    if header is not None:
        data.append(
            [para(h, st.label_right if i in right else st.label) for i, h in enumerate(header)]
        )
    head = len(data)
    data.extend(list(r) for r in rows)
    table = Table(data, colWidths=list(widths), repeatRows=head, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, head - 1), (-1, head - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, head), (-1, -1), 0.35, RULE),
        ("ROWBACKGROUNDS", (0, head), (-1, -1), [colors.white, ZEBRA]),
    ]
    if title is not None:
        commands += [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), ACCENT_TINT)]
    table.setStyle(table_style([*commands, *extra]))
    return table


def question_table(title: str, rows: Sequence[tuple[str, str]], width: float) -> Table:
    """A form section: its title, then each question with the answer given."""
    st = styles()
    body = [[para(q, st.cell), para(a or "—", st.cell_bold)] for q, a in rows]
    if not body:
        body = [[para("Nothing recorded in this section.", st.muted), ""]]
    return data_table(None, body, (width * 0.6, width * 0.4), title=title)


def field_grid(items: Sequence[tuple[str, str]], width: float, columns: int = 3) -> Table:
    """Label/value pairs laid out in a grid of boxes, labels small above the values."""
    st = styles()
    cells: list[list[Cell]] = []
    row: list[Cell] = []
    for label, value in items:
        row.append([para(label, st.label), para(value or "—", st.cell_bold)])
        if len(row) == columns:
            cells.append(row)
            row = []
    if row:
        cells.append(row + [""] * (columns - len(row)))
    table = Table(cells, colWidths=[width / columns] * columns, hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LINEBELOW", (0, 0), (-1, -2), 0.35, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def heading(text: str) -> Paragraph:
    return para(text, styles().h2)


def note(text: str) -> Paragraph:
    return para(text, styles().muted)


def signature_boxes(signatures: Sequence[Signature], width: float) -> Table | Paragraph:
    """Each signature: the image over a line, then name, role and time."""
    st = styles()
    if not signatures:
        return rich(
            f'<font color="{MUTED.hexval()}">'
            + esc("Not signed yet: this is a draft and not a valid checklist.")
            + "</font>",
            st.body,
        )
    per_row = 3
    box_w = width / per_row
    cells: list[Cell] = [_signature_cell(s, box_w - 10) for s in signatures]
    cells += [""] * (-len(cells) % per_row)
    grid = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    table = Table(grid, colWidths=[box_w] * per_row, hAlign="LEFT")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _signature_cell(sig: Signature, width: float) -> Table:
    st = styles()
    picture: Cell = Spacer(width, 16 * mm)
    if sig.image_png:
        picture = _scaled_image(sig.image_png, width, 16 * mm)
    lines = [
        para(sig.name, st.cell_bold),
        para(sig.role, st.cell),
        para("Signed " + fmt_datetime(sig.signed_at), st.label),
    ]
    extra = [("BOTTOMPADDING", (0, 0), (0, 0), 2), ("ALIGN", (0, 0), (0, 0), "LEFT")]
    return signature_stack(picture, lines, width, extra)


def signature_stack(
    picture: Cell, lines: Sequence[Cell], width: float, extra: Sequence[tuple[object, ...]] = ()
) -> Table:
    """A signature picture on a line, with what identifies the signer below it, one a row."""
    cell = Table([[picture], *([line] for line in lines)], colWidths=[width], hAlign="LEFT")
    cell.setStyle(
        table_style(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.6, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                *extra,
            ]
        )
    )
    return cell


def _scaled_image(png: bytes, max_w: float, max_h: float) -> Image:
    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    scale = min(max_w / w, max_h / h)
    image = Image(io.BytesIO(png), width=w * scale, height=h * scale)
    image.hAlign = "LEFT"
    return image
