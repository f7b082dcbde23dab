"""Checking every row of an import file before anything is written.

All problems are counted, not just the first: a province office fixes its spreadsheet
once, with the list (row number, column, reason) in front of it. Each row is checked on
its own here, as the file streams by; the checks across rows (duplicates, one type per
producer) are the staging table's (``staging.py``), so no row is kept in memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ocop_cycle import inputs
from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.scores import StarBand, parse_score, stars_for
from ocop_cycle.domain.vocabulary import Level, ProducerType, ProductGroup
from ocop_cycle.errors import InvalidInput
from ocop_cycle.importing.reader import Sheet
from ocop_cycle.importing.row_errors import ErrorLog, RowError
from ocop_cycle.importing.rule_sets import RuleSet, RuleSetCalendar
from ocop_cycle.localtime import show_date
from ocop_cycle.mail.addresses import address_problem, optional_email

REQUIRED = (
    "product_name",
    "product_group",
    "producer_name",
    "producer_type",
    "stars",
    "decision_number",
    "decision_date",
)
OPTIONAL = (
    "producer_email",
    "producer_phone",
    "commune_code",
    "district_code",
    "score",
    "round_year",
    "issuing_level",
)
COLUMNS = REQUIRED + OPTIONAL
_CODE_WIDTH = {Level.COMMUNE: 5, Level.DISTRICT: 3}
_GROUPS = tuple(member.value for member in ProductGroup)
_PRODUCER_TYPES = tuple(member.value for member in ProducerType)

@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    level: Level
    district_code: str | None
    province_code: str


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid row: a certificate of one product of one producer."""

    row: int
    product_name: str
    product_group: str
    producer_name: str
    producer_type: str
    producer_email: str | None
    producer_phone: str | None
    unit: Unit  # the commune, or the district when only the district is known
    stars: int
    score: Decimal | None
    decision_number: str
    decision_date: date
    round_year: int
    issuing_level: Level
    rule_set: RuleSet

    # Matching keys, computed once: the same name in the same commune is the same
    # producer; product + producer + decision is what makes re-importing harmless.
    producer_key: tuple[str, str]
    product_key: tuple[tuple[str, str], str]
    natural_key: tuple[tuple[tuple[str, str], str], str]


def clean_name(text: str) -> str:
    """NFC and single spaces: Vietnamese text typed on different keyboards compares equal."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def match_key(text: str) -> str:
    return clean_name(text).casefold()


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (how Vietnamese offices write dates), else None."""
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date.fromisoformat(text)
        day, month, year = text.split("/")
        if len(year) == 4 and 1 <= len(day) <= 2 and 1 <= len(month) <= 2:
            return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


def header_errors(sheet: Sheet) -> list[RowError]:
    """Unknown columns are refused by name; missing required ones are named too."""
    if not set(sheet.header) & set(COLUMNS):
        # Not an import file at all (a wrong path): say so without quoting its first line.
        return [RowError(1, "header", "none of the import columns is in the first row; is "
                         f"this the right file? The columns are: {', '.join(COLUMNS)}",
                         reason_vi="dòng đầu tiên không có cột nào của tệp nhập; hãy kiểm tra "
                         f"lại có đúng tệp không. Các cột gồm: {', '.join(COLUMNS)}")]
    errors: list[RowError] = []
    seen: set[str] = set()
    for position, name in enumerate(sheet.header, start=1):
        if not name:
            errors.append(RowError(1, f"#{position}", "this column has no name in the header",
                                   reason_vi="cột này chưa có tên ở dòng tiêu đề"))
            continue
        if name in seen:
            errors.append(RowError(1, name, "column appears twice in the header",
                                   reason_vi="cột bị lặp lại ở dòng tiêu đề"))
        seen.add(name)
        if name not in COLUMNS:
            errors.append(
                RowError(1, name, f"unknown column; allowed columns: {', '.join(COLUMNS)}",
                         reason_vi=f"cột không hợp lệ; các cột được dùng: {', '.join(COLUMNS)}")
            )
    for name in REQUIRED:
        if name not in seen:
            errors.append(RowError(1, name, "required column is missing from the header",
                                   reason_vi="dòng tiêu đề thiếu cột bắt buộc này"))
    if "commune_code" not in seen and "district_code" not in seen:
        errors.append(RowError(1, "commune_code", "the header needs commune_code or district_code",
                               reason_vi="dòng tiêu đề cần có cột commune_code hoặc district_code"))
    return errors


