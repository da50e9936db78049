"""Repositories: functions that take a Session and return frozen dataclasses (never rows).

One module per kind of data: clinic, users, patients, courses, drafts, records, lab_orders.
They never commit: the service's unit of work (storage.db.session_scope) does.
"""
