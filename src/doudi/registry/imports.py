"""Load a parsed roster into the registry: one ImportBatch per file, one transaction per batch.

`import_roster` parses the file with the pure doudi.ingest pipeline, writes the error workbook, then writes the
registry inside a single database transaction: killing the process at any moment rolls the whole batch back, so
there is never a half batch, and a rerun starts clean. Re-importing a file already imported (same kind and SHA-256)
changes nothing and returns the existing batch.

A newer version of a roster (a different file of the same kind and region) updates what changed, with history
(a record's first change writes its '+' row as its batch created it, then the '~' row of the change); a person listed in the registry for that roster and
region but missing from the newer file is flagged for review (an AuditEvent `review_missing_from_roster`), never
deleted, and their memberships and enrolments stay as they were.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from doudi.core import ids
from doudi.core.divisions import CODE_SYSTEM, EDITION
from doudi.core.rosters import RosterKind
from doudi.ingest.pipeline import ParseResult, collector_paused, parse_file
from doudi.ingest.problems import FileProblem
from doudi.ingest.rows import ParsedRow
from doudi.ingest.workbook import write_error_workbook
from doudi.registry import access, audit
from doudi.registry.models import (
    AuditAction,
    BatchStatus,
    DibaoEnrolment,
    DibaoMember,
    Household,
    HouseholdOrigin,
    ImportBatch,
    Membership,
    Person,
    PovertyRegistration,
    TekunEnrolment,
)
from doudi.watch import hooks as watch_hooks

Progress = Callable[[str, int, int | None], None]  # (stage, done, total)
CHUNK_HOUSEHOLDS = 2000  # households written per chunk (progress is reported per chunk)
BATCH_SIZE = 500
MISSING_ACTION = "review_missing_from_roster"

LABOR_CAPACITY = {
    "普通劳动力": "full",
    "技能劳动力": "full",
    "弱劳动力或半劳动力": "partial",
    "丧失劳动力": "none",
    "无劳动力": "none",
}
SCHOOLING = {
    "学前教育": "preschool",
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中职": "vocational",
    "高职": "college",
    "大专": "college",
    "本科": "bachelor",
}
EMPLOYMENT = {
    "乡镇内务工": "local",
    "县内务工": "county",
    "县内乡镇外务工": "county",
    "省内县外务工": "province",
    "省外务工": "out_of_province",
    "公益性岗位": "public_welfare_job",
}
SUPPORT_MODE = {"分散供养": "home", "集中供养": "institution"}
SELF_CARE = {"全自理": "self_care", "半自理": "partial", "全护理": "full_care"}


@dataclass
class ImportResult:
    batch: ImportBatch
    already_imported: bool
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    warnings: int = 0
    error_workbook: Path | None = None
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    flagged_missing: int = 0


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest(), path.stat().st_size


def import_roster(
    path: Path | str,
    kind: RosterKind | str,
    *,
    sheet: str | None = None,
    user: Any = None,
    progress: Progress | None = None,
    errors_path: Path | str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import one roster file. Raises doudi.ingest.problems.FileProblem when the file cannot be read at all."""
    path, kind = Path(path), RosterKind(kind)
    sha256, size = file_digest(path)
    existing = _completed(kind, sha256)
    if existing is not None:
        return _already(existing)
    # The parsed rows are millions of long-lived objects: no garbage-collector rescans while loading them.
    with collector_paused():
        return _import(path, kind, sha256, size, sheet, user, progress, errors_path, today)


def _import(
    path: Path,
    kind: RosterKind,
    sha256: str,
    size: int,
    sheet: str | None,
    user: Any,
    progress: Progress | None,
    errors_path: Path | str | None,
    today: date | None,
) -> ImportResult:
    parsed = parse_file(path, kind, sheet=sheet, today=today, progress=_stage(progress, "read"))
    if user is not None:
        _check_scope(user, path, parsed)
    workbook = None
    if parsed.rejected or parsed.warnings:
        workbook = write_error_workbook(parsed, errors_path or _default_errors_path(path, sha256))
    _tune_connection()
    try:
        with transaction.atomic():
            return _load(parsed, sha256, size, user, workbook, progress)
    except IntegrityError:
        existing = _completed(kind, sha256)  # the same file completed concurrently
        if existing is None:
            raise
        return _already(existing)


