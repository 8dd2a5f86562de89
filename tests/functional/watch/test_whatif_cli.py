"""`doudi watch what-if --parquet`: a province in columns, one county raising its standard from a date."""

from datetime import date

import pytest
from click.testing import CliRunner

from doudi.rules.batch import flatten
from doudi.rules.columnar import write_parquet
from doudi.rules.sample import households
from doudi.watch.commands import watch
from tests.factories import create_user

pytestmark = pytest.mark.django_db


def test_province_what_if_from_parquet(tmp_path):
    create_user("province", username="prov")
    create_user("county_civil", username="county")  # scope 532923
    hs = households(300, date(2022, 3, 1), seed=11)
    write_parquet(flatten(hs), tmp_path / "province")
    args = ["what-if", "--user", "prov", "--on", "2022-03-01", "--parquet", str(tmp_path / "province")]
    result = CliRunner().invoke(watch, [*args, "--standard", "9000", "--counties", "530523"])
    assert result.exit_code == 0, result.output
    assert "自 2022-03-01 起 530523 农村低保年标准按 9,000.00 元测算" in result.output
    assert "\n530523\t" in result.output and "当年(10 个月)增加" in result.output
    assert "\n530102\t" not in result.output  # only the chosen counties are listed
    outside = CliRunner().invoke(
        watch, [*args[:2], "county", *args[3:], "--standard", "9000", "--counties", "530523"]
    )
    assert outside.exit_code != 0 and "不在您的管辖范围内" in outside.output
    bad = CliRunner().invoke(watch, [*args, "--standard", "9000", "--counties", "5305"])
    assert bad.exit_code != 0 and "6 位县级区划代码" in bad.output
    missing = CliRunner().invoke(
        watch, [*args[:-1], str(tmp_path / "nowhere"), "--standard", "9000", "--counties", "530523"]
    )
    assert missing.exit_code != 0 and "write_parquet" in missing.output
