"""Roster rows -> ParsedRow with canonical fields, or RejectedRow with the problems that reject it.

Rows are parsed a chunk at a time, column by column: each distinct value of a column is parsed once (per file),
and a column of a chunk is mapped through that cache at C speed. A roster of 300,000 rows has only a few thousand
distinct villages, relations, incomes or dates; only IDs are checked one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, count, repeat
from operator import eq, itemgetter, ne
from typing import TYPE_CHECKING, Any, cast

from doudi.core import ids
from doudi.core.rosters import RosterKind
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.headers import HeaderMap
from doudi.ingest.identity import IdChecker
from doudi.ingest.places import PLACE_KEYS, PlaceError, PlaceResolver
from doudi.ingest.problems import FieldError, Problem, Severity
from doudi.ingest.schema import ID_KEYS, MUST_FILL, FieldSpec, field_specs
from doudi.ingest.values import sex as parse_sex

SEX_LABEL = {"M": "男", "F": "女"}
SEX_SPEC = FieldSpec("sex", parse_sex)
_CERT_TAIL = re.compile(r"[0-9]{17}[0-9X][1-7][1-4]").fullmatch
_SEX_DIGIT = {d: "M" if d in "13579" else "F" for d in "0123456789"}
_NO_ID: dict[object, str] = {
    None: "?" * 18
}  # .get(id, id): a blank ID becomes a filler whose 17th character is no digit
HEAD = "户主"
# Cell values equal to True or False (True == 1 == 1.0 as dict keys): never cached, parsed cell by cell.
_BOOLISH = frozenset({0, 1})


class FieldStore:
    """The canonical columns of one parsed chunk, shared by the chunk's accepted rows.

    The parse validates every cell and keeps the canonical values column by column; the rows' `fields` dicts are
    made from these columns, for the whole chunk at once (C-level map/zip), the first time one of them is read.
    """

    __slots__ = ("_dicts", "columns", "keys")

    def __init__(self, keys: tuple[str, ...], columns: list[Sequence[object]]) -> None:
        self.keys = keys
        self.columns = columns
        self._dicts: list[dict[str, object]] | None = None

    def fields(self, index: int) -> dict[str, object]:
        dicts = self._dicts
        if dicts is None:
            rows = zip(*self.columns, strict=True)
            dicts = self._dicts = list(map(dict, map(zip, repeat(self.keys), rows)))
        return dicts[index]

    @classmethod
    def single(cls, fields: dict[str, object]) -> FieldStore:
        store = cls(tuple(fields), [[v] for v in fields.values()])
        store._dicts = [fields]
        return store


class ParsedRow(tuple[Any, ...]):
    """An accepted row. `fields` holds canonical values: ID (18 characters), codes, dates, fen, booleans.

    A tuple (kind, row, headers, cells, store, index, warnings), so that a chunk's accepted rows are built without a
    Python call per row (see `RowParser.rows`); `fields` is read from the chunk's `FieldStore`.
    """

    __slots__ = ()

    if TYPE_CHECKING:

        @property
        def kind(self) -> RosterKind: ...
        @property
        def row(self) -> int: ...  # as Excel shows it (1-based)
        @property
        def headers(self) -> tuple[str, ...]: ...
        @property
        def cells(self) -> Sequence[CellValue]: ...
        @property
        def warnings(self) -> tuple[Problem, ...]: ...

    else:
        kind = property(itemgetter(0))
        row = property(itemgetter(1))
        headers = property(itemgetter(2))
        cells = property(itemgetter(3))
        warnings = property(itemgetter(6))

    @classmethod
    def make(
        cls,
        kind: RosterKind,
        row: int,
        headers: tuple[str, ...],
        cells: Sequence[CellValue],
        fields: dict[str, object],
        warnings: tuple[Problem, ...] = (),
    ) -> ParsedRow:
        return cls((kind, row, headers, cells, FieldStore.single(fields), 0, warnings))

    @property
    def fields(self) -> dict[str, object]:
        store: FieldStore = self[4]
        return store.fields(self[5])

    @property
    def raw(self) -> dict[str, str]:
        """The cells as read, by the header written in the file (extra columns included)."""
        return raw_cells(self.headers, self.cells)

    def _public(self) -> tuple[object, ...]:
        return (self.kind, self.row, self.headers, self.cells, self.fields, self.warnings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParsedRow) and self._public() == other._public()

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # fields is a dict, as it was in the named tuple

    def __repr__(self) -> str:
        return f"ParsedRow(kind={self.kind!s}, row={self.row}, fields={self.fields!r}, warnings={self.warnings!r})"


@dataclass(slots=True)
class RejectedRow:
    row: int
    headers: tuple[str, ...]
    cells: Sequence[CellValue]
    problems: list[Problem]

    @property
    def raw(self) -> dict[str, str]:
        return raw_cells(self.headers, self.cells)


def raw_cells(headers: tuple[str, ...], cells: Sequence[CellValue]) -> dict[str, str]:
    return {h: cell_text(cells[i]) if i < len(cells) else "" for i, h in enumerate(headers)}


@dataclass
class ParsedChunk:
    """A chunk of rows parsed column by column: the canonical columns, and the problems and warnings by row index."""

    numbers: list[int]
    cells: list[Sequence[CellValue]]
    file_columns: list[Sequence[CellValue]]  # the cells transposed: file_columns[position][index]
    columns: dict[str, list[object]] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    warnings: dict[int, list[Problem]] = field(default_factory=dict)

    def add(self, index: int, problem: Problem) -> None:
        target = self.warnings if problem.severity is Severity.WARNING else self.problems
        target.setdefault(index, []).append(problem)

    def raw(self, index: int, position: int) -> CellValue:
        return self.file_columns[position][index]


class RowParser:
    """Parses the rows of one file against its header map; caches per column across chunks.

    Work is done a column at a time with C-level building blocks (set, dict, map, zip, numpy for IDs); Python code
    runs per distinct value, or per cell only for the cells that have a problem.
    """

    def __init__(
        self, kind: RosterKind, header: HeaderMap, today: date, places: PlaceResolver | None = None
    ) -> None:
        self.kind = kind
        self.header = header
        self.places = places or PlaceResolver()
        self.id_checker = IdChecker(today)
        self.must_fill = MUST_FILL[kind]
        specs = field_specs(kind, today)
        self._plan = [(key, pos, specs[key]) for key, pos in header.index.items() if key in specs]
        self._caches: dict[str, dict[CellValue, object]] = {key: {} for key, _, _ in self._plan}
        self._failing: dict[str, set[CellValue]] = {key: set() for key, _, _ in self._plan}
        self._sex_cache: dict[CellValue, object] = {}
        self._place_cache: dict[tuple[CellValue, ...], tuple[str, str, str] | PlaceError] = {}
        self._place_failing: set[tuple[CellValue, ...]] = set()

    def parse(self, number: int, cells: Sequence[CellValue]) -> ParsedRow | RejectedRow:
        return self.parse_chunk([(number, cells)])[0]

    def parse_chunk(self, rows: Sequence[tuple[int, Sequence[CellValue]]]) -> list[ParsedRow | RejectedRow]:
        """Each row accepted or rejected, in order (without the checks across rows of `doudi.ingest.checks`)."""
        chunk = self.parse_columns(rows)
        rejected = {i: RejectedRow(chunk.numbers[i], self.header.headers, chunk.cells[i], p)
                    for i, p in chunk.problems.items()}  # fmt: skip
        keep = bytearray(b"\x01") * len(chunk.numbers)
        for index in rejected:
            keep[index] = 0
        accepted = iter(self.rows(chunk, keep))
        return [rejected[i] if i in rejected else next(accepted) for i in range(len(chunk.numbers))]

    def parse_columns(self, rows: Sequence[tuple[int, Sequence[CellValue]]]) -> ParsedChunk:
        return self.parse_cells(list(map(itemgetter(0), rows)), list(map(itemgetter(1), rows)))

    def parse_cells(self, numbers: list[int], rows: Sequence[Sequence[CellValue]]) -> ParsedChunk:
        """Parse rows given as their numbers and their cells, column by column."""
        width = len(self.header.headers)
        cells = list(rows)
        if cells and min(map(len, cells)) < width:
            cells = [c if len(c) >= width else [*c, *([None] * (width - len(c)))] for c in cells]
        chunk = ParsedChunk(numbers, cells, list(zip(*cells, strict=False)))
        if not cells:
            chunk.file_columns = [()] * width
        for key, position, spec in self._plan:
            chunk.columns[key] = self._column(chunk, key, position, spec)
        self._places(chunk)
        self._ids(chunk)
        self._sex(chunk)
        self._certificates(chunk)
        self._blanks(chunk)
        if self.kind is RosterKind.DIBAO:
            self._dibao_heads(chunk)
        return chunk

    def rows(self, chunk: ParsedChunk, keep: Sequence[int]) -> list[ParsedRow]:
        """ParsedRows for the rows of a chunk whose `keep` flag is set, built with C-level map/zip/compress (no
        Python call per row); their fields stay in the chunk's columns (a `FieldStore`) until read."""
        store = FieldStore(tuple(chunk.columns), list(chunk.columns.values()))
        indices = list(compress(count(), keep))
        warnings = {i: tuple(w) for i, w in chunk.warnings.items()}
        items = zip(
            repeat(self.kind),
            compress(chunk.numbers, keep),
            repeat(self.header.headers),
            compress(chunk.cells, keep),
            repeat(store),
            indices,
            map(warnings.get, indices, repeat(())) if warnings else repeat(()),
        )
        return cast(list[ParsedRow], list(map(tuple.__new__, repeat(ParsedRow), items)))

    def _problem(
        self, number: int, key: str, value: CellValue, error: FieldError, severity: Severity = Severity.ERROR
    ) -> Problem:
        column = self.header.header_of(key)
        return Problem(number, column, cell_text(value), error.code, error.reason, error.fix, severity)

    def _column(self, chunk: ParsedChunk, key: str, position: int, spec: FieldSpec) -> list[object]:
        raw = chunk.file_columns[position]
        if spec.clean is not None and _unchanged(raw, spec.clean):
            return list(raw)  # names and household numbers that are clean text: each cell parses to itself
        cache, failing = self._caches[key], self._failing[key]
        cached: list[object] | None
        try:
            cached = list(map(cache.__getitem__, raw))  # the usual case for closed lists: every value seen
        except KeyError:
            cached = self._extend_cache(raw, spec, cache, failing)
        if cached is None:  # True == 1 == 1.0 as dict keys: parse each cell on its own
            parsed = [_attempt(spec, v) for v in raw]
            failed = [i for i, result in enumerate(parsed) if type(result) is FieldError]
        elif not failing or failing.isdisjoint(raw):
            return cached
        else:
            parsed = cached
            failed = [i for i, value in enumerate(raw) if value in failing]
        for index in failed:
            error = cast(FieldError, parsed[index])
            chunk.add(index, self._problem(chunk.numbers[index], key, raw[index], error))
            parsed[index] = None
        return parsed

    @staticmethod
    def _extend_cache(
        raw: Sequence[CellValue], spec: FieldSpec, cache: dict[CellValue, object], failing: set[CellValue]
    ) -> list[object] | None:
        """Parse the values not seen before (once each), then map the column through the cache.

        None when the column holds a value equal to True or False (a boolean, 0 or 1): such values are never
        cached, so that a cached 1 is never taken for a TRUE cell; the caller parses the cells one by one.
        """
        new = set(raw).difference(cache)  # not `set - cache.keys()`: that walks the whole cache
        if not _BOOLISH.isdisjoint(new):
            return None
        if spec.clean is not None and _all_text(new) and spec.clean("".join(cast(set[str], new))):
            cache.update(zip(new, new, strict=True))  # each parses to itself (checked as one string)
            new = set()
        for value in new:
            result = cache[value] = _attempt(spec, value)
            if type(result) is FieldError:
                failing.add(value)
        return list(map(cache.__getitem__, raw))

    def _places(self, chunk: ParsedChunk) -> None:
        """County, township and village cells to codes, through a cache of the (county, township, village) cells."""
        positions = [self.header.index[k] for k in PLACE_KEYS]
        triples = list(zip(*(chunk.file_columns[p] for p in positions), strict=True))
        cache, failing = self._place_cache, self._place_failing
        codes: list[object]
        try:
            codes = list(map(cache.__getitem__, triples))
        except KeyError:
            new = set(triples).difference(cache)
            if all(map(_BOOLISH.isdisjoint, new)):
                for triple in new:
                    found = cache[triple] = self.places.resolve(*triple)
                    if isinstance(found, PlaceError):
                        failing.add(triple)
                codes = list(map(cache.__getitem__, triples))
            else:  # True == 1 as dict keys: resolve each row on its own (the resolver caches the cells' text)
                codes = [self.places.resolve(*triple) for triple in triples]
                failing = {
                    t for t, found in zip(triples, codes, strict=True) if isinstance(found, PlaceError)
                }
        if failing and not failing.isdisjoint(triples):
            for index in [i for i, t in enumerate(triples) if t in failing]:
                error = cast(PlaceError, codes[index])
                value = triples[index][PLACE_KEYS.index(error.key)]
                chunk.add(index, self._problem(chunk.numbers[index], error.key, value, error.error))
                codes[index] = (None, None, None)
        columns = list(zip(*cast(list[tuple[object, ...]], codes), strict=True)) if codes else [(), (), ()]
        for key, column in zip(PLACE_KEYS, columns, strict=True):
            chunk.columns[key] = list(column)

    def _ids(self, chunk: ParsedChunk) -> None:
        for key in sorted(ID_KEYS & self.header.index.keys()):
            raw = chunk.file_columns[self.header.index[key]]
            out: list[object] = list(raw)
            failing = self.id_checker.failing(raw)
            cleaned = self.id_checker.normalised([raw[i] for i in failing])
            for index, number in zip(failing, cleaned, strict=True):
                out[index] = number if number is not None else self._slow_id(chunk, index, key, raw[index])
            chunk.columns[key] = out

    def _slow_id(self, chunk: ParsedChunk, index: int, key: str, value: CellValue) -> str | None:
        number = chunk.numbers[index]
        if value is None or (isinstance(value, str) and not value.strip()):
            if key not in self.must_fill:
                chunk.add(index, self._problem(number, key, value, NO_ID, Severity.WARNING))
            return None
        try:
            return self.id_checker.canonical(value)
        except FieldError as exc:
            chunk.add(index, self._problem(number, key, value, exc))
            return None

    def _sex(self, chunk: ParsedChunk) -> None:
        """Sex follows the ID's sequence digit (odd = male); a sex cell that disagrees is a warning, not a rejection.

        The ID has passed its check character, so its sequence digit is the better source; the sex cell is typed
        by hand. The row keeps the ID's sex and the disagreement goes back to the roster keeper as a warning.
        """
        person_ids = chunk.columns.get("id_number", [None] * len(chunk.cells))
        filled = cast(
            Iterator[str], map(_NO_ID.get, person_ids, person_ids)
        )  # IDs are canonical strings or None
        derived: list[object] = list(map(_SEX_DIGIT.get, map(itemgetter(16), filled)))
        position = self.header.index.get("sex")
        if position is None:
            chunk.columns["sex"] = derived
            return
        raw = chunk.file_columns[position]
        if bool in set(map(type, raw)):
            written = [_attempt(SEX_SPEC, v) for v in raw]
        else:
            cache = self._sex_cache
            for value in set(raw).difference(cache):
                cache[value] = _attempt(SEX_SPEC, value)
            written = list(map(cache.__getitem__, raw))
        out = list(derived)
        for index in list(compress(count(), map(ne, written, derived))):
            out[index] = self._sex_of(chunk, index, raw[index], written[index], derived[index])
        chunk.columns["sex"] = out

    def _sex_of(
        self, chunk: ParsedChunk, index: int, value: CellValue, written: object, derived: object
    ) -> object:
        number = chunk.numbers[index]
        if isinstance(written, FieldError):
            if derived is None:
                chunk.add(index, self._problem(number, "sex", value, written))
                return None
            fix = f"已按身份证号记为{SEX_LABEL[str(derived)]};{written.fix}"
            error = FieldError(written.code, written.reason, fix)
            chunk.add(index, self._problem(number, "sex", value, error, Severity.WARNING))
            return derived
        if derived is not None and written is not None and written != derived:
            label = SEX_LABEL[str(derived)]
            reason = f"性别“{cell_text(value)}”与身份证号不符(身份证号第17位表示{label}性)"
            fix = f"已按身份证号记为{label};请核对性别或身份证号"
            error = FieldError("sex_disagrees_with_id", reason, fix)
            chunk.add(index, self._problem(number, "sex", value, error, Severity.WARNING))
        return derived or written

    def _certificates(self, chunk: ParsedChunk) -> None:
        position = self.header.index.get("disability_cert")
        if position is None:
            return
        raw = chunk.file_columns[position]
        person_ids = chunk.columns.get("id_number", [None] * len(chunk.cells))
        out: list[object] = [None] * len(raw)
        filled = list(compress(count(), raw))  # truthy cells; falsy ones (0, FALSE) are rare: look for them
        if len(filled) != len(raw) - raw.count(None) - raw.count(""):
            filled = [i for i, value in enumerate(raw) if value is not None and value != ""]
        for index in filled:
            out[index] = self._certificate(chunk, index, raw[index], person_ids[index])
        chunk.columns["disability_cert"] = out

    def _certificate(self, chunk: ParsedChunk, index: int, value: CellValue, holder: object) -> object:
        if not cell_text(value).strip():
            return None
        if type(value) is str and _CERT_TAIL(value) and value[:18] == holder:
            return value  # the holder's own (validated) ID + category 1-7 + grade 1-4
        try:
            return ids.parse_certificate(value, holder if isinstance(holder, str) else None).number
        except (ids.InvalidCertificate, ids.InvalidId) as exc:
            error = FieldError("disability_cert_invalid", str(exc), CERT_FIX)
            chunk.add(index, self._problem(chunk.numbers[index], "disability_cert", value, error))
            return None

    def _blanks(self, chunk: ParsedChunk) -> None:
        for key in sorted(self.must_fill):
            column = self.header.header_of(key)
            position = self.header.index[key]
            values = chunk.columns[key]
            if None not in values:
                continue
            for index in [i for i, value in enumerate(values) if value is None]:
                if all(p.column != column for p in chunk.problems.get(index, ())):
                    chunk.add(
                        index, self._problem(chunk.numbers[index], key, chunk.raw(index, position), BLANK)
                    )

    def _dibao_heads(self, chunk: ParsedChunk) -> None:
        """A dibao head's own row must carry the ID written in the head-ID column."""
        columns = chunk.columns
        position = self.header.index["id_number"]
        for index in list(compress(count(), map(eq, columns["relation"], repeat(HEAD)))):
            own, head = columns["id_number"][index], columns["head_id_number"][index]
            if own is not None and head is not None and own != head:
                value = chunk.raw(index, position)
                chunk.add(index, self._problem(chunk.numbers[index], "id_number", value, HEAD_ID))


def _unchanged(raw: Sequence[CellValue], clean: Callable[[str], bool]) -> bool:
    """Every cell non-empty text that its column's parser returns unchanged (checked on the cells joined)."""
    try:
        joined = "".join(cast(Sequence[str], raw))
    except TypeError:  # a cell that is not text
        return False
    return "" not in raw and clean(joined)


def _all_text(values: set[CellValue]) -> bool:
    """Every value a non-empty str."""
    return bool(values) and "" not in values and set(map(type, values)) == {str}


def _attempt(spec: FieldSpec, value: CellValue) -> object:
    try:
        return spec.parse(value)
    except FieldError as exc:
        return exc


BLANK = FieldError("required_blank", "必填项为空", "请填写该项")
NO_ID = FieldError(
    "id_blank", "身份证号为空:本人将按户内姓名和与户主关系识别", "如已办理身份证,请补填;未办证的儿童可留空"
)
HEAD_ID = FieldError(
    "head_id_mismatch", "本行是户主,但身份证号与“户主身份证号”列不一致", "请核对户主本人的身份证号,两列应相同"
)
CERT_FIX = "请对照残疾证核对20位证号(身份证号18位+类别1位+等级1位)"
