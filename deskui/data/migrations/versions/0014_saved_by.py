"""who last saved a complaint record and a customer: a conflict names them (issue 13)

Revision ID: 0014
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("complaint_record", "customer")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_updated_by_id_agent", "agent", ["updated_by_id"], ["id"]
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_updated_by_id_agent", type_="foreignkey")
            batch.drop_column("updated_by_id")