def _check_scope(user: Any, path: Path, parsed: ParseResult) -> None:
    """A user imports only rosters of the region they are responsible for (a command run without a user may)."""
    region = _region(parsed.accepted)
    if region and not access.in_scope(user, region):
        raise FileProblem(
            "out_of_scope",
            f"{path.name}: 名册所属区划 {region} 不在您的管辖范围({access.scope_of(user) or '无'})内,"
            "请由该地区的县级用户导入",
        )


def _tune_connection() -> None:
    """SQLite's default page cache (2 MB) makes index updates of a large batch go to disk again and again."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB for this connection


def _completed(kind: RosterKind, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind.value, sha256=sha256, status=BatchStatus.COMPLETE).first()


def _already(batch: ImportBatch) -> ImportResult:
    workbook = Path(batch.error_workbook) if batch.error_workbook else None
    return ImportResult(
        batch, True, batch.rows_read, batch.rows_accepted, batch.rows_rejected, error_workbook=workbook
    )


def _default_errors_path(path: Path, sha256: str) -> Path:
    return Path(settings.VAR_DIR) / "imports" / f"{path.stem}-{sha256[:8]}-错误清单.xlsx"


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int | None], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


# --- the batch ---------------------------------------------------------------------------------------------------


@dataclass
class Context:
    batch: ImportBatch
    user: Any
    today: date
    previous: ImportBatch | None
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seen_persons: set[int] = field(default_factory=set)

    @property
    def reason(self) -> str:
        return f"导入批次 {self.batch.pk}:{self.batch.file_name}"


def _load(
    parsed: ParseResult, sha256: str, size: int, user: Any, workbook: Path | None, progress: Progress | None
) -> ImportResult:
    region = _region(parsed.accepted)
    previous = (
        ImportBatch.objects.filter(kind=parsed.kind.value, region_code=region, status=BatchStatus.COMPLETE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    batch = ImportBatch.objects.create(
        kind=parsed.kind.value,
        region_code=region,
        file_name=parsed.path.name[:255],
        sha256=sha256,
        size_bytes=size,
        code_system=CODE_SYSTEM,
        code_edition=EDITION,
        imported_by=user if getattr(user, "pk", None) else None,
        status=BatchStatus.RUNNING,
        rows_read=parsed.rows_read,
        rows_accepted=len(parsed.accepted),
        rows_rejected=len(parsed.rejected),
        error_workbook=str(workbook or ""),
        supersedes=previous,
    )
    ctx = Context(batch, batch.imported_by, timezone.localdate(), previous)
    groups = _groups(parsed)
    chunks = list(_chunked(groups, CHUNK_HOUSEHOLDS))
    for index, chunk in enumerate(chunks):
        _load_chunk(ctx, parsed.kind, chunk)
        if progress is not None:
            progress("write", index + 1, len(chunks))
    flagged = _flag_missing(ctx, parsed, region) if previous is not None and region else 0
    watch_hooks.after_import(batch)  # S5: reassess changed card households, flag the missing
    batch.status = BatchStatus.COMPLETE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    audit.record(user, AuditAction.IMPORT, batch, region_code=region, kind=parsed.kind.value,
                 rows_read=parsed.rows_read, rows_accepted=len(parsed.accepted), flagged_missing=flagged)  # fmt: skip
    return ImportResult(
        batch,
        False,
        parsed.rows_read,
        len(parsed.accepted),
        len(parsed.rejected),
        warnings=len(parsed.warnings),
        error_workbook=workbook,
        created=dict(ctx.created),
        updated=dict(ctx.updated),
        flagged_missing=flagged,
    )


def _region(rows: Sequence[ParsedRow]) -> str:
    """The county code of the roster, or the longest code prefix shared by its counties."""
    counties = sorted({str(r.fields["county"]) for r in rows})
    if not counties:
        return ""
    first, last = counties[0], counties[-1]
    length = 0
    while length < len(first) and first[length] == last[length]:
        length += 1
    return first[: length - length % 2] if length < 6 else first


def _groups(parsed: ParseResult) -> list[list[ParsedRow]]:
    """Rows grouped by household (poverty: household number; dibao: head ID); tekun rows stand alone."""
    if parsed.kind is RosterKind.TEKUN:
        return [[row] for row in parsed.accepted]
    key = "household_no" if parsed.kind is RosterKind.POVERTY else "head_id_number"
    groups: dict[object, list[ParsedRow]] = {}
    for row in parsed.accepted:
        groups.setdefault((row.fields["county"], row.fields[key]), []).append(row)
    return list(groups.values())


def _chunked(items: Sequence[list[ParsedRow]], size: int) -> Iterator[Sequence[list[ParsedRow]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_chunk(ctx: Context, kind: RosterKind, households: Sequence[list[ParsedRow]]) -> None:
    """Write one chunk of households (tests patch this to simulate a crash in the middle of a batch)."""
    {
        RosterKind.POVERTY: _load_poverty,
        RosterKind.DIBAO: _load_dibao,
        RosterKind.TEKUN: _load_tekun,
    }[kind](ctx, households)


# --- generic upsert with history ---------------------------------------------------------------------------------


def _apply(ctx: Context, obj: models.Model, values: dict[str, Any]) -> set[str]:
    """Set the values that differ; returns the changed field names."""
    changed = {name for name, value in values.items() if getattr(obj, name) != value}
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save_all(
    ctx: Context, model: type[models.Model], new: list[Any], changed: dict[int, tuple[Any, set[str]]]
) -> None:
    label = model._meta.model_name or model.__name__
    if new:
        for obj in new:
            if hasattr(obj, "source_batch_id"):
                obj.source_batch_id = ctx.batch.pk
        _insert(model, new)
        ctx.created[label] += len(new)
    if changed:
        objs = [obj for obj, _ in changed.values()]
        _history_before_first_change(ctx, model, [obj.pk for obj in objs])
        names = sorted(set().union(*(names for _, names in changed.values())))
        if hasattr(objs[0], "source_batch_id"):
            for obj in objs:
                obj.source_batch = ctx.batch
            names.append("source_batch")
        bulk_update_with_history(objs, model, names, batch_size=BATCH_SIZE, default_user=ctx.user,
                                 default_change_reason=ctx.reason)  # fmt: skip
        ctx.updated[label] += len(objs)


class NewRow:
    """A row to INSERT: the model's attnames with their defaults; cheaper than a model instance by far."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.pk: int | None = None


