"""``ocop score``: council members' scoresheets and where the council stands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from ocop_cycle.cli.common import ActorOption, JsonOption, console, emit, runtime
from ocop_cycle.cli.products import render_product
from ocop_cycle.errors import InvalidInput
from ocop_cycle.services import chair_actions, option_sheets, scoring, sheet_drafts

app = typer.Typer(help="Scoresheets of council members (phiếu chấm điểm).", no_args_is_help=True)


def _render_draft(saved: dict[str, Any]) -> None:
    console.print(
        f"draft saved for product {saved['product_id']}: {saved['answered']} of "
        f"{saved['criteria']} criteria answered; it counts only once submitted "
        "(ocop score submit … --file without --draft)"
    )


def render_scores(view: dict[str, Any]) -> None:
    console.print(
        Text.assemble((f"#{view['product_id']} {view['product']}", "bold"), f" — {view['state']}")
    )
    own = view["self_assessment"]
    if own:
        console.print(
            f"  tự đánh giá của chủ thể / producer's self-assessment: {own['total']} "
            "(không tính vào điểm hội đồng / never averaged in)"
        )
        render_self_differences(own)
    evaluation = view["evaluation"]
    if evaluation is None:
        console.print("  chưa có đợt đánh giá / no evaluation yet")
        return
    council = evaluation["council"]
    console.print(
        f"  đánh giá / evaluation #{evaluation['id']} ({evaluation['level']}, "
        f"{evaluation['purpose']}): {evaluation['status']}"
        + (f", hội đồng / council #{council['id']} chair {council['chair']}" if council else "")
    )
    if evaluation["sheets"]:
        codes = list(evaluation["sheets"][0]["sections"])
        table = Table("member", *codes, "total", "mandatory failed")
        for sheet in evaluation["sheets"]:
            table.add_row(
                sheet["member"],
                *(str(sheet["sections"].get(code, "")) for code in codes),
                str(sheet["total"]),
                ", ".join(sheet["mandatory_failed"]),
            )
        console.print(table)
    if "mean" in evaluation:
        quorum = evaluation["quorum"]
        console.print(
            f"  điểm trung bình / mean: {evaluation['mean']}   chênh lệch / spread: "
            f"{evaluation['spread']}   túc số / quorum: {quorum['sheets']}/{quorum['members']} "
            f"(cần / needed {quorum['needed']})"
        )
    if evaluation["path"]:
        console.print(
            f"  kết quả / result: {evaluation['score']} → {evaluation['stars']}★ "
            f"({evaluation['path']})"
        )
    if "option_level" in evaluation:
        render_option_level(evaluation)
    for blocker in evaluation.get("blockers", []):
        console.print(Text.assemble("  ", ("chưa thể kết thúc / cannot close:", "red"), f" {blocker}"))


def render_option_level(evaluation: dict[str, Any]) -> None:
    """The options each member chose, where they disagree, and the star minimums."""
    knockout = evaluation["knockout"]
    if knockout is not None:
        console.print(
            Text.assemble(
                "  ", ("hồ sơ bị loại / disqualified:", "red"),
                f" {knockout['code']} {knockout['text'] or ''} — {knockout['note']}",
            )
        )
    if "explanation" in evaluation:
        console.print(Text(f"  {evaluation['explanation']}"))
    members = list(evaluation["options"])
    disputed = [row for row in evaluation["criteria"] if row["disagree"]]
    if members and disputed:
        table = Table(
            "tiêu chí", *members, "số phiếu theo lựa chọn / sheets per option",
            title="Tiêu chí thành viên chọn khác nhau / criteria members disagree on",
        )
        for row in disputed:
            counts = ", ".join(f"[{index}]×{count}" for index, count in row["choices"].items())
            table.add_row(
                row["code"],
                *(str(evaluation["options"][m].get(row["code"], "")) for m in members),
                counts,
            )
        console.print(table)
    elif members:
        console.print("  mọi thành viên chọn giống nhau ở mọi tiêu chí / members agree on every criterion")
    earlier = evaluation.get("compared_with_earlier")
    if earlier:
        changes = ", ".join(f"{c['criterion']}: {c['then']} → {c['now']}" for c in earlier["changes"])
        console.print(
            Text(
                f"  so với lần đánh giá #{earlier['evaluation_id']} ({earlier['stars']}★): "
                f"{changes or 'không thay đổi / unchanged'}"
            )
        )


def render_self_differences(own: dict[str, Any]) -> None:
    if own.get("differences"):
        diffs = ", ".join(
            f"{d['criterion']}: {d['self']} / {d['council_mean']}" for d in own["differences"]
        )
        console.print(Text(f"    khác hội đồng (tự đánh giá / hội đồng): {diffs}"))


@app.command("submit")
def submit(
    ctx: typer.Context,
    product_id: int,
    actor: str | None = ActorOption,
    sections: str | None = typer.Option(None, "--sections", help="A1=12,A2=10,… every section."),
    file: Path | None = typer.Option(None, "--file", help="A scoresheet YAML file."),
    mandatory_failed: str | None = typer.Option(
        None, "--mandatory-failed", help="Codes of mandatory criteria not met, e.g. M1,M3."
    ),
    opinion: str | None = typer.Option(
        None, "--opinion", help="A written opinion with the sheet (re-rating without a meeting)."
    ),
    draft: bool = typer.Option(
        False, "--draft",
        help="Keep an option-level sheet (--file) as a draft: criteria may be left blank; "
        "it does not count until submitted without --draft.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Record or replace one member's scoresheet (a producer: the self-assessment)."""
    if (sections is None) == (file is None):
        raise InvalidInput("give the scores either with --sections A1=…,… or with --file SHEET")
    if file is not None and option_sheets.is_option_level(runtime(ctx), product_id):
        if mandatory_failed is not None:
            raise InvalidInput(
                "--mandatory-failed does not apply to the option-level sheets of 26/2026: "
                "the star minimums follow from the options chosen"
            )
        answers = option_sheets.read_answers(file)
        if draft:
            saved = sheet_drafts.save_draft(
                runtime(ctx), product_id, actor=actor or "", answers=answers, opinion=opinion
            )
            emit(saved, as_json, _render_draft)
            return
        view = option_sheets.submit_options(
            runtime(ctx), product_id, actor=actor or "", answers=answers, opinion=opinion
        )
        emit(view, as_json, render_scores)
        return
    if opinion is not None or draft:
        raise InvalidInput(
            "--opinion and --draft go with an option-level sheet (--file) under 26/2026",
            vi="--opinion và --draft chỉ dùng với phiếu chấm theo mức (--file) của Quyết định 26/2026",
        )
    failed = [c.strip() for c in (mandatory_failed or "").split(",") if c.strip()]
    if file is not None:
        given, from_file = scoring.read_sheet_file(file)
        failed = list(dict.fromkeys([*from_file, *failed]))
    else:
        assert sections is not None
        given = scoring.parse_sections(sections)
    view = scoring.submit_sheet(
        runtime(ctx), product_id, actor=actor or "", sections=given, mandatory_failed=failed
    )
    emit(view, as_json, render_scores)


