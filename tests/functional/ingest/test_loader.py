"""The roster loader on a real database (SQLite or PostgreSQL): batches, idempotence, new versions, crashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from doudi.cli import main
from doudi.registry import imports
from doudi.registry.models import (
    AuditEvent,
    BatchStatus,
    DibaoEnrolment,
    DibaoMember,
    Household,
    ImportBatch,
    Membership,
    Person,
    PovertyRegistration,
    TekunEnrolment,
)
from tests.unit.ingest.rosters import (
    DIBAO_HEADERS,
    POVERTY_HEADERS,
    TEKUN_HEADERS,
    household,
    pid,
    poverty_row,
    write_xlsx,
)

pytestmark = pytest.mark.django_db
NAME = POVERTY_HEADERS.index("姓名")
INCOME = POVERTY_HEADERS.index("家庭年人均纯收入")


def _poverty(tmp_path: Path, name: str = "v1.xlsx", *, rows: list[list[object]] | None = None) -> Path:
    rows = (
        rows
        if rows is not None
        else [*household("5306230000000001", 101, 3), *household("5306230000000002", 201, 2)]
    )
    return write_xlsx(tmp_path / name, [POVERTY_HEADERS, *rows])


def _counts() -> tuple[int, ...]:
    return (
        ImportBatch.objects.count(),
        Person.objects.count(),
        Household.objects.count(),
        Membership.objects.count(),
        PovertyRegistration.objects.count(),
        Person.history.count(),
    )


def test_poverty_roster_loads_with_batch_and_history(tmp_path: Path) -> None:
    rows = [*household("5306230000000001", 101, 3), poverty_row("5306230000000002", "𠮷䶮", pid(1971, 201))]
    rows.append(poverty_row("5306230000000002", "小𠮷", "", "之女"))  # a child without an ID yet
    result = imports.import_roster(_poverty(tmp_path, rows=rows), "poverty", errors_path=tmp_path / "e.xlsx")
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.already_imported) == (
        5,
        5,
        0,
        False,
    )
    batch = result.batch
    assert batch.status == BatchStatus.COMPLETE and batch.region_code == "530623" and len(batch.sha256) == 64
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (5, 5, 0)
    assert _counts() == (1, 5, 2, 5, 2, 0)
    card = Household.objects.get(household_no="5306230000000002")
    assert card.head is not None and card.head.name == "𠮷䶮"  # outside the BMP, byte for byte
    assert Person.objects.get(name="小𠮷").id_number is None
    registration = PovertyRegistration.objects.get(household=card)
    assert registration.income_per_capita_fen == 520050 and registration.safety_net_mark is True
    assert {p.source_batch_id for p in Person.objects.all()} == {batch.pk}
    assert Person.history.count() == 0  # the batch is the provenance until a record first changes
    assert AuditEvent.objects.filter(action="import", object_id=str(batch.pk)).exists()


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = _poverty(tmp_path)
    first = imports.import_roster(path, "poverty")
    before = _counts()
    again = imports.import_roster(path, "poverty")
    assert again.already_imported and again.batch.pk == first.batch.pk
    assert _counts() == before


def test_new_version_applies_changes_and_flags_the_missing(tmp_path: Path) -> None:
    rows = [*household("5306230000000001", 101, 3), *household("5306230000000002", 201, 2)]
    first = imports.import_roster(_poverty(tmp_path, rows=rows), "poverty")
    gone = Person.objects.get(id_number=rows[2][POVERTY_HEADERS.index("证件号码")])
    changed = [list(r) for r in rows[:2] + rows[3:]]
    changed[0][NAME] = "改名后"
    changed[0][INCOME] = "6000"
    second = imports.import_roster(_poverty(tmp_path, "v2.xlsx", rows=changed), "poverty")
    assert not second.already_imported and second.batch.supersedes_id == first.batch.pk
    assert second.flagged_missing == 1
    flag = AuditEvent.objects.get(action=imports.MISSING_ACTION)
    assert flag.object_id == str(gone.pk) and flag.detail["batch"] == second.batch.pk
    assert Person.objects.filter(pk=gone.pk).exists()  # never deleted
    assert Membership.objects.get(person=gone).valid_to is None
    head = Person.objects.get(id_number=pid(1970, 101))
    assert head.name == "改名后" and head.source_batch_id == second.batch.pk
    states = list(head.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.name) for h in states] == [("+", "户主01"), ("~", "改名后")]
    assert states[0].history_date == first.batch.started_at  # as its batch created it
    assert states[0].source_batch_id == first.batch.pk
    registration = PovertyRegistration.objects.get(household_no="5306230000000001")
    assert registration.income_per_capita_fen == 600000
    assert registration.history.filter(history_type="~").count() == 1
    assert Person.objects.count() == 5


def test_a_crash_in_the_middle_leaves_nothing_and_a_rerun_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _poverty(tmp_path)
    real = imports._load_chunk
    calls: list[int] = []

    def crash_on_second(*args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "CHUNK_HOUSEHOLDS", 1)
    monkeypatch.setattr(imports, "_load_chunk", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        imports.import_roster(path, "poverty")
    assert _counts() == (0, 0, 0, 0, 0, 0)
    monkeypatch.setattr(imports, "_load_chunk", real)
    result = imports.import_roster(path, "poverty")
    assert result.batch.status == BatchStatus.COMPLETE and _counts() == (1, 5, 2, 5, 2, 0)


def test_rejected_rows_go_to_the_error_workbook(tmp_path: Path) -> None:
    rows = household("5306230000000001", 101, 3)
    rows[1][POVERTY_HEADERS.index("证件号码")] = 5.30623e17
    result = imports.import_roster(
        _poverty(tmp_path, rows=rows), "poverty", errors_path=tmp_path / "err.xlsx"
    )
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    assert result.error_workbook == tmp_path / "err.xlsx" and result.error_workbook.exists()
    assert result.batch.error_workbook == str(tmp_path / "err.xlsx")


def _dibao_row(head: str, number: str, name: str, relation: str, single: str = "否") -> list[object]:
    values = {"县(市、区)": "盐津县", "乡(镇)": "盐井镇", "行政村": "水井社区", "户主姓名": "户主甲", "户主身份证号": head,
              "姓名": name, "身份证号": number, "与户主关系": relation, "保障人口": "", "保障类别": "B类",
              "月保障金": "900", "纳入时间": "2021-05-01", "单人户": single, "建档立卡": "否"}  # fmt: skip
    return [values[h] for h in DIBAO_HEADERS]


def test_dibao_roll_makes_civil_households_and_enrolments(tmp_path: Path) -> None:
    head, other = pid(1960, 101), pid(1955, 301)
    rows = [
        _dibao_row(head, head, "户主甲", "户主"),
        _dibao_row(head, pid(1990, 103), "子乙", "之子"),
        _dibao_row(other, pid(1980, 303), "单人丙", "之女", single="是"),  # the head is not covered
    ]
    path = write_xlsx(tmp_path / "dibao.xlsx", [DIBAO_HEADERS, *rows])
    result = imports.import_roster(path, "dibao")
    assert (result.rows_accepted, result.rows_rejected) == (3, 0)
    family = Household.objects.get(origin="civil", head__id_number=head)
    enrolment = DibaoEnrolment.objects.get(household=family)
    assert (enrolment.tier, enrolment.monthly_amount_fen, enrolment.covered_members) == ("B", 90000, 2)
    assert DibaoMember.objects.filter(enrolment=enrolment).count() == 2
    single = DibaoEnrolment.objects.get(single_person=True)
    assert single.person is not None and single.person.name == "单人丙"
    assert single.household.head is not None and single.household.head.id_number == other
    assert Person.objects.count() == 4


def test_tekun_roll_via_the_cli(tmp_path: Path) -> None:
    values = {"县(市、区)": "530623", "乡(镇)": "盐井镇", "行政村": "水井社区", "姓名": "特困丁", "身份证号": pid(1940, 101),
              "供养方式": "集中供养", "自理能力": "全护理", "基本生活标准": "800", "照料护理标准": "300.5",
              "纳入时间": "2019年1月1日"}  # fmt: skip
    bad = {**values, "身份证号": "530623", "姓名": "错号"}
    path = write_xlsx(
        tmp_path / "tekun.xlsx",
        [TEKUN_HEADERS, [values[h] for h in TEKUN_HEADERS], [bad[h] for h in TEKUN_HEADERS]],
    )
    out = CliRunner().invoke(main, ["import", "tekun", str(path), "--errors", str(tmp_path / "err.xlsx")])
    assert out.exit_code == 0, out.output
    assert "读取 2 行 = 接收 1 行 + 退回 1 行" in out.output and "err.xlsx" in out.output
    enrolment = TekunEnrolment.objects.get()
    assert (enrolment.support_mode, enrolment.self_care_level, enrolment.care_standard_fen) == (
        "institution",
        "full_care",
        30050,
    )
    again = CliRunner().invoke(main, ["import", "tekun", str(path)])
    assert "未做任何修改" in again.output


def test_cli_says_what_is_wrong_with_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "假的.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    out = CliRunner().invoke(main, ["import", "poverty", str(path)])
    assert out.exit_code == 1
    assert "假的.xlsx" in out.output and "不是Excel工作簿" in out.output and "Traceback" not in out.output


def test_a_newer_tekun_roll_flags_only_its_own_missing_persons(tmp_path: Path) -> None:
    imports.import_roster(_poverty(tmp_path), "poverty")

    def roll(name: str, people: list[tuple[str, str]]) -> Path:
        rows = []
        for who, number in people:
            values = {"县(市、区)": "盐津县", "乡(镇)": "盐井镇", "行政村": "水井社区", "姓名": who, "身份证号": number,
                      "供养方式": "分散供养"}  # fmt: skip
            rows.append([values.get(h, "") for h in TEKUN_HEADERS])
        return write_xlsx(tmp_path / name, [TEKUN_HEADERS, *rows])

    people = [("甲", pid(1940, 901)), ("乙", pid(1941, 903)), ("丙", pid(1942, 905))]
    imports.import_roster(roll("t1.xlsx", people), "tekun")
    second = imports.import_roster(roll("t2.xlsx", people[:2]), "tekun")
    assert second.flagged_missing == 1
    flag = AuditEvent.objects.get(action=imports.MISSING_ACTION)
    assert flag.object_id == str(Person.objects.get(id_number=pid(1942, 905)).pk)
    assert TekunEnrolment.objects.count() == 3


def test_a_rejected_row_is_not_a_missing_person(tmp_path: Path) -> None:
    rows = [*household("5306230000000001", 101, 3), *household("5306230000000002", 201, 2)]
    imports.import_roster(_poverty(tmp_path, rows=rows), "poverty")
    broken = [list(r) for r in rows]
    broken[4][POVERTY_HEADERS.index("与户主关系")] = "邻居"  # rejected row, the person is still listed
    second = imports.import_roster(
        _poverty(tmp_path, "v2.xlsx", rows=broken), "poverty", errors_path=tmp_path / "e.xlsx"
    )
    assert (second.rows_accepted, second.rows_rejected, second.flagged_missing) == (4, 1, 0)


def test_a_file_with_every_row_rejected_flags_no_one(tmp_path: Path) -> None:
    rows = household("5306230000000001", 101, 3)
    imports.import_roster(_poverty(tmp_path, rows=rows), "poverty")
    broken = [list(r) for r in rows]
    for row in broken:
        row[POVERTY_HEADERS.index("行政村")] = "无此村"
    second = imports.import_roster(
        _poverty(tmp_path, "v2.xlsx", rows=broken), "poverty", errors_path=tmp_path / "e.xlsx"
    )
    assert (second.rows_accepted, second.flagged_missing) == (0, 0)
    assert Person.objects.count() == 3


def test_a_user_imports_only_rosters_of_their_own_region(tmp_path: Path) -> None:
    from doudi.ingest.problems import FileProblem
    from tests.factories import create_user

    path = _poverty(tmp_path)  # a roster of county 530623
    with pytest.raises(FileProblem, match="不在您的管辖范围"):
        imports.import_roster(path, "poverty", user=create_user(role="county_civil", scope="532923"))
    assert ImportBatch.objects.count() == 0
    result = imports.import_roster(path, "poverty", user=create_user(role="county_civil", scope="530623"))
    assert result.rows_accepted == result.rows_read > 0
