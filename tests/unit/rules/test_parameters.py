"""Parameters as dated data: resolution county < prefecture < province, references, and validation errors."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from doudi.rules import parameters
from doudi.rules.parameters import PARAMETER_DIR, ParameterError, load


def test_province_defaults_follow_rules_section_8() -> None:
    p = parameters.at(date(2020, 6, 1), "530521")
    assert p.fen("dibao.rural_standard_yearly") == 450_000
    assert p.fen("dibao.urban_standard_monthly") == 64_000
    assert p.fen("tekun.basic_living_monthly") == 83_200
    assert parameters.at(date(2020, 5, 31), "530521").fen("dibao.rural_standard_yearly") == 420_000
    assert p.count("gradual_exit.months_default") == 6
    assert p.count("sanction.refusal_threshold") == 3
    assert str(p.ratio("edge.ratio")) == "3/2"


def test_county_overrides_a_standard_from_a_date_and_cites_itself() -> None:
    before = parameters.at(date(2021, 12, 31), "530523101201").get("dibao.rural_standard_yearly")
    after = parameters.at(date(2022, 1, 1), "530523101201").get("dibao.rural_standard_yearly")
    assert (before.value, before.region, before.start) == (477_000, "53", date(2021, 7, 1))
    assert (after.value, after.region, after.start) == (510_000, "530523", date(2022, 1, 1))
    assert before.reference and "RULES.md §8" in before.reference
    assert after.reference is None and after.note and "assumption" in after.note


def test_prefecture_sits_between_province_and_county() -> None:
    assert (
        parameters.at(date(2022, 1, 1), "530523").get("property.disposable_income_prior_year").region
        == "5305"
    )
    assert (
        parameters.at(date(2022, 1, 1), "530102").get("property.disposable_income_prior_year").region == "53"
    )


def test_every_value_has_a_reference_or_an_assumption_note() -> None:
    table = parameters.default_table()
    for series in table.series.values():
        for values in series.values():
            for v in values:
                assert v.reference or (v.note and "assumption" in v.note), v


def test_parameter_not_in_force_says_which_and_when() -> None:
    with pytest.raises(ParameterError, match=r"gradual_exit.months_default 在 2019-01-01"):
        parameters.at(date(2019, 1, 1), "530521").get("gradual_exit.months_default")


@pytest.fixture
def pdir(tmp_path: Path) -> Path:
    shutil.copy(PARAMETER_DIR / "53.yaml", tmp_path / "53.yaml")
    return tmp_path


def _county(pdir: Path, code: str, body: str) -> None:
    (pdir / f"{code}.yaml").write_text(f'region: "{code}"\nname: test\nparameters:\n{body}', encoding="utf-8")


def test_valid_directory_loads(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n"
        '      2022-01-01: {value: 5000, reference: "县文件 第1条"}\n',
    )
    assert load(pdir).at(date(2022, 2, 1), "530521").fen("dibao.rural_standard_yearly") == 500_000


def test_unknown_county_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "539999",
        "  dibao.rural_standard_yearly:\n    values:\n      2022-01-01: {value: 5000, reference: x}\n",
    )
    with pytest.raises(ParameterError, match=re.escape("539999.yaml: 区划代码 539999 不是云南省")):
        load(pdir)


def test_standard_below_the_provincial_minimum_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n      2020-01-01: {value: 4300, reference: x}\n",
    )
    with pytest.raises(ParameterError, match=re.escape("在 2020-06-01 低于全省最低标准 4500.00 元")):
        load(pdir)


def test_missing_reference_is_rejected(pdir: Path) -> None:
    _county(pdir, "530521", "  dibao.rural_standard_yearly:\n    values:\n      2022-01-01: {value: 5000}\n")
    with pytest.raises(
        ParameterError, match=r"530521.yaml, 参数 dibao.rural_standard_yearly, 2022-01-01 起: 缺少 reference"
    ):
        load(pdir)


def test_null_reference_needs_an_assumption_note(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n"
        "      2022-01-01: {value: 5000, reference: null, note: 县里说的}\n",
    )
    with pytest.raises(ParameterError, match="必须有 note 且写明 assumption"):
        load(pdir)


def test_gap_between_dated_values_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n"
        "      2022-01-01: {value: 5000, reference: x, until: 2022-03-31}\n"
        "      2022-06-01: {value: 5200, reference: x}\n",
    )
    with pytest.raises(ParameterError, match="中间有空档"):
        load(pdir)


def test_overlapping_dated_values_are_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n"
        "      2022-01-01: {value: 5000, reference: x, until: 2022-12-31}\n"
        "      2022-06-01: {value: 5200, reference: x}\n",
    )
    with pytest.raises(ParameterError, match="重叠"):
        load(pdir)


def test_same_start_date_twice_is_an_overlap(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard_yearly:\n    values:\n"
        "      2022-01-01: {value: 5000, reference: x}\n"
        "      2022-01-01: {value: 5200, reference: x}\n",
    )
    with pytest.raises(ParameterError, match=re.escape("530521.yaml: 第 7 行: 键 2022-01-01 重复")):
        load(pdir)


def test_unknown_parameter_name_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.rural_standard:\n    values:\n      2022-01-01: {value: 5000, reference: x}\n",
    )
    with pytest.raises(
        ParameterError, match=re.escape("参数 dibao.rural_standard 在全省文件 53.yaml 中没有定义")
    ):
        load(pdir)


def test_value_of_the_wrong_type_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.benefit_method:\n    values:\n      2022-01-01: {value: lump, reference: x}\n",
    )
    with pytest.raises(ParameterError, match="值 'lump' 无效, 应为 \\['gap', 'tiers'\\]"):
        load(pdir)


def test_county_urban_standard_raised_without_tekun_is_rejected(pdir: Path) -> None:
    _county(
        pdir,
        "530521",
        "  dibao.urban_standard_monthly:\n    values:\n      2022-01-01: {value: 700, reference: x}\n",
    )
    with pytest.raises(
        ParameterError,
        match=r"530521.yaml: 2022-01-01 起特困人员基本生活标准 858.00 元低于当地城市低保标准 700.00 元的 1.3 倍",
    ):
        load(pdir)
    _county(
        pdir,
        "530521",
        "  dibao.urban_standard_monthly:\n    values:\n"
        "      2022-01-01: {value: 700, reference: x}\n"
        "  tekun.basic_living_monthly:\n    values:\n      2022-01-01: {value: 910, reference: x}\n",
    )
    assert load(pdir).at(date(2022, 2, 1), "530521").fen("tekun.basic_living_monthly") == 91_000
