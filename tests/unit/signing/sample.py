"""A small signed roster for the signing and reports tests (rare characters included)."""

from __future__ import annotations

from doudi.signing.canonical import Column, ColumnType, Meta, Roster, Section
from doudi.signing.keys import PrivateKey
from doudi.signing.signed import SignedRoster, sign_roster
from doudi.signing.signer import SoftwareSigner

COLUMNS = (
    Column("seq", "序号", ColumnType.INT),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("amount", "月保障金(元)", ColumnType.FEN),
    Column("since", "纳入日期", ColumnType.DATE),
)

ROWS = (
    (1, "张𠮷", "532923196005010012", 37_500, "2019-07-01"),
    (2, "李䶮", "53292319400101002X", 83_205, None),
    (3, "王五", None, 1, "2020-03-15"),
)

META = Meta(
    kind="payment",
    title="月发放名册",
    region_code="532923",
    region_name="祥云县",
    number=3,
    period="2020-03",
    signer="county_civil_532923",
    signer_name="王签发",
    reviewer="county_poverty_532923",
    reviewer_name="赵审核",
    signed_at="2020-03-31T10:00:00+08:00",
)


def roster(rows: tuple[tuple[object, ...], ...] = ROWS, **meta: object) -> Roster:
    import dataclasses

    section = Section("detail", "发放明细", COLUMNS, rows, ("id_number",))  # type: ignore[arg-type]
    return Roster(dataclasses.replace(META, **meta), (section,))  # type: ignore[arg-type]


KEY = PrivateKey.generate()


def signed(rows: tuple[tuple[object, ...], ...] = ROWS, **meta: object) -> SignedRoster:
    return sign_roster(roster(rows, **meta), SoftwareSigner(KEY))