class RowValidator:
    """Turns text rows into ``ImportRow``s, counting every error in ``errors`` on the way."""

    def __init__(
        self,
        units: dict[str, Unit],
        bands: list[StarBand],
        today: date,
        rule_sets: RuleSetCalendar,
        earliest: date,
        errors: ErrorLog,
    ) -> None:
        self.units = units
        self.bands = bands
        self.today = today
        # The programme's first legal date (OCOP_LEGAL_DATES_FROM): earlier is a typo.
        self.earliest = earliest
        self.rule_sets = rule_sets
        self.errors = errors

    def rows(self, sheet: Sheet) -> Iterator[ImportRow]:
        """The rows valid on their own, as the sheet is read."""
        positions = {name: index for index, name in enumerate(sheet.header)}
        width = len(sheet.header)
        for number, cells in sheet.rows():
            if len(cells) > width and any(cells[width:]):
                extra = next(i for i, cell in enumerate(cells[width:], start=width + 1) if cell)
                self._fail(number, f"#{extra}", "a value in a column without a header name",
                           vi="có giá trị ở một cột không có tên trong dòng tiêu đề")
                continue
            values = {
                name: cells[index] if index < len(cells) else ""
                for name, index in positions.items()
            }
            row = self._row(number, values)
            if row is not None:
                yield row

    def _fail(self, row: int, column: str, reason: str, *, vi: str) -> None:
        self.errors.add(RowError(row, column, reason, reason_vi=vi))

    def _row(self, n: int, v: dict[str, str]) -> ImportRow | None:
        before = self.errors.total
        product_name = self._text(n, v, "product_name", 300)
        producer_name = self._text(n, v, "producer_name", 300)
        group = self._choice(n, v, "product_group", _GROUPS)
        producer_type = self._choice(n, v, "producer_type", _PRODUCER_TYPES)
        email = v.get("producer_email", "") or None
        if email is not None:
            problem = address_problem(email.strip())
            if problem is not None:
                self._fail(n, "producer_email", f"{email!r} is not an email address: {problem}",
                           vi=f"{email!r} không phải là địa chỉ email hợp lệ")
            else:
                email = optional_email(email)
        phone = v.get("producer_phone", "") or None
        if phone is not None and len(phone) > 40:
            self._fail(n, "producer_phone", "longer than 40 characters", vi="dài quá 40 ký tự")
        unit = self._unit(n, v)
        stars = self._stars(n, v)
        score = self._score(n, v, stars)
        decision_number = self._text(n, v, "decision_number", 60)
        decision_date = self._date(n, v)
        round_year = self._round_year(n, v, decision_date)
        rule_set = self.rule_sets.on(decision_date) if decision_date else None
        level = self._level(n, v, rule_set, stars)
        if self.errors.total > before:
            return None
        assert unit and stars and decision_date and round_year and rule_set and level
        producer_name = clean_name(producer_name)
        product_name = clean_name(product_name)
        decision_number = clean_name(decision_number)
        producer_key = (producer_name.casefold(), unit.code)
        product_key = (producer_key, product_name.casefold())
        return ImportRow(
            row=n,
            product_name=product_name,
            product_group=group,
            producer_name=producer_name,
            producer_type=producer_type,
            producer_email=email,
            producer_phone=phone,
            unit=unit,
            stars=stars,
            score=score,
            decision_number=decision_number,
            decision_date=decision_date,
            round_year=round_year,
            issuing_level=level,
            rule_set=rule_set,
            producer_key=producer_key,
            product_key=product_key,
            natural_key=(product_key, decision_number.casefold()),
        )

    def _text(self, n: int, v: dict[str, str], column: str, limit: int) -> str:
        text = v.get(column, "")
        if not text:
            self._fail(n, column, "required, but empty", vi="bắt buộc nhưng đang để trống")
        elif len(text) > limit:
            self._fail(n, column, f"longer than {limit} characters", vi=f"dài quá {limit} ký tự")
        else:
            # Line breaks inside a cell become spaces (clean_name); other control
            # characters and direction overrides are refused as at every entry point.
            try:
                inputs.single_line(clean_name(text), column, max_length=limit)
            except InvalidInput as exc:
                self._fail(n, column, exc.message, vi=exc.text("vi"))
        return text

    def _choice(self, n: int, v: dict[str, str], column: str, allowed: tuple[str, ...]) -> str:
        text = v.get(column, "")
        if text not in allowed:
            self._not_one_of(n, column, text, allowed)
        return text

    def _unit(self, n: int, v: dict[str, str]) -> Unit | None:
        commune = self._code(n, v, "commune_code", Level.COMMUNE)
        district = self._code(n, v, "district_code", Level.DISTRICT)
        if commune is None and district is None:
            if not v.get("commune_code") and not v.get("district_code"):
                self._fail(n, "commune_code", "give commune_code or, if unknown, district_code",
                           vi="hãy ghi commune_code, hoặc district_code nếu chưa biết mã xã")
            return None
        if commune is not None and district is not None and commune.district_code != district.code:
            self._fail(
                n,
                "district_code",
                f"commune {commune.code} ({commune.name}) is not in district {district.code} "
                f"({district.name})",
                vi=f"xã {commune.code} ({commune.name}) không thuộc huyện {district.code} "
                f"({district.name})",
            )
            return None
        return commune or district

    def _code(self, n: int, v: dict[str, str], column: str, level: Level) -> Unit | None:
        text = v.get(column, "")
        if not text:
            return None
        # Spreadsheets drop leading zeros from codes typed as numbers: put them back.
        code = text.zfill(_CODE_WIDTH[level]) if text.isdigit() else text
        unit = self.units.get(code)
        if unit is None:
            self._fail(
                n,
                column,
                f"no administrative unit with code {text!r}; load the province with "
                "'ocop units load --province CODE' or correct the code",
                vi=f"không có đơn vị hành chính nào có mã {text!r}; hãy sửa lại mã, hoặc nạp "
                "danh mục đơn vị của tỉnh bằng lệnh 'ocop units load --province CODE'",
            )
            return None
        if unit.level is not level:
            self._fail(
                n,
                column,
                f"{code} ({unit.name}) is a {unit.level.value}, not a {level.value}",
                vi=f"{code} ({unit.name}) là đơn vị {label_of('level', unit.level)}, không phải "
                f"{label_of('level', level)}",
            )
            return None
        return unit

    def _stars(self, n: int, v: dict[str, str]) -> int | None:
        text = v.get("stars", "")
        if text not in ("3", "4", "5"):
            self._fail(n, "stars", f"{text!r} is not 3, 4 or 5 (only 3★ and up are certified)",
                       vi=f"{text!r} không phải là 3, 4 hoặc 5 (chỉ công nhận sản phẩm từ 3 sao "
                       "trở lên)")
            return None
        return int(text)

    def _score(self, n: int, v: dict[str, str], stars: int | None) -> Decimal | None:
        text = v.get("score", "")
        if not text:
            return None
        try:
            score = parse_score(text.replace(",", "."))
        except ValueError as exc:
            self._fail(n, "score", str(exc), vi=f"điểm {text!r} không hợp lệ: phải là một số "
                       "từ 0 đến 100, tối đa hai chữ số thập phân")
            return None
        earned = stars_for(score, self.bands)
        if stars is not None and earned != stars:
            self._fail(n, "score", f"a score of {score} earns {earned}★, not the {stars}★ given",
                       vi=f"điểm {score} đạt {earned} sao, không phải {stars} sao như đã ghi")
        return score

    def _date(self, n: int, v: dict[str, str]) -> date | None:
        text = v.get("decision_date", "")
        parsed = parse_date(text)
        if parsed is None:
            self._fail(n, "decision_date", f"{text!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY",
                       vi=f"{text!r} không phải là ngày: dùng YYYY-MM-DD hoặc DD/MM/YYYY")
        elif parsed > self.today:
            self._fail(n, "decision_date", f"{parsed.isoformat()} is in the future",
                       vi=f"ngày {show_date(parsed)} là ngày trong tương lai")
            return None
        elif parsed < self.earliest:
            self._fail(n, "decision_date", f"{parsed.isoformat()} is before the programme's "
                       f"first accepted date {self.earliest.isoformat()}",
                       vi=f"ngày {show_date(parsed)} trước ngày sớm nhất được chấp nhận của "
                       f"chương trình ({show_date(self.earliest)})")
            return None
        return parsed

    def _round_year(self, n: int, v: dict[str, str], decision_date: date | None) -> int | None:
        text = v.get("round_year", "")
        if decision_date is None:
            return None
        if not text:
            return decision_date.year
        if not (text.isdigit() and len(text) == 4):
            self._fail(n, "round_year", f"{text!r} is not a year such as 2022",
                       vi=f"{text!r} không phải là một năm (ví dụ 2022)")
            return None
        year = int(text)
        # A round's decision is signed in its year or early the next (domain notes §3).
        if year not in (decision_date.year, decision_date.year - 1):
            self._fail(
                n,
                "round_year",
                f"a decision dated {decision_date.isoformat()} closes a round of "
                f"{decision_date.year - 1} or {decision_date.year}, not {year}",
                vi=f"quyết định ngày {show_date(decision_date)} kết thúc kỳ đánh giá năm "
                f"{decision_date.year - 1} hoặc {decision_date.year}, không phải năm {year}",
            )
            return None
        return year

    def _level(
        self, n: int, v: dict[str, str], rule_set: RuleSet | None, stars: int | None
    ) -> Level | None:
        text = v.get("issuing_level", "")
        if rule_set is None or stars is None:
            return None
        if not text:
            return rule_set.certifying_level[stars]
        allowed = [Level.DISTRICT.value, Level.PROVINCE.value, Level.CENTRAL.value]
        if text not in allowed:
            self._not_one_of(n, "issuing_level", text, allowed)
            return None
        level = Level(text)
        if level not in rule_set.levels:
            self._fail(
                n,
                "issuing_level",
                f"no {text} level certified under {rule_set.name} on that decision date",
                vi=f"theo {rule_set.name}, vào ngày quyết định đó {label_of('level', text)} "
                "không công nhận sản phẩm OCOP",
            )
            return None
        return level

    def _not_one_of(self, n: int, column: str, text: str, allowed: Sequence[str]) -> None:
        listed = ", ".join(allowed)
        shown = f"{text!r}" if text else "empty"
        vi = (
            f"{text!r} không phải là một trong các giá trị: {listed}"
            if text
            else f"đang để trống; hãy ghi một trong các giá trị: {listed}"
        )
        self._fail(n, column, f"{shown} is not one of: {listed}", vi=vi)