_DEFAULTS: dict[type[models.Model], dict[str, Any]] = {}


def _new(model: type[models.Model], **values: Any) -> Any:
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = {
            f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
        }
    return NewRow({**defaults, **values})


def _insert(model: type[models.Model], objs: list[Any]) -> None:
    """INSERT new rows (multi-row VALUES ... RETURNING id, as Django's bulk_create does).

    Django's bulk_create sends every value through the SQL compiler and wants model instances; both dominated a
    300,000-row load. Here rows are plain attribute bags and only date columns are converted. The SQL is the
    same on SQLite (>= 3.35) and PostgreSQL. A new record gets no history row: its batch is its provenance
    until it first changes (see `_history_before_first_change`), which halves the rows a first load writes.
    """
    pk = model._meta.pk
    assert pk is not None
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = attrgetter(*(f.attname for f in fields))
    rows = [list(values(o)) for o in objs]
    ids = _insert_rows(model._meta.db_table, fields, rows, pk.column)
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        setattr(obj, pk.attname, new_id)


def _history_before_first_change(ctx: Context, model: type[models.Model], pks: list[int]) -> None:
    """Write the '+' history row of a record, as its batch created it, just before the record first changes.

    django-simple-history then holds every state the record has had: the '+' row dated by the batch that created
    it, and one '~' row per later change.
    """
    history = getattr(model, "history", None)
    if history is None:
        return
    historical, pk = history.model, model._meta.pk
    assert pk is not None
    known = set(_in_chunks(historical._default_manager.values_list(pk.attname, flat=True), pk.attname, pks))
    fresh = [key for key in pks if key not in known]
    if not fresh:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    current = model._default_manager.values_list(*(f.attname for f in fields), pk.attname)
    rows = [list(row) for row in _in_chunks(current, pk.attname, fresh)]
    position = next((i for i, f in enumerate(fields) if f.attname == "source_batch_id"), None)
    batch_ids = {row[position] for row in rows} if position is not None else set()
    started = dict(ImportBatch.objects.filter(pk__in=batch_ids).values_list("pk", "started_at"))
    ids = [row.pop() for row in rows]
    when = [
        (started.get(row[position]) if position is not None else None) or ctx.batch.started_at for row in rows
    ]
    _insert_history(ctx, historical, pk, fields, rows, ids, when)


