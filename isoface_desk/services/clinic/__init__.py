"""The clinic's installation: first-run setup, the database, encryption at rest, backups."""
