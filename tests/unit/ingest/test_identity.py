"""The fast ID path agrees with doudi.core.ids.validate, the authority, on every input."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from doudi.core import ids
from doudi.ingest.identity import IdChecker
from doudi.ingest.problems import FieldError

TODAY = date(2026, 6, 30)
CHECKER = IdChecker(TODAY)


def _authority(value: str) -> str:
    try:
        return ids.validate(value, TODAY)
    except ids.InvalidId as exc:
        return exc.problem.value


def _ours(value: str) -> str:
    try:
        return CHECKER.canonical(value)
    except FieldError as exc:
        return exc.code


valid = st.builds(
    ids.make,
    st.sampled_from(["530623", "110101", "530000", "990101", "530102"]),
    st.dates(date(1870, 1, 1), date(2030, 12, 31)),
    st.integers(0, 999),
)


@settings(max_examples=300, deadline=None)
@given(valid, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_fast_path_agrees_with_authority(number: str, position: int, char: str) -> None:
    assert _ours(number) == _authority(number)
    mutated = number[:position] + char + number[position + 1 :]
    assert _ours(mutated) == _authority(mutated)


def test_numeric_cells_are_always_rejected() -> None:
    for cell in (530623197003041018, 5.30623197003041e17, 530623700304101):
        try:
            CHECKER.canonical(cell)
        except FieldError as exc:
            assert exc.code == "id_stored_as_number"
        else:
            raise AssertionError(f"{cell!r} accepted")


cells = st.one_of(
    valid,
    st.builds(
        lambda n, p, c: n[:p] + c + n[p + 1 :], valid, st.integers(0, 17), st.sampled_from("0123456789X")
    ),
    st.builds(lambda n, sep: n[:6] + sep + n[6:], valid, st.sampled_from([" ", "'", "-"])),
    st.builds(lambda n: n.lower(), valid),
    st.builds(lambda n: n[:-1] + "Ｘ", valid),
    st.text(max_size=20),
    st.none(),
    st.floats(allow_nan=False),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=30))
def test_column_check_accepts_exactly_the_clean_valid_cells(column: list[object]) -> None:
    """The numpy column check says True only for a cell the authority accepts unchanged, and for every such cell."""
    checker = IdChecker(TODAY)
    expected = [isinstance(v, str) and _authority(v) == v for v in column]
    assert checker.column(column) == expected  # type: ignore[arg-type]
    assert [_ours(v) if isinstance(v, str) else None for v in column] == [
        _authority(v) if isinstance(v, str) else None for v in column
    ]