def _insert_history(
    ctx: Context,
    historical: type[models.Model],
    pk: Any,
    fields: list[Any],
    rows: list[list[Any]],
    ids: list[int],
    when: list[Any],
) -> None:
    """The '+' rows of django-simple-history: the values, the id, and who/when/why."""
    by_name = {f.attname: f for f in historical._meta.concrete_fields}
    extra = {
        "history_change_reason": ctx.reason[:100],
        "history_type": "+",
        "history_user_id": getattr(ctx.user, "pk", None),
    }
    columns = [
        by_name[pk.attname],
        *(by_name[f.attname] for f in fields),
        by_name["history_date"],
        *(by_name[name] for name in extra),
    ]
    tail = list(extra.values())
    hrows = [[new_id, *row, date, *tail] for new_id, row, date in zip(ids, rows, when, strict=True)]
    _insert_rows(historical._meta.db_table, columns, hrows, None)


def _insert_rows(
    table: str,
    fields: list[Any],
    rows: list[list[Any]],
    returning: str | None,
    converted: set[str] = frozenset(),
) -> list[int]:
    quote = connection.ops.quote_name
    convert = [(i, c) for i, f in enumerate(fields) if f.attname not in converted and (c := _converter(f))]
    for row in rows:
        for i, c in convert:
            row[i] = c(row[i])
    columns = ", ".join(quote(f.column) for f in fields)
    per_batch = max(1, 30000 // len(fields))
    ids: list[int] = []
    mark = "?" if connection.vendor == "sqlite" else "%s"
    connection.ensure_connection()
    # On SQLite the DB-API cursor is used directly: Django's wrapper rewrites every %s with a regex.
    with connection.cursor() if mark == "%s" else closing(connection.connection.cursor()) as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            values = ", ".join(["(" + ", ".join([mark] * len(fields)) + ")"] * len(batch))
            params = list(chain.from_iterable(batch))
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES {values}"
            if returning is None:
                cursor.execute(sql, params)
            else:
                cursor.execute(f"{sql} RETURNING {quote(returning)}", params)
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _converter(field: Any) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value  # type: ignore[no-any-return]
    return None


def _person_values(row: ParsedRow) -> dict[str, Any]:
    f = row.fields
    number = f.get("id_number")
    values: dict[str, Any] = {
        "name": f["name"],
        "sex": f.get("sex") or "",
        "birth_date": _birth(number) if isinstance(number, str) else None,
        "county_code": f["county"],
        "township_code": f["township"],
        "village_code": f["village"],
    }
    if row.kind is RosterKind.POVERTY:
        values.update(_poverty_person_values(f))
    return values


def _poverty_person_values(f: dict[str, object]) -> dict[str, Any]:
    cert = f.get("disability_cert")
    labor, health = f.get("labor"), f.get("health")
    return {
        "labor_label": labor or "",
        "labor_capacity": LABOR_CAPACITY.get(str(labor), ""),
        "health_label": health or "",
        "major_illness": health == "患有大病",
        "disability_certificate": cert or "",
        "disability_category": str(cert)[18] if cert else "",
        "disability_grade": int(str(cert)[19]) if cert else None,
        "schooling": SCHOOLING.get(str(f.get("schooling") or ""), ""),
        "employment": EMPLOYMENT.get(str(f.get("employment") or ""), ""),
    }


def _birth(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))  # the ID was validated by ingest


