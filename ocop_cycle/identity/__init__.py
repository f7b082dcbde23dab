"""Identity and access: accounts, passwords, sessions, API tokens, sign-in limits, audit.

Interfaces (CLI, HTTP API, web pages) use :mod:`ocop_cycle.identity.service`.
"""
