"""Column-at-a-time cleaning and blocking give what the per-record rules give."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from doudi.core import ids
from doudi.linkage import identity
from doudi.linkage.clean import birth_of, births, sex_of, sexes
from doudi.linkage.model import NOT_TWO_VALID_IDS, NOT_TWO_VALID_IDS_DUCKDB


def _valid(first17: str) -> str:
    return first17 + ids.check_char(first17)


BASE = "53062719821224615"  # 17 digits: area, birth 1982-12-24, sequence 615


def test_birth_dates_and_sexes_by_column_equal_the_per_cell_rules() -> None:
    cells = [
        _valid(BASE),
        BASE + "0",  # an invalid check character: the date and sex still read
        "530627198202306153",  # 30 February: no date
        "530627187912246153",  # before 1880
        "530627188001016153",
        "53062719821224615",  # 17 characters
        "5306271982122461A3",  # a letter at the sex position
        "",
    ]
    column = pd.Series(cells, dtype=object)
    assert births(column).tolist() == [birth_of(c) for c in cells]
    assert sexes(column).tolist() == [sex_of(c) for c in cells]


def _swap(text: str, i: int) -> str:
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _substitute(text: str, i: int) -> str:
    return text[:i] + str((int(text[i]) + 3) % 10) + text[i + 1 :]


OTHERS = {
    "same": _valid(BASE),
    "one substitution in the sequence": _valid(_substitute(BASE, 15)),
    "one substitution in the area": _valid(_substitute(BASE, 2)),
    "one substitution in the century": _valid(BASE[:7] + "8" + BASE[8:]),  # born 1882
    "adjacent swap": _valid(_swap(BASE, 14)),
    "two substitutions": _valid(_substitute(_substitute(BASE, 15), 16)),
    "sequence 615 and 637": _valid(BASE[:14] + "637"),
    "non-adjacent swap": _valid(BASE[:14] + BASE[16] + BASE[15] + BASE[14]),
}


@pytest.mark.parametrize("condition", [NOT_TWO_VALID_IDS, NOT_TWO_VALID_IDS_DUCKDB])
def test_blocking_filter_keeps_the_valid_pairs_identity_does_not_reject(condition: str) -> None:
    left = pd.DataFrame({"id": [_valid(BASE)], "id_valid": [True]})
    right = pd.DataFrame(
        {
            "case": list(OTHERS),
            "id": list(OTHERS.values()),
            "id_valid": [ids.is_valid(x) for x in OTHERS.values()],
        }
    )
    con = duckdb.connect()
    con.register("lt", left)
    con.register("rt", right)
    rows = con.execute(f"SELECT r.case, r.id, r.id_valid FROM lt l, rt r WHERE {condition}").fetchall()
    kept = {case for case, _, _ in rows}
    for case, other in OTHERS.items():
        valid = ids.is_valid(other)
        rejected = identity.relation(_valid(BASE), True, False, other, valid, False) == identity.TWO_PERSONS
        assert valid, case  # every case is a pair of two valid IDs
        assert (case in kept) == (not rejected), case
    assert {"one substitution in the sequence", "adjacent swap", "one substitution in the area"} <= kept
    assert not {"two substitutions", "sequence 615 and 637", "non-adjacent swap"} & kept
