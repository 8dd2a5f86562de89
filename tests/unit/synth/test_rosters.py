"""The rosters read back with calamine under the canonical headers, and hold real places and valid IDs."""

from collections import Counter

import pytest

from doudi.core import ids
from doudi.core.divisions import short_name, yunnan
from doudi.core.ids import IdProblem
from doudi.core.rosters import COLUMNS, RosterKind
from doudi.synth.errors import ErrorKind
from tests.unit.synth.conftest import Generated


@pytest.mark.parametrize("kind", list(RosterKind))
def test_xlsx_and_csv_have_the_canonical_headers_and_one_truth_row_per_row(
    county: Generated, kind: RosterKind
) -> None:
    headers = [c.header for c in COLUMNS[kind]]
    sheet = county.sheet(f"{kind.value}.xlsx")
    assert sheet[0] == headers
    assert list(county.table(f"{kind.value}.csv")[0]) == headers
    assert list(county.table(f"{kind.value}.gb18030.csv", encoding="gb18030")[0]) == headers
    truth = [t for t in county.table("truth.csv") if t["roster"] == kind.value]
    assert len(sheet) - 1 == len(truth) == county.summary.rows[kind.value] > 0
    assert [int(t["row"]) for t in truth] == list(range(1, len(truth) + 1))


def test_messy_variant_has_a_merged_title_and_alias_headers_in_another_order(county: Generated) -> None:
    sheet = county.sheet("dibao.messy.xlsx")
    assert "农村低保对象名册" in sheet[0][0]
    assert all(cell == "" for cell in sheet[0][1:])
    aliases = {c.aliases[0] if c.aliases else c.header for c in COLUMNS[RosterKind.DIBAO]}
    assert set(sheet[1]) == aliases
    assert sheet[1] != [c.header for c in COLUMNS[RosterKind.DIBAO]]
    assert len(sheet) - 2 == county.summary.rows["dibao"]


def test_csv_and_xlsx_hold_the_same_text(county: Generated) -> None:
    sheet = county.sheet("poverty.xlsx")
    for row, record in zip(sheet[1:], county.table("poverty.csv"), strict=True):
        assert row[4] == record["姓名"]
        assert row[0:4] == [record[h] for h in ("县(市、区)", "乡(镇)", "行政村", "户编号")]


def _id_cells(generated: Generated) -> list[tuple[dict[str, str], object]]:
    out = []
    for kind, column in (
        (RosterKind.POVERTY, "证件号码"),
        (RosterKind.DIBAO, "身份证号"),
        (RosterKind.TEKUN, "身份证号"),
    ):
        sheet = generated.sheet(f"{kind.value}.xlsx")
        col = sheet[0].index(column)
        truth = [t for t in generated.table("truth.csv") if t["roster"] == kind.value]
        out += [(t, sheet[int(t["row"])][col]) for t in truth]
    return out


def test_every_id_is_valid_unless_an_error_was_planted(noisy: Generated) -> None:
    seen: Counter[str] = Counter()
    for truth, cell in _id_cells(noisy):
        kinds = {ErrorKind(e) for e in truth["errors"].split(";") if e}
        seen.update(k.value for k in kinds)
        if ErrorKind.CHILD_WITHOUT_ID in kinds:
            assert cell == ""
        elif ErrorKind.ID_EXCEL_NUMBER in kinds:
            assert isinstance(cell, float)
            assert ids.problem(cell) is IdProblem.SCIENTIFIC
        elif kinds & {ErrorKind.ID_DIGIT_TYPO, ErrorKind.ID_TRANSPOSITION}:
            assert not ids.is_valid(cell), truth
        else:  # clean, or a format error that normalising repairs
            assert ids.validate(cell) == truth["true_id"], truth
    for kind in ErrorKind:
        assert seen[kind.value] > 0, kind


def test_format_errors_look_like_their_kind(noisy: Generated) -> None:
    for truth, cell in _id_cells(noisy):
        errors = truth["errors"].split(";")
        if "id_15_digit" in errors:
            assert isinstance(cell, str) and len(cell) == 15
        if "id_full_width" in errors:
            assert isinstance(cell, str) and "０" <= cell[0] <= "９"
        if "id_apostrophe" in errors:
            assert isinstance(cell, str) and cell.startswith("'")
        if "id_lowercase_x" in errors:
            assert isinstance(cell, str) and cell.endswith("x")
        if "id_spaces" in errors:
            assert isinstance(cell, str) and " " in cell


def test_csv_writes_an_excel_number_as_excel_prints_it(noisy: Generated) -> None:
    truth = [t for t in noisy.table("truth.csv") if t["roster"] == "poverty"]
    rows = noisy.table("poverty.csv")
    lost = [rows[int(t["row"]) - 1]["证件号码"] for t in truth if "id_excel_number" in t["errors"]]
    assert lost and all("E+17" in cell for cell in lost)
    assert all(ids.problem(cell) is IdProblem.SCIENTIFIC for cell in lost)


def test_villages_are_real_and_written_by_name_or_planted_code(noisy: Generated) -> None:
    gazetteer = yunnan()
    households = {h["household_key"]: h for h in noisy.table("truth_households.csv")}
    for kind in RosterKind:
        truth = [t for t in noisy.table("truth.csv") if t["roster"] == kind.value]
        for t, row in zip(truth, noisy.table(f"{kind.value}.csv"), strict=True):
            village = gazetteer.get(households[t["listed_household_key"]]["village_code"])
            township = gazetteer.get(village.parent_code or "")
            assert village.code.startswith("530627")
            assert row["县(市、区)"] == "镇雄县"
            assert row["乡(镇)"] == short_name(township.name)
            expected = village.code if "village_as_code" in t["errors"] else short_name(village.name)
            assert row["行政村"] == expected
            assert gazetteer.resolve(row["行政村"], township.code, village.level) == village


def test_disability_certificate_is_id_category_grade(county: Generated) -> None:
    certs = [r for r in county.table("poverty.csv") if r["残疾证号"]]
    assert certs
    for row in certs:
        cert = ids.parse_certificate(row["残疾证号"])
        assert row["健康状况"] == "残疾"
        assert 1 <= cert.grade <= 4
