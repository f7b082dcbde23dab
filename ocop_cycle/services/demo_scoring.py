"""The scoring part of ``ocop demo``: councils score online and on paper, certificates are
issued, renewed under the rules now in force, upgraded (without gain) and revoked.

Called by ``services.demo.run_demo`` after the demo province is built; it expects the
officers (commune1, commune3, commune4, district1, district4, province1), the producer
accounts (producer1, producer3, producer4) and the demo products named below, in the
states the province builder leaves them in.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ocop_cycle.db.models import Product
from ocop_cycle.errors import GuardFailed
from ocop_cycle.identity import accounts
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import certificates, councils, scoring
from ocop_cycle.services.demo import DEMO_PASSWORD
from ocop_cycle.services.products import fire

# The 148 sections and their maxima, in order (workflows/criteria/ocop-148.yaml).
_SECTIONS = {"A1": 15, "A2": 15, "A3": 10, "B1": 15, "B2": 10, "C1": 15, "C2": 15, "C3": 5}
BA_TO = "535"  # Huyện Ba Tơ
PROVINCE = "51"  # Quảng Ngãi
DISTRICT_COUNCIL = ["hd.bato1", "hd.bato2", "hd.bato3", "hd.bato4"]
PROVINCE_COUNCIL = ["hd.tinh1", "hd.tinh2", "hd.tinh3", "hd.tinh4", "hd.tinh5"]


def sheet_for(total: str) -> dict[str, str]:
    """Section scores adding up to ``total``, filled in catalogue order up to each maximum."""
    left = float(total)
    sheet = {}
    for code, maximum in _SECTIONS.items():
        points = min(left, maximum)
        sheet[code] = f"{points:g}"
        left = round(left - points, 2)
    return sheet


def product_id(runtime: Runtime, name: str) -> int:
    with runtime.transaction() as session:
        found = session.scalars(select(Product.id).where(Product.name == name)).first()
    if found is None:
        raise LookupError(f"the demo province has no product {name!r}; demo_scoring needs it")
    return found


def demo_scoring(runtime: Runtime, console: Console, directory: Path) -> None:
    console.print("\nChấm điểm và giấy chứng nhận / council scoring and certificates", style="bold")
    today = runtime.clock.today().isoformat()
    # The province has switched to the two-tier procedure (Decision 1489, from 2025-07-06).
    runtime_1489 = replace(
        runtime, settings=runtime.settings.replace(default_workflow="ocop-1489")
    )

    for username in DISTRICT_COUNCIL + PROVINCE_COUNCIL:
        accounts.add_user(
            runtime, username, actor="admin1", role="council_member",
            name=f"Thành viên {username}", password=DEMO_PASSWORD, must_change_password=False,
        )
    district = councils.create_council(
        runtime,
        actor="province1",
        level="district",
        unit_code=BA_TO,
        chair=DISTRICT_COUNCIL[0],
        members=DISTRICT_COUNCIL,
    )
    province = councils.create_council(
        runtime,
        actor="province1",
        level="province",
        unit_code=PROVINCE,
        chair=PROVINCE_COUNCIL[0],
        members=PROVINCE_COUNCIL,
    )
    console.print(
        f"Councils: #{district['id']} {district['name']} ({len(DISTRICT_COUNCIL)} members), "
        f"#{province['id']} {province['name']} ({len(PROVINCE_COUNCIL)} members)."
    )

    # 1. Online at the district: a spread of more than 10 points blocks closing until a
    #    member re-scores; then the mean decides.
    tea = product_id(runtime, "Trà sâm Ba Tơ")
    sheet_file = directory / "phieu-cham-diem-mau.yaml"
    sheet_file.write_text(
        "# Phiếu chấm điểm mẫu: ocop score submit ID --actor USER --file THIS_FILE\nsections:\n"
        + "".join(f"  {code}: {points}\n" for code, points in sheet_for("64").items()),
        encoding="utf-8",
    )
    given, failed = scoring.read_sheet_file(sheet_file)
    scoring.submit_sheet(runtime, tea, actor="hd.bato1", sections=given, mandatory_failed=failed)
    for member, total in (("hd.bato2", "67.5"), ("hd.bato3", "76")):
        scoring.submit_sheet(runtime, tea, actor=member, sections=sheet_for(total))
    try:
        fire(runtime, tea, "close_evaluation", actor="district4")
    except GuardFailed as refused:
        console.print(f"  Trà sâm Ba Tơ: closing refused — {refused.message}")
    scoring.submit_sheet(runtime, tea, actor="hd.bato3", sections=sheet_for("70"))
    view = fire(runtime, tea, "close_evaluation", actor="district4")
    _said(console, "Trà sâm Ba Tơ", view, "online: mean of 64, 67.5 and 70 after re-scoring")
    view = fire(
        runtime,
        tea,
        "issue_certificate",
        actor="district4",
        data={"decision_number": "311/QĐ-UBND", "decision_date": today},
    )
    _said(console, "Trà sâm Ba Tơ", view, "district issues the 3★ certificate")

    # 2. Online at the province: four of five members (3/4 of 5 is 4), the chair among them.
    cinnamon = product_id(runtime, "Quế khô Trà Bồng")
    for member, total in zip(PROVINCE_COUNCIL[:4], ("78", "80.5", "76", "79"), strict=True):
        scoring.submit_sheet(runtime, cinnamon, actor=member, sections=sheet_for(total))
    view = fire(runtime, cinnamon, "close_evaluation", actor="province1")
    _said(console, "Quế khô Trà Bồng", view, "online: 4 of 5 provincial members")
    view = fire(
        runtime,
        cinnamon,
        "issue_certificate",
        actor="province1",
        data={
            "decision_number": "1288/QĐ-UBND",
            "decision_date": today,
            "round_year": str(runtime.clock.today().year),
        },
    )
    _said(console, "Quế khô Trà Bồng", view, "province issues the 4★ certificate")

    # 3. On paper: the dossier comes back, the producer's self-assessment is recorded (never
    #    averaged in), the council scores on paper and the officer types the result.
    wine = product_id(runtime, "Rượu cần Ba Tơ")
    fire(runtime, wine, "resubmit_dossier", actor="producer4")
    scoring.submit_sheet(runtime, wine, actor="producer4", sections=sheet_for("82"))
    fire(runtime, wine, "accept_dossier", actor="district4")
    view = fire(
        runtime,
        wine,
        "close_evaluation",
        actor="district4",
        data={"score": "58.75", "minutes": "Biên bản số 07/BB-HĐ huyện Ba Tơ"},
    )
    _said(console, "Rượu cần Ba Tơ", view, "paper: score typed from the minutes")
    fire(
        runtime,
        wine,
        "issue_certificate",
        actor="district4",
        data={"decision_number": "312/QĐ-UBND", "decision_date": today},
    )

    # 4. Renewal under the rules now in force: a 148 certificate renewed through 1489.
    oil = product_id(runtime, "Tinh dầu quế Trà Bồng")
    view = fire(runtime_1489, oil, "submit_renewal", actor="producer3")
    switch = view["history"][-1]["data"]["workflow_switch"]
    console.print(f"  Tinh dầu quế Trà Bồng: renewal moves it {switch['from']} → {switch['to']}")
    fire(
        runtime_1489,
        oil,
        "forward_dossier",
        actor="commune3",
        data={"origin_report": "Báo cáo nguồn gốc số 12/BC-UBND"},
    )
    fire(runtime_1489, oil, "accept_dossier", actor="province1")
    for member, total in zip(PROVINCE_COUNCIL, ("72", "74", "71.5", "73", "75"), strict=True):
        scoring.submit_sheet(runtime_1489, oil, actor=member, sections=sheet_for(total))
    fire(runtime_1489, oil, "close_evaluation", actor="province1")
    view = fire(
        runtime_1489,
        oil,
        "issue_certificate",
        actor="province1",
        data={"decision_number": "1301/QĐ-UBND", "decision_date": today},
    )
    _said(console, "Tinh dầu quế Trà Bồng", view, "renewed by the province, old one superseded")

    # 5. An upgrade that earns no higher star keeps the certificate.
    garlic = product_id(runtime, "Tỏi đen Đức Tân")
    fire(runtime_1489, garlic, "request_upgrade", actor="producer1")
    fire(
        runtime_1489,
        garlic,
        "forward_dossier",
        actor="commune1",
        data={"origin_report": "Báo cáo nguồn gốc số 3/BC-UBND"},
    )
    fire(runtime_1489, garlic, "accept_dossier", actor="province1")
    for member, total in zip(PROVINCE_COUNCIL[:4], ("84", "86", "85", "83.5"), strict=True):
        scoring.submit_sheet(runtime_1489, garlic, actor=member, sections=sheet_for(total))
    view = fire(runtime_1489, garlic, "close_evaluation", actor="province1")
    _said(console, "Tỏi đen Đức Tân", view, "upgrade scored 84.63: still 4★, certificate kept")

    # 6. Revocation by the certifying level.
    malt = product_id(runtime, "Mạch nha Đức Tân")
    view = fire(
        runtime,
        malt,
        "revoke",
        actor="district1",
        data={
            "reason": "Không duy trì chất lượng như khi được công nhận",
            "decision_number": "97/QĐ-UBND",
        },
    )
    _said(console, "Mạch nha Đức Tân", view, "revoked by the district that certified it")

    rows = certificates.list_certificates(runtime)
    table = Table(
        "number",
        "product",
        "stars",
        "rule set",
        "level",
        "status",
        "expires on",
        title="Certificates / Giấy chứng nhận OCOP",
    )
    for row in rows:
        table.add_row(
            row["number"],
            row["product"],
            f"{row['stars']}★",
            row["rule_set"],
            row["issuing_level"],
            row["status"],
            row["expires_on"],
        )
    console.print(table)
    code = next(
        row["verification_code"]
        for row in rows
        if row["product_id"] == oil and row["status"] == "active"
    )
    seen = certificates.verify(runtime, code)
    console.print(
        f"A consumer scanning {code}: {seen['product']} — {seen['producer']}, "
        f"{seen['stars']}★, valid until {seen['valid_until']}, {seen['status_label']['vi']}."
    )
    db = f"--db {runtime.settings.database_url}"
    console.print(
        "Try: "
        + "; ".join(
            [
                f"ocop {db} score show {tea}",
                f"ocop {db} criteria show ocop-148 --group food",
                f"ocop {db} certificate verify {code}",
            ]
        )
    )


def _said(console: Console, name: str, view: dict[str, Any], how: str) -> None:
    stars = f", {view['stars']}★" if view.get("stars") is not None else ""
    score = f" score {view['score']}" if view.get("score") is not None else ""
    console.print(f"  {name}: {view['state']}{score}{stars} ({how})")
