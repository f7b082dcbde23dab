"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from ocop_cycle.db.models.certificate import Certificate
from ocop_cycle.db.models.core import AdminUnit, History, Producer, Product, User

__all__ = ["AdminUnit", "Certificate", "History", "Producer", "Product", "User"]
