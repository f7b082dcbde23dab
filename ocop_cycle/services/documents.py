"""Dossier documents: uploading a file to a product's dossier and reading it back.

The bytes go to the document store before the row commits, so a committed row always has
its file; a file whose row never committed (a crash, a refused quota) is an orphan that
:func:`sweep_orphans` removes once it is old enough not to belong to an upload in flight.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocop_cycle.config import Settings
from ocop_cycle.db.models import Document, Product, User
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import InvalidInput, NotFound, PermissionDenied
from ocop_cycle.inputs import single_line
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.visibility import visible_product
from ocop_cycle.storage import DocumentStore, LocalStore, sniff_content_type
from ocop_cycle.storage.sniff import ACCEPTED
from ocop_cycle.workflow.permissions import jurisdiction_problem

# Dossier items (Decision 148/26: Mẫu 01 registration, 02 business plan, 03 commune report).
KINDS = ("mau_01", "mau_02", "mau_03", "evidence", "decision", "minutes")
ORPHAN_AGE_SECONDS = 3600.0


def store_for(runtime: Runtime) -> DocumentStore:
    """The local folder by default; an S3-compatible bucket when ``OCOP_STORAGE_URL`` says."""
    settings = runtime.settings
    if settings.storage_url:
        from ocop_cycle.storage.s3 import S3Store

        return S3Store(settings.storage_url, settings.s3_endpoint_url)
    return LocalStore(settings.storage_dir)


def document_view(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "product_id": document.product_id,
        "kind": document.kind,
        "criterion": document.criterion,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_by": document.uploaded_by,
        "uploaded_at": document.uploaded_at.isoformat(),
    }


def _check_item(kind: str, criterion: str | None) -> str | None:
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown dossier item {kind!r}; use one of: {', '.join(KINDS)}",
            vi=f"Loại tài liệu {kind!r} không hợp lệ; hãy chọn một trong: "
            f"{', '.join(label_of('document_kind', item) for item in KINDS)}",
        )
    if kind == "evidence":
        if not criterion or not criterion.strip():
            raise InvalidInput(
                "evidence supports one criterion: give its code (e.g. A1.2)",
                vi="Tài liệu chứng minh dùng cho một tiêu chí: hãy ghi mã tiêu chí (ví dụ A1.2)",
            )
        return single_line(criterion, "criterion", max_length=40)
    if criterion:
        raise InvalidInput(
            f"only evidence names a criterion, not {kind}",
            vi=f"Chỉ tài liệu chứng minh mới ghi mã tiêu chí, loại «{label_of('document_kind', kind)}» "
            "thì không",
        )
    return None


@dataclass(frozen=True)
class CheckedFile:
    """A file that may join a dossier: its item, name and content, judged before any write."""

    kind: str
    criterion: str | None
    filename: str
    content_type: str
    content: bytes


def check_file(
    settings: Settings, *, kind: str, criterion: str | None, filename: str, content: bytes
) -> CheckedFile:
    """Refuse a file that may never join a dossier (wrong item, empty, too large, not a
    PDF, JPEG or PNG) before anything is stored."""
    criterion = _check_item(kind, criterion)
    name = single_line(Path(filename or "").name or "document", "file name", max_length=200)
    if len(content) > settings.upload_max_bytes:
        raise InvalidInput(
            f"{name} is larger than {settings.upload_max_bytes // (1024 * 1024)} MB; "
            "split or compress it and upload again",
            vi=f"Tệp {name} lớn hơn {settings.upload_max_bytes // (1024 * 1024)} MB; hãy chia nhỏ hoặc "
            "nén tệp rồi tải lên lại",
        )
    if not content:
        raise InvalidInput(f"{name} is empty", vi=f"Tệp {name} không có nội dung")
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise InvalidInput(
            f"{name} is not a PDF, JPEG or PNG file (judged by its content, not its name); "
            f"accepted: {', '.join(ACCEPTED)}",
            vi=f"Tệp {name} không phải là tệp PDF, JPEG hoặc PNG (xét theo nội dung, không theo tên tệp)",
        )
    return CheckedFile(kind, criterion, name, content_type, content)


def add_document(
    session: Session,
    runtime: Runtime,
    user: User,
    product: Product,
    checked: CheckedFile,
    written: list[str],
) -> Document:
    """Store the bytes and add the row in the caller's transaction; the stored key goes
    into ``written`` so that the caller deletes it if the transaction does not commit."""
    problem = jurisdiction_problem(user, product)
    if problem is not None:
        raise PermissionDenied(f"permission denied: {problem}", vi=f"Không có quyền: {problem.vi}")
    settings = runtime.settings
    size = len(checked.content)
    used = session.scalar(
        select(func.coalesce(func.sum(Document.size), 0)).where(Document.product_id == product.id)
    )
    if int(used or 0) + size > settings.product_quota_bytes:
        raise InvalidInput(
            f"product {product.id}'s documents would exceed its quota of "
            f"{settings.product_quota_bytes // (1024 * 1024)} MB "
            f"({int(used or 0) // (1024 * 1024)} MB used); remove or shrink files",
            vi=f"Tổng dung lượng tài liệu của sản phẩm #{product.id} sẽ vượt mức "
            f"{settings.product_quota_bytes // (1024 * 1024)} MB (đã dùng "
            f"{int(used or 0) // (1024 * 1024)} MB); hãy xóa bớt hoặc giảm dung lượng tệp",
        )
    key = f"{product.id}/{uuid.uuid4().hex}"
    store_for(runtime).put(key, checked.content)
    written.append(key)
    document = Document(
        product_id=product.id,
        kind=checked.kind,
        criterion=checked.criterion,
        filename=checked.filename,
        content_type=checked.content_type,
        size=size,
        sha256=hashlib.sha256(checked.content).hexdigest(),
        storage_key=key,
        uploaded_by=user.username,
        uploaded_at=runtime.clock.now(),
    )
    session.add(document)
    session.flush()
    return document


def forget_written(runtime: Runtime, written: list[str]) -> None:
    """Delete the bytes of rows that never committed."""
    store = store_for(runtime)
    for key in written:
        store.delete(key)


def upload(
    runtime: Runtime,
    viewer: str,
    product_id: int,
    *,
    kind: str,
    criterion: str | None,
    filename: str,
    content: bytes,
) -> dict[str, Any]:
    """Add a file to the product's dossier; refused whole when anything is wrong."""
    checked = check_file(
        runtime.settings, kind=kind, criterion=criterion, filename=filename, content=content
    )
    written: list[str] = []
    try:
        with runtime.transaction() as session:
            user = get_user(session, viewer)
            product = visible_product(session, user, product_id)
            return document_view(add_document(session, runtime, user, product, checked, written))
    except BaseException:
        forget_written(runtime, written)
        raise


