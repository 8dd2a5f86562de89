from pathlib import Path

from tests.unit.synth.conftest import make


def _bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = make(tmp_path / "a", persons=150, seed=5, formats=("xlsx", "csv", "messy"))
    second = make(tmp_path / "b", persons=150, seed=5, formats=("xlsx", "csv", "messy"))
    assert first.summary.rows == second.summary.rows
    assert _bytes(first.out) == _bytes(second.out)


def test_another_seed_gives_other_persons(tmp_path: Path) -> None:
    first = make(tmp_path / "a", persons=150, seed=5, formats=("csv",))
    other = make(tmp_path / "b", persons=150, seed=6, formats=("csv",))
    assert (first.out / "poverty.csv").read_bytes() != (other.out / "poverty.csv").read_bytes()


def test_child_process_writes_the_same_bytes(tmp_path: Path) -> None:
    here = make(tmp_path / "a", persons=120, seed=9, formats=("xlsx", "csv"), background=False)
    child = make(tmp_path / "b", persons=120, seed=9, formats=("xlsx", "csv"), background=True)
    assert _bytes(here.out) == _bytes(child.out)
