"""The app's log handlers, set aside for a test that configures its own."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def own_logging() -> Iterator[None]:
    """configure_logging installs its handlers once per process: set aside any installed
    by other tests, and remove (and close) ours afterwards."""
    root = logging.getLogger("isoface")
    before = list(root.handlers)
    for handler in before:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            root.addHandler(handler)
        logging.captureWarnings(False)
