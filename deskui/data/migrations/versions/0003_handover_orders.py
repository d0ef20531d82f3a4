"""handover item customer names, handover reports, shop orders and their history (issue 7, seed 004)

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover_item") as batch:
        batch.add_column(
            sa.Column("customer_name", sa.String(length=200), nullable=False, server_default="")
        )
    op.create_table(
        "handover_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_agent_id", sa.Integer(), nullable=False),
        sa.Column("to_agent_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["from_agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["to_agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_handover_report_from_agent_id", "handover_report", ["from_agent_id"], unique=False
    )
    op.create_index(
        "ix_handover_report_to_agent_id", "handover_report", ["to_agent_id"], unique=False
    )
    op.create_table(
        "shop_order",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("shop", sa.String(length=80), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("courier", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("last_tracking_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("problem", sa.String(length=20), nullable=True),
        sa.Column("problem_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shop_order_status", "shop_order", ["status"], unique=False)
    op.create_index("ix_shop_order_shop_number", "shop_order", ["shop", "number"], unique=True)
    op.create_table(
        "order_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["shop_order.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_event_order_id", "order_event", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_event_order_id", table_name="order_event")
    op.drop_table("order_event")
    op.drop_index("ix_shop_order_shop_number", table_name="shop_order")
    op.drop_index("ix_shop_order_status", table_name="shop_order")
    op.drop_table("shop_order")
    op.drop_index("ix_handover_report_to_agent_id", table_name="handover_report")
    op.drop_index("ix_handover_report_from_agent_id", table_name="handover_report")
    op.drop_table("handover_report")
    with op.batch_alter_table("handover_item") as batch:
        batch.drop_column("customer_name")
