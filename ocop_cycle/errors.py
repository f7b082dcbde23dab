"""Errors every layer raises; each carries the CLI exit code and a stable machine code.

The CLI maps them to exit codes (2 invalid input, 3 permission denied, 4 transition not
allowed or guard failed, 5 conflict, 6 not found) and, with ``--json``, to
``{"error": {"code": ..., "message": ...}}`` on stderr.

Each refusal is written twice where it is raised: ``message`` in English (the CLI, the logs,
the API's ``detail``) and ``vi=`` in Vietnamese for the pages, which read Vietnamese first.
Writing both at the source keeps the two in step with the values they quote; a test fails
on any raise without its Vietnamese.
"""

from __future__ import annotations


class Said(str):
    """A reason in English that carries its Vietnamese, for a function that explains a
    refusal which another raises (``transition_problem``): it still reads as the English."""

    vi: str

    def __new__(cls, english: str, *, vi: str) -> Said:
        said = super().__new__(cls, english)
        said.vi = vi
        return said


class OcopError(Exception):
    """Base class: a refusal that left the database unchanged."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, vi: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.vi = vi

    def text(self, language: str) -> str:
        """The message for a reader of ``language`` ("vi" or "en")."""
        if language == "vi" and self.vi:
            return self.vi
        return self.message


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