def _persons(
    ctx: Context, wanted: list[tuple[ParsedRow, Household | None]], relation_key: str = "relation"
) -> list[Person]:
    """Upsert one Person per row: by canonical ID, or (no ID) by name and relation within the row's household."""
    ids_wanted = [str(r.fields["id_number"]) for r, _ in wanted if r.fields.get("id_number")]
    by_id = {p.id_number: p for p in _in_chunks(Person.objects.all(), "id_number", ids_wanted)}
    by_member = _persons_without_id([h for r, h in wanted if h is not None and not r.fields.get("id_number")])
    out: list[Person] = []
    new: list[Person] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for row, household in wanted:
        number = row.fields.get("id_number")
        values = _person_values(row)
        if number:
            person = by_id.get(str(number))
        else:
            key = (
                household.pk if household is not None else None,
                row.fields["name"],
                row.fields[relation_key],
            )
            person = by_member.get(key)
        if person is None:
            person = _new(Person, id_number=number or None, **values)
            new.append(person)
            if number:
                by_id[str(number)] = person
        elif names := _apply(ctx, person, values):
            changed[id(person)] = (person, names | changed.get(id(person), (None, set()))[1])
        out.append(person)
    _save_all(ctx, Person, new, changed)
    ctx.seen_persons.update(p.pk for p in out)
    return out


def _persons_without_id(households: Iterable[Household]) -> dict[tuple[int | None, str, str], Person]:
    pks = sorted({h.pk for h in households if h.pk is not None})
    members = _in_chunks(
        Membership.objects.filter(valid_to=None, person__id_number=None).select_related("person"),
        "household_id",
        pks,
    )
    return {(m.household_id, m.person.name, m.relation): m.person for m in members}


def _in_chunks(queryset: models.QuerySet[Any], field_name: str, values: Sequence[Any]) -> list[Any]:
    """The queryset filtered to `field_name IN values`, the values sent as one array parameter.

    Django's `__in` with a list prepares every value in Python (these lookups took 5.3 s of a profiled 30,000-row
    load, 0.5 s now); here the values travel as one JSON text (SQLite, json_each) or one array (PostgreSQL,
    unnest), in one query, with no limit on their number.
    """
    if not values:
        return []
    return list(queryset.filter(**{f"{field_name}__in": _value_table(values)}))


def _value_table(values: Sequence[Any]) -> RawSQL:
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])
    array = "bigint[]" if isinstance(values[0], int) else "text[]"
    return RawSQL(f"SELECT unnest(%s::{array})", [list(values)])


def _memberships(ctx: Context, pairs: list[tuple[Person, Household, str]], origin: str) -> None:
    """Open a membership per (person, household); a person now in another household of the same origin moves."""
    person_pks = [p.pk for p, _, _ in pairs]
    open_ = _in_chunks(
        Membership.objects.filter(valid_to=None, household__origin=origin), "person_id", person_pks
    )
    current = {(m.person_id, m.household_id): m for m in open_}
    elsewhere: dict[int, list[Membership]] = defaultdict(list)
    for m in open_:
        elsewhere[m.person_id].append(m)
    new: list[Membership] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for person, household, relation in pairs:
        membership = current.get((person.pk, household.pk))
        if membership is None:
            new.append(
                _new(
                    Membership,
                    person_id=person.pk,
                    household_id=household.pk,
                    relation=relation,
                    # The first version of a roster does not say since when; a later one dates an arrival.
                    valid_from=ctx.today if ctx.previous else None,
                )
            )
        elif names := _apply(ctx, membership, {"relation": relation}):
            changed[id(membership)] = (membership, names)
        for other in elsewhere.get(person.pk, []):
            if other.household_id != household.pk:  # moved: close the old membership, with history
                other.valid_to = ctx.today
                changed[id(other)] = (other, {"valid_to"})
    _save_all(ctx, Membership, new, changed)


