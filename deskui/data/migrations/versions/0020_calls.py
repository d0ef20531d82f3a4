"""calls from the phone system and their events, agents' extensions and states (issue 25)

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent") as batch:
        batch.add_column(sa.Column("extension", sa.String(20), nullable=True))
    op.create_index("ix_agent_extension", "agent", ["extension"], unique=True)
    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("from_number", sa.String(32), nullable=False),
        sa.Column("to_number", sa.String(32), nullable=False),
        sa.Column("party_number", sa.String(32), nullable=False),
        sa.Column("queue", sa.String(40), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cause", sa.String(20), nullable=True),
        sa.Column("answering_extension", sa.String(80), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agent.id"), nullable=True),
        sa.Column("rings", sa.JSON(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=True),
        sa.Column("outcome", sa.String(12), nullable=True),
        sa.Column("callback_id", sa.Integer(), sa.ForeignKey("callback.id"), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_call_source_call_id", "call", ["source", "call_id"], unique=True)
    op.create_index("ix_call_started", "call", ["started_at"])
    op.create_index("ix_call_state", "call", ["state", "started_at"])
    op.create_index("ix_call_party_outcome", "call", ["party_number", "outcome"])
    op.create_index("ix_call_agent_id", "call", ["agent_id"])
    op.create_index("ix_call_customer_id", "call", ["customer_id"])
    op.create_table(
        "call_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("call.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effect", sa.String(12), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
    )
    op.create_index("ix_call_event_call_id", "call_event", ["call_id"])
    op.create_table(
        "agent_state",
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agent.id"), primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("call.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("agent_state")
    op.drop_table("call_event")
    op.drop_table("call")
    op.drop_index("ix_agent_extension", "agent")
    with op.batch_alter_table("agent") as batch:
        batch.drop_column("extension")
