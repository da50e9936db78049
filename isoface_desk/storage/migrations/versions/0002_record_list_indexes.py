"""Indexes for the auditor's record list: each filter column followed by the visit date.

The list shows records newest visit first and pages by keyset on (visit_date, id). With an
index on the filter column alone, SQLite found the matches and then sorted all of them
(half a second for one profile among a million records); an index on (column, visit_date)
hands them over already in order, so the first page costs a few milliseconds. The
single-column indexes they replace are dropped: the new ones serve the same lookups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: (new index, its columns, the single-column index it replaces)
REPLACED = (
    ("ix_signed_record_profile_date", ["profile_id", "visit_date"], "ix_signed_record_profile_id"),
    ("ix_signed_record_kind_date", ["visit_kind", "visit_date"], "ix_signed_record_visit_kind"),
    ("ix_signed_record_verdict_date", ["verdict", "visit_date"], "ix_signed_record_verdict"),
    (
        "ix_signed_record_justified_date",
        ["has_justified_warnings", "visit_date"],
        "ix_signed_record_has_justified_warnings",
    ),
)


def upgrade() -> None:
    for name, columns, old in REPLACED:
        op.create_index(name, "signed_record", columns)
        op.drop_index(old, table_name="signed_record")


def downgrade() -> None:
    for name, columns, old in REPLACED:
        op.create_index(old, "signed_record", columns[:1])
        op.drop_index(name, table_name="signed_record")
