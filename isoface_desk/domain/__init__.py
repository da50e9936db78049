"""Pure-Python clinical core: visits, safety rules, PHQ-9, dose, lab schedules, form data.

Nothing here imports Qt, SQLAlchemy, ReportLab or pyHanko (tests/test_layering.py).
"""
