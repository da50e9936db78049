"""Keep the interpreter alive under PySide6 6.12.0 on CPython 3.11.

PySide6 6.12.0 (the only release with a `pyside6-pdf` wheel, which the in-app PDF preview
needs) returns `None` from every void method and `True` from `SignalInstance.emit()`
without a new reference. On CPython 3.12 and later these singletons are immortal (PEP 683)
and nothing happens; on 3.11 every such call takes one reference away, and after a few
thousand calls the interpreter aborts with "Fatal Python error: none_dealloc" (or
bool_dealloc). `immortalize_singletons()` does by hand what 3.12 does: it gives None, True
and False a reference count so large (2**40) that no session can exhaust it.
tests/ui/test_runtime.py runs 200,000 leaking calls in a child process to prove it.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40
_done = False


def immortalize_singletons() -> bool:
    """Apply the guard once per process; True when it was needed (CPython < 3.12)."""
    global _done
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not _done:
        for singleton in (None, True, False):
            # ob_refcnt is the first field of every PyObject in release builds.
            ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
        _done = True
    return True
