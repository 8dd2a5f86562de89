"""Departments' data in the assessment (家庭经济状况核对 → 研判): the rules' input of a household takes the verified
income and property from the economic feeds when the household has an authorisation in force (or an audited
override), and each item says where it came from, so the explanation names the feed, the batch and the row.

Called from `doudi.registry.assessment.household_input` (one hook); the rules stay pure and see only their input
dataclasses (`Income.source`, `PropertyItem.source`, `Household.evidence_notes`). The columnar read attaches the
evidence of a chunk of households at once (`attach`), the per-household path reads it (`_load`): both give the
same rows in the same order, so the same input.

How the evidence combines with the declaration (RULES.md §3; docs/evidence.md, 研判如何使用部门数据):
- income, per member and kind (wage, pension, unemployment): the largest figure any one feed shows (the same wage
  is taxed, insured and paid into the housing fund); it replaces the member's declared items of that kind when it
  is larger, else the declaration stands. Evidence of a member without declared items of the kind is compared
  with the household's own items of that kind, then with the poverty registry's declared net income; income no
  one declared is added.
- vehicles: each registered vehicle (registered on or before the date) is counted at its registered price; a
  declared vehicle bought the same day is the same vehicle and is replaced.
- houses and non-residential property: the real-estate count replaces the declared count when larger.
- deposits and financial assets: the banks' total replaces the declared total when larger.
- businesses: active businesses beyond the number declared are added; the register holds no profit, so they are
  counted with a profit of 0 and the explanation asks for a home visit.
Without an authorisation in force nothing changes; the explanation says the data was not used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from doudi.core.ids import mask
from doudi.core.money import yuan
from doudi.evidence.feeds import FEEDS, FeedKind
from doudi.evidence.records import Evidence
from doudi.rules import model as r

INCOME_FEEDS = (FeedKind.TAX, FeedKind.SOCIAL_SECURITY, FeedKind.HOUSING_FUND, FeedKind.PAYROLL)
PROPERTY_FEEDS = (FeedKind.VEHICLES, FeedKind.REAL_ESTATE, FeedKind.BUSINESS, FeedKind.BANK)
USED = tuple(k.value for k in (*INCOME_FEEDS, *PROPERTY_FEEDS))
INCOME_LABELS = {"wage": "工资性收入", "pension": "养老金收入", "unemployment": "失业保险金"}
DECLARED_INCOME = "declared_net_income"  # as doudi.registry.assessment.DECLARED_INCOME
CHUNK = 2000


@dataclass(frozen=True)
class Row:
    """One accepted feed row of a household member, from the county's latest batch of that feed."""

    kind: str
    batch: int
    row: int
    id_number: str
    fields: dict[str, Any]

    @property
    def cite(self) -> str:
        spec = FEEDS[FeedKind(self.kind)]
        return f"{spec.department}《{spec.label}》(核对批次 {self.batch}, 第{self.row}行)"

    def records(self) -> Evidence:
        from .imports import typed

        evidence = Evidence()
        evidence.add(self.kind, self.id_number, typed(self.kind, self.fields))
        return evidence


@dataclass(frozen=True)
class Grant:
    kind: str  # signed, override
    signed_on: date
    revoked_on: date | None

    def in_force(self, on: date) -> bool:
        return self.signed_on <= on and (self.revoked_on is None or self.revoked_on > on)

    @property
    def text(self) -> str:
        if self.kind == "override":
            return f"经县民政局审批免于授权({self.signed_on.isoformat()}, 记入审计日志)"
        return f"该户签署家庭经济状况核对授权书({self.signed_on.isoformat()})"


@dataclass
class FeedEvidence:
    feeds: tuple[str, ...] = ()  # labels of the county's economic feeds; () = none imported
    grants: list[Grant] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


# ---- reading ------------------------------------------------------------------------------------------------


def _latest(county: str) -> dict[str, int]:
    """Feed kind -> the county's latest batch of each economic feed used by the assessment."""
    from .checking import latest_batches

    if not county:
        return {}
    return {b.kind: b.pk for b in latest_batches(county) if b.kind in USED}


def _labels(batches: dict[str, int]) -> tuple[str, ...]:
    return tuple(FEEDS[FeedKind(k)].label for k in USED if k in batches)


def _grants(rows: Iterable[tuple[str, date, date | None]]) -> list[Grant]:
    return sorted((Grant(k, s, v) for k, s, v in rows), key=lambda g: (g.signed_on, g.kind))


def member_key(person: Any) -> str:
    """The key a member's evidence counts under: their resident ID, or "p<pk>" for a member the registry has no ID
    for (a child whose roster ID cell was blank), whose feed rows the matching engine linked by household."""
    return str(person.id_number) if person.id_number else f"p{person.pk}"


