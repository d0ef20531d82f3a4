"""callback rules: the sales head's confirmation before calling (per customer, recorded per
callback), survey forms per customer, promotion periods, when each agent last opened the
queue (issue 6, seed 000:2.5.1.2, 2.5.2.1, 2.5.3)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"  # one chain: 0007 relations, 0008 callbacks, 0009 site
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.add_column(
            sa.Column(
                "needs_sales_confirmation", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("callback") as batch:
        batch.add_column(
            sa.Column("sales_head", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("sales_confirmed", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("sales_confirmed_at", TZ, nullable=True))
        batch.add_column(sa.Column("sales_confirmed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sales_note", sa.Text(), nullable=False, server_default=""))
        batch.create_foreign_key(
            "fk_callback_sales_confirmed_by_id_agent", "agent", ["sales_confirmed_by_id"], ["id"]
        )
    with op.batch_alter_table("survey_form") as batch:
        batch.drop_index("ix_survey_form_quarter")
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("received_from", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recorded_at", TZ, nullable=True))
        batch.create_foreign_key(
            "fk_survey_form_customer_id_customer", "customer", ["customer_id"], ["id"]
        )
        batch.create_index(
            "ix_survey_form_customer_quarter", ["customer_id", "year", "quarter"], unique=True
        )
    op.create_table(
        "promotion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_promotion_starts_on", "promotion", ["starts_on"])
    op.create_table(
        "callback_seen",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("agent_id"),
    )


def downgrade() -> None:
    op.drop_table("callback_seen")
    op.drop_index("ix_promotion_starts_on", table_name="promotion")
    op.drop_table("promotion")
    with op.batch_alter_table("survey_form") as batch:
        batch.drop_index("ix_survey_form_customer_quarter")
        batch.drop_constraint("fk_survey_form_customer_id_customer", type_="foreignkey")
        batch.drop_column("recorded_at")
        batch.drop_column("score")
        batch.drop_column("received_from")
        batch.drop_column("customer_id")
        batch.create_index(
            "ix_survey_form_quarter", ["department_code", "year", "quarter"], unique=True
        )
    with op.batch_alter_table("callback") as batch:
        batch.drop_constraint("fk_callback_sales_confirmed_by_id_agent", type_="foreignkey")
        batch.drop_column("sales_note")
        batch.drop_column("sales_confirmed_by_id")
        batch.drop_column("sales_confirmed_at")
        batch.drop_column("sales_confirmed")
        batch.drop_column("sales_head")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("needs_sales_confirmation")
