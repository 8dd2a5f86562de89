"""The monthly report (一月一分析): `doudi report monthly` gathers a county's month, issues it as a signed
version with charts (PDF and Excel), and `doudi roster verify` accepts the files and rejects altered copies."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pypdf
import pytest
from click.testing import CliRunner, Result

from doudi.casework.models import Case
from doudi.rosterbook import keystore, kinds
from doudi.rosterbook.models import RosterVersion
from doudi.rosterbook.report_commands import report
from tests import factories as f
from tests.functional.casework.helpers import County, marked_household

from .conftest import run

pytestmark = pytest.mark.django_db


def run_report(*args: str) -> Result:
    return CliRunner().invoke(report, list(args), catch_exceptions=False)


@pytest.fixture
def campaign(keys: Path) -> County:
    county = County()
    done, refused, late = marked_household(), marked_household(), marked_household()
    a, b, _ = county.open(done, refused, late)
    county.to_approved(a, benefit=45_000)
    county.to_not_eligible(b)
    f.create_dibao_enrolment(
        monthly_amount_fen=30_000, start_date=date(2020, 12, 1)
    )  # a fourth card household
    f.create_payment(late, amount_fen=100_000, paid_on=date(2020, 12, 10))
    keystore.generate(county.civil.username)
    county.households = (done, refused, late)  # type: ignore[attr-defined]
    return county


def _section(sections, key: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    (section,) = [s for s in sections if s.key == key]
    keys = [c.key for c in section.columns]
    return [dict(zip(keys, row, strict=True)) for row in section.rows]


def test_the_report_says_progress_lateness_coverage_and_funds(campaign: County) -> None:
    sections = kinds.get("monthly").build(campaign.civil, "532923", date(2020, 12, 1))
    summary = {r["item"]: r for r in _section(sections, "summary")}
    assert summary["建档立卡户"]["count"] == 4  # three marked, one more in dibao
    assert summary["兜底保障行动个案"]["count"] == 3
    assert summary["本月新纳入低保(户)"]["count"] == 1
    assert summary["临时救助"]["count"] == 1 and summary["临时救助"]["amount"] == 100_000
    assert summary["本月发放资金"]["amount"] == 45_000 + 30_000 + 100_000
    progress = _section(sections, "progress")
    assert [r["step"] for r in progress] == ["S1", "S2", "S3", "S4", "S5"]
    late = _section(sections, "late")
    pending = Case.objects.get(household=campaign.households[2])  # type: ignore[attr-defined]
    assert late and all(r["days_late"] > 0 for r in late)  # type: ignore[operator]
    assert pending.household.household_no in {r["household_no"] for r in late}
    assert all("*" in str(r["head"]) and r["responsible"] != "—" for r in late)
    townships = _section(sections, "townships")
    assert townships[-1]["township"] == "合计" and townships[-1]["cases"] == 3
    assert townships[-1]["paid"] == 175_000
    funds = {r["kind"]: r for r in _section(sections, "funds")}
    assert funds["低保金"]["amount"] == 75_000 and funds["合计"]["amount"] == 175_000


def test_report_command_issues_signed_pdf_and_excel_with_charts(campaign: County, tmp_path: Path) -> None:
    args = ["monthly", "--county", "532923", "--month", "2020-12", "--signer", campaign.civil.username]
    result = run_report(*args, "--reviewer", campaign.poverty.username, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    version = RosterVersion.objects.get(kind="monthly")
    assert (version.number, version.period, version.region_code) == (1, "2020-12", "532923")
    pdf_path, xlsx_path = Path(version.files["pdf"]["path"]), Path(version.files["xlsx"]["path"])

    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf_path).pages)
    assert "兜底保障工作月度分析报告 第1版" in text
    for chart_title in ("各步骤在办与逾期个案", "分乡镇个案办理情况", "本月资金发放构成"):
        assert chart_title in text  # the SVG charts' text is real text in the PDF
    assert "五、逾期问责清单" in text and "签发人(签章)" in text

    with zipfile.ZipFile(xlsx_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(archive.read(n).decode("utf-8") for n in charts)
    assert len(charts) == 4 and "分乡镇本月发放资金" in xml
    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    assert "三、分乡镇情况" in book.sheetnames

    for path in (pdf_path, xlsx_path):
        verified = run("verify", str(path))
        assert verified.exit_code == 0, verified.output
        assert "通过" in verified.output and "monthly/532923/1" in verified.output


def test_an_altered_report_is_rejected_and_versions_compare(campaign: County, tmp_path: Path) -> None:
    args = ["monthly", "--county", "532923", "--month", "2020-12", "--signer", campaign.civil.username]
    assert run_report(*args, "--out", str(tmp_path), "--format", "xlsx").exit_code == 0
    version = RosterVersion.objects.get(kind="monthly")
    book = openpyxl.load_workbook(version.files["xlsx"]["path"])
    sheet = book["四、资金发放"]
    sheet["C4"] = 999  # 低保金 amount
    altered = tmp_path / "altered.xlsx"
    book.save(altered)
    rejected = run("verify", str(altered))
    assert rejected.exit_code == 1 and "不通过" in rejected.output
    assert "金额(元): 75000 → 99900" in rejected.output

    f.create_payment(campaign.households[0], amount_fen=20_000, paid_on=date(2020, 12, 20))  # type: ignore[attr-defined]
    assert run_report(*args, "--out", str(tmp_path), "--format", "xlsx").exit_code == 0
    compared = run("diff", "monthly/532923/1", "monthly/532923/2")
    assert compared.exit_code == 0
    assert "~ 临时救助金 金额(元): 100000 → 120000" in compared.output


def test_a_township_signer_cannot_issue_the_county_report(campaign: County, tmp_path: Path) -> None:
    keystore.generate(campaign.township.username)
    args = ["monthly", "--county", "532923", "--month", "2020-12", "--signer", campaign.township.username]
    result = CliRunner().invoke(report, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 1 and "无权签发" in result.output
    assert not RosterVersion.objects.exists()


def test_the_report_of_a_month_without_a_campaign_still_issues(keys: Path, tmp_path: Path) -> None:
    user = f.create_user("county_civil", f.COUNTY, username="civil")
    keystore.generate("civil")
    args = ["monthly", "--county", "532923", "--month", "2021-01", "--signer", "civil"]
    result = run_report(*args, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    content = RosterVersion.objects.get(kind="monthly").content
    assert "本地区尚未启动兜底保障行动" in content and user.username == "civil"
