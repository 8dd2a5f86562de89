"""The province what-if over columns gives, county by county, what the per-household rules give twice."""

from datetime import date

import pytest

from doudi.monitor.whatif import RURAL_STANDARD, ProvinceWhatIf, WhatIf, province_what_if, replaced
from doudi.rules.batch import flatten
from doudi.rules.columnar import read_parquet, write_parquet
from doudi.rules.engine import assess
from doudi.rules.parameters import default_table
from doudi.rules.sample import households

ON = date(2022, 3, 1)


def _expected(hs: list, county: str, value: int, on: date) -> dict[str, WhatIf]:  # type: ignore[type-arg]
    table = default_table()
    out: dict[str, WhatIf] = {}
    for h in hs:
        params = table.at(on, h.region)
        raised = replaced(params, RURAL_STANDARD, value) if h.region[:6] == county else params
        out.setdefault(h.region[:6], WhatIf()).add(assess(h, on, params), assess(h, on, raised))
    return out


def test_province_what_if_equals_the_per_household_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hs = households(600, ON, seed=7, complex_share=0.2)
    county = hs[0].region[:6]
    value = default_table().at(ON, county).fen(RURAL_STANDARD) + 300_000  # 3,000 yuan a year more
    write_parquet(flatten(hs), tmp_path / "province")
    cols = read_parquet(tmp_path / "province")
    result = province_what_if(cols, {county}, date(2022, 1, 1), value, on=ON)
    expected = _expected(hs, county, value, ON)
    assert result.counties == dict(sorted(expected.items()))
    raised = result.counties[county]
    assert raised.monthly_difference > 0  # the covered get more (gaining households depend on the sample)
    others = [w for c, w in result.counties.items() if c != county]
    assert others and all(w.gained == w.lost == w.monthly_difference == 0 for w in others)
    assert result.months_this_year == 12 and result.total.households == 600


def test_before_the_raise_nothing_changes_and_errors_name_the_input() -> None:
    hs = households(50, ON, seed=3)
    county = hs[0].region[:6]
    cols = flatten(hs)
    later = province_what_if(cols, {county}, date(2022, 3, 1), 900_000, on=date(2022, 3, 1))
    assert isinstance(later, ProvinceWhatIf) and later.total.households == 50 and later.months_this_year == 10
    with pytest.raises(ValueError, match="早于提标日期"):
        province_what_if(cols, {county}, date(2022, 6, 1), 900_000, on=ON)
    with pytest.raises(ValueError, match="999999"):
        province_what_if(cols, {"999999"}, ON, 900_000)
