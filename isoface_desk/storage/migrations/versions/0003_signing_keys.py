"""Per-person signing keys wrapped with their owner's password; no usable key in the file.

Adds `signing_key`. Drops `clinic.certificate_pkcs12`, the clinic key stored without a
passphrase (anyone with the database file could sign with it): the key is not kept.
`clinic.certificate_pem` stays, as the legacy certificate, until the first sign-in of an
administrator copies it into the new root key's sealed event, so older PDFs still verify.
Records signed before this revision carry no seal; verify accepts them only before the
root key's event, which seals them in the chain.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import BYTEA, JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _blob() -> sa.types.TypeEngine[bytes]:
    return sa.LargeBinary().with_variant(BYTEA(), "postgresql")


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("certificate_pem", _blob(), nullable=False),
        sa.Column("wrapped_key", _blob(), nullable=False),
        sa.Column("wrap", _json(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_signing_key"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name="fk_signing_key_user_id_app_user"
        ),
        sa.UniqueConstraint("fingerprint", name="uq_signing_key_fingerprint"),
    )
    op.create_index("ix_signing_key_user_id", "signing_key", ["user_id"])
    with op.batch_alter_table("clinic") as batch:
        batch.drop_column("certificate_pkcs12")


def downgrade() -> None:
    with op.batch_alter_table("clinic") as batch:
        batch.add_column(sa.Column("certificate_pkcs12", _blob(), nullable=True))
    op.drop_index("ix_signing_key_user_id", table_name="signing_key")
    op.drop_table("signing_key")
