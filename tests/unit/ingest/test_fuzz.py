"""Generated bad rosters never crash the reader: a clear FileProblem or a result where read = accepted + rejected."""

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.ingest.pipeline import parse_file
from doudi.ingest.problems import FileProblem

from .rosters import POVERTY_HEADERS, household, write_csv, write_xlsx

cell = st.one_of(
    st.text(alphabet=st.sampled_from("0123456789Xx 　０１２３.E+-'𠮷䶮张户主之子是否年月日/\n"), max_size=20),
    st.integers(-(10**19), 10**19),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 4), st.integers(0, len(POVERTY_HEADERS) - 1), cell), max_size=25),
    drop=st.sets(st.integers(0, len(POVERTY_HEADERS) - 1), max_size=2),
    blank_rows=st.integers(0, 2),
    blank_column=st.booleans(),
    as_csv=st.booleans(),
)
def test_never_a_traceback(
    edits: list[tuple[int, int, object]], drop: set[int], blank_rows: int, blank_column: bool, as_csv: bool
) -> None:
    rows = [list(POVERTY_HEADERS), *household("H01", 101, 3), *household("H02", 201, 2)]
    for r, c, value in edits:
        rows[1 + r][c] = value
    rows[1:1] = [[None] * len(POVERTY_HEADERS)] * blank_rows
    rows = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    if blank_column:
        rows = [[*row[:3], None, *row[3:]] for row in rows]
    with TemporaryDirectory() as folder:
        path = Path(folder) / ("r.csv" if as_csv else "r.xlsx")
        (write_csv if as_csv else write_xlsx)(path, rows)
        try:
            result = parse_file(path, "poverty")
        except FileProblem as exc:
            assert exc.message
            return
        assert result.rows_read == len(result.accepted) + len(result.rejected)
        assert result.rows_read <= 5
