"""the ticket a popped call was recorded as (issue 25)

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_ticket",
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("call.id"), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False),
        sa.Column("tied_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_call_ticket_ticket_id", "call_ticket", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_call_ticket_ticket_id", table_name="call_ticket")
    op.drop_table("call_ticket")
