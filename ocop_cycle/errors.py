"""Errors every layer raises; each carries the CLI exit code and a stable machine code.

The CLI maps them to exit codes (2 invalid input, 3 permission denied, 4 transition not
allowed or guard failed, 5 conflict, 6 not found) and, with ``--json``, to
``{"error": {"code": ..., "message": ...}}`` on stderr.
"""

from __future__ import annotations


class OcopError(Exception):
    """Base class: a refusal that left the database unchanged."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(OcopError):
    exit_code = 2
    code = "invalid_input"


class PermissionDenied(OcopError):
    exit_code = 3
    code = "permission_denied"


class TransitionNotAllowed(OcopError):
    exit_code = 4
    code = "transition_not_allowed"


class GuardFailed(OcopError):
    exit_code = 4
    code = "guard_failed"


class Conflict(OcopError):
    exit_code = 5
    code = "conflict"


class StaleVersion(OcopError):
    """The caller acted on an older version of the row than the stored one (HTTP 412)."""

    exit_code = 5
    code = "stale_version"


class NotFound(OcopError):
    exit_code = 6
    code = "not_found"


class WorkflowDefinitionError(InvalidInput):
    """A workflow file is malformed; the message names the file and the culprit."""

    code = "invalid_workflow"