def _records(batches: dict[str, int], members: dict[int, str]) -> dict[str, list[Row]]:
    """Member key -> their rows in the batches: the rows the stored links give them (the matching engine's exact,
    household and probabilistic stages, `FeedRecord.person`) and the rows carrying their resident ID (a row
    imported before the person was in the registry and not yet relinked). Each row counts under the member's key
    (a row linked from another ID counts under the registry's)."""
    from django.db.models import Q

    from .models import FeedRecord

    by_id = {key: pk for pk, key in members.items() if key != f"p{pk}"}
    pks = sorted(members)
    ids = sorted(by_id)
    out: dict[str, list[Row]] = defaultdict(list)
    seen: set[int] = set()
    for start in range(0, max(len(pks), len(ids)), CHUNK):
        rows = FeedRecord.objects.filter(batch_id__in=list(batches.values())).filter(
            Q(person_id__in=pks[start : start + CHUNK]) | Q(id_number__in=ids[start : start + CHUNK])
        )
        for pk, kind, batch, row, id_number, person, fields in rows.order_by("pk").values_list(
            "pk", "kind", "batch_id", "row", "id_number", "person_id", "fields"
        ):
            key = members.get(person) if person is not None else None
            if key is None and id_number in by_id:
                key = id_number
            if key is None or pk in seen:
                continue  # linked to someone outside these households
            seen.add(pk)
            out[key].append(Row(kind, batch, row, key, fields))
    return out


def _load(h: Any, persons: list[Any], on: date) -> FeedEvidence:
    """One household's evidence (the per-household path)."""
    from .models import Authorisation

    batches = _latest(h.county_code)
    if not batches:
        return FeedEvidence()
    source = (
        h.authorisations.all()
        if hasattr(h, "authorisations")
        else Authorisation.objects.filter(household_id=h.pk)
    )
    grants = _grants((a.kind, a.signed_on, a.revoked_on) for a in source)
    found = FeedEvidence(_labels(batches), grants)
    if any(g.in_force(on) for g in grants):
        members = {p.pk: member_key(p) for p in persons}
        found.rows = [row for rows in _records(batches, members).values() for row in rows]
    return found


def attach(households: dict[int, Any], memberships: list[Any]) -> None:
    """Set `feed_evidence` on each household of a columnar chunk (a few queries for the whole chunk)."""
    from .models import Authorisation

    grants: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    pks = list(households)
    for start in range(0, len(pks), CHUNK):
        found = Authorisation.objects.filter(household_id__in=pks[start : start + CHUNK])
        for hid, kind, signed, revoked in found.values_list(
            "household_id", "kind", "signed_on", "revoked_on"
        ):
            grants[hid].append((kind, signed, revoked))
    members: dict[int, set[str]] = defaultdict(set)
    keys: dict[int, str] = {}
    for ms in memberships:
        if ms.household_id in grants:
            keys[ms.person.pk] = member_key(ms.person)
            members[ms.household_id].add(keys[ms.person.pk])
    by_county: dict[str, list[Any]] = defaultdict(list)
    for h in households.values():
        by_county[h.county_code].append(h)
    for county, group in by_county.items():
        batches = _latest(county)
        in_group = {k for h in group for k in members.get(h.pk, ())}
        wanted = {pk: key for pk, key in keys.items() if key in in_group}
        records = _records(batches, wanted) if batches and wanted else {}
        for h in group:
            h.feed_evidence = FeedEvidence(
                _labels(batches) if batches else (),
                _grants(grants.get(h.pk, ())),
                [row for i in sorted(members.get(h.pk, ())) for row in records.get(i, ())],
            )


def attached(households: Iterable[Any]) -> Iterator[Any]:
    """Registry households (model instances with their memberships prefetched), a chunk at a time, each with
    its `feed_evidence` attached: the per-household path without a query per household."""
    chunk: dict[int, Any] = {}
    for h in households:
        chunk[h.pk] = h
        if len(chunk) == CHUNK:
            yield from _attach_chunk(chunk)
            chunk = {}
    yield from _attach_chunk(chunk)


def _attach_chunk(chunk: dict[int, Any]) -> Iterator[Any]:
    attach(chunk, [ms for h in chunk.values() for ms in h.memberships.all()])
    yield from chunk.values()


# ---- the rules' input ---------------------------------------------------------------------------------------


