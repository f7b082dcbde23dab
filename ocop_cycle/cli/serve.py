"""``ocop serve``: the HTTP API (and web pages) under uvicorn."""

from __future__ import annotations

import os

import typer

from ocop_cycle.cli.common import console, runtime


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(
        1, "--workers", min=1, max=32, help="Worker processes (use PostgreSQL for more than 1)."
    ),
) -> None:
    """Serve the HTTP API at /api/v1 (docs at /api/docs); the scheduler runs separately."""
    import uvicorn

    built = runtime(ctx)  # refuses a database without the schema before listening
    url = built.settings.database_url
    if workers > 1 and url.startswith("sqlite"):
        console.print(
            "note: several workers on SQLite write one at a time; "
            "use PostgreSQL (OCOP_DATABASE_URL=postgresql://…) for real load"
        )
    # Workers are new processes: they read the same settings from the environment.
    os.environ["OCOP_DATABASE_URL"] = url
    if built.settings.workflows_dir is not None:
        os.environ["OCOP_WORKFLOWS_DIR"] = str(built.settings.workflows_dir)
    built.close()
    console.print(f"ocop-cycle API on http://{host}:{port}/api/v1 (docs: /api/docs)")
    uvicorn.run(
        "ocop_cycle.web.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        log_level="warning",
        # A worker busy with requests on a loaded machine answers the supervisor's ping
        # late; killing it for that would drop the requests it is serving.
        timeout_worker_healthcheck=60,
    )