def _existing_households(
    origin: str, keys: list[tuple[str, str]], *, by: str
) -> dict[tuple[str, str], Household]:
    """Card households by (county, household_no), civil ones by (county, head ID)."""
    if by == "household_no":
        found = _in_chunks(Household.objects.filter(origin=origin), "household_no", [k[1] for k in keys])
        return {(h.county_code, str(h.household_no)): h for h in found}
    found = _in_chunks(
        Household.objects.filter(origin=origin).select_related("head"),
        "head__id_number",
        [k[1] for k in keys],
    )  # select_related: the key reads head.id_number
    return {(h.county_code, str(h.head.id_number) if h.head else ""): h for h in found}


def _households(
    ctx: Context,
    origin: str,
    keys: list[tuple[str, str]],
    values: list[dict[str, Any]],
    index: dict[tuple[str, str], Household],
) -> list[Household]:
    """Upsert one household per key (index: the ones that exist already)."""
    out: list[Household] = []
    new: list[Household] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for key, wanted in zip(keys, values, strict=True):
        household = index.get(key)
        if household is None:
            household = _new(Household, origin=origin, **wanted)
            new.append(household)
        elif names := _apply(ctx, household, wanted):
            changed[id(household)] = (household, names)
        out.append(household)
    _save_all(ctx, Household, new, changed)
    return out


def _region_values(row: ParsedRow) -> dict[str, Any]:
    f = row.fields
    return {"county_code": f["county"], "township_code": f["township"], "village_code": f["village"]}


def _household_values(row: ParsedRow) -> dict[str, Any]:
    """Both the registry and the rural dibao roll hold households with a rural hukou in the roster's county."""
    return {**_region_values(row), "hukou": "rural", "hukou_county_code": row.fields["county"]}


def _head_row(rows: list[ParsedRow]) -> ParsedRow:
    return next((r for r in rows if r.fields["relation"] == "户主"), rows[0])


# --- poverty registry --------------------------------------------------------------------------------------------


def _load_poverty(ctx: Context, groups: Sequence[list[ParsedRow]]) -> None:
    keys = [(str(g[0].fields["county"]), str(g[0].fields["household_no"])) for g in groups]
    index = _existing_households(HouseholdOrigin.CARD, keys, by="household_no")
    known = [index.get(k) for k in keys]
    wanted = [(row, household) for household, rows in zip(known, groups, strict=True) for row in rows]
    persons = _persons(ctx, wanted)
    heads = {id(r): p for (r, _), p in zip(wanted, persons, strict=True) if r.fields["relation"] == "户主"}
    values = [
        {"household_no": k[1], "head_id": heads[id(_head_row(g))].pk, **_household_values(_head_row(g))}
        for k, g in zip(keys, groups, strict=True)
    ]
    households = _households(ctx, HouseholdOrigin.CARD, keys, values, index)
    placed = [household for household, rows in zip(households, groups, strict=True) for _ in rows]
    pairs = [(p, h, str(r.fields["relation"])) for (r, _), p, h in zip(wanted, persons, placed, strict=True)]
    _memberships(ctx, pairs, HouseholdOrigin.CARD)
    _registrations(ctx, households, groups)


def _registrations(ctx: Context, households: list[Household], groups: Sequence[list[ParsedRow]]) -> None:
    existing = {
        r.household_id: r
        for r in _in_chunks(PovertyRegistration.objects.all(), "household_id", [h.pk for h in households])
    }
    new: list[PovertyRegistration] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for household, rows in zip(households, groups, strict=True):
        f = _head_row(rows).fields
        values = {
            "household_no": household.household_no,
            "poverty_type": f.get("poverty_type") or "",
            "status": f.get("exit_status") or "未脱贫",
            "exit_year": f.get("exit_year"),
            "exit_pathway": str(f.get("exit_pathway") or "")[:100],
            "safety_net_mark": bool(f.get("safety_net_mark")),
            "income_per_capita_fen": f.get("income_per_capita"),
        }
        registration = existing.get(household.pk)
        if registration is None:
            new.append(_new(PovertyRegistration, household_id=household.pk, **values))
        elif names := _apply(ctx, registration, values):
            changed[id(registration)] = (registration, names)
    _save_all(ctx, PovertyRegistration, new, changed)


