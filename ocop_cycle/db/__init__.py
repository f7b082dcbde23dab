"""Storage: SQLAlchemy 2.0 typed models, the engine factory and Alembic migrations."""
