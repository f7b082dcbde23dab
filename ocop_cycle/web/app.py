"""The composition root: ``create_app(runtime)`` builds the HTTP app; nothing runs at import."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ocop_cycle.runtime import Runtime
from ocop_cycle.web import errors
from ocop_cycle.web.api import (
    admin_units,
    auth,
    catalogue,
    certificates,
    councils,
    documents,
    health,
    imports,
    migrations,
    people,
    products,
    public,
    reports,
)
from ocop_cycle.web.deps import SlidingWindow
from ocop_cycle.web.headers import SecurityHeaders
from ocop_cycle.web.limits import DeclaredBodyLimit

API = "/api/v1"
DOCS = "/api/docs"
_STATIC = Path(__file__).parent / "static"
_FORM_OVERHEAD = 64 * 1024


def create_app(runtime: Runtime) -> FastAPI:
    """The API (and the web pages, when that package is installed) over ``runtime``."""
    app = FastAPI(
        title="ocop-cycle",
        summary="OCOP products from idea to star-ranked certificate and its renewal.",
        version="1",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,
        redoc_url=None,
        # A body sent without a length is cut off past twice the largest upload or import
        # (a declared one is refused earlier, with problem details, by DeclaredBodyLimit).
        max_body_size=2 * (
            max(runtime.settings.upload_max_bytes, runtime.settings.import_max_bytes)
            + _FORM_OVERHEAD
        ),
    )
    app.state.runtime = runtime
    app.state.public_limiter = SlidingWindow(runtime.settings.public_rate_per_minute)
    errors.install(app)
    app.include_router(health.router)
    for module in (
        auth,
        products,
        documents,
        certificates,
        councils,
        people,
        catalogue,
        reports,
        imports,
        admin_units,
        migrations,
        public,
    ):
        app.include_router(module.router, prefix=API)
    _mount_docs(app)
    if importlib.util.find_spec("ocop_cycle.web.pages") is not None:
        from ocop_cycle.web.pages import router as pages_router

        app.include_router(pages_router)
    if _STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    settings = runtime.settings
    app.add_middleware(
        DeclaredBodyLimit,
        max_bytes=settings.upload_max_bytes + _FORM_OVERHEAD,
        upload_bytes=settings.upload_max_bytes,
        per_path={
            f"{API}/imports/products": (
                settings.import_max_bytes + _FORM_OVERHEAD,
                settings.import_max_bytes,
            )
        },
    )
    app.add_middleware(SecurityHeaders, docs_path=DOCS)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Interactive docs with Swagger UI's files served from the package (no CDN)."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API}/openapi.json",
            title="ocop-cycle API",
            swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs-assets/swagger-ui.css",
            swagger_favicon_url="/api/docs-assets/favicon.png",
        )