def with_evidence(h: Any, persons: list[Any], on: date, record: r.Household) -> r.Household:
    """The rules' input with the verified figures in place of (or beside) the declared ones, each citing its
    feed; unchanged, with a note, when the household gave no authorisation in force on `on`."""
    evidence = getattr(h, "feed_evidence", None) or _load(h, persons, on)
    if not evidence.feeds:
        return record
    grant = next((g for g in reversed(evidence.grants) if g.in_force(on)), None)
    if grant is None:
        feeds = "、".join(evidence.feeds)
        note = (
            f"本县已有部门数据({feeds}), 该户没有有效的家庭经济状况核对授权, 研判未使用部门数据, 按申报计算"
        )
        return replace(record, evidence_notes=(*record.evidence_notes, note))
    ids = {member_key(p): m.person_id for p, m in zip(persons, record.members, strict=True)}
    rows = sorted((x for x in evidence.rows if x.id_number in ids), key=lambda x: (x.kind, x.batch, x.row))
    income, income_notes = merge_income(record.income, found_incomes(rows, ids))
    prop, property_notes = merge_property(record.property, rows, ids, on)
    head = f"研判使用部门数据: {grant.text}"
    if not rows:
        head += "; 各部门数据中未查到该户成员的收入和财产记录"
    notes = (*record.evidence_notes, head, *income_notes, *property_notes)
    return replace(record, income=income, property=prop, evidence_notes=notes)


@dataclass(frozen=True)
class Found:
    member: str  # the rules' person_id
    kind: str  # wage, pension, unemployment
    yearly: int  # fen
    cite: str


def found_incomes(rows: list[Row], ids: dict[str, str]) -> list[Found]:
    """Per member and kind, the largest yearly figure any one income feed shows, with its row."""
    best: dict[tuple[str, str], Found] = {}
    for row in rows:
        if FeedKind(row.kind) not in INCOME_FEEDS:
            continue
        for item in row.records().incomes.get(row.id_number, ()):
            key = (ids[row.id_number], item.kind)
            detail = f", {item.detail}" if item.detail else ""
            if key not in best or item.yearly > best[key].yearly:
                best[key] = Found(key[0], item.kind, item.yearly, f"{row.cite}{detail}")
    return [best[k] for k in sorted(best)]


def _who(member: str) -> str:
    return mask(member) if len(member) == 18 else member


def _label(kind: str) -> str:
    return INCOME_LABELS.get(kind, kind)


def _item(f: Found, declared: str) -> r.Income:
    text = f"成员 {_who(f.member)} {_label(f.kind)} {yuan(f.yearly)} 元: {f.cite}, {declared}, 按部门数据计"
    return r.Income(f.kind, f.yearly, "year", f.member, None, text)


def _kept(what: str, evidence: int, declared: int) -> str:
    return f"{what}: 部门数据 {yuan(evidence)} 元, 不高于申报 {yuan(declared)} 元, 按申报计"


def merge_income(
    declared: tuple[r.Income, ...], found: list[Found]
) -> tuple[tuple[r.Income, ...], list[str]]:
    """The household's income with the verified figures (see the module's doc), and the notes."""
    items = list(declared)
    notes: list[str] = []
    leftover: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        own = [i for i in items if i.member == f.member and i.kind == f.kind]
        if not own:
            leftover[f.kind].append(f)
            continue
        amount = sum(i.yearly for i in own)
        if f.yearly > amount:
            items = [i for i in items if not (i.member == f.member and i.kind == f.kind)]
            items.append(_item(f, f"申报为 {yuan(amount)} 元"))
        else:
            notes.append(_kept(f"成员 {_who(f.member)} {_label(f.kind)}", f.yearly, amount))
    rest: list[Found] = []
    for kind, fs in leftover.items():
        shared = [i for i in items if i.member is None and i.kind == kind]
        if not shared:
            rest.extend(fs)
            continue
        items, note = _replace_shared(items, fs, shared, f"全户申报{_label(kind)}")
        notes.extend(note)
    if rest:
        shared = [i for i in items if i.kind == DECLARED_INCOME]
        if shared:
            items, note = _replace_shared(items, rest, shared, "建档立卡登记的家庭纯收入")
            notes.extend(note)
        else:
            items.extend(_item(f, "申报未列") for f in rest)
    return tuple(items), notes


def _replace_shared(
    items: list[r.Income], found: list[Found], shared: list[r.Income], what: str
) -> tuple[list[r.Income], list[str]]:
    declared = sum(i.yearly for i in shared)
    total = sum(f.yearly for f in found)
    if total <= declared:
        return items, [_kept(what, total, declared)]
    kept = [i for i in items if not any(i is s for s in shared)]
    return kept + [_item(f, f"{what} {yuan(declared)} 元") for f in found], []


