"""Feeds in the database: import with no loss, authorisation and its audited override, the check run that
opens review cases through the casework write path, near-relative filings, and the CLI."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doudi.casework import actions
from doudi.casework.models import Case, CaseEvent
from doudi.cli import main
from doudi.evidence.feeds import FEEDS, FeedKind
from doudi.feeds import authorisation, conflicts
from doudi.feeds.checking import run_checks
from doudi.feeds.demo import run_feeds
from doudi.feeds.imports import import_feed, import_folder
from doudi.feeds.models import FeedBatch, FeedRecord, Finding, FindingStatus
from doudi.registry.models import AuditEvent, DibaoMember
from tests.factories import (
    COUNTY,
    VILLAGE,
    create_dibao_enrolment,
    create_household,
    create_member,
    create_person,
    create_poverty_registration,
    create_user,
)

pytestmark = pytest.mark.django_db
ON = date(2020, 7, 1)


def write_feed(folder: Path, kind: FeedKind, rows: list[dict[str, Any]]) -> Path:
    spec = FEEDS[kind]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.label}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in spec.columns])
        for row in rows:
            writer.writerow([row.get(c.key, "") for c in spec.columns])
    return path


def covered_household(members: int = 1) -> Any:
    household = create_household()
    create_poverty_registration(household)
    enrolment = create_dibao_enrolment(household)
    for _ in range(members):
        person = create_member(household)
        DibaoMember.objects.create(enrolment=enrolment, person=person)
    return household


def payroll(person: Any) -> dict[str, Any]:
    return {"id_number": person.id_number, "name": person.name, "employer": "县教育局", "monthly": "6500"}


def test_import_keeps_every_row_and_links_by_cleaned_id(tmp_path: Path) -> None:
    person = create_person()
    rows = [
        {"id_number": f"'{person.id_number} ", "name": "张三", "died_on": "2020-03-01"},
        {"id_number": "5.30627E+17", "name": "李四", "died_on": "2020-03-01"},
        {"id_number": person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1"), "name": "王五", "died_on": "2020/3/1"},
        {"id_number": person.id_number, "name": "赵六", "died_on": "三月"},
    ]  # fmt: skip
    path = write_feed(tmp_path, FeedKind.DEATHS, rows)
    result = import_feed(path, FeedKind.DEATHS, today=ON)
    batch = result.batch
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected, batch.rows_linked) == (4, 2, 2, 1)
    assert FeedRecord.objects.filter(batch=batch).count() == 2
    assert FeedRecord.objects.get(batch=batch, row=2).person == person
    assert FeedRecord.objects.get(batch=batch, row=4).id_valid is False
    lines = result.lines
    assert any(line.startswith(f"{path.name} 第3行 “公民身份号码”列") for line in lines)
    assert any("第5行 “死亡日期”列" in line and "请写成" in line for line in lines)
    again = import_feed(path, FeedKind.DEATHS, today=ON)
    assert again.already_imported and FeedBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action="feeds.import").count() == 1


def test_economic_feeds_need_an_authorisation_or_an_audited_override(tmp_path: Path) -> None:
    household = covered_household()
    civil = create_user("county_civil")
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(household.head)])
    import_folder(tmp_path, civil, ON)
    report = run_checks(civil, COUNTY, ON)
    assert report.unauthorised == 1 and not Finding.objects.exists()
    with pytest.raises(authorisation.AuthorisationError):
        authorisation.override(create_user("village"), household, "户主外出务工, 经乡镇审核", ON)
    with pytest.raises(authorisation.AuthorisationError):
        authorisation.override(civil, household, "", ON)
    authorisation.override(civil, household, "户主外出务工无法签字, 经乡镇审核", ON)
    assert AuditEvent.objects.filter(
        action="feeds.authorisation_override", object_id=str(household.pk)
    ).exists()
    run_checks(civil, COUNTY, ON)
    found = Finding.objects.get()
    assert (found.code, found.person, found.village_code) == ("INT_PUBLIC_EMPLOYEE", household.head, VILLAGE)
    assert found.evidence["单位"] == "县教育局"


def test_findings_open_review_cases_and_priority_groups_new_s2_cases(tmp_path: Path) -> None:
    civil = create_user("county_civil")
    campaign = actions.create_campaign(civil, 2020, COUNTY)
    covered = covered_household()
    authorisation.record_signed(civil, covered, date(2020, 1, 1))
    card = create_household()
    create_poverty_registration(card)
    child = create_member(card, "之子", labor_capacity="none")
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(covered.head)])
    write_feed(tmp_path, FeedKind.DISABILITY, [
        {"id_number": child.id_number, "name": child.name, "certificate": child.id_number + "51", "category": "智力", "grade": "1"},
    ])  # fmt: skip
    import_folder(tmp_path, civil, ON)
    report = run_checks(civil, COUNTY, ON)
    assert dict(report.found) == {"INT_PUBLIC_EMPLOYEE": 1, "PRI_SEVERE_DISABILITY": 1}
    assert report.cases_opened == 2
    case = Case.objects.get(campaign=campaign, household=card)
    assert case.assessment_reasons == ["PRI_SEVERE_DISABILITY"]
    assert CaseEvent.objects.filter(case=case, transition="open").exists()
    finding = Finding.objects.get(code="PRI_SEVERE_DISABILITY")
    assert finding.case == case and finding.status == FindingStatus.CASE
    assert finding.evidence["等级"] == "1级"
    again = run_checks(civil, COUNTY, ON)
    assert again.new_findings == 0 and again.cases_opened == 0
    assert Finding.objects.count() == 2


def test_a_filed_near_relative_is_not_flagged_and_the_official_cannot_act(tmp_path: Path) -> None:
    civil = create_user("county_civil")
    official_user = create_user("village")
    campaign = actions.create_campaign(civil, 2020, COUNTY)
    household = covered_household()
    authorisation.record_signed(civil, household, date(2020, 1, 1))
    official = create_person(name="李主任")
    write_feed(tmp_path, FeedKind.HUKOU, [
        {"id_number": p.id_number, "name": p.name, "hukou_no": "HK9", "county": COUNTY}
        for p in (household.head, official)
    ])  # fmt: skip
    write_feed(tmp_path, FeedKind.OFFICIALS, [
        {"id_number": official.id_number, "name": official.name, "role": "村委会主任", "village": VILLAGE}
    ])  # fmt: skip
    import_folder(tmp_path, civil, ON)
    assert dict(run_checks(civil, COUNTY, ON).found) == {"INT_RELATIVE_UNFILED": 1}
    Finding.objects.all().delete()
    conflicts.record_filing(civil, campaign, official_id_number=official.id_number, official_name=official.name,
                            official_role="村委会主任", relative=household.head, relation="父子", filed_on=ON,
                            official_user=official_user)  # fmt: skip
    assert dict(run_checks(civil, COUNTY, ON).found) == {}
    case = Case.objects.get(campaign=campaign, household=household)
    with pytest.raises(conflicts.ConflictOfInterest, match="回避"):
        conflicts.check_may_act(official_user, case)
    conflicts.check_may_act(civil, case)
    with pytest.raises(actions.CaseworkError, match="回避") as refused:
        actions.take(official_user, case.pk, "verify", {}, ON)
    assert refused.value.kind == "forbidden"
    assert AuditEvent.objects.filter(action="feeds.relative_filing").exists()


def test_cli_imports_a_synthetic_county_and_checks_it(tmp_path: Path) -> None:
    from doudi.registry.imports import import_roster

    runner = CliRunner()
    out = tmp_path / "county"
    result = runner.invoke(
        main, ["synth", "--persons", "150", "--out", str(out), "--quiet", "--format", "csv", "--feeds"]
    )
    assert result.exit_code == 0, result.output
    for kind in ("poverty", "dibao", "tekun"):
        import_roster(out / f"{kind}.csv", kind, errors_path=tmp_path / f"{kind}.xlsx")
    civil = create_user("county_civil", scope="530627", username="county_civil_530627")
    result = runner.invoke(
        main, ["feeds", "import", str(out / "feeds"), "--user", "county_civil_530627", "--on", "2020-07-01"]
    )
    assert result.exit_code == 0, result.output
    assert "户籍人口信息.csv(户籍人口信息): 导入完成" in result.output
    assert "记录授权" in result.output
    for batch in FeedBatch.objects.all():
        assert batch.rows_read == batch.rows_accepted + batch.rows_rejected
    result = runner.invoke(
        main, ["feeds", "check", "--county", "530627", "--user", "county_civil_530627", "--on", "2020-07-01"]
    )
    assert result.exit_code == 0, result.output
    assert "INT_PAID_AFTER_DEATH" in result.output
    assert "还没有兜底保障行动" in result.output
    assert Finding.objects.filter(code="INT_PAID_AFTER_DEATH").exists()
    assert not Finding.objects.exclude(case=None).exists()
    campaign = actions.create_campaign(civil, 2020, "530627")
    lines: list[str] = []
    run_feeds(out, "530627", 1, lines.append)  # the demo step: writes xlsx feeds, imports them, opens cases
    assert "新立案" in lines[0]
    assert FeedBatch.objects.values("kind").distinct().count() == len(FEEDS)
    assert Case.objects.filter(campaign=campaign).exists()
    assert not Finding.objects.filter(case=None).exists()


def test_the_authorisation_register_covers_every_household_of_the_signer(tmp_path: Path) -> None:
    card = create_household()
    civil_record = create_household(origin="civil", head=card.head)  # the same family on the dibao roll
    register = tmp_path / "家庭经济状况核对授权.csv"
    register.write_text(
        f"公民身份号码,姓名,签署日期\n{card.head.id_number},户主,2020-01-05\n{card.head.id_number[:-2]}00,某某,2020-01-05\n",
        encoding="utf-8",
    )
    from doudi.feeds.imports import import_authorisations

    result = import_authorisations(register, create_user("county_civil"), ON)
    assert (result.rows_read, result.recorded) == (2, 1)
    assert authorisation.is_authorised(card) and authorisation.is_authorised(civil_record)
    assert any("第3行" in line and "公民身份号码" in line for line in result.problems)
    assert AuditEvent.objects.filter(action="feeds.authorisation_import").exists()


def test_cli_records_a_near_relative_filing() -> None:
    civil = create_user("county_civil", username="civil-filing")
    official = create_user("village", username="official-filing")
    actions.create_campaign(civil, 2020, COUNTY)
    household = covered_household()
    relative = household.head
    args = ["feeds", "file-relative", "--county", COUNTY, "--year", "2020", "--user", "civil-filing",
            "--official-id", relative.id_number[:-4] + "0000", "--official-name", "李主任", "--role", "村委会主任",
            "--relative-id", relative.id_number, "--relation", "父子", "--on", "2020-04-01"]  # fmt: skip
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code != 0 and "--official-id" in refused.output
    good = create_person().id_number
    args[args.index("--official-id") + 1] = good
    result = CliRunner().invoke(main, [*args, "--official-login", "official-filing"])
    assert result.exit_code == 0, result.output
    assert "已备案" in result.output
    case = actions.open_cases(civil, actions.Campaign.objects.get(), [actions.CaseInput(household.pk)], ON)
    assert case.created == 1
    with pytest.raises(conflicts.ConflictOfInterest):
        conflicts.check_may_act(official, Case.objects.get(household=household))


def test_a_tekun_person_without_a_household_is_checked_alone(tmp_path: Path) -> None:
    from tests.factories import create_tekun_enrolment

    civil = create_user("county_civil")
    tekun = create_tekun_enrolment().person
    write_feed(
        tmp_path,
        FeedKind.DEATHS,
        [{"id_number": tekun.id_number, "name": tekun.name, "died_on": "2020-03-02"}],
    )
    write_feed(tmp_path, FeedKind.PAYMENTS, [
        {"id_number": tekun.id_number, "name": tekun.name, "program": "特困", "month": "2020-05", "amount": "832", "paid_on": "2020-05-10"}
    ])  # fmt: skip
    import_folder(tmp_path, civil, ON)
    report = run_checks(civil, COUNTY, ON)
    assert dict(report.found) == {"INT_PAID_AFTER_DEATH": 1}
    finding = Finding.objects.get()
    assert finding.household is None and finding.person == tekun and finding.village_code == VILLAGE
    assert run_checks(civil, COUNTY, ON).new_findings == 0
    from django.test import Client

    client = Client()
    client.force_login(civil)
    page = client.get("/evidence/integrity/").content.decode()
    assert "特困人员(无家庭户)" in page and "死亡后仍发放保障金" in page
