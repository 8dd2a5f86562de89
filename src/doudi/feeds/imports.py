"""Import departmental feed files: one FeedBatch per file, in one transaction, with the roster import's
guarantees (rows read = accepted + rejected; every problem names the file, row, column and fix; the same file
twice changes nothing). Accepted rows link to registry persons by the resident ID cleaned as the matching engine
cleans it (doudi.linkage.clean)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from doudi.evidence.feeds import FeedKind, spec_of
from doudi.evidence.parse import FeedParse, FeedRow, describe, parse_feed
from doudi.evidence.pipeline import feed_files
from doudi.ingest.problems import FileProblem, Problem
from doudi.registry import access, audit
from doudi.registry.imports import file_digest
from doudi.registry.models import Household, Membership, Person

from .models import Authorisation, AuthorisationKind, FeedBatch, FeedRecord, LinkMethod

AUTHORISATION_STEM = "家庭经济状况核对授权"
CHUNK = 2000


@dataclass
class FeedResult:
    batch: FeedBatch
    already_imported: bool

    @property
    def lines(self) -> list[str]:
        return [describe(Problem(**p), self.batch.file_name) for p in self.batch.problems]


@dataclass
class AuthorisationResult:
    file_name: str
    rows_read: int = 0
    recorded: int = 0
    problems: list[str] = field(default_factory=list)


def _json(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def _persons(ids: list[str]) -> dict[str, tuple[int, str]]:
    """Resident ID -> (person pk, county code) for the IDs found in the registry."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = Person.objects.filter(id_number__in=ids[start : start + CHUNK])
        for pk, id_number, county in rows.values_list("pk", "id_number", "county_code"):
            found[id_number] = (pk, county)
    return found


def _region(linked: dict[str, tuple[int, str]], user: Any) -> str:
    counties = Counter(county for _, county in linked.values())
    if counties:
        return counties.most_common(1)[0][0]
    scope = access.scope_of(user) or ""
    return scope[:6]


def import_feed(path: Path, kind: FeedKind | str, user: Any = None, today: date | None = None) -> FeedResult:
    """Import one feed file. Raises FileProblem (Chinese, naming the file) when it cannot be read at all."""
    kind = FeedKind(kind)
    sha256, size = file_digest(path)
    existing = FeedBatch.objects.filter(kind=kind.value, sha256=sha256).first()
    if existing is not None:
        return FeedResult(existing, True)
    parsed = parse_feed(path, kind, today or date.today())
    linked = _persons(sorted({r.id_number for r in parsed.accepted}))
    region = _region(linked, user)
    if user is not None and region and not access.in_scope(user, region):
        raise FileProblem(
            "out_of_scope", f"{path.name}: 数据所属区划 {region} 不在您的管辖范围内, 请由该县用户导入"
        )
    with transaction.atomic():
        batch = _store(parsed, sha256, size, region, linked, user)
    audit.record(user, "feeds.import", batch, region_code=region, kind=kind.value, rows_read=batch.rows_read,
                 rows_accepted=batch.rows_accepted, rows_rejected=batch.rows_rejected)  # fmt: skip
    return FeedResult(batch, False)


def _store(
    parsed: FeedParse, sha256: str, size: int, region: str, linked: dict[str, tuple[int, str]], user: Any
) -> FeedBatch:
    batch = FeedBatch.objects.create(
        kind=parsed.kind.value,
        region_code=region,
        file_name=parsed.path.name[:255],
        sha256=sha256,
        size_bytes=size,
        rows_read=parsed.rows_read,
        rows_accepted=len(parsed.accepted),
        rows_rejected=len(parsed.rejected),
        rows_linked=sum(1 for r in parsed.accepted if r.id_number in linked),
        problems=[asdict(p) for p in parsed.problems],
        imported_by=user if getattr(user, "pk", None) else None,
    )
    FeedRecord.objects.bulk_create((_record(batch, row, linked) for row in parsed.accepted), batch_size=CHUNK)
    return batch


def _record(batch: FeedBatch, row: FeedRow, linked: dict[str, tuple[int, str]]) -> FeedRecord:
    person = linked.get(row.id_number)
    return FeedRecord(
        batch=batch,
        kind=batch.kind,
        row=row.row,
        id_number=row.id_number,
        id_valid=row.id_valid,
        person_id=person[0] if person else None,
        link_method=LinkMethod.EXACT if person else LinkMethod.UNLINKED,
        fields=_json(row.fields),
    )


