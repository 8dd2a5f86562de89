"""Issue versions from the CLI, verify the files, reject altered copies, compare versions, check with openssl."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from doudi.registry.models import AuditEvent
from doudi.reports.labels import SIGNATURE_SHEET
from doudi.rosterbook.models import RosterVersion

from .conftest import County, run

pytestmark = pytest.mark.django_db


def issue(tmp_path: Path, *extra: str, kind: str = "payment", signer: str = "civil") -> RosterVersion:
    month = ("--month", "2020-03") if kind != "safety_net" else ()
    result = run(
        "issue",
        kind,
        "--region",
        "532923",
        "--signer",
        signer,
        "--reviewer",
        "poverty",
        "--out",
        str(tmp_path / "out"),
        *month,
        *extra,
    )
    assert result.exit_code == 0, result.output
    return RosterVersion.objects.order_by("-id").first()  # type: ignore[return-value]


def edit_xlsx(path: Path, sheet: str, cell: str, value: object, target: Path) -> Path:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(target)
    return target


def test_issue_numbers_signs_records_and_audits(county: County, tmp_path: Path) -> None:
    first = issue(tmp_path, "--format", "xlsx")
    second = issue(tmp_path, "--format", "xlsx")
    assert (first.number, second.number) == (1, 2)
    assert first.kind == "payment" and first.period == "2020-03" and first.row_count == 4
    assert first.signer == county.signer and first.reviewer == county.reviewer
    assert Path(first.files["xlsx"]["path"]).exists() and "pdf" not in first.files
    assert first.digest != second.digest  # the version number is part of the signed content
    events = AuditEvent.objects.filter(action="export", object_type="rosterbook.rosterversion")
    assert events.count() == 2 and events.first().region_code == "532923"  # type: ignore[union-attr]


def test_verify_accepts_issued_xlsx_and_pdf(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, kind="safety_net")
    for fmt in ("xlsx", "pdf"):
        result = run("verify", version.files[fmt]["path"])
        assert result.exit_code == 0, result.output
        assert "是已签发的 532923 S1兜底保障一批名单 第1版(safety_net/532923/1)" in result.output
        assert "签发人 civil · 审核人 poverty" in result.output and "与签发文件逐字节一致" in result.output


def test_resaved_xlsx_still_verifies_by_content(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx")
    source = Path(version.files["xlsx"]["path"])
    resaved = edit_xlsx(source, SIGNATURE_SHEET, "A1", "格式", tmp_path / "resaved.xlsx")
    result = run("verify", str(resaved))
    assert result.exit_code == 0, result.output
    assert "内容一致(文件曾被重新保存)" in result.output


def test_a_one_character_change_is_rejected_and_shown(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx")
    source = Path(version.files["xlsx"]["path"])
    book = openpyxl.load_workbook(source)
    sheet = book["发放明细"]
    row = next(r for r in range(4, 10) if sheet.cell(r, 5).value == "欧阳娜娜")
    sheet.cell(row, 5).value = "欧阳娜纳"
    book.save(tmp_path / "changed.xlsx")
    result = run("verify", str(tmp_path / "changed.xlsx"))
    assert result.exit_code == 1
    assert "不通过" in result.output and "未登记" in result.output
    assert "与之相比内容已被改动" in result.output
    assert "姓名: 欧阳娜娜 → 欧阳娜纳" in result.output


def test_changed_amount_and_removed_row_are_rejected(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx")
    source = Path(version.files["xlsx"]["path"])
    changed = edit_xlsx(source, "发放明细", "H4", 750.01, tmp_path / "amount.xlsx")
    result = run("verify", str(changed))
    assert result.exit_code == 1 and "低保金(元): 75000 → 75001" in result.output
    book = openpyxl.load_workbook(source)
    book["发放明细"].delete_rows(5)
    book.save(tmp_path / "removed.xlsx")
    result = run("verify", str(tmp_path / "removed.xlsx"))
    assert result.exit_code == 1 and "删除 " in result.output and "不通过" in result.output


def test_a_swapped_signature_is_rejected(county: County, tmp_path: Path) -> None:
    first = issue(tmp_path, "--format", "xlsx")
    second = issue(tmp_path, "--format", "xlsx")
    source = Path(first.files["xlsx"]["path"])
    book = openpyxl.load_workbook(source)
    cell = next(c for c in book[SIGNATURE_SHEET]["C"] if c.value == "signature")
    book[SIGNATURE_SHEET].cell(cell.row, 2).value = second.signature
    book.save(tmp_path / "swapped.xlsx")
    result = run("verify", str(tmp_path / "swapped.xlsx"))
    assert result.exit_code == 1 and "SM2 签名与签发记录不符" in result.output


def test_a_changed_pdf_byte_is_rejected(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "pdf", kind="notice")
    data = Path(version.files["pdf"]["path"]).read_bytes()
    (tmp_path / "changed.pdf").write_bytes(data + b"\n%% appended\n")  # still a readable PDF
    result = run("verify", str(tmp_path / "changed.pdf"))
    assert result.exit_code == 1 and "PDF 文件与签发时的文件不是同一文件" in result.output


def test_an_unsigned_file_is_rejected_with_a_reason(county: County, tmp_path: Path) -> None:
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    result = run("verify", str(tmp_path / "plain.xlsx"))
    assert result.exit_code == 1 and "没有「签章信息」工作表" in result.output


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not installed")
def test_openssl_verifies_the_exported_signature(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx")
    out = tmp_path / "check"
    assert run("verify", version.files["xlsx"]["path"], "--export", str(out)).exit_code == 0
    assert (out / "roster-canonical.json").read_bytes() == version.content_bytes
    assert (out / "roster.sig").read_bytes() == base64.b64decode(version.signature)
    command = [
        "openssl",
        "dgst",
        "-sm3",
        "-verify",
        str(out / "signer.pub.pem"),
        "-sigopt",
        "distid:1234567812345678",
        "-signature",
        str(out / "roster.sig"),
        str(out / "roster-canonical.json"),
    ]
    assert subprocess.run(command, capture_output=True, text=True).stdout.strip() == "Verified OK"
    digest = subprocess.run(
        ["openssl", "sm3", str(out / "roster-canonical.json")], capture_output=True, text=True
    )
    assert digest.stdout.strip().endswith(f"= {version.digest}")


def test_diff_of_two_versions_after_a_registry_change(county: County, tmp_path: Path) -> None:
    first = issue(tmp_path, "--format", "xlsx")
    county.dibao.monthly_amount_fen = 80_000
    county.dibao.save()
    county.tekun.end_date = county.tekun.start_date or __import__("datetime").date(2020, 1, 1)
    county.tekun.save()
    second = issue(tmp_path, "--format", "xlsx")
    result = run("diff", first.reference, second.files["xlsx"]["path"], "--xlsx", str(tmp_path / "diff.xlsx"))
    assert result.exit_code == 0, result.output
    assert "第1版 → 第2版" in result.output
    assert "低保金(元): 75000 → 80000" in result.output
    assert "删除 1 行" in result.output and "欧阳娜娜" in result.output
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "diff.xlsx").read_bytes()))
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "变更" in values and "欧阳娜娜" in values


def test_refusals_say_why(county: County, tmp_path: Path) -> None:
    args = ["--region", "532923", "--out", str(tmp_path), "--format", "xlsx"]
    cases = [
        (["issue", "payment", "--signer", "town", "--month", "2020-03", *args], "不在其管辖范围内"),
        (["issue", "payment", "--signer", "pref", "--month", "2020-03", *args], "含完整身份证号"),
        (["issue", "payment", "--signer", "civil", *args], "须指定月份"),
        (
            ["issue", "payment", "--signer", "civil", "--reviewer", "civil", "--month", "2020-03", *args],
            "不能是同一人",
        ),
        (["issue", "nosuch", "--signer", "civil", *args], "未知的名册类型"),
        (
            ["issue", "payment", "--signer", "poverty", "--month", "2020-03", *args],
            "doudi roster key --user poverty",
        ),
        (["issue", "payment", "--signer", "civil", "--month", "2020-3x", *args], "YYYY-MM"),
    ]
    for argv, message in cases:
        result = run(*argv)
        assert result.exit_code != 0 and message in result.output, (argv, result.output)
    assert not RosterVersion.objects.exists()


def test_prefecture_may_issue_the_masked_notice(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx", kind="notice", signer="pref")
    assert version.signer == county.prefecture and county.tekun.person.id_number not in version.content


def test_content_added_outside_the_signed_rows_is_rejected(county: County, tmp_path: Path) -> None:
    version = issue(tmp_path, "--format", "xlsx")
    source = Path(version.files["xlsx"]["path"])
    book = openpyxl.load_workbook(source)
    sheet = book["发放明细"]
    sheet.cell(sheet.max_row + 3, 5).value = "冒领人"  # a row slipped in below the signature block
    sheet.cell(4, 14).value = "备注"  # and a note beside the first row
    book.save(tmp_path / "added.xlsx")
    result = run("verify", str(tmp_path / "added.xlsx"))
    assert result.exit_code == 1, result.output
    assert "签名范围外的单元格被改动或添加了内容" in result.output
    assert "'' → '冒领人'" in result.output and "第4行第14列: '' → '备注'" in result.output
