"""Open generated PDFs with real tools: pypdf, poppler (pdffonts, pdftoppm) and zbarimg."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import demo_checklist
from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from isoface_desk.documents.model import PaperSize, VisitKind


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, NFKC-normalised (Arabic presentation forms back to letters)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]


def all_text(pdf: bytes) -> str:
    """The whole text with runs of whitespace collapsed, so wrapped lines still match."""
    return " ".join(" ".join(page_texts(pdf)).split())


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


def pdffonts(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """Rows of `pdffonts`: name, emb (yes/no)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [need("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        # name type [type...] encoding emb sub uni object ID: emb is 5th from the end
        rows.append({"name": parts[0], "emb": parts[-5]})
    return rows


def render(
    pdf: bytes, tmp_path: Path, dpi: int = 50, first: int | None = None, last: int | None = None
) -> list[Path]:
    """PNG files of the pages, rendered by pdftoppm."""
    path = tmp_path / "render.pdf"
    path.write_bytes(pdf)
    cmd = [need("pdftoppm"), "-r", str(dpi), "-png"]
    if first is not None:
        cmd += ["-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    subprocess.run([*cmd, str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def ink_fraction(png: Path) -> float:
    """Share of pixels that are not white: 0 for a blank page."""
    with Image.open(png) as img:
        grey = img.convert("L")
        hist = grey.histogram()
    total = sum(hist)
    return 1 - sum(hist[250:]) / total


def zbar(png: Path) -> list[str]:
    """Decoded QR payloads on an image."""
    result = subprocess.run(
        [need("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
    )
    return [result.stdout] if result.returncode == 0 else []


@lru_cache(maxsize=32)
def built(kind: VisitKind, name: str, paper: PaperSize = PaperSize.A4) -> bytes:
    """A demo checklist PDF, built once per test run (a build costs about 0.1 s)."""
    return build_checklist_pdf(demo_checklist(kind, name, paper))
