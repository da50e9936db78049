"""What a signed record's PDF says about the record, so the PDF and the database can be
matched without trusting either: the PDF's keywords carry the content hash, inside the
bytes its signature covers. Shared by documents (which writes it) and storage (which
verify uses to check it)."""

from __future__ import annotations

#: Followed by the record's 64-character content hash in the PDF's keywords.
CONTENT_HASH_MARK = "isoface-content-sha256:"
#: Followed by the record id.
RECORD_ID_MARK = "isoface-record:"


def pdf_keywords(record_id: int | str, content_hash: str) -> str:
    return f"{RECORD_ID_MARK}{record_id} {CONTENT_HASH_MARK}{content_hash}"


def content_hash_in(pdf: bytes) -> str | None:
    """The content hash the PDF names, or None (a PDF from before the mark, or another file)."""
    mark = CONTENT_HASH_MARK.encode("ascii")
    at = pdf.find(mark)
    if at < 0:
        return None
    value = pdf[at + len(mark) : at + len(mark) + 64]
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None
