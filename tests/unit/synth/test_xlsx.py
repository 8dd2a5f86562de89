"""The fast row path writes what calamine reads back, escaping and whitespace included."""

from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from doudi.synth.cells import Amount, ExcelNumber
from doudi.synth.sinks import XlsxRoster


def test_fast_rows_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    roster = XlsxRoster(path, ["a", "b", "c", "d", "e", "f"])
    roster.write(
        ["R&D <x> 𠮷", " 53062 ", Amount(37550), date(2020, 7, 1), ExcelNumber(530627199001011234.0), None]
    )
    roster.write(["tab\tend", "", 3, Amount(-5), None, "last"])
    roster.close()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["a", "b", "c", "d", "e", "f"]
    assert rows[1][:4] == ["R&D <x> 𠮷", " 53062 ", 375.5, date(2020, 7, 1)]
    assert abs(rows[1][4] - 530627199001011234.0) < 1e3  # Excel keeps about 15 significant digits
    assert rows[1][5] == ""
    assert rows[2] == ["tab\tend", "", 3.0, -0.05, "", "last"]


def test_title_row_and_column_order(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    roster = XlsxRoster(path, ["a", "b", "c"], title="标题", order=[2, 0, 1])
    roster.write(["1", "2", "3"])
    roster.close()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows == [["标题", "", ""], ["c", "a", "b"], ["3", "1", "2"]]
