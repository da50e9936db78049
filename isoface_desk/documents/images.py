"""Images the documents draw (signature PNGs): checked once, before they are stored."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes, max_side: int = 4000) -> tuple[int, int]:
    """(width, height) of a PNG that ReportLab can draw, decoded in full; ValueError (in
    plain words) for anything else, or for a side longer than `max_side` pixels."""
    if not png.startswith(PNG_MAGIC):
        raise ValueError("not a PNG file")
    try:
        reader = ImageReader(io.BytesIO(png))
        width, height = (int(n) for n in reader.getSize())
    except Exception:  # ReportLab re-raises the decoder's own errors, of many kinds
        raise ValueError("the image cannot be read") from None
    if not (0 < width <= max_side and 0 < height <= max_side):
        raise ValueError(f"the image must be 1 to {max_side} pixels a side")
    try:
        reader.getRGBData()
    except Exception:
        raise ValueError("the image data is damaged") from None
    return width, height