# --- dibao roll --------------------------------------------------------------------------------------------------


def _load_dibao(ctx: Context, groups: Sequence[list[ParsedRow]]) -> None:
    heads = _dibao_heads(ctx, groups)
    keys = [(str(g[0].fields["county"]), str(g[0].fields["head_id_number"])) for g in groups]
    values = [
        {"head_id": head.pk, **_household_values(_head_row(g))} for head, g in zip(heads, groups, strict=True)
    ]
    index = _existing_households(HouseholdOrigin.CIVIL, keys, by="head_id")
    households = _households(ctx, HouseholdOrigin.CIVIL, keys, values, index)
    wanted = [(row, household) for household, rows in zip(households, groups, strict=True) for row in rows]
    persons = _persons(ctx, wanted)
    _memberships(
        ctx, [(p, h, str(r.fields["relation"])) for (r, h), p in zip(wanted, persons, strict=True)], "civil"
    )
    enrolments = _dibao_enrolments(ctx, households, groups, persons)
    _dibao_members(ctx, enrolments, groups, persons)


def _dibao_heads(ctx: Context, groups: Sequence[list[ParsedRow]]) -> list[Person]:
    """The head of each dibao household (by head ID), created from the head columns when not listed yet."""
    ids_wanted = [str(g[0].fields["head_id_number"]) for g in groups]
    by_id = {p.id_number: p for p in _in_chunks(Person.objects.all(), "id_number", ids_wanted)}
    new: list[Person] = []
    for group in groups:
        number = str(group[0].fields["head_id_number"])
        if number not in by_id:
            f = group[0].fields
            head = _new(Person, id_number=number, name=f["head_name"], birth_date=_birth(number),
                          sex="M" if number[16] in "13579" else "F", **_region_values(group[0]))  # fmt: skip
            by_id[number] = head
            new.append(head)
    _save_all(ctx, Person, new, {})
    return [by_id[n] for n in ids_wanted]


def _dibao_enrolments(
    ctx: Context, households: list[Household], groups: Sequence[list[ParsedRow]], persons: list[Person]
) -> list[DibaoEnrolment]:
    """One active enrolment per household (a 单人户 enrolment per covered person)."""
    active = _in_chunks(
        DibaoEnrolment.objects.filter(end_date=None), "household_id", [h.pk for h in households]
    )
    index = {(e.household_id, e.person_id if e.single_person else None): e for e in active}
    people = iter(persons)
    out: list[DibaoEnrolment] = []
    new: list[DibaoEnrolment] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for household, rows in zip(households, groups, strict=True):
        members = [next(people) for _ in rows]
        f = _head_row(rows).fields
        single = bool(f.get("single_person"))
        person = members[0] if single else None
        values = {
            "single_person": single,
            "person_id": person.pk if person is not None else None,
            "tier": str(f.get("tier") or "").removesuffix("类"),
            "covered_members": f.get("covered_members") or len(rows),
            "monthly_amount_fen": f.get("monthly_amount") or 0,
            "start_date": f.get("enrolled_on"),
        }
        enrolment = index.get((household.pk, person.pk if person is not None else None))
        if enrolment is None:
            enrolment = _new(DibaoEnrolment, household_id=household.pk, **values)
            new.append(enrolment)
        elif names := _apply(ctx, enrolment, values):
            changed[id(enrolment)] = (enrolment, names)
        out.append(enrolment)
    _save_all(ctx, DibaoEnrolment, new, changed)
    return out


