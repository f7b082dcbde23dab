"""Producers officers look after: `ocop producer list|show|edit`, one email rule from entry
to sending, no second producer of the same name in a commune, and producers mail cannot
reach flagged where an officer looks (`certificate show`, the province's digest)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ocop_cycle.db.models import Producer
from ocop_cycle.identity import accounts
from ocop_cycle.mail.sender import send_pending
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.digest import write_digests
from ocop_cycle.services import people
from tests.conftest import World
from tests.flows import TO_148, register, walk
from tests.test_deadlines_workflow import at, delivered


def producers_count(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Producer)) or 0)


def add(cli: Any, *args: str) -> Any:
    return cli(
        "producer", "add", "--type", "household", "--commune", "21427",
        "--actor", "commune1", "--json", *args,
    )


def test_producer_list_and_show_say_whether_mail_reaches_each_producer(
    cli: Any, runtime: Runtime, world: World
) -> None:
    add(cli, "--name", "Hộ kinh doanh Nước mắm Sa Huỳnh")
    listed = cli("producer", "list", "--json").json()
    assert [(p["name"], p["email_status"]) for p in listed] == [
        ("Cơ sở Bánh tráng Thắng Lợi", "ok"),
        ("HTX Nông nghiệp Đức Tân", "ok"),
        ("Hộ kinh doanh Nước mắm Sa Huỳnh", "missing"),
    ]
    missing = cli("producer", "list", "--email-status", "missing", "--json").json()
    assert [p["name"] for p in missing] == ["Hộ kinh doanh Nước mắm Sa Huỳnh"]
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert shown["commune"] == {"code": "21427", "name": "Xã Đức Tân"}
    assert (shown["email"], shown["email_status"], shown["email_error"]) == (
        "htx.ductan@example.vn", "ok", None,
    )
    human = cli("producer", "show", str(world.producer_id)).stdout
    assert "nhận được thư" in human and "Xã Đức Tân" in human
    unknown = cli("producer", "list", "--email-status", "bounced", "--json")
    assert unknown.exit_code == 2 and "ok, undeliverable or missing" in unknown.error()["message"]
    assert cli("producer", "show", "999", "--json").exit_code == 6


def test_adding_a_producer_without_an_email_warns_that_no_reminder_will_reach_it(
    cli: Any, runtime: Runtime, world: World
) -> None:
    result = cli(
        "producer", "add", "--name", "Cơ sở Mạch nha Thi Phổ", "--type", "household",
        "--commune", "21427", "--actor", "commune1",
    )
    assert result.exit_code == 0, result.stderr
    assert "no email address: this producer will receive no reminders" in result.stdout


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("htx.ductan", "must have an @-sign"),
        ("htx@example", "should have a period"),
        ("nguyễn@example.vn", "Internationalized characters"),
        ("htx@ductan.test", "special-use or reserved name"),
    ],
)
def test_an_address_the_mailer_would_refuse_is_refused_at_entry(
    cli: Any, runtime: Runtime, world: World, address: str, reason: str
) -> None:
    before = producers_count(runtime)
    result = add(cli, "--name", "Cơ sở Mạch nha Thi Phổ", "--email", address)
    assert result.exit_code == 2
    assert reason in result.error()["message"]
    assert "Correct the person's email" in result.error()["message"]
    assert producers_count(runtime) == before
    edited = cli(
        "producer", "edit", str(world.producer_id), "--email", address, "--actor", "commune1",
        "--json",
    )
    assert edited.exit_code == 2 and reason in edited.error()["message"]
    shown = cli("producer", "show", str(world.producer_id), "--json").json()
    assert shown["email"] == "htx.ductan@example.vn"


def test_an_address_is_stored_as_the_mailer_sends_to_it(
    cli: Any, runtime: Runtime, world: World
) -> None:
    added = add(cli, "--name", "Cơ sở Mạch nha Thi Phổ", "--email", " ThiPho@Mạchnha.VN ")
    assert added.exit_code == 0, added.stderr
    assert added.json()["email"] == "ThiPho@xn--mchnha-wc8b.vn"  # the domain as IDNA


def test_a_second_producer_of_the_same_name_in_the_commune_is_refused_unless_allowed(
    cli: Any, runtime: Runtime, world: World
) -> None:
    before = producers_count(runtime)
    again = add(cli, "--name", "  htx nông nghiệp  ĐỨC TÂN ")
    assert again.exit_code == 2
    message = again.error()["message"]
    assert f"producer {world.producer_id} (HTX Nông nghiệp Đức Tân) in Xã Đức Tân" in message
    assert "--allow-duplicate" in message
    assert producers_count(runtime) == before
    other_commune = cli(
        "producer", "add", "--name", "HTX Nông nghiệp Đức Tân", "--type", "cooperative",
        "--commune", "21400", "--actor", "commune2", "--json",
    )
    assert other_commune.exit_code == 0, other_commune.stderr
    allowed = add(cli, "--name", "HTX Nông nghiệp Đức Tân", "--allow-duplicate")
    assert allowed.exit_code == 0, allowed.stderr
    assert producers_count(runtime) == before + 2
    renamed = cli(
        "producer", "edit", str(allowed.json()["id"]), "--name", "Cơ sở Bánh tráng Thắng Lợi",
        "--actor", "commune1", "--json",
    )
    assert renamed.exit_code == 0  # that name is in another commune


def test_edit_changes_contact_details_and_needs_an_officer_of_the_commune_or_the_producer(
    cli: Any, runtime: Runtime, world: World
) -> None:
    edited = cli(
        "producer", "edit", str(world.producer_id), "--phone", "0255 3999 000", "--language",
        "en", "--name", "HTX Nông nghiệp Dịch vụ Đức Tân", "--actor", "producer1", "--json",
    )
    assert edited.exit_code == 0, edited.stderr
    view = edited.json()
    assert (view["phone"], view["language"], view["name"]) == (
        "0255 3999 000", "en", "HTX Nông nghiệp Dịch vụ Đức Tân",
    )
    removed = cli(
        "producer", "edit", str(world.producer_id), "--email", "", "--actor", "district1",
        "--json",
    )
    assert removed.json()["email_status"] == "missing"
    denied = cli(
        "producer", "edit", str(world.producer_id), "--phone", "1", "--actor", "commune2", "--json"
    )
    assert denied.exit_code == 3 and "serves unit 21400" in denied.error()["message"]
    other = cli(
        "producer", "edit", str(world.other_producer_id), "--phone", "1", "--actor",
        "producer1", "--json",
    )
    assert other.exit_code == 3
    nothing = cli("producer", "edit", str(world.producer_id), "--actor", "commune1", "--json")
    assert nothing.exit_code == 2 and "nothing to change" in nothing.error()["message"]
    language = cli(
        "producer", "edit", str(world.producer_id), "--language", "fr", "--actor", "commune1",
        "--json",
    )
    assert language.exit_code == 2 and "use vi or en" in language.error()["message"]


def certified_without_email(runtime: Runtime, world: World) -> tuple[int, int]:
    """A 3-star product (district decision of 20/06/2024) of a producer with no email."""
    at(runtime, "2024-07-01T09:00")
    producer_id = people.add_producer(
        runtime, actor="commune1", name="Cơ sở Mạch nha Thi Phổ", type="household",
        commune_code=world.commune,
    ).id
    accounts.add_user(
        runtime, "machnha", actor="admin1", role="producer", producer_id=producer_id
    )
    product_id = register(runtime, producer_id)
    walk(runtime, product_id, [
        (trigger, "machnha" if actor == "producer1" else actor, options)
        for trigger, actor, options in TO_148["certified"]
    ])
    return producer_id, product_id


def test_a_certificate_of_a_producer_without_an_address_is_flagged_where_officers_look(
    cli: Any, runtime: Runtime, world: World
) -> None:
    producer_id, product_id = certified_without_email(runtime, world)
    (certificate,) = [
        c for c in cli("certificate", "list", "--json", as_of="2024-07-01").json()
        if c["product_id"] == product_id
    ]
    shown = cli("certificate", "show", str(certificate["id"]), "--json", as_of="2024-07-01")
    assert shown.json()["producer_email_status"] == "missing"
    human = " ".join(
        cli("certificate", "show", str(certificate["id"]), as_of="2024-07-01").stdout.split()
    )
    assert "the producer has no email address and will get no reminders" in human
    assert f"ocop producer edit {producer_id} --email" in human
    write_digests(runtime)
    send_pending(runtime)
    (digest,) = [
        m for m in delivered(runtime, "deadline_digest")
        if m["To"].addresses[0].addr_spec == "tinh@example.vn"
    ]
    text = digest.get_body(("plain",)).get_content()
    assert (
        f"Chủ thể #{producer_id} Cơ sở Mạch nha Thi Phổ (Xã Đức Tân): đang có giấy chứng nhận "
        "OCOP nhưng chưa có địa chỉ email"
    ) in text
