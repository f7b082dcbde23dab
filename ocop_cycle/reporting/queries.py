"""The report's figures, aggregated by the database (GROUP BY), never row by row here.

One statement carries the core counts. For every product it picks the latest certificate
of a round up to the report's year (window function); a round belongs to its programme
year (``round_year``) even when its decision was signed the next year. Because rounds are
ordered by year first, that latest certificate belongs to the report's year exactly when
the product was certified in one of the year's rounds, so the year's figures and the
cumulative ones come out of the same pass. A revoked latest certificate counts nowhere.
The statement returns a few hundred grouped rows (locality × producer type × stars); the
Python below only adds those up, so its cost does not grow with the certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from ocop_cycle.db.models import AdminUnit, Certificate, Producer, Product
from ocop_cycle.domain.validity import add_months

STARS = (3, 4, 5)
PRODUCER_TYPES = ("enterprise", "cooperative", "cooperative_group", "household")


@dataclass
class Counts:
    """Products by stars, by producer type and by locality; producers by type."""

    by_stars: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STARS, 0))
    by_unit: dict[str, int] = field(default_factory=dict)
    products_by_type: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(PRODUCER_TYPES, 0)
    )
    producers_by_type: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(PRODUCER_TYPES, 0)
    )

    @property
    def products(self) -> int:
        return sum(self.by_stars.values())

    @property
    def producers(self) -> int:
        return sum(self.producers_by_type.values())


@dataclass
class Pipeline:
    expiring_next_12_months: int
    renewed_in_year: int
    due_in_year: int
    kept_alive_in_year: int

    @property
    def kept_alive_share(self) -> float | None:
        return None if self.due_in_year == 0 else self.kept_alive_in_year / self.due_in_year


@dataclass
class Unit:
    code: str
    name: str


def core_counts(
    session: Session, year: int, province: str, by_district: bool
) -> tuple[Counts, Counts]:
    """(the year's counts, the cumulative counts up to the end of the year).

    One statement: the latest certificates are summed per (locality, producer), then per
    (locality, producer type), where each producer is one row. A producer's products all
    sit in the producer's own commune, so a producer falls in exactly one group and the
    groups' producer counts add up without counting anyone twice.
    """
    locality = Product.district_code if by_district else Product.commune_code
    ranked = (
        select(
            Certificate.producer_id,
            Certificate.stars,
            Certificate.status,
            Certificate.round_year,
            locality.label("locality"),
            func.row_number()
            .over(
                partition_by=Certificate.product_id,
                order_by=(
                    Certificate.round_year.desc(),
                    Certificate.decision_date.desc(),
                    Certificate.id.desc(),
                ),
            )
            .label("rank"),
        )
        .join(Product, Product.id == Certificate.product_id)
        .where(Certificate.round_year <= year, Product.province_code == province)
        .subquery("ranked")
    )
    in_year = ranked.c.round_year == year
    # First per (locality, producer): star counts, and whether any product is the year's.
    per_producer_columns = [
        ranked.c.locality,
        ranked.c.producer_id,
        func.max(case((in_year, 1), else_=0)).label("in_year"),
    ]
    for stars in STARS:
        is_stars = ranked.c.stars == stars
        per_producer_columns.append(func.sum(case((is_stars, 1), else_=0)).label(f"all_{stars}"))
        per_producer_columns.append(
            func.sum(case((and_(in_year, is_stars), 1), else_=0)).label(f"year_{stars}")
        )
    per_producer = (
        select(*per_producer_columns)
        .where(ranked.c.rank == 1, ranked.c.status != "revoked")
        .group_by(ranked.c.locality, ranked.c.producer_id)
        .subquery("per_producer")
    )
    # Then per (locality, producer type): a few dozen rows, producers counted once each.
    columns = [
        per_producer.c.locality,
        Producer.type,
        func.count(),
        func.sum(per_producer.c.in_year),
    ]
    for stars in STARS:
        columns.append(func.sum(per_producer.c[f"all_{stars}"]))
        columns.append(func.sum(per_producer.c[f"year_{stars}"]))
    statement = (
        select(*columns)
        .join(Producer, Producer.id == per_producer.c.producer_id)
        .group_by(per_producer.c.locality, Producer.type)
    )
    year_counts, cumulative = Counts(), Counts()
    for unit, kind, *numbers in session.execute(statement):
        # SUM comes back as Decimal on PostgreSQL: the counts are whole numbers.
        producers, year_producers, *by_stars = (int(n or 0) for n in numbers)
        cumulative.producers_by_type[kind] += producers
        year_counts.producers_by_type[kind] += year_producers
        for index, stars in enumerate(STARS):
            for counts, n in (
                (cumulative, by_stars[2 * index]),
                (year_counts, by_stars[2 * index + 1]),
            ):
                counts.by_stars[stars] += n
                counts.products_by_type[kind] += n
                if unit is not None and n:
                    counts.by_unit[unit] = counts.by_unit.get(unit, 0) + n
    return year_counts, cumulative


def pipeline(session: Session, year: int, province: str, as_of: date) -> Pipeline:
    """Certificates expiring in the next 12 months, renewals in the year, and the share of
    certificates due to expire in the year whose product got a newer certificate."""
    in_province = Product.province_code == province
    alive = Certificate.status.notin_(("revoked", "superseded"))
    expiring = session.scalar(
        select(func.count())
        .select_from(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .where(
            in_province,
            alive,
            Certificate.valid_from <= as_of,
            Certificate.expires_on > as_of,
            Certificate.expires_on <= add_months(as_of, 12),
        )
    )
    earlier = aliased(Certificate)
    renewed = session.scalar(
        select(func.count(Certificate.product_id.distinct()))
        .join(Product, Product.id == Certificate.product_id)
        .where(
            in_province,
            Certificate.round_year == year,
            Certificate.status != "revoked",
            exists().where(earlier.product_id == Certificate.product_id, earlier.round_year < year),
        )
    )
    # Kept alive: succeeded by a certificate decided no later than its expiry, so the
    # product never lapsed. A renewal decided after expiry leaves a gap: not kept.
    successor = aliased(Certificate)
    due, kept = session.execute(
        select(func.count(), func.count(successor.id))
        .select_from(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .outerjoin(
            successor,
            and_(
                successor.id == Certificate.superseded_by_id,
                successor.decision_date <= Certificate.expires_on,
            ),
        )
        .where(
            in_province,
            Certificate.status != "revoked",
            Certificate.expires_on >= date(year, 1, 1),
            Certificate.expires_on <= date(year, 12, 31),
        )
    ).one()
    return Pipeline(int(expiring or 0), int(renewed or 0), int(due), int(kept))


def localities(session: Session, province: str, by_district: bool) -> list[Unit]:
    """The province's district-level units (148 rules) or its communes (two-tier rules)."""
    if by_district:
        statement = select(AdminUnit.code, AdminUnit.name).where(
            AdminUnit.parent_code == province, AdminUnit.level == "district"
        )
    else:
        district = aliased(AdminUnit)
        statement = select(AdminUnit.code, AdminUnit.name).where(
            AdminUnit.level == "commune",
            or_(
                AdminUnit.parent_code == province,
                AdminUnit.parent_code.in_(
                    select(district.code).where(
                        and_(district.parent_code == province, district.level == "district")
                    )
                ),
            ),
        )
    return [Unit(code, name) for code, name in session.execute(statement.order_by(AdminUnit.code))]


def has_districts(session: Session, province: str) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(AdminUnit)
            .where(AdminUnit.parent_code == province, AdminUnit.level == "district")
        )
    )
