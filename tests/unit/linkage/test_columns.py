"""Roster files read a column at a time agree with the importer's row-by-row reading (doudi.linkage.files)."""

from pathlib import Path

import pandas as pd
import pytest

from doudi.ingest.problems import FileProblem
from doudi.linkage.clean import clean
from doudi.linkage.columns import read_frame
from doudi.linkage.files import read_roster
from doudi.linkage.records import FIELDS, frame
from doudi.synth.config import SynthConfig
from doudi.synth.generate import generate

COMPARED = ["name", "relation", "county", "township", "village", "household", "id", "head_id", "id_alt"]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate(SynthConfig(out_dir=out, persons=300, formats=("csv", "xlsx"), seed=5))
    return out


@pytest.mark.parametrize("kind", ["poverty", "dibao", "tekun"])
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_columns_agree_with_the_importer_path(county: Path, kind: str, suffix: str) -> None:
    fast = read_frame(county / f"{kind}.{suffix}", kind).records
    assert list(fast.columns) == list(FIELDS)
    slow = read_roster(county / f"{kind}.{suffix}", kind)
    old = clean(frame(slow.entries)).set_index("uid")
    new = clean(fast).set_index("uid")
    # rows the importer set aside as written twice are kept here (the linkage's duplicate step reports them)
    assert set(old.index) <= set(new.index)
    assert len(new) == len(old) + len(slow.duplicates)
    pd.testing.assert_frame_equal(new.loc[old.index, COMPARED], old[COMPARED], check_dtype=False)


def test_a_csv_with_an_empty_line_keeps_its_row_numbers(tmp_path: Path, county: Path) -> None:
    lines = (county / "tekun.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "tekun.csv"
    path.write_text("\n".join([lines[0], lines[1], "", *lines[2:]]) + "\n", encoding="utf-8")
    records = read_frame(path, "tekun").records
    assert records["source_row"].tolist()[:2] == [2, 4]


def test_a_file_without_the_roster_header_says_so(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileProblem) as caught:
        read_frame(path, "dibao")
    assert caught.value.code == "header_not_found"
