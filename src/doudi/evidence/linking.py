"""Link the persons of the departments' feeds to registry persons with the matching engine (doudi.linkage).

A feed person is one cleaned resident ID with the name the feeds give it and, from the household-registration feed
(户籍人口信息), its hukou household (户号), its relation to the head and the head's ID. Stages, each the engine's own:

1. exact: the cleaned ID is a registry person's ID (the departments' ID is authoritative: linked whatever the name);
2. household (doudi.linkage.households.household_stage): inside a hukou household already linked to a registry
   household through other members, an unlinked member with the same name (or the same pinyin and relation) as an
   unlinked registry member: children whose roster ID cell was blank are found here;
3. probabilistic (doudi.linkage.probabilistic.predict, Fellegi-Sunter with the shipped model): the rest, on name,
   birth date and sex from the ID, and the village and household head the hukou context gives; only pairs at or above
   the automatic threshold link, never two different valid IDs (the check character says two people), one to one.

Every link says how it was made (exact, household, probabilistic with its match weight); a feed person the stages
do not link stays unlinked (its rows are kept and shown, and used for no household).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from doudi.linkage import links as linkset
from doudi.linkage.assign import one_to_one
from doudi.linkage.clean import clean
from doudi.linkage.households import household_stage
from doudi.linkage.links import AUTO, EXACT_WEIGHT
from doudi.linkage.pipeline import Thresholds
from doudi.linkage.records import frame

EXACT = "exact"
HOUSEHOLD = "household"
PROBABILISTIC = "probabilistic"
UNLINKED = "unlinked"
METHOD_LABELS = {
    EXACT: "身份证号一致",
    HOUSEHOLD: "同户姓名一致(户籍同户成员已关联)",
    PROBABILISTIC: "概率匹配(姓名、出生日期、性别、村和户主)",
    UNLINKED: "未关联到登记人员",
}
FEED, REGISTRY = "feed", "registry"


@dataclass(frozen=True)
class FeedPerson:
    id_number: str  # cleaned, as the feed rows carry it
    name: str
    hukou_no: str = ""  # from the household-registration feed
    relation: str = ""
    head_id: str = ""  # the hukou head's ID (the hukou feed's 户主 row)
    village: str = ""  # known only for some feeds (officials)


@dataclass(frozen=True)
class RegistryPerson:
    key: str  # the registry's person key (primary key as text)
    id_number: str  # '' when the registry has none (a child whose roster ID cell was blank)
    name: str
    sex: str = ""  # M / F
    birth_date: str = ""  # ISO, '' unknown
    household: str = ""  # registry household key
    relation: str = ""
    village: str = ""
    township: str = ""
    head_id: str = ""  # the registry household head's ID


@dataclass(frozen=True)
class Link:
    id_number: str
    person: str  # RegistryPerson.key
    method: str  # exact / household / probabilistic
    weight: float
    evidence: dict[str, Any] = field(default_factory=dict)


def link(
    feed: Iterable[FeedPerson],
    registry: Iterable[RegistryPerson],
    model: dict[str, Any] | None = None,
    thresholds: Thresholds | None = None,
) -> dict[str, Link]:
    """Feed ID -> its link, for the feed persons that link (see the module docstring)."""
    feed_list, registry_list = list(feed), list(registry)
    by_id = {p.id_number: p for p in registry_list if p.id_number}
    out: dict[str, Link] = {}
    for f in feed_list:
        person = by_id.get(f.id_number)
        if person is not None:
            out[f.id_number] = Link(f.id_number, person.key, EXACT, EXACT_WEIGHT, {"stage": EXACT})
    rest = [f for f in feed_list if f.id_number not in out]
    if not rest:
        return out
    linked_keys = {lk.person for lk in out.values()}
    free = [p for p in registry_list if p.key not in linked_keys]
    if not free:
        return out
    context = _context(feed_list, out, {p.key: p for p in registry_list})
    anchors = _anchors(feed_list, rest, out)
    out.update(_engine(rest, free, anchors, registry_list, context, model, thresholds or Thresholds()))
    return out


def _context(
    feed: list[FeedPerson], exact: dict[str, Link], registry: dict[str, RegistryPerson]
) -> dict[str, tuple[str, str, str]]:
    """hukou number -> (registry household, village, township) most of its exactly linked members are in."""
    votes: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    for f in feed:
        found = exact.get(f.id_number)
        if f.hukou_no and found is not None:
            p = registry[found.person]
            if p.household:
                votes[f.hukou_no][(p.household, p.village, p.township)] += 1
    return {hukou: counts.most_common(1)[0][0] for hukou, counts in votes.items()}


def _feed_frame(persons: list[FeedPerson], context: dict[str, tuple[str, str, str]]) -> pd.DataFrame:
    rows = []
    for f in persons:
        _, village, township = context.get(f.hukou_no, ("", f.village, ""))
        rows.append(
            {
                "uid": f"{FEED}:{f.id_number}",
                "roster": FEED,
                "household": f"hk:{f.hukou_no}" if f.hukou_no else f"fp:{f.id_number}",
                "name": f.name,
                "id_raw": f.id_number,
                "head_id_raw": f.head_id,
                "relation": f.relation,
                "village": village or f.village,
                "township": township or (village or f.village)[:9],
            }
        )
    return clean(frame(rows))


def _registry_frame(persons: list[RegistryPerson]) -> pd.DataFrame:
    rows = [
        {
            "uid": f"{REGISTRY}:{p.key}",
            "roster": REGISTRY,
            "household": f"rh:{p.household}" if p.household else f"rp:{p.key}",
            "name": p.name,
            "id_raw": p.id_number,
            "head_id_raw": p.head_id,
            "relation": p.relation,
            "sex_written": p.sex,
            "village": p.village,
            "township": p.township,
        }
        for p in persons
    ]
    df = clean(frame(rows))
    known = {f"{REGISTRY}:{p.key}": p.birth_date for p in persons if p.birth_date and not p.id_number}
    if known:  # a person without an ID whose birth date the registry knows
        birth = df["uid"].map(known)
        df["birth_date"] = birth.where(birth.notna(), df["birth_date"]).astype(object)
        df["birth_year"] = df["birth_date"].str[:4]
    return df


def _engine(
    rest: list[FeedPerson],
    free: list[RegistryPerson],
    anchors: list[tuple[FeedPerson, Link]],
    registry: list[RegistryPerson],
    context: dict[str, tuple[str, str, str]],
    model: dict[str, Any] | None,
    thresholds: Thresholds,
) -> dict[str, Link]:
    # The household stage needs the linked members of the households in question on both sides.
    by_key = {p.key: p for p in registry}
    left = _feed_frame([*rest, *(f for f, _ in anchors)], context)
    right = _registry_frame([*free, *(by_key[lk.person] for _, lk in anchors)])
    anchor_links = linkset.make(
        [f"{FEED}:{f.id_number}" for f, _ in anchors],
        [f"{REGISTRY}:{lk.person}" for _, lk in anchors],
        EXACT,
        [AUTO] * len(anchors),
        [EXACT_WEIGHT] * len(anchors),
        [1.0] * len(anchors),
        [{"stage": EXACT}] * len(anchors),
    )
    candidates = household_stage(left, right, anchor_links)
    candidates = candidates.loc[(candidates["band"] == AUTO) & ~_two_people(candidates, left, right)]
    done_l, done_r = set(candidates["uid_l"]), set(candidates["uid_r"])
    rest_l = left.loc[left["uid"].isin([f"{FEED}:{f.id_number}" for f in rest]) & ~left["uid"].isin(done_l)]
    rest_r = right.loc[right["uid"].isin([f"{REGISTRY}:{p.key}" for p in free]) & ~right["uid"].isin(done_r)]
    if len(rest_l) and len(rest_r):
        candidates = pd.concat(
            [candidates, _probabilistic(rest_l, rest_r, model, thresholds)], ignore_index=True
        )
    if candidates.empty:
        return {}
    kept = one_to_one(candidates, dict.fromkeys(right["uid"].tolist(), REGISTRY))
    out: dict[str, Link] = {}
    for uid_l, uid_r, stage, weight, evidence in zip(
        kept["uid_l"], kept["uid_r"], kept["stage"], kept["match_weight"], kept["evidence"], strict=True
    ):
        id_number = uid_l.removeprefix(f"{FEED}:")
        method = HOUSEHOLD if stage == "household" else PROBABILISTIC
        out[id_number] = Link(id_number, uid_r.removeprefix(f"{REGISTRY}:"), method, float(weight), evidence)
    return out


def _anchors(
    feed: list[FeedPerson], rest: list[FeedPerson], exact: dict[str, Link]
) -> list[tuple[FeedPerson, Link]]:
    """The exactly linked members of the hukou households that hold an unlinked feed person."""
    hukous = {f.hukou_no for f in rest if f.hukou_no}
    return [(f, exact[f.id_number]) for f in feed if f.hukou_no in hukous and f.id_number in exact]


def _two_people(pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame) -> pd.Series:
    """Pairs whose IDs are both valid and differ: two people by the check character, never linked."""
    valid_l = dict(zip(left["uid"], left["id"].where(left["id_valid"], ""), strict=True))
    valid_r = dict(zip(right["uid"], right["id"].where(right["id_valid"], ""), strict=True))
    a, b = pairs["uid_l"].map(valid_l).fillna(""), pairs["uid_r"].map(valid_r).fillna("")
    return (a != "") & (b != "") & (a != b)


def _probabilistic(
    left: pd.DataFrame, right: pd.DataFrame, model: dict[str, Any] | None, thresholds: Thresholds
) -> pd.DataFrame:
    from doudi.linkage import probabilistic
    from doudi.linkage.model import shipped_model

    scored = probabilistic.predict(left, right, model or shipped_model(), thresholds.auto)
    if scored.empty:
        return linkset.empty()
    scored = scored.loc[~_two_people(scored, left, right)]
    rows = [
        (a, b, float(w), float(pr))
        for a, b, w, pr in zip(
            scored["uid_l"], scored["uid_r"], scored["match_weight"], scored["match_probability"], strict=True
        )
    ]
    return linkset.make(
        [r[0] for r in rows],
        [r[1] for r in rows],
        PROBABILISTIC,
        [AUTO] * len(rows),
        [r[2] for r in rows],
        [r[3] for r in rows],
        [
            {"stage": PROBABILISTIC, "match_weight": round(r[2], 3), "match_probability": round(r[3], 6)}
            for r in rows
        ],
    )
