"""a missed call's callback for a number no customer has: no customer, the number kept
(issue 25)

Revision ID: 0026
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("callback") as batch:
        batch.add_column(sa.Column("number", sa.String(32), nullable=False, server_default=""))
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM callback WHERE customer_id IS NULL")
    with op.batch_alter_table("callback") as batch:
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("number")
