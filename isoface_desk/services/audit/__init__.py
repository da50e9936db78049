"""The auditor's side: record review, integrity verification, checkpoints, reports."""
