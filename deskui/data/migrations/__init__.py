"""Alembic migrations of the desk's schema (versions/), run by Database.upgrade."""

HEAD = "0027"
"""The newest migration's revision: a database stamped with it needs no Alembic at start
(importing Alembic and reading the scripts cost some 300 ms). tests/data/test_migrations.py
checks it against Alembic's own head, so a new migration cannot forget it."""
