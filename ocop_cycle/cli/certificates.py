"""``ocop certificate``: list, show and verify certificates."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.domain.unit_names import in_sentence
from ocop_cycle.errors import InvalidInput
from ocop_cycle.localtime import show_date
from ocop_cycle.services import certificates
from ocop_cycle.workflow.fields import parse_legal_date

app = typer.Typer(help="OCOP certificates (giấy chứng nhận).", no_args_is_help=True)


def render_certificate(view: dict[str, Any]) -> None:
    console.print(
        Text.assemble((view["number"], "bold"), f" — {view['product']} ({view['producer']})")
    )
    console.print(
        f"  {view['stars']}★ điểm / score {view['score']}   {view['rule_set']}   cấp / level "
        f"{view['issuing_level']}   QĐ / decision {view['decision_number']} "
        f"({show_date(view['decision_date'])}, đợt năm / round year {view['round_year']})"
    )
    console.print(
        f"  hiệu lực / valid {show_date(view['valid_from'])} → {show_date(view['expires_on'])}   "
        f"trạng thái / status: {view['status']}   mã xác thực / code: {view['verification_code']}"
    )
    if view["revocation_reason"]:
        console.print(
            f"  thu hồi / revoked: {view['revocation_reason']} ({view['revocation_decision']})"
        )
    if view.get("product_code"):
        console.print(f"  mã sản phẩm / product code: {view['product_code']}")
    if view.get("valid_until_decision_cap"):
        console.print(
            "  hồ sơ đánh giá lại nộp muộn: còn hiệu lực đến khi có quyết định, chậm nhất "
            f"{show_date(view['valid_until_decision_cap'])} / late re-rating filing: valid "
            "until the decision, at the latest "
            f"{show_date(view['valid_until_decision_cap'])} (Decision 26/2026 Art. 12.3)"
        )
    unreachable = _UNREACHABLE.get(view.get("producer_email_status") or "ok")
    if unreachable:
        console.print(
            f"  ! {unreachable.format(email=view['producer_email'])}: "
            f"ocop producer edit {view['producer_id']} --email …",
            markup=False,
        )


_UNREACHABLE = {
    "missing": "chủ thể chưa có email, sẽ không nhận được thư nhắc / the producer has no "
    "email address and will get no reminders",
    "undeliverable": "máy chủ thư từ chối địa chỉ {email} của chủ thể / the mail server "
    "refused the producer's address {email}",
}


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help="active, expired, revoked, superseded."
    ),
    unit: str | None = typer.Option(None, "--unit", help="Province, district or commune code."),
    expiring_before: str | None = typer.Option(None, "--expiring-before", help="YYYY-MM-DD."),
    limit: int = typer.Option(200, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    actor: str | None = typer.Option(
        None, "--actor", help="Only the certificates this user's jurisdiction covers."
    ),
    as_json: bool = JsonOption,
) -> None:
    """List certificates, soonest expiry first."""
    before = None
    if expiring_before is not None:
        try:
            before = parse_legal_date(expiring_before)
        except ValueError as exc:
            raise InvalidInput(f"--expiring-before: {exc}") from None
    rows = certificates.list_certificates(
        runtime(ctx),
        status=status,
        unit_code=unit,
        expiring_before=before,
        limit=limit,
        offset=offset,
        viewer=actor,
    )

    def render(data: list[dict[str, Any]]) -> None:
        table = Table("id", "number", "product", "stars", "status", "expires on", "decision")
        for row in data:
            table.add_row(
                str(row["id"]),
                row["number"],
                row["product"],
                f"{row['stars']}★",
                row["status"],
                show_date(row["expires_on"]),
                row["decision_number"],
            )
        console.print(table)

    emit(rows, as_json, render)


@app.command("show")
def show(
    ctx: typer.Context,
    certificate_id: int,
    actor: str | None = typer.Option(None, "--actor", help="Only within this user's jurisdiction."),
    as_json: bool = JsonOption,
) -> None:
    """Show one certificate."""
    emit(
        certificates.show_certificate(runtime(ctx), certificate_id, viewer=actor),
        as_json,
        render_certificate,
    )


def _authority(issuer: dict[str, Any]) -> str:
    """ "tỉnh Quảng Ngãi" from "Tỉnh Quảng Ngãi"; "cấp tỉnh" when the unit is unknown."""
    level = issuer["label"]["vi"]
    if not issuer["unit"]:
        return str(level)
    return in_sentence(issuer["unit"], level.removeprefix("cấp ").strip())


@app.command("verify")
def verify(ctx: typer.Context, code: str, as_json: bool = JsonOption) -> None:
    """What a consumer scanning the QR code on a package sees; nothing private."""

    def render(view: dict[str, Any]) -> None:
        issuer = view["issued_by"]
        console.print(
            f"Sản phẩm OCOP {view['stars']} sao / {view['stars']}-star OCOP product", style="bold"
        )
        console.print(f"  Sản phẩm / product: {view['product']}")
        console.print(f"  Chủ thể / producer: {view['producer']}")
        console.print(
            f"  Công nhận / recognised by: UBND {_authority(issuer)}"
            f" — {view['decision_number']} ({show_date(view['decision_date'])})"
        )
        console.print(f"  Giấy chứng nhận / certificate: {view['number']}")
        console.print(f"  Hiệu lực đến / valid until: {show_date(view['valid_until'])}")
        if view.get("valid_until_decision_cap"):
            console.print(
                "  Đang đánh giá lại: còn hiệu lực đến khi có quyết định, chậm nhất "
                f"{show_date(view['valid_until_decision_cap'])} / being re-rated: valid until "
                f"the decision, at the latest {show_date(view['valid_until_decision_cap'])}"
            )
        if view.get("product_code"):
            console.print(f"  Mã sản phẩm / product code: {view['product_code']}")
        console.print(
            f"  Trạng thái / status: {view['status_label']['vi']} / {view['status_label']['en']}"
        )

    emit(certificates.verify(runtime(ctx), code), as_json, render)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    certificate_id: int,
    ground: str = typer.Option(
        ..., "--ground", help="Decision 26/2026 Art. 8.1: a, b, c, d, dd (đ) or e."
    ),
    conclusion: str = typer.Option(..., "--conclusion", help="Reference of the conclusion."),
    conclusion_date: str = typer.Option(..., "--conclusion-date", help="YYYY-MM-DD."),
    decision: str | None = typer.Option(None, "--decision", help="The revocation decision."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Revoke a certificate on a ground of Art. 8 (the province 3–4★, the Ministry 5★)."""
    from ocop_cycle.cli.products import render_product
    from ocop_cycle.services.inspections import revoke_certificate

    view = revoke_certificate(
        runtime(ctx), certificate_id, ground=ground, conclusion=conclusion,
        conclusion_date=conclusion_date, actor=actor or "", decision_number=decision,
    )
    emit(view, as_json, render_product)
