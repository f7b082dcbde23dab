"""JSON routers under ``/api/v1``: parse, call one service, answer."""
