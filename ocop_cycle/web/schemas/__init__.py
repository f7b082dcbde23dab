"""Pydantic schemas at the HTTP boundary: what requests may hold and responses promise."""
