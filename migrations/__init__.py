"""Alembic migrations: the only way the schema changes. `mentor-bot db upgrade` (and `serve`) apply them."""