@app.command("template")
def template(ctx: typer.Context, product_id: int) -> None:
    """Print the product set's sheet to fill in (26/2026): `> phieu.yaml`, then submit it."""
    sys.stdout.write(option_sheets.template_for(runtime(ctx), product_id))


@app.command("show")
def show(ctx: typer.Context, product_id: int, as_json: bool = JsonOption) -> None:
    """Each member's sheet, the mean, the spread, the quorum and what blocks closing."""
    emit(scoring.show_scores(runtime(ctx), product_id), as_json, render_scores)


@app.command("discuss")
def discuss(
    ctx: typer.Context,
    product_id: int,
    actor: str | None = ActorOption,
    note: str = typer.Option(..., "--note", help="What the council discussed and concluded."),
    as_json: bool = JsonOption,
) -> None:
    """The chair records that the council discussed a spread of more than the rule allows."""
    emit(scoring.discuss(runtime(ctx), product_id, actor=actor or "", note=note), as_json, render_scores)


@app.command("disqualify")
def disqualify(
    ctx: typer.Context,
    product_id: int,
    actor: str | None = ActorOption,
    knockout: str = typer.Option(
        ..., "--knockout", help="The set's knock-out condition (K1, K2, …: `ocop criteria show`)."
    ),
    note: str = typer.Option(..., "--note", help="What was found that disqualifies the dossier."),
    as_json: bool = JsonOption,
) -> None:
    """Disqualify the dossier (hồ sơ bị loại): the council chair or the provincial officer."""
    view = chair_actions.disqualify(
        runtime(ctx), product_id, actor=actor or "", knockout=knockout, note=note
    )
    emit(view, as_json, render_product)


@app.command("close")
def close(
    ctx: typer.Context, product_id: int, actor: str | None = ActorOption, as_json: bool = JsonOption
) -> None:
    """The chair closes the council's evaluation from the members' sheets (within the spread
    rule, or after 'ocop score discuss'); a re-rating is decided by written opinions."""
    view = chair_actions.close_as_chair(runtime(ctx), product_id, actor=actor or "")
    emit(view, as_json, render_product)
