"""``POST /imports/products``: a province's spreadsheet of existing certificates, as the
CLI's ``ocop import products`` does it (same service, same checks, same size limit)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from ocop_cycle.files import check_size
from ocop_cycle.importing.service import ImportRejected, import_products
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.errors import problem, status_of
from ocop_cycle.web.schemas.admin import ImportProblem, ImportSummary
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(tags=["imports"])
_CHUNK = 1024 * 1024


@router.post(
    "/imports/products",
    response_model=ImportSummary,
    responses={
        401: {"model": Problem},
        403: {"model": Problem},
        422: {"model": ImportProblem, "description": "the file's errors, every row"},
    },
)
def import_products_file(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="a .csv (UTF-8) or .xlsx file")],
    dry_run: Annotated[bool, Form(description="check and plan; write nothing")] = False,
) -> Any:
    """Import certified products with their certificates; all rows or none."""
    limit = runtime.settings.import_max_bytes
    with tempfile.TemporaryDirectory(prefix="ocop-import-") as folder:
        # Only the name's last part is kept: it names the file in the messages, and its
        # extension tells CSV from XLSX.
        path = Path(folder) / (Path(file.filename or "").name or "upload")
        with path.open("wb") as target:
            written = 0
            while written <= limit and (chunk := file.file.read(_CHUNK)):
                target.write(chunk)
                written += len(chunk)
        check_size(path, limit, "import", "OCOP_IMPORT_MAX_BYTES")
        try:
            return import_products(runtime, path, actor=principal.username, dry_run=dry_run)
        except ImportRejected as exc:
            status, title = status_of(exc)
            return _refused(exc, status, title)


def _refused(exc: ImportRejected, status: int, title: str) -> JSONResponse:
    return problem(
        status,
        exc.code,
        exc.message.splitlines()[0],
        title=title,
        extra={"rows": [error.as_dict() for error in exc.errors]},
    )
