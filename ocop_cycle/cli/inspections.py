"""``ocop inspection``: post-recognition inspections (Decision 26/2026 Art. 9)."""

from __future__ import annotations

from typing import Any

import typer

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.services import inspections

app = typer.Typer(
    help="Post-recognition inspections (kiểm tra sau công nhận).", no_args_is_help=True
)


@app.command("record")
def record(
    ctx: typer.Context,
    product_id: int,
    kind: str = typer.Option(..., "--kind", help="periodic or unannounced."),
    inspected_on: str = typer.Option(..., "--date", help="YYYY-MM-DD or DD/MM/YYYY."),
    outcome: str = typer.Option(..., "--outcome", help="pass or fail."),
    findings: str = typer.Option(..., "--findings"),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Record an inspection; a failed one proposes revocation on ground b."""

    def render(view: dict[str, Any]) -> None:
        done = view["inspection"]
        console.print(
            f"Kiểm tra / inspection #{done['id']} ({done['kind']}, {done['date']}): {done['outcome']}"
        )
        if "product" in view:
            console.print(
                f"  → sản phẩm #{view['product']['id']}: {view['product']['state_label']} "
                "(căn cứ b, Điều 8 / ground b, Art. 8)"
            )

    emit(
        inspections.record_inspection(
            runtime(ctx),
            product_id,
            kind=kind,
            inspected_on=inspected_on,
            outcome=outcome,
            findings=findings,
            actor=actor or "",
        ),
        as_json,
        render,
    )
