"""Patients: the lazy list, the patient page with the course timeline, the add/edit dialog,
and the Visit area that hosts the checklist (issue 4, item 3)."""
