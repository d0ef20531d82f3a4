"""the seed's departments and routing table in every new database; a fading fax's copy in
the correspondence register (issue 14)

A new site had no department and no routing rule, so intake proposed "不转部门" for every
problem; and product complaints went to customer service alone where seed 002:2.4.2 has
customer service coordinate with the technical department, which works the record.
A fax that fades is copied and the copy handed over with the original (seed 001:4.6): the
register records that it was.

Revision ID: 0012
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# a frozen copy: a migration keeps the data it was written with, whatever the code says later
DEPARTMENTS = (
    ("business", "业务部", "Business"),
    ("technical", "技术部", "Technical"),
    ("platform", "平台组", "Platform"),
    ("customer_service", "客服部", "Customer service"),
)
RULES = (
    # seed 002:2.3.2
    ("question", "product_enquiry", "business", ""),
    ("question", "training", "business", ""),
    ("question", "install_maintain", "technical", ""),
    ("question", "system_integration", "technical", ""),
    ("question", "usage", "technical", ""),
    # seed 001:1.0
    ("question", "repair", "customer_service", ""),
    ("question", "help", "customer_service", ""),
    ("question", "enquiry", "customer_service", ""),
    # seed 002:2.4.2 (business service: 002:2.1.2)
    ("complaint", "product_complaint", "technical", "customer_service"),
    ("complaint", "business_service", "business", ""),
    ("complaint", "service_quality", "customer_service", ""),
    ("complaint", "network_line", "platform", ""),
    ("complaint", "sales_complaint", "business", ""),
)

department = sa.table(
    "department",
    sa.column("code", sa.String),
    sa.column("name_zh", sa.String),
    sa.column("name_en", sa.String),
)
routing_rule = sa.table(
    "routing_rule",
    sa.column("kind", sa.String),
    sa.column("category", sa.String),
    sa.column("department_code", sa.String),
    sa.column("also", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("correspondence") as batch:
        batch.add_column(
            sa.Column("copy_made", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    have = set(connection.scalars(sa.select(department.c.code)))
    missing = [d for d in DEPARTMENTS if d[0] not in have]
    if missing:
        op.bulk_insert(
            department, [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in missing]
        )
    if connection.scalar(sa.select(sa.func.count()).select_from(routing_rule)) == 0:
        op.bulk_insert(
            routing_rule,
            [{"kind": k, "category": c, "department_code": d, "also": a} for k, c, d, a in RULES],
        )
        return
    # a site still on the first default: product complaints, CS alone in practice
    op.execute(
        routing_rule.update()
        .where(
            routing_rule.c.kind == "complaint",
            routing_rule.c.category == "product_complaint",
            routing_rule.c.department_code == "customer_service",
            routing_rule.c.also == "technical",
        )
        .values(department_code="technical", also="customer_service")
    )


def downgrade() -> None:
    with op.batch_alter_table("correspondence") as batch:
        batch.drop_column("copy_made")
    op.execute(
        routing_rule.update()
        .where(
            routing_rule.c.kind == "complaint",
            routing_rule.c.category == "product_complaint",
            routing_rule.c.department_code == "technical",
            routing_rule.c.also == "customer_service",
        )
        .values(department_code="customer_service", also="technical")
    )
