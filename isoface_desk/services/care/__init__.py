"""Patients, their treatment courses and their timelines."""