def typed(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A record's stored fields with dates back as `date` (the inverse of _json)."""
    spec = spec_of(kind)
    out = dict(fields)
    for column in spec.columns:
        value = out.get(column.key)
        if column.type.value in ("date", "month") and isinstance(value, str):
            out[column.key] = date.fromisoformat(value)
    return out


# Authorisations ------------------------------------------------------------------------------------------


def import_authorisations(path: Path, user: Any = None, today: date | None = None) -> AuthorisationResult:
    """The register of signed authorisations: one line per household (the signer's ID and the date)."""
    from doudi.evidence.parse import RowReader
    from doudi.ingest.headers import find_header
    from doudi.ingest.readers import open_tables

    from .authorisation import columns

    result = AuthorisationResult(path.name)
    spec_columns = columns()
    for table in open_tables(path):
        header, seen = find_header(
            table.rows, [c.as_column() for c in spec_columns.columns], source=path.name
        )
        reader = RowReader(spec_columns, header, today or date.today())
        rows = [*seen, *table.rows]
        _authorise_rows(result, reader, rows, path, user)
        break
    return result


def _authorise_rows(result: AuthorisationResult, reader: Any, rows: list[Any], path: Path, user: Any) -> None:
    accepted = []
    for number, cells in rows:
        if all(c in (None, "") for c in cells):
            continue
        result.rows_read += 1
        outcome = reader.read(number, cells)
        if isinstance(outcome, list):
            result.problems += [describe(p, path.name) for p in outcome]
        else:
            accepted.append(outcome)
    linked = _persons(sorted({r.id_number for r in accepted}))
    households = _households_of(sorted(pk for pk, _ in linked.values()))
    lone = _lone_tekun({pk for pk, _ in linked.values()} - set(households))
    active = Authorisation.objects.filter(revoked_on__isnull=True)
    done = set(active.values_list("household_id", flat=True))
    done_lone = set(active.filter(household__isnull=True).values_list("person_id", flat=True))
    new: list[Authorisation] = []
    for row in accepted:
        person = linked.get(row.id_number)
        found = households.get(person[0], []) if person else []
        if person and person[0] in lone:  # a tekun person without a household signs for themself
            result.recorded += 1
            if person[0] not in done_lone:
                done_lone.add(person[0])
                new.append(_signed(None, row.fields["signed_on"], user, person[0]))
            continue
        if not found:
            result.problems.append(
                f"{path.name} 第{row.row}行 “公民身份号码”列: 登记库中没有该人员或其所在家庭户; "
                "请核对身份证号, 或先导入该户所在名册(无家庭户的特困人员须在特困名册中)"
            )
            continue
        result.recorded += 1
        for household in found:
            if household not in done:
                done.add(household)
                new.append(_signed(household, row.fields["signed_on"], user))
    with transaction.atomic():
        Authorisation.objects.bulk_create(new, batch_size=CHUNK)
        region = _region(linked, user)
        audit.record(
            user, "feeds.authorisation_import", None, region_code=region, file=path.name, recorded=len(new)
        )


def _households_of(person_ids: list[int]) -> dict[int, list[int]]:
    """Person pk -> the households they are a current member of, or head of (a head whose own roster row was
    rejected has no membership). A family may be both a card household and a civil-affairs one."""
    out: dict[int, list[int]] = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        rows = Membership.objects.filter(person_id__in=chunk, valid_to__isnull=True)
        pairs = [*rows.values_list("person_id", "household_id")]
        pairs += Household.objects.filter(head_id__in=chunk).values_list("head_id", "pk")
        for person_id, household_id in pairs:
            found = out.setdefault(person_id, [])
            if household_id not in found:
                found.append(household_id)
    return out


def _lone_tekun(person_ids: set[int]) -> set[int]:
    """The persons among these with an open tekun enrolment (they have no household in the registry)."""
    from doudi.registry.models import TekunEnrolment

    wanted, out = sorted(person_ids), set()
    for start in range(0, len(wanted), CHUNK):
        rows = TekunEnrolment.objects.filter(
            person_id__in=wanted[start : start + CHUNK], end_date__isnull=True
        )
        out |= set(rows.values_list("person_id", flat=True))
    return out


def _signed(
    household_id: int | None, signed_on: date, user: Any, person_id: int | None = None
) -> Authorisation:
    return Authorisation(
        household_id=household_id,
        person_id=person_id,
        kind=AuthorisationKind.SIGNED,
        signed_on=signed_on,
        recorded_by=user if getattr(user, "pk", None) else None,
    )


def import_folder(
    folder: Path, user: Any = None, today: date | None = None
) -> list[FeedResult | AuthorisationResult]:
    """Every feed file of a folder (one per feed, xlsx before csv), then the authorisation register if present."""
    results: list[FeedResult | AuthorisationResult] = []
    files = feed_files(folder)
    if not files:
        raise FileProblem(
            "no_feeds",
            f"{folder} 中没有可识别的部门数据文件; 文件名应为数据类别名称, 如“机动车登记信息.xlsx”",
        )
    for kind, path in files.items():
        results.append(import_feed(path, kind, user, today))
    for suffix in (".xlsx", ".csv"):
        register = folder / f"{AUTHORISATION_STEM}{suffix}"
        if register.is_file():
            results.append(import_authorisations(register, user, today))
            break
    return results