def list_documents(runtime: Runtime, viewer: str, product_id: int) -> list[dict[str, Any]]:
    with runtime.transaction() as session:
        visible_product(session, get_user(session, viewer), product_id)
        rows = session.scalars(
            select(Document).where(Document.product_id == product_id).order_by(Document.id)
        )
        return [document_view(row) for row in rows]


def open_document(
    runtime: Runtime, viewer: str, document_id: int
) -> tuple[dict[str, Any], Iterator[bytes]]:
    """The document's description and its bytes, for someone who may see the product."""
    with runtime.transaction() as session:
        user = get_user(session, viewer)
        document = session.get(Document, document_id)
        missing = NotFound(
            f"no document with id {document_id} in your jurisdiction",
            vi=f"Không tìm thấy tài liệu số {document_id} trong phạm vi bạn phụ trách",
        )
        if document is None:
            raise missing
        try:
            visible_product(session, user, document.product_id)
        except NotFound:
            raise missing from None
        view = document_view(document)
    try:
        return view, store_for(runtime).stream(document.storage_key)
    except FileNotFoundError:
        raise NotFound(
            f"document {document_id}'s file is missing from the document store; "
            "restore it from the backup",
            vi=f"Tệp của tài liệu số {document_id} không còn trong kho lưu trữ; hãy báo quản trị hệ "
            "thống khôi phục từ bản sao lưu",
        ) from None


def sweep_orphans(runtime: Runtime, *, older_than: float = ORPHAN_AGE_SECONDS) -> int:
    """Delete stored files that no committed row names and that are older than
    ``older_than`` seconds; return how many were deleted."""
    store = store_for(runtime)
    # File times are the machine's real clock, whatever the runtime's clock says.
    cutoff = time.time() - older_than
    candidates = [key for key, modified in store.entries() if modified < cutoff]
    if not candidates:
        return 0
    with runtime.transaction() as session:
        known = set(
            session.scalars(select(Document.storage_key).where(Document.storage_key.in_(candidates)))
        )
    orphans = [key for key in candidates if key not in known]
    for key in orphans:
        store.delete(key)
    return len(orphans)
