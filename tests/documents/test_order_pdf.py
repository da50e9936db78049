"""Lab request forms and tube labels, opened with real tools: pypdf, pdffonts, pdftoppm and
zbarimg (Code128). A print job reports progress per order and, when cancelled, returns
exactly the orders whose pages are in the bytes."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import demo_clinic
from isoface_desk.devtools.order_bench import measure_orders
from isoface_desk.devtools.order_demo import demo_lab_order, demo_orders
from isoface_desk.documents.label_sheet import LAYOUTS, build_label_sheet
from isoface_desk.documents.model import PaperSize, Patient
from isoface_desk.documents.order_model import PrintedOrder, PrintResult, printed_order
from isoface_desk.documents.order_pdf import build_order_pdf
from isoface_desk.documents.print_job import order_barcode
from isoface_desk.domain.lab_tests import default_lab_tests
from isoface_desk.errors import InputError
from tests.documents.pdftools import need, page_texts, pdffonts, render, squash

CLINIC = demo_clinic()
FASTING_TEXT = "no alcohol for 36 hours"


@lru_cache(maxsize=4)
def job(count: int = 4) -> PrintResult:
    return build_order_pdf(demo_orders(count), CLINIC)


def code128(png: Path) -> list[str]:
    """Every Code128 symbol zbarimg decodes on an image."""
    result = subprocess.run(
        [need("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Scode128.enable", str(png)],
        capture_output=True,
        text=True,
    )
    return result.stdout.split() if result.returncode == 0 else []


def test_one_page_per_order_with_the_order_ids_in_page_order() -> None:
    result = job()
    orders = demo_orders(4)
    assert result.order_ids == tuple(o.order_id for o in orders)
    assert (result.total, result.pages, result.cancelled) == (4, 4, False)
    pages = page_texts(result.pdf)
    assert len(pages) == 4
    for number, (text, order) in enumerate(zip(pages, orders, strict=True), start=1):
        assert order.order_id in text
        assert f"Page {number} of 4" in text


def test_each_page_names_the_patient_the_prescriber_and_each_test_with_its_loinc_code() -> None:
    for text, order in zip(page_texts(job().pdf), demo_orders(4), strict=True):
        flat = squash(text)
        assert squash(order.patient.name) in flat
        assert order.patient.clinic_number in flat and "3 Jul 1998" in flat
        assert order.prescriber.licence_number in flat and order.prescriber.name in flat
        for test in order.tests:
            assert test.loinc in flat and squash(test.name) in flat


def test_the_fasting_instruction_is_on_lipid_orders_only() -> None:
    for text, order in zip(page_texts(job().pdf), demo_orders(4), strict=True):
        lipids = any(t.code in ("TG", "CHOL") for t in order.tests)
        assert (FASTING_TEXT in squash(text)) == lipids, order.order_id
        assert ("12 hours" in squash(text)) == lipids


def test_only_embedded_fonts(tmp_path: Path) -> None:
    rows = pdffonts(job().pdf, tmp_path)
    assert rows and all(row["emb"] == "yes" for row in rows), rows


def test_the_barcode_on_a_rendered_page_decodes_to_the_order_id(tmp_path: Path) -> None:
    pngs = render(job().pdf, tmp_path, dpi=200, first=1, last=2)
    assert [code128(png) for png in pngs] == [["LO-000001"], ["LO-000002"]]


def test_progress_is_reported_after_each_order() -> None:
    calls: list[tuple[int, int]] = []
    build_order_pdf(
        demo_orders(5), CLINIC, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize("k", [1, 3])
def test_cancel_after_k_orders_gives_exactly_k_orders_and_k_pages(k: int) -> None:
    orders = demo_orders(6)
    done: list[int] = []
    result = build_order_pdf(
        orders,
        CLINIC,
        progress=lambda n, _total: done.append(n),
        should_cancel=lambda: len(done) >= k,
    )
    assert result.order_ids == tuple(o.order_id for o in orders[:k])
    assert result.cancelled and result.total == 6 and result.pages == k
    pages = page_texts(result.pdf)
    assert len(pages) == k
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {k}" in text
    everything = " ".join(pages)
    assert all(o.order_id not in everything for o in orders[k:])


def test_cancel_before_the_first_order_gives_no_pdf_and_no_orders() -> None:
    result = build_order_pdf(demo_orders(3), CLINIC, should_cancel=lambda: True)
    assert (result.pdf, result.order_ids, result.pages, result.cancelled) == (b"", (), 0, True)


def test_an_empty_or_doubled_selection_is_refused() -> None:
    orders = demo_orders(2)
    with pytest.raises(InputError, match="no orders were selected"):
        build_order_pdf([], CLINIC)
    with pytest.raises(InputError, match="order LO-000001 is selected twice"):
        build_order_pdf([orders[0], orders[1], orders[0]], CLINIC)


def test_a_very_long_name_still_fits_one_page() -> None:
    order = demo_orders(1)[0]
    long_name = " ".join(["Maximiliana-Josephina von Hohenzollern-Sigmaringen"] * 14)
    patient = Patient(long_name, order.patient.birth_date, "female", "RD-1")
    result = build_order_pdf([replace(order, patient=patient)], CLINIC)
    assert result.pages == 1 and len(PdfReader(io.BytesIO(result.pdf)).pages) == 1
    assert "Hohenzollern" in page_texts(result.pdf)[0]
    assert "..." in page_texts(result.pdf)[0]  # the header line is clipped (… under NFKC)


def test_the_same_orders_give_the_same_bytes_and_letter_paper_works() -> None:
    assert (
        build_order_pdf(demo_orders(2), CLINIC).pdf == build_order_pdf(demo_orders(2), CLINIC).pdf
    )
    letter = build_order_pdf(demo_orders(1), demo_clinic(PaperSize.LETTER))
    box = PdfReader(io.BytesIO(letter.pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_printed_order_takes_names_codes_and_instruction_from_the_table() -> None:
    table = default_lab_tests()
    lipids = printed_order(demo_lab_order(0), table)
    assert [t.loinc for t in lipids.tests] == ["1742-6", "1920-8", "2571-8", "2093-3"]
    assert lipids.fasting_instruction == table.fasting_instruction
    assert printed_order(demo_lab_order(1), table).fasting_instruction == ""
    own = replace(demo_lab_order(0), instruction="Fast from midnight.")
    assert printed_order(own, table).fasting_instruction == "Fast from midnight."


def test_an_id_too_long_for_its_barcode_is_refused() -> None:
    with pytest.raises(InputError, match="too long for a barcode"):
        order_barcode("X" * 40, 40 * 72 / 25.4, 10)


# --------------------------------------------------------------------------- labels


def labels_of(result: PrintResult) -> str:
    return " ".join(page_texts(result.pdf))


def test_a_label_per_specimen_with_name_birth_date_and_tests() -> None:
    orders = demo_orders(4)  # order 3 has blood tests and a urine pregnancy test
    result = build_label_sheet(orders, CLINIC)
    assert result.order_ids == tuple(o.order_id for o in orders) and result.pages == 1
    text = labels_of(result)
    for order in orders:
        assert text.count(order.order_id) == len(order.specimen_groups())
        assert squash(order.patient.name) in squash(text)
    assert text.count("DOB 3 Jul 1998") == 5
    assert "ALT · AST · TG · CHOL · GLUCOSE" in text and "FASTING" in text


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_label_barcodes_decode_to_the_order_ids(tmp_path: Path, layout: str) -> None:
    orders = demo_orders(5)
    result = build_label_sheet(orders, CLINIC, layout=LAYOUTS[layout], outlines=True)
    (png,) = render(result.pdf, tmp_path, dpi=200)
    assert set(code128(png)) == {o.order_id for o in orders}


def test_labels_fill_the_free_positions_and_run_onto_new_sheets(tmp_path: Path) -> None:
    sheet = LAYOUTS["avery-l7160"]  # 21 labels a sheet
    orders = demo_orders(20)  # 25 labels: orders 3, 7, 11, 15, 19 have two specimens
    assert sum(len(o.specimen_groups()) for o in orders) == 25
    assert build_label_sheet(orders, CLINIC, layout=sheet).pages == 2
    assert build_label_sheet(orders[:16], CLINIC, layout=sheet).pages == 1  # 20 labels
    assert build_label_sheet(orders[:16], CLINIC, layout=sheet, start_at=2).pages == 2
    with pytest.raises(InputError, match="start at label: must be 0 to 20, got 21"):
        build_label_sheet(orders, CLINIC, layout=sheet, start_at=21)
    rows = pdffonts(build_label_sheet(orders, CLINIC).pdf, tmp_path)
    assert rows and all(row["emb"] == "yes" for row in rows)


def test_a_label_job_reports_progress_and_stops_between_orders() -> None:
    orders = demo_orders(4)
    calls: list[tuple[int, int]] = []
    result = build_label_sheet(
        orders,
        CLINIC,
        progress=lambda done, total: calls.append((done, total)),
        should_cancel=lambda: len(calls) == 2,
    )
    assert calls == [(1, 4), (2, 4)]
    assert result.order_ids == (orders[0].order_id, orders[1].order_id) and result.cancelled
    text = labels_of(result)
    assert orders[1].order_id in text and orders[2].order_id not in text


def test_the_throughput_measure_runs_and_compares_with_a_plain_document() -> None:
    figures = measure_orders(count=8, min_seconds=0)
    assert figures.orders == 8 and figures.pdf_bytes > 10_000
    assert figures.orders_per_s > 0 and figures.plain_per_s > 0 and figures.labels_per_s > 0
    assert figures.ratio == figures.orders_per_s / figures.plain_per_s


def test_the_patient_and_prescriber_of_a_printed_order_come_from_the_domain_order() -> None:
    order = demo_lab_order(2)
    printed: PrintedOrder = printed_order(order, default_lab_tests(), b"png")
    assert printed.patient.name == order.patient.name
    assert printed.patient.clinic_number == order.patient.clinic_number
    assert printed.prescriber.licence_number == order.prescriber.licence_number
    assert printed.signature_png == b"png" and printed.due == order.due
