"""Schemathesis against the OpenAPI document of a real ``ocop serve``: for a bounded number
of generated requests per operation, signed in as a province officer, no response is a
server error and every response matches the schema the document promises."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.web.conftest import Province, Server, bearer

EXAMPLES_PER_OPERATION = 15


def test_generated_requests_never_get_a_5xx_and_responses_match_the_schema(
    server: Server, province: Province
) -> None:
    with server.client() as http:
        headers = bearer(http, "province1")
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in ("/auth/logout", "/api/v1/auth/logout"):
            continue  # would end the session the other operations use

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=server.url, headers=headers, timeout=30)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        check()
        checked += 1
    assert checked >= 15