def _dibao_members(
    ctx: Context, enrolments: list[DibaoEnrolment], groups: Sequence[list[ParsedRow]], persons: list[Person]
) -> None:
    existing = {
        (m.enrolment_id, m.person_id)
        for m in _in_chunks(DibaoMember.objects.all(), "enrolment_id", [e.pk for e in enrolments])
    }
    people = iter(persons)
    new: list[DibaoMember] = []
    for enrolment, rows in zip(enrolments, groups, strict=True):
        for _ in rows:
            person = next(people)
            if (enrolment.pk, person.pk) not in existing:
                existing.add((enrolment.pk, person.pk))
                new.append(_new(DibaoMember, enrolment_id=enrolment.pk, person_id=person.pk))
    _save_all(ctx, DibaoMember, new, {})


# --- tekun roll --------------------------------------------------------------------------------------------------


def _load_tekun(ctx: Context, groups: Sequence[list[ParsedRow]]) -> None:
    rows = [g[0] for g in groups]
    persons = _persons(ctx, [(row, None) for row in rows])
    active = _in_chunks(TekunEnrolment.objects.filter(end_date=None), "person_id", [p.pk for p in persons])
    index = {e.person_id: e for e in active}
    new: list[TekunEnrolment] = []
    changed: dict[int, tuple[Any, set[str]]] = {}
    for row, person in zip(rows, persons, strict=True):
        f = row.fields
        values = {
            "support_mode": SUPPORT_MODE[str(f["support_mode"])],
            "self_care_level": SELF_CARE.get(str(f.get("self_care") or ""), ""),
            "basic_standard_fen": f.get("basic_standard"),
            "care_standard_fen": f.get("care_standard"),
            "start_date": f.get("enrolled_on"),
        }
        enrolment = index.get(person.pk)
        if enrolment is None:
            new.append(_new(TekunEnrolment, person_id=person.pk, **values))
        elif names := _apply(ctx, enrolment, values):
            changed[id(enrolment)] = (enrolment, names)
    _save_all(ctx, TekunEnrolment, new, changed)


# --- persons missing from a newer version ------------------------------------------------------------------------


def _listed_person_ids(kind: RosterKind, region: str) -> set[int]:
    """Persons the registry holds for this roster and region: open card memberships, active enrolments."""
    held: models.QuerySet[Any]
    if kind is RosterKind.POVERTY:
        held = Membership.objects.filter(
            valid_to=None, household__origin=HouseholdOrigin.CARD, household__county_code__startswith=region
        )
    elif kind is RosterKind.DIBAO:
        held = DibaoMember.objects.filter(
            enrolment__end_date=None, enrolment__household__county_code__startswith=region
        )
    else:
        held = TekunEnrolment.objects.filter(end_date=None, person__county_code__startswith=region)
    return set(held.values_list("person_id", flat=True))


def _flag_missing(ctx: Context, parsed: ParseResult, region: str) -> int:
    """Flag for review each person held for this roster and region who is not in the newer file.

    A person whose row is in the file but was rejected (their ID appears in a rejected row) is not missing: the
    error workbook already sends that row back.
    """
    kind = parsed.kind
    candidates = sorted(_listed_person_ids(kind, region) - ctx.seen_persons)
    rejected = _rejected_ids(parsed)
    flagged = 0
    for person in _in_chunks(Person.objects.order_by("pk"), "pk", candidates):
        if person.id_number and person.id_number in rejected:
            continue
        audit.record(ctx.user, MISSING_ACTION, person, region_code=person.village_code, kind=kind.value,
                     batch=ctx.batch.pk, previous_batch=ctx.previous.pk if ctx.previous else None)  # fmt: skip
        flagged += 1
    return flagged


def _rejected_ids(parsed: ParseResult) -> set[str]:
    position = parsed.header.index.get("id_number")
    if position is None:
        return set()
    found = set()
    for row in parsed.rejected:
        cell = row.cells[position] if position < len(row.cells) else None
        if isinstance(cell, str):
            number = ids.normalise(cell)
            found.add(ids.upgrade15(number) if len(number) == 15 and number.isdigit() else number)
    return found
