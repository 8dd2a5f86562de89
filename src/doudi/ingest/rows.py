"""Roster rows -> ParsedRow with canonical fields, or RejectedRow with the problems that reject it.

Rows are parsed a chunk at a time, column by column: each distinct value of a column is parsed once (per file),
and a column of a chunk is mapped through that cache at C speed. A roster of 300,000 rows has only a few thousand
distinct villages, relations, incomes or dates; only IDs are checked one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

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
_MISSING = object()
HEAD = "户主"


@dataclass(slots=True)
class ParsedRow:
    """An accepted row. `fields` holds canonical values: ID (18 characters), codes, dates, fen, booleans."""

    kind: RosterKind
    row: int  # as Excel shows it (1-based)
    headers: tuple[str, ...]
    cells: Sequence[CellValue]
    fields: dict[str, object]
    warnings: tuple[Problem, ...] = ()

    @property
    def raw(self) -> dict[str, str]:
        """The cells as read, by the header written in the file (extra columns included)."""
        return raw_cells(self.headers, self.cells)


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
class _Chunk:
    numbers: list[int]
    cells: list[Sequence[CellValue]]
    columns: dict[str, list[object]] = field(default_factory=dict)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    warnings: dict[int, list[Problem]] = field(default_factory=dict)

    def add(self, index: int, problem: Problem) -> None:
        target = self.warnings if problem.severity is Severity.WARNING else self.problems
        target.setdefault(index, []).append(problem)

    def raw(self, index: int, position: int) -> CellValue:
        return self.cells[index][position]


class RowParser:
    """Parses the rows of one file against its header map; caches per column across chunks."""

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

    def parse(self, number: int, cells: Sequence[CellValue]) -> ParsedRow | RejectedRow:
        return self.parse_chunk([(number, cells)])[0]

    def parse_chunk(self, rows: Sequence[tuple[int, Sequence[CellValue]]]) -> list[ParsedRow | RejectedRow]:
        width = len(self.header.headers)
        chunk = _Chunk(
            [number for number, _ in rows],
            [c if len(c) >= width else [*c, *([None] * (width - len(c)))] for _, c in rows],
        )
        for key, position, spec in self._plan:
            chunk.columns[key] = self._column(chunk, key, position, spec)
        self._places(chunk)
        self._ids(chunk)
        self._sex(chunk)
        self._certificates(chunk)
        self._blanks(chunk)
        if self.kind is RosterKind.DIBAO:
            self._dibao_heads(chunk)
        return self._rows(chunk)

    def _problem(
        self, number: int, key: str, value: CellValue, error: FieldError, severity: Severity = Severity.ERROR
    ) -> Problem:
        column = self.header.header_of(key)
        return Problem(number, column, cell_text(value), error.code, error.reason, error.fix, severity)

    def _column(self, chunk: _Chunk, key: str, position: int, spec: FieldSpec) -> list[object]:
        raw = [cells[position] for cells in chunk.cells]
        if bool in set(map(type, raw)):  # True == 1 as a dict key: parse each cell on its own
            parsed = [_attempt(spec, v) for v in raw]
            failed: set[CellValue] | None = None
        else:
            cache, failing = self._caches[key], self._failing[key]
            distinct = set(raw)
            for value in distinct - cache.keys():
                result = cache[value] = _attempt(spec, value)
                if type(result) is FieldError:
                    failing.add(value)
            parsed = list(map(cache.__getitem__, raw))
            failed = distinct & failing
            if not failed:
                return parsed
        for index, result in enumerate(parsed):
            if type(result) is FieldError and (failed is None or raw[index] in failed):
                assert isinstance(result, FieldError)
                chunk.add(index, self._problem(chunk.numbers[index], key, raw[index], result))
                parsed[index] = None
        return parsed

    def _places(self, chunk: _Chunk) -> None:
        positions = [self.header.index[k] for k in PLACE_KEYS]
        triples = [(c[positions[0]], c[positions[1]], c[positions[2]]) for c in chunk.cells]
        found = {t: self.places.resolve(*t) for t in set(triples)}
        codes: list[tuple[str | None, str | None, str | None]] = []
        for index, triple in enumerate(triples):
            result = found[triple]
            if isinstance(result, PlaceError):
                value = triple[PLACE_KEYS.index(result.key)]
                chunk.add(index, self._problem(chunk.numbers[index], result.key, value, result.error))
                codes.append((None, None, None))
            else:
                codes.append(result)
        for position, key in enumerate(PLACE_KEYS):
            chunk.columns[key] = [triple[position] for triple in codes]

    def _ids(self, chunk: _Chunk) -> None:
        checker = self.id_checker
        for key in sorted(ID_KEYS & self.header.index.keys()):
            position = self.header.index[key]
            out: list[object] = []
            for index, cells in enumerate(chunk.cells):
                value = cells[position]
                if type(value) is str and checker.fast(value):
                    out.append(value)
                    continue
                out.append(self._slow_id(chunk, index, key, value))
            chunk.columns[key] = out

    def _slow_id(self, chunk: _Chunk, index: int, key: str, value: CellValue) -> str | None:
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

    def _sex(self, chunk: _Chunk) -> None:
        """Sex follows the ID's sequence digit (odd = male); a sex cell that disagrees is a warning, not a rejection.

        The ID has passed its check character, so its sequence digit is the better source; the sex cell is typed
        by hand. The row keeps the ID's sex and the disagreement goes back to the roster keeper as a warning.
        """
        person_ids = chunk.columns.get("id_number", [None] * len(chunk.cells))
        derived = [None if i is None else ("M" if str(i)[16] in "13579" else "F") for i in person_ids]
        position = self.header.index.get("sex")
        if position is None:
            chunk.columns["sex"] = list(derived)
            return
        out: list[object] = []
        for index, cells in enumerate(chunk.cells):
            value = cells[position]
            if type(value) is str:
                written = self._sex_cache.get(value, _MISSING)
                if written is _MISSING:
                    written = self._sex_cache[value] = _attempt(SEX_SPEC, value)
            else:
                written = _attempt(SEX_SPEC, value)
            out.append(self._sex_of(chunk, index, value, written, derived[index]))
        chunk.columns["sex"] = out

    def _sex_of(
        self, chunk: _Chunk, index: int, value: CellValue, written: object, derived: str | None
    ) -> object:
        number = chunk.numbers[index]
        if isinstance(written, FieldError):
            if derived is None:
                chunk.add(index, self._problem(number, "sex", value, written))
                return None
            fix = f"已按身份证号记为{SEX_LABEL[derived]};{written.fix}"
            error = FieldError(written.code, written.reason, fix)
            chunk.add(index, self._problem(number, "sex", value, error, Severity.WARNING))
            return derived
        if derived is not None and written is not None and written != derived:
            reason = f"性别“{cell_text(value)}”与身份证号不符(身份证号第17位表示{SEX_LABEL[derived]}性)"
            fix = f"已按身份证号记为{SEX_LABEL[derived]};请核对性别或身份证号"
            error = FieldError("sex_disagrees_with_id", reason, fix)
            chunk.add(index, self._problem(number, "sex", value, error, Severity.WARNING))
        return derived or written

    def _certificates(self, chunk: _Chunk) -> None:
        position = self.header.index.get("disability_cert")
        if position is None:
            return
        person_ids = chunk.columns.get("id_number", [None] * len(chunk.cells))
        out: list[object] = []
        for index, cells in enumerate(chunk.cells):
            value = cells[position]
            if value is None or not cell_text(value).strip():
                out.append(None)
                continue
            holder = person_ids[index]
            if type(value) is str and _CERT_TAIL(value) and value[:18] == holder:
                out.append(value)  # the holder's own (validated) ID + category 1-7 + grade 1-4
                continue
            try:
                out.append(ids.parse_certificate(value, holder if isinstance(holder, str) else None).number)
            except (ids.InvalidCertificate, ids.InvalidId) as exc:
                error = FieldError("disability_cert_invalid", str(exc), CERT_FIX)
                chunk.add(index, self._problem(chunk.numbers[index], "disability_cert", value, error))
                out.append(None)
        chunk.columns["disability_cert"] = out

    def _blanks(self, chunk: _Chunk) -> None:
        for key in sorted(self.must_fill):
            column = self.header.header_of(key)
            position = self.header.index[key]
            for index, value in enumerate(chunk.columns[key]):
                if value is None and all(p.column != column for p in chunk.problems.get(index, ())):
                    chunk.add(
                        index, self._problem(chunk.numbers[index], key, chunk.raw(index, position), BLANK)
                    )

    def _dibao_heads(self, chunk: _Chunk) -> None:
        """A dibao head's own row must carry the ID written in the head-ID column."""
        columns = chunk.columns
        position = self.header.index["id_number"]
        for index, relation in enumerate(columns["relation"]):
            own, head = columns["id_number"][index], columns["head_id_number"][index]
            if relation == HEAD and own is not None and head is not None and own != head:
                value = chunk.raw(index, position)
                chunk.add(index, self._problem(chunk.numbers[index], "id_number", value, HEAD_ID))

    def _rows(self, chunk: _Chunk) -> list[ParsedRow | RejectedRow]:
        keys = list(chunk.columns)
        headers = self.header.headers
        out: list[ParsedRow | RejectedRow] = []
        for index, row_values in enumerate(zip(*chunk.columns.values(), strict=True)):
            number, cells = chunk.numbers[index], chunk.cells[index]
            problems = chunk.problems.get(index)
            if problems:
                out.append(RejectedRow(number, headers, cells, problems))
                continue
            warnings = chunk.warnings.get(index)
            fields = dict(zip(keys, row_values, strict=True))
            out.append(
                ParsedRow(self.kind, number, headers, cells, fields, tuple(warnings) if warnings else ())
            )
        return out


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