def merge_property(
    declared: tuple[r.PropertyItem, ...] | None, rows: list[Row], ids: dict[str, str], on: date
) -> tuple[tuple[r.PropertyItem, ...], list[str]]:
    """The household's property with the verified items (see the module's doc), and the notes."""
    items = list(declared or ())
    notes: list[str] = []
    evidence = Evidence()
    cites: dict[int, str] = {}
    for row in rows:
        if FeedKind(row.kind) in PROPERTY_FEEDS:
            one = row.records()
            for attr in ("vehicles", "flats", "businesses", "deposits"):
                for x in getattr(one, attr).get(row.id_number, ()):
                    getattr(evidence, attr)[row.id_number].append(x)
                    cites[id(x)] = row.cite
    everything = sorted(ids)
    items = _vehicles(
        items, [v for i in everything for v in evidence.vehicles.get(i, ()) if v.registered_on <= on], cites
    )
    flats = [f for i in everything for f in evidence.flats.get(i, ()) if f.registered_on <= on]
    for kind, chosen, what in (
        (r.PropertyKind.HOUSE, [f for f in flats if f.residential], "住房"),
        (r.PropertyKind.NON_RESIDENTIAL, [f for f in flats if not f.residential], "非居住类房屋"),
    ):
        items, note = _flats(items, kind, chosen, what, cites)
        notes.extend(note)
    deposits = [d for i in everything for d in evidence.deposits.get(i, ())]
    items, note = _deposits(items, deposits, cites)
    notes.extend(note)
    businesses = [b for i in everything for b in evidence.businesses.get(i, ()) if b.active]
    items, note = _businesses(items, businesses, cites)
    notes.extend(note)
    return tuple(items), notes


def _vehicles(
    items: list[r.PropertyItem], vehicles: list[Any], cites: dict[int, str]
) -> list[r.PropertyItem]:
    for v in vehicles:
        same = next(
            (
                i
                for i in items
                if i.kind == r.PropertyKind.VEHICLE and i.source is None and i.bought_on == v.registered_on
            ),
            None,
        )
        declared = "申报未列" if same is None else f"申报价值 {yuan(same.value)} 元"
        if same is not None:
            items = [i for i in items if i is not same]
        mobility = ", 残疾人功能性补偿代步车" if v.mobility else ""
        text = (
            f"机动车 {v.plate}, 初次登记 {v.registered_on.isoformat()}, 购置价格 {yuan(v.price)} 元{mobility}: "
            f"{cites[id(v)]}, {declared}, 按部门数据计"
        )
        items.append(r.PropertyItem(r.PropertyKind.VEHICLE, v.price, 1, v.registered_on, v.mobility, 0, text))
    return items


def _flats(
    items: list[r.PropertyItem], kind: r.PropertyKind, flats: list[Any], what: str, cites: dict[int, str]
) -> tuple[list[r.PropertyItem], list[str]]:
    declared = sum(i.count for i in items if i.kind == kind)
    if not flats:
        return items, []
    if len(flats) <= declared:
        return items, [f"{what}: 不动产登记 {len(flats)} 套, 不多于申报 {declared} 套, 按申报计"]
    kept = [i for i in items if i.kind != kind]
    for f in flats:
        text = (
            f"{what} 不动产权证号 {f.certificate}({f.use}), 登记 {f.registered_on.isoformat()}: {cites[id(f)]}; "
            f"申报{what} {declared} 套, 按不动产登记 {len(flats)} 套计"
        )
        kept.append(r.PropertyItem(kind, f.price, 1, f.registered_on, False, 0, text))
    return kept, []


def _deposits(
    items: list[r.PropertyItem], deposits: list[Any], cites: dict[int, str]
) -> tuple[list[r.PropertyItem], list[str]]:
    declared = sum(i.value for i in items if i.kind == r.PropertyKind.FINANCIAL)
    total = sum(d.balance for d in deposits)
    if not deposits:
        return items, []
    if total <= declared:
        return items, [_kept("存款及金融资产", total, declared)]
    kept = [i for i in items if i.kind != r.PropertyKind.FINANCIAL]
    for d in deposits:
        text = (
            f"{d.product} {d.institution} 余额 {yuan(d.balance)} 元: {cites[id(d)]}; "
            f"申报金融资产 {yuan(declared)} 元, 部门数据合计 {yuan(total)} 元, 按部门数据计"
        )
        kept.append(r.PropertyItem(r.PropertyKind.FINANCIAL, d.balance, 1, None, False, 0, text))
    return kept, []


def _businesses(
    items: list[r.PropertyItem], businesses: list[Any], cites: dict[int, str]
) -> tuple[list[r.PropertyItem], list[str]]:
    declared = sum(i.count for i in items if i.kind == r.PropertyKind.COMPANY)
    if not businesses:
        return items, []
    if len(businesses) <= declared:
        return items, [f"经营主体: 市场主体登记 {len(businesses)} 个, 不多于申报 {declared} 个, 按申报计"]
    for b in sorted(businesses, key=lambda b: b.credit_code)[declared:]:
        text = (
            f"经营主体 {b.name}({b.credit_code}, {b.role}, {b.status}): {cites[id(b)]}, 申报未列; "
            "登记数据不含经营利润, 按 0 元计, 请入户核实经营利润"
        )
        items.append(r.PropertyItem(r.PropertyKind.COMPANY, 0, 1, None, False, 0, text))
    return items, []
