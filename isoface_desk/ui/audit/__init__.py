"""The Audit area: signed records as stored, reports, the integrity check (issue 7)."""
