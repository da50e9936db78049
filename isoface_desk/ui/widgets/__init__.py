"""Reusable widgets without storage: signature pad, charts."""
