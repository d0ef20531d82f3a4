"""the extension of a customer's phone and of a ticket's caller number (issue 13)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("phone_extension", sa.String(length=12), nullable=True))
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(
            sa.Column("caller_extension", sa.String(length=12), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("caller_extension")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("phone_extension")
