"""Storage: the Core tables, the typed ORM models mapped onto them, the engine factory and
Alembic migrations."""
