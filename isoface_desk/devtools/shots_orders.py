"""The README images of the Lab orders area, on a freshly seeded demo database.

    python -m isoface_desk.devtools.shots_orders OUTDIR [--size 1366x768]

Writes OUTDIR/due-list.png (the main window signed in as the demo nurse, three orders
selected, one abnormal result entered through the services so its highlight shows) and
OUTDIR/order-page.png (one printed order, `pdftoppm -r 70`). Works offscreen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from isoface_desk.config import resources_dir
from isoface_desk.devtools.demo import seed_demo
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.services.bundle import open_services
from isoface_desk.services.labs.lab_printing import render_batch
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.orders import OrdersArea

PASSWORD = "demo-password"
LIVER = ("ALT", "AST", "TG", "CHOL")


def _spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def prepare(url: str, pdf: Path) -> None:
    """Seed, enter one abnormal result, and print one order to `pdf`."""
    seed_demo(url, patients=40)
    services = open_services(url)
    try:
        nurse = services.auth.login("nurse", PASSWORD)
        desk = services.lab_desk
        due = [i for i in desk.work.due_list(nurse).items
               if i.tests == LIVER and i.status in ("planned", "printed")]  # fmt: skip
        day = desk.work.today()
        entries = [ResultEntry("ALT", day, 96, "U/L", 40), ResultEntry("AST", day, 51, "U/L", 40),
                   ResultEntry("TG", day, 520, "mg/dL"),
                   ResultEntry("CHOL", day, 5.9, "mmol/L", 5.2)]  # fmt: skip
        soon = [i for i in due[1:] if i.group == "week"] or due[1:]
        desk.results.record(nurse, soon[-1].order_id, entries)
        pdf.write_bytes(render_batch(desk.printing.prepare(nurse, [due[0].order_id])).pdf)
    finally:
        services.close()


def grab_due_list(url: str, out: Path, width: int, height: int) -> None:
    from isoface_desk.ui.compose import build_app

    if QApplication.instance() is None:
        QApplication([])
    for font in sorted((resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    parts = build_app(url, "screenshot", MessageChannel(show_dialogs=False))
    window = parts.window
    window.resize(width, height)
    window.show()
    _spin(200)
    assert parts.session is not None
    panel = parts.session.panel
    panel.username.setFocus()
    QTest.keyClicks(panel.username, "nurse")
    QTest.keyClicks(panel.password, PASSWORD)
    QTest.keyClick(panel.password, Qt.Key.Key_Return)
    _spin(300)
    page = parts.shell.go_to("lab_orders")
    assert isinstance(page, OrdersArea)
    while page.controller.due is None:
        _spin(100)
    _spin(300)
    _select_first_rows(page, 3)
    _spin(200)
    window.grab().save(str(out))
    parts.close()


def _select_first_rows(page: OrdersArea, count: int) -> None:
    model, flags = page.model, (QItemSelectionModel.SelectionFlag.Select
                                | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
    group = model.index(0, 0)
    for row in range(min(count, model.rowCount(group))):
        page.tree.selectionModel().select(model.index(row, 0, group), flags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(n) for n in args.size.split("x"))
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        pdf = Path(folder) / "order.pdf"
        prepare(url, pdf)
        grab_due_list(url, args.outdir / "due-list.png", width, height)
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf),
                        str(args.outdir / "order-page")], check=True)  # fmt: skip
    print(f"written {args.outdir / 'due-list.png'} and order-page.png ({dt.date.today()})")


if __name__ == "__main__":
    main()
