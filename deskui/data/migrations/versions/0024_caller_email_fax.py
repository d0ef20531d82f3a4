"""the caller's e-mail and fax on the ticket, beside the phone (issue 26, seed 002:2.2.1)

Revision ID: 0024
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(
            sa.Column("caller_email", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("caller_fax", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("caller_fax")
        batch.drop_column("caller_email")
