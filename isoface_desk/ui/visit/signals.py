"""`emit(signal, *args)`: emit a Python-defined signal without losing a reference to True.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without a new reference, so each
call whose result is dropped takes one reference away from `True`; after a few hundred
emissions the interpreter aborts ("Fatal Python error: bool_dealloc: deallocating True or
False"), usually at exit (6.11.3 is sound). The checklist emits on every keystroke, so
it goes through this helper: when the running PySide6 has the fault (probed once, at
import), the reference is given back; with a sound PySide6 it does nothing extra.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None
_PROBES = 8


class _Probe(QObject):
    ping = Signal()


def _emit_borrows_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    results = [probe.ping.emit() for _ in range(_PROBES)]  # type: ignore[func-returns-value]
    lost = before - sys.getrefcount(True) + _PROBES  # each kept result should hold one
    del results
    if lost > 0:
        for _ in range(_PROBES):
            _incref(True)  # what the probe itself took
        return True
    return False


EMIT_BORROWS_TRUE = _emit_borrows_true()


def emit(signal: SignalInstance, *args: Any) -> None:
    result = signal.emit(*args)  # type: ignore[func-returns-value]
    if EMIT_BORROWS_TRUE and isinstance(result, bool):
        _incref(result)
