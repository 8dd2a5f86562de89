"""Excel exports (xlsxwriter): the payroll for the bank and the early-warning lists. Amounts are written as
integer fen plus a yuan text column (doudi.core.money.yuan), never as floats."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from doudi.core.divisions import UnknownDivision, yunnan
from doudi.core.money import yuan
from doudi.monitor.payroll import Change, PayLine, totals

from .queries import WarningEntry


def _name(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


def _sheet(book: xlsxwriter.Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, row)
    sheet.freeze_panes(1, 0)


def write_payroll(path: Path, month: str, lines: list[PayLine], diff: list[Change]) -> None:
    book = xlsxwriter.Workbook(str(path))
    _sheet(
        book,
        "发放明细",
        ["月份", "村(社区)代码", "户编号", "领取人", "项目", "金额(分)", "金额(元)", "说明"],
        [
            [month, x.village_code, x.household, x.person, x.kind.text, x.amount, yuan(x.amount), x.note]
            for x in lines
        ],
    )
    for title, level in (("乡镇合计", 9), ("县合计", 6)):
        _sheet(
            book,
            title,
            ["区划代码", "名称", "金额(分)", "金额(元)"],
            [[code, _name(code), fen, yuan(fen)] for code, fen in totals(lines, level).items()],
        )
    _sheet(
        book,
        "较上月变动",
        ["户编号", "领取人", "项目", "上月(分)", "本月(分)", "变动(分)", "原因"],
        [[c.household, c.person, c.kind.text, c.before, c.after, c.difference, c.why] for c in diff],
    )
    book.close()


def write_warnings(path: Path, by_village: dict[str, list[WarningEntry]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    rows: list[list[object]] = []
    for village, entries in by_village.items():
        for e in entries:
            for f in e.findings:
                rows.append(
                    [
                        village,
                        _name(village),
                        e.household.household_no or f"household-{e.household.pk}",
                        e.household.head.name if e.household.head else "",
                        f.signal.value,
                        f.why,
                    ]
                )
    _sheet(book, "预警名单", ["村(社区)代码", "村名", "户编号", "户主", "预警类型", "原因及数据"], rows)
    book.close()
