"""indexes for the lead's measures of departments and orders: legs by when their plan was
written, orders by when paid, order history by action and time (issue 17)

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_department_leg_planned", "department_leg", ["planned_at"]),
    ("ix_shop_order_paid", "shop_order", ["paid_at"]),
    ("ix_order_event_action_at", "order_event", ["action", "at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
