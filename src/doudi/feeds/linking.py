"""Link a county's feed rows to registry persons with the matching engine (doudi.evidence.linking).

The import links each row whose cleaned ID is a registry person's ID (exact). `link_county`, run before every
check, takes the rows still unlinked in the county's newest batches and runs the engine's further stages on them
against the registry persons no feed row links yet (children whose roster ID cell was blank, persons imported
since): the household stage inside hukou households, then the probabilistic stage. Each row keeps how it was linked
(`FeedRecord.link_method`, `link_weight`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from doudi.evidence.feeds import FeedKind
from doudi.evidence.linking import METHOD_LABELS, FeedPerson, Link, RegistryPerson, link
from doudi.registry.models import Membership, Person

from .models import FeedBatch, FeedRecord, LinkMethod

CHUNK = 2000


@dataclass
class LinkReport:
    unlinked_before: int = 0  # feed persons (distinct IDs) without a registry person before
    linked: dict[str, int] = field(
        default_factory=lambda: defaultdict(int)
    )  # persons newly linked, by method
    rows: int = 0  # rows newly linked


def _hukou(batches: list[FeedBatch]) -> dict[str, tuple[str, str, str]]:
    """ID -> (hukou number, relation, name) from the newest household-registration batch."""
    hukou = [b for b in batches if b.kind == FeedKind.HUKOU.value]
    if not hukou:
        return {}
    rows = FeedRecord.objects.filter(batch=hukou[0]).values_list("id_number", "fields")
    return {
        i: (str(f.get("hukou_no") or ""), str(f.get("relation") or ""), str(f.get("name") or ""))
        for i, f in rows.iterator(chunk_size=5000)
    }


def _feed_persons(
    unlinked: dict[str, dict[str, Any]], hukou: dict[str, tuple[str, str, str]]
) -> list[FeedPerson]:
    """The unlinked feed persons, and the members of their hukou households (the anchors of the household stage)."""
    wanted = {hukou[i][0] for i in unlinked if i in hukou and hukou[i][0]}
    heads = {no: i for i, (no, relation, _) in hukou.items() if no in wanted and relation == "户主"}
    out = []
    for i, fields in unlinked.items():
        no, relation, _ = hukou.get(i, ("", "", ""))
        village = str(fields.get("village") or "")  # the officials feed names the village
        out.append(FeedPerson(i, str(fields.get("name") or ""), no, relation, heads.get(no, ""), village))
    for i, (no, relation, name) in hukou.items():
        if no in wanted and i not in unlinked:
            out.append(FeedPerson(i, name, no, relation, heads.get(no, "")))
    return out


def _registry_persons(county: str, batches: list[FeedBatch], anchor_ids: list[str]) -> list[RegistryPerson]:
    """The county's persons no row of these batches links, and the anchors' registry persons."""
    linked = FeedRecord.objects.filter(batch__in=batches, person__isnull=False).values("person_id")
    persons = list(
        Person.objects.filter(county_code=county)
        .exclude(pk__in=linked)
        .values_list("pk", "id_number", "name", "sex", "birth_date", "village_code", "township_code")
    )
    for start in range(0, len(anchor_ids), CHUNK):
        persons += Person.objects.filter(id_number__in=anchor_ids[start : start + CHUNK]).values_list(
            "pk", "id_number", "name", "sex", "birth_date", "village_code", "township_code"
        )
    context: dict[int, tuple[str, str, str]] = {}
    pks = [p[0] for p in persons]
    for start in range(0, len(pks), CHUNK):
        rows = Membership.objects.filter(person_id__in=pks[start : start + CHUNK], valid_to__isnull=True)
        for pid, hid, relation, head in rows.order_by("household_id").values_list(
            "person_id", "household_id", "relation", "household__head__id_number"
        ):
            context.setdefault(pid, (str(hid), relation, head or ""))
    out = []
    for pk, number, name, sex, born, village, township in persons:
        household, relation, head = context.get(pk, ("", "", ""))
        birth = born.isoformat() if born else ""
        out.append(
            RegistryPerson(
                str(pk), number or "", name, sex or "", birth, household, relation, village, township, head
            )
        )
    return out


def link_county(county: str, batches: list[FeedBatch]) -> LinkReport:
    """Link the unlinked rows of these batches (the county's newest); store each row's link method and weight."""
    report = LinkReport()
    unlinked: dict[str, dict[str, Any]] = {}
    rows = FeedRecord.objects.filter(batch__in=batches, person__isnull=True).values_list(
        "id_number", "fields"
    )
    for i, f in rows.iterator(chunk_size=5000):
        unlinked.setdefault(i, f)
    report.unlinked_before = len(unlinked)
    if not unlinked:
        return report
    hukou = _hukou(batches)
    feed = _feed_persons(unlinked, hukou)
    anchors = sorted(f.id_number for f in feed if f.id_number not in unlinked)
    found = link(feed, _registry_persons(county, batches, anchors))
    new = {i: lk for i, lk in found.items() if i in unlinked}
    if new:
        report.rows = _store(batches, new)
    for lk in new.values():
        report.linked[lk.method] += 1
    return report


@transaction.atomic
def _store(batches: list[FeedBatch], new: dict[str, Link]) -> int:
    records = list(
        FeedRecord.objects.filter(batch__in=batches, person__isnull=True, id_number__in=sorted(new)).only(
            "pk", "id_number"
        )
    )
    for r in records:
        lk = new[r.id_number]
        r.person_id = int(lk.person)
        r.link_method = lk.method
        r.link_weight = None if lk.method == LinkMethod.EXACT else round(lk.weight, 3)
    FeedRecord.objects.bulk_update(records, ["person", "link_method", "link_weight"], batch_size=CHUNK)
    for batch in batches:
        batch.rows_linked = FeedRecord.objects.filter(batch=batch, person__isnull=False).count()
    FeedBatch.objects.bulk_update(batches, ["rows_linked"])
    return len(records)


def evidence_keys(batches: list[FeedBatch]) -> dict[str, str]:
    """Feed ID -> the ID its rows count under, for rows linked by a further stage to a registry person whose own ID
    differs (a registry person without an ID keeps the feed's ID, which `learned_ids` gives the household)."""
    rows = (
        FeedRecord.objects.filter(batch__in=batches, person__id_number__isnull=False)
        .exclude(link_method__in=(LinkMethod.EXACT, LinkMethod.UNLINKED))
        .values_list("id_number", "person__id_number")
        .distinct()
    )
    return {i: p for i, p in rows if i != p}


def learned_ids(batches: list[FeedBatch]) -> dict[int, str]:
    """Registry person pk -> the resident ID the feeds carry, for linked persons the registry has no ID for."""
    rows = (
        FeedRecord.objects.filter(batch__in=batches, person__isnull=False, person__id_number__isnull=True)
        .values_list("person_id", "id_number")
        .distinct()
    )
    return dict(rows)


def link_descriptions(batches: list[FeedBatch], person_pks: list[int]) -> dict[int, str]:
    """Person pk -> how their feed rows were linked, in Chinese, for the evidence of a finding (a further stage
    rather than the exact ID, when both linked rows of theirs)."""
    rank = {LinkMethod.PROBABILISTIC: 0, LinkMethod.HOUSEHOLD: 1, LinkMethod.EXACT: 2}
    best: dict[int, tuple[int, str, float | None]] = {}
    for start in range(0, len(person_pks), CHUNK):
        rows = FeedRecord.objects.filter(batch__in=batches, person_id__in=person_pks[start : start + CHUNK])
        for pid, method, weight in rows.values_list("person_id", "link_method", "link_weight").distinct():
            r = rank.get(method, 3)
            if pid not in best or r < best[pid][0]:
                best[pid] = (r, method, weight)
    out = {}
    for pid, (_, method, weight) in best.items():
        text = METHOD_LABELS.get(method, method)
        out[pid] = f"{text}, 匹配权重 {weight:.2f}" if method == LinkMethod.PROBABILISTIC and weight else text
    return out


def hukou_kin(batches: list[FeedBatch], households: dict[str, set[int]]) -> dict[str, tuple[str, ...]]:
    """Household key -> the resident IDs of the persons the newest household-registration batch lists in the same
    户口簿 as its members but no stage could link to the registry (their roster row was rejected, so the registry
    does not hold them). `households`: household key -> its members' person pks. A hukou whose linked members sit
    in more than one registry household gives no kin (which family they live with is not known)."""
    hukou = [b for b in batches if b.kind == FeedKind.HUKOU.value]
    if not hukou:
        return {}
    where: dict[int, set[str]] = defaultdict(set)
    for key, pks in households.items():
        for pk in pks:
            where[pk].add(key)
    linked: dict[str, set[str]] = defaultdict(set)
    loose: dict[str, set[str]] = defaultdict(set)
    rows = FeedRecord.objects.filter(batch=hukou[0], id_valid=True).values_list(
        "id_number", "person_id", "fields"
    )
    for i, pk, fields in rows.iterator(chunk_size=5000):
        no = str(fields.get("hukou_no") or "")
        if not no:
            continue
        if pk is None:
            loose[no].add(i)
        else:
            linked[no] |= where.get(pk, set()) or {""}
    out: dict[str, tuple[str, ...]] = {}
    for no, ids in loose.items():
        keys = linked.get(no, set())
        if len(keys) == 1 and "" not in keys:
            (key,) = keys
            out[key] = tuple(sorted({*out.get(key, ()), *ids}))
    return out
