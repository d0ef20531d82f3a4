"""Storage: SQLAlchemy models, the repository and unit of work, migrations, demo data.

Importing this package loads nothing heavy; `deskui.data.database` brings in SQLAlchemy.
"""
