"""Parquet input of the vectorised path: narrow money columns, lazy identifiers and full records."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from doudi.rules import batch
from doudi.rules.batch import assess_batch, flatten
from doudi.rules.columnar import full_record_needed, read_parquet, write_parquet
from doudi.rules.model import Income
from doudi.rules.sample import households

ON = date(2022, 3, 1)


def test_money_is_int32_when_it_fits_and_results_equal_the_in_memory_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hs = households(150, ON, seed=41, complex_share=0.5)
    hs[70] = replace(hs[70], income=(*hs[70].income, Income(kind="business", amount=4_000_000_000)))
    cols = flatten(hs)
    write_parquet(cols, tmp_path)
    assert pq.read_schema(tmp_path / "inc.parquet").field("yearly").type == "int64"  # 4e9 fen does not fit
    assert pq.read_schema(tmp_path / "ded.parquet").field("paid").type == "int32"
    read = read_parquet(tmp_path)
    assert read.ded["paid"].dtype == np.int32 and read.inc["yearly"].dtype == np.int64
    want = assess_batch(None, ON, cols=cols)
    monkeypatch.setattr(batch, "CHUNK", 40)  # slices widen the int32 money; the input stays as read
    got = assess_batch(None, ON, cols=read)
    assert read.ded["paid"].dtype == np.int32
    for name in ("outcome", "benefit", "tekun", "single", "temporary", "edge", "review", "reasons"):
        assert (getattr(got, name) == getattr(want, name)).all(), name
    assert got.explain is not None and want.explain is not None
    assert (got.explain.net == want.explain.net).all() and (
        got.explain.parameters == want.explain.parameters
    ).all()


def test_identifiers_and_full_records_are_read_when_asked_for(tmp_path: Path) -> None:
    hs = households(100, ON, seed=42, complex_share=0.5)
    write_parquet(flatten(hs), tmp_path)
    cols = read_parquet(tmp_path)
    assert cols.ids is not None
    assert cols.ids.household(7) == (hs[7].household_id, hs[7].region)
    assert list(cols.ids.members(7)) == [m.person_id for m in hs[7].members]
    kept = [i for i, h in enumerate(hs) if full_record_needed(h)]
    assert kept and list(cols.households) == kept
    assert cols.households[kept[-1]] == hs[kept[-1]]
    missing = next(i for i in range(len(hs)) if i not in kept)
    with pytest.raises(KeyError):
        cols.households[missing]
