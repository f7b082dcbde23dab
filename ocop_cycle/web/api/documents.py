"""Dossier documents: upload to a product, list them, download one."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import StreamingResponse

from ocop_cycle.services import documents
from ocop_cycle.web.deps import PrincipalDep, ProductId, RuntimeDep
from ocop_cycle.web.headers import FRAMEABLE_DOCUMENT
from ocop_cycle.web.schemas.common import Problem
from ocop_cycle.web.schemas.documents import Document

router = APIRouter(tags=["documents"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem} for s in (401, 403, 404, 422)
}
_CHUNK = 1024 * 1024


@router.post(
    "/products/{product_id}/documents",
    status_code=201,
    response_model=Document,
    responses=_PROBLEMS,
)
def upload(
    product_id: ProductId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG")],
    kind: Annotated[str, Form(max_length=20, description=", ".join(documents.KINDS))],
    criterion: Annotated[str | None, Form(max_length=40)] = None,
) -> dict[str, Any]:
    """Add a PDF, JPEG or PNG (judged by its bytes) to the product's dossier."""
    limit = runtime.settings.upload_max_bytes
    content = bytearray()
    while chunk := file.file.read(_CHUNK):
        content += chunk
        if len(content) > limit:
            break  # the service refuses it; no need to read the rest
    return documents.upload(
        runtime,
        principal.username,
        product_id,
        kind=kind,
        criterion=criterion or None,
        filename=file.filename or "",
        content=bytes(content),
    )


@router.get(
    "/products/{product_id}/documents", response_model=list[Document], responses=_PROBLEMS
)
def list_documents(product_id: ProductId, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    return documents.list_documents(runtime, principal.username, product_id)


@router.get(
    "/documents/{document_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}},
               **_PROBLEMS},
)
def download(
    document_id: Annotated[int, Path(gt=0, lt=2**31)],
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> StreamingResponse:
    """The file, streamed, to those who may see its product; shown inline (PDF or image:
    uploads are sniffed and nothing else is stored), also in the scoresheet's own frame."""
    view, chunks = documents.open_document(runtime, principal.username, document_id)
    return StreamingResponse(
        chunks,
        media_type=view["content_type"],
        headers={
            "Content-Length": str(view["size"]),
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(view['filename'])}",
            "X-Content-SHA256": view["sha256"],
            **FRAMEABLE_DOCUMENT,
        },
    )
