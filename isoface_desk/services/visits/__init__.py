"""A visit from start to signed record: drafts, live checks, prefill, signing, corrections, PDFs."""
