"""Running the app under uvicorn: one runtime per worker process, sized to its threads.

Plain ``def`` endpoints run on AnyIO's worker threads; each holds at most one database
connection at a time, so the pool keeps as many connections as there are threads
(``OCOP_API_THREADS``) and no request waits for a connection while a thread is free.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from ocop_cycle.config import Settings
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.documents import sweep_orphans
from ocop_cycle.web.app import create_app


def app_from_environment() -> FastAPI:
    """uvicorn's factory: settings from ``OCOP_*`` variables, read in each worker."""
    settings = Settings()
    threads = settings.api_threads
    runtime = Runtime.create(settings, application="ocop serve", pool_size=threads)
    app = create_app(runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        await anyio.to_thread.run_sync(sweep_orphans, runtime)
        try:
            yield
        finally:
            runtime.close()

    app.router.lifespan_context = lifespan
    return app
