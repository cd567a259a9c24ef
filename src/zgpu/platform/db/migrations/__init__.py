"""Alembic migration scripts for the platform schema (run them with ``upgrade_to_head``)."""
