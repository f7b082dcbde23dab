"""The re-rating window (Decision 26/2026/QĐ-TTg Art. 7.6) and late filings (Art. 12.3).

A producer files from expiry−180 to expiry−120 days (both days included); earlier or
later is refused naming the window's dates. After the window a province officer may
accept the filing with a reason: the certificate then stays valid until the decision,
at most until expiry + 180 days, and its expiry row moves to that day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from ocop_cycle.db.models import Certificate, History, ScheduleItem
from ocop_cycle.db.tables.schedule import EXPIRY, PENDING
from ocop_cycle.errors import GuardFailed
from ocop_cycle.scheduling.notices import notify_producer
from ocop_cycle.scheduling.planner import local_midnight
from ocop_cycle.workflow.hooks import FireContext, action, data_field, guard
from ocop_cycle.workflow.rerating_window import Window, window


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _active_window(context: FireContext) -> tuple[Certificate, Window]:
    rules = context.definition.rerating
    certificate = Certificate.active_for(context.session, context.product.id)
    if rules is None or certificate is None:
        raise GuardFailed(
            f"product {context.product.id} has no active certificate to re-rate under "
            f"{context.definition.name}",
            vi=f"Sản phẩm #{context.product.id} không có giấy chứng nhận còn hiệu lực để đánh giá lại "
            f"theo quy trình {context.definition.name}",
        )
    return certificate, window(rules, certificate.expires_on)


@guard("within_rerating_window")
def within_rerating_window(context: FireContext) -> None:
    certificate, dates = _active_window(context)
    today = context.today
    if dates.opens <= today <= dates.closes:
        return
    when = "has not opened yet" if today < dates.opens else "has closed"
    late = (
        "; a late filer should contact the provincial OCOP office, whose officer may "
        "accept the filing with a reason (accept_late_rerating)"
        if today > dates.closes
        else ""
    )
    raise GuardFailed(
        f"the re-rating window of certificate {certificate.number} {when}: file from "
        f"{vn_date(dates.opens)} to {vn_date(dates.closes)} (180 to 120 days before it "
        f"expires on {vn_date(certificate.expires_on)}, Decision 26/2026 Art. 7.6){late}",
        vi=f"Thời hạn nộp hồ sơ đánh giá lại của giấy chứng nhận số {certificate.number} "
        f"{'chưa bắt đầu' if today < dates.opens else 'đã kết thúc'}: hồ sơ nộp từ ngày "
        f"{vn_date(dates.opens)} đến ngày {vn_date(dates.closes)} (từ 180 đến 120 ngày trước "
        f"ngày giấy chứng nhận hết hiệu lực {vn_date(certificate.expires_on)}, khoản 6 Điều 7 "
        "Quyết định 26/2026)"
        + (
            "; nếu nộp muộn, chủ thể liên hệ cơ quan OCOP cấp tỉnh để cán bộ xem xét tiếp nhận "
            "kèm lý do"
            if today > dates.closes
            else ""
        ),
    )


@guard("after_rerating_window")
def after_rerating_window(context: FireContext) -> None:
    certificate, dates = _active_window(context)
    if context.today <= dates.closes:
        raise GuardFailed(
            f"the re-rating window of certificate {certificate.number} is open until "
            f"{vn_date(dates.closes)} (or not open yet): the producer files with "
            "submit_rerating; a late filing is accepted only after the window",
            vi=f"Thời hạn nộp hồ sơ đánh giá lại của giấy chứng nhận số {certificate.number} còn đến "
            f"ngày {vn_date(dates.closes)} (hoặc chưa bắt đầu): chủ thể tự nộp hồ sơ đánh giá lại; "
            "hồ sơ nộp muộn chỉ được tiếp nhận sau khi hết thời hạn",
        )


@action("extend_validity_until_decision")
def extend_validity_until_decision(context: FireContext) -> None:
    certificate, dates = _active_window(context)
    certificate.valid_until_decision_cap = dates.late_cap
    _move_expiry(context, certificate, dates.late_cap)
    context.effects["valid_until_decision_cap"] = dates.late_cap.isoformat()


def _move_expiry(context: FireContext, certificate: Certificate, day: date) -> None:
    """The certificate's pending expiry row falls on ``day``."""
    context.session.execute(
        update(ScheduleItem)
        .where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind == EXPIRY,
            ScheduleItem.status == PENDING,
        )
        .values(due_on=day, due_at=local_midnight(day))
        .execution_options(synchronize_session=False)
    )


@action("end_late_validity")
def end_late_validity(context: FireContext) -> None:
    """A late filer's result below 3★: the certificate kept past expiry ends with it."""
    certificate = Certificate.active_for(context.session, context.product.id)
    stars = context.product.stars
    if (
        certificate is None
        or certificate.valid_until_decision_cap is None
        or stars is None
        or stars >= context.definition.scoring.recognised_from_stars
        or context.today < certificate.expires_on
    ):
        return
    certificate.status = "expired"
    context.effects["certificate"] = certificate.number


@action("withdraw_rerating_filing")
def withdraw_rerating_filing(context: FireContext) -> None:
    """A re-rating filing withdrawn before the decision: the certificate stays as it was
    and the producer is told. A late filer's validity until the decision (Art. 12.3) has
    no decision left to wait for, so the certificate's expiry is its own again."""
    certificate, dates = _active_window(context)
    if certificate.valid_until_decision_cap is not None:
        certificate.valid_until_decision_cap = None
        _move_expiry(context, certificate, certificate.expires_on)
        context.effects["late_validity_ended"] = True
    context.effects["certificate"] = certificate.number
    sequence = context.session.scalar(
        select(func.count()).select_from(History).where(History.product_id == context.product.id)
    )
    notify_producer(
        context.session,
        context.product,
        "rerating_withdrawn",
        f"withdrawn-{sequence or 0}",
        {
            "certificate": {
                "number": certificate.number,
                "stars": certificate.stars,
                "expires_on": certificate.expires_on.isoformat(),
            },
            "window": {"opens": dates.opens.isoformat(), "closes": dates.closes.isoformat()},
        },
        context.now,
    )


@data_field("site_visit_needed")
def _site_visit_needed(text: str) -> bool:
    """Art. 7.6: a re-rating visits the site only for big changes or unclear evidence."""
    answer = text.strip().lower()
    if answer in ("yes", "có", "true", "1"):
        return True
    if answer in ("no", "không", "false", "0"):
        return False
    raise ValueError(f"site_visit_needed {text!r}: answer yes or no")


@guard("site_visit_when_needed")
def site_visit_when_needed(context: FireContext) -> None:
    """A re-rating marked as needing a site visit closes only with the visit recorded."""
    if "site_visit" in context.data:
        return
    marked = context.session.scalar(
        select(History.data)
        .where(History.product_id == context.product.id, History.trigger == "forward_rerating")
        .order_by(History.id.desc())
        .limit(1)
    )
    if marked and marked.get("site_visit_needed") is True:
        raise GuardFailed(
            f"the re-rating of product {context.product.id} was marked as needing a site "
            "visit: record it with --data site_visit=… (date and findings) when closing",
            vi=f"Việc đánh giá lại sản phẩm #{context.product.id} đã được ghi là cần kiểm tra thực tế: "
            "hãy nhập ngày và kết quả kiểm tra thực tế khi kết thúc",
        )
