"""Isoface Desk: offline prescribing-safety checklists for oral isotretinoin."""

__version__ = "0.1.0"
