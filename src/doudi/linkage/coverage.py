"""Household classes after linking: each card household, and each roll household not in the registry.

Classes of a card household (建档立卡户):
- covered_dibao / covered_tekun / covered_both: every member linked to the rolls (低保 / 特困 / both);
- partly_covered: some members linked, the others listed (e.g. a single-person dibao household, P4);
- not_covered: no member linked: a 漏保 candidate, with its §2 priority-group members flagged;
- conflict: the rolls disagree with the registry about who lives here: a member linked to a roll household that
  belongs to another card household (moved), a roll household with members not in this household (members
  differ), or a member the registry records as dead.
A member who moved out (her only roll household is another family's: it belongs to another card household, or she
is the one member of this household in it, not its head, beside members of its own) covers that family, not this
one: when no other member is linked, the household is not_covered (a 漏保 candidate), the move in its detail.
Only automatic links count; members with a pending review candidate are listed in the detail.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

import pandas as pd

from doudi.linkage.links import AUTO, REVIEW
from doudi.linkage.records import DIBAO, TEKUN

COVERED_DIBAO = "covered_dibao"
COVERED_TEKUN = "covered_tekun"
COVERED_BOTH = "covered_both"
PARTLY = "partly_covered"
NOT_COVERED = "not_covered"
CONFLICT = "conflict"
ROLL_ONLY = "roll_only"
CLASS_LABELS = {
    COVERED_DIBAO: "已纳入低保",
    COVERED_TEKUN: "已纳入特困",
    COVERED_BOTH: "低保特困均有",
    PARTLY: "部分成员纳入",
    NOT_COVERED: "未纳入(疑似漏保)",
    CONFLICT: "信息冲突",
    ROLL_ONLY: "不在建档立卡名册",
}
LOST_LABOR = ("丧失劳动力", "无劳动力", "弱劳动力或半劳动力", "none", "partial")
INTELLECTUAL_OR_MENTAL = ("5", "6")


def priority_reason(row: Any) -> str:
    """The §2 priority group a person belongs to ('' if none)."""
    grade = row.disability_grade
    if grade is not None and not pd.isna(grade):
        if int(grade) <= 2:
            return "一二级残疾"
        if row.disability_category in INTELLECTUAL_OR_MENTAL:
            return "三四级智力或精神残疾"
    if row.major_illness and row.labor in LOST_LABOR:
        return "重特大疾病且丧失或部分丧失劳动能力"
    return ""


class Member(NamedTuple):
    uid: str
    household: str
    household_ref: str
    village: str
    name: str
    relation: str
    alive: bool
    disability_category: str
    disability_grade: Any
    major_illness: bool
    labor: str


def _members(poverty: pd.DataFrame) -> list[Member]:
    columns = [poverty[name].tolist() for name in Member._fields]
    return [Member(*values) for values in zip(*columns, strict=True)]


class _Household:
    __slots__ = ("heads_r", "links", "members", "pending")

    def __init__(self) -> None:
        self.members: list[Any] = []
        self.links: dict[str, list[tuple[str, str]]] = {}  # uid -> (roster, hh)
        self.pending: list[str] = []
        self.heads_r: set[str] = set()  # members linked to a roll household's head record


def classify(
    poverty: pd.DataFrame, rolls: pd.DataFrame, kept: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(card households with their class, roll households with no member linked)."""
    roll_household = dict(zip(rolls["uid"].tolist(), rolls["household"].tolist(), strict=True))
    roll_roster = dict(zip(rolls["uid"].tolist(), rolls["roster"].tolist(), strict=True))
    roll_heads = set(rolls.loc[rolls["relation"] == "户主", "uid"])
    auto = kept.loc[kept["band"] == AUTO]
    review = set(kept.loc[kept["band"] == REVIEW, "uid_l"])
    households: dict[str, _Household] = defaultdict(_Household)
    for row in _members(poverty):
        households[row.household].members.append(row)
        if row.uid in review:
            households[row.household].pending.append(row.uid)
    card_of_member = dict(zip(poverty["uid"].tolist(), poverty["household"].tolist(), strict=True))
    owner = _roll_household_owner(auto, card_of_member, roll_household)
    for uid_l, uid_r in zip(auto["uid_l"].tolist(), auto["uid_r"].tolist(), strict=True):
        households[card_of_member[uid_l]].links.setdefault(uid_l, []).append(
            (roll_roster[uid_r], roll_household[uid_r])
        )
        if uid_r in roll_heads:
            households[card_of_member[uid_l]].heads_r.add(uid_l)
    linked_r = set(auto["uid_r"])
    members_r: dict[str, list[str]] = defaultdict(list)
    for household, uid in zip(rolls["household"].tolist(), rolls["uid"].tolist(), strict=True):
        members_r[household].append(uid)
    rows = [_classify(key, h, owner, members_r, linked_r) for key, h in households.items()]
    return pd.DataFrame(rows), _roll_only(rolls, linked_r)


def _roll_household_owner(
    auto: pd.DataFrame, card_of_member: dict[str, str], roll_household: dict[str, str]
) -> dict[str, str]:
    """Each roll household's main card household: the one most of its linked members come from."""
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for uid_l, uid_r in zip(auto["uid_l"].tolist(), auto["uid_r"].tolist(), strict=True):
        votes[roll_household[uid_r]][card_of_member[uid_l]] += 1
    return {hh: max(sorted(v), key=lambda k: v[k]) for hh, v in votes.items()}


def _classify(
    key: str, h: _Household, owner: dict[str, str], members_r: dict[str, list[str]], linked_r: set[str]
) -> dict[str, Any]:
    linked = [m for m in h.members if h.links.get(m.uid)]
    moved = _moved_out(key, h, linked, owner, members_r)
    covered = [m for m in linked if m.uid not in moved]
    uncovered = [m for m in h.members if not h.links.get(m.uid)]
    rosters = {roster for m in covered for roster, _ in h.links[m.uid]}
    roll_households = sorted({hh for m in covered for _, hh in h.links[m.uid]})
    reasons = [f"成员{m.name}已迁入他户(在他户的救助名册中)" for m in linked if m.uid in moved]
    reasons += _conflicts(key, h, covered, owner, members_r, linked_r, roll_households)
    if not covered:
        cls = NOT_COVERED
    elif reasons:
        cls = CONFLICT
    elif uncovered:
        cls = PARTLY
    elif rosters == {DIBAO}:
        cls = COVERED_DIBAO
    elif rosters == {TEKUN}:
        cls = COVERED_TEKUN
    else:
        cls = COVERED_BOTH
    flagged = uncovered if cls in (NOT_COVERED, PARTLY, CONFLICT) else []
    priority = [(m.uid, m.name, r) for m in flagged if (r := priority_reason(m))]
    first = h.members[0]
    return {
        "household": key,
        "household_ref": first.household_ref,
        "village": first.village,
        "head_name": next((m.name for m in h.members if m.relation == "户主"), first.name),
        "class": cls,
        "members": len(h.members),
        "covered_members": [m.uid for m in covered],
        "uncovered_members": [m.uid for m in uncovered],
        "moved_members": sorted(moved),
        "priority_members": [uid for uid, _, _ in priority],
        "detail": {
            "rosters": sorted(rosters),
            "roll_households": roll_households,
            "conflicts": reasons,
            "priority": [{"uid": u, "name": n, "reason": r} for u, n, r in priority],
            "covered_names": [m.name for m in covered],
            "moved_names": [m.name for m in linked if m.uid in moved],
            "uncovered_names": [m.name for m in uncovered],
            "pending_review": h.pending,
        },
    }


def _moved_out(
    key: str, h: _Household, linked: list[Any], owner: dict[str, str], members_r: dict[str, list[str]]
) -> set[str]:
    """Linked members whose every roll household is another family's (see the module docstring)."""
    if len(h.members) < 2:
        return set()
    from_here: dict[str, int] = defaultdict(int)
    for m in linked:
        for _, hh in h.links[m.uid]:
            from_here[hh] += 1

    def elsewhere(uid: str, hh: str) -> bool:
        if hh.startswith("T:"):
            return False
        if owner.get(hh, key) != key:
            return True
        return from_here[hh] == 1 and len(members_r.get(hh, [])) >= 2 and uid not in h.heads_r

    return {m.uid for m in linked if all(elsewhere(m.uid, hh) for _, hh in h.links[m.uid])}


def _conflicts(
    key: str,
    h: _Household,
    covered: list[Any],
    owner: dict[str, str],
    members_r: dict[str, list[str]],
    linked_r: set[str],
    roll_households: list[str],
) -> list[str]:
    reasons: list[str] = []
    for m in covered:
        if any(owner.get(hh, key) != key for _, hh in h.links[m.uid]):
            reasons.append(f"成员{m.name}在他户的救助名册中(可能已迁入他户)")
    for hh in roll_households:
        if owner.get(hh) == key and not hh.startswith("T:"):
            extra = [u for u in members_r.get(hh, []) if u not in linked_r]
            if extra:
                reasons.append(f"低保户{hh.split(':')[-1]}有{len(extra)}名成员不在本户(成员不一致或已死亡)")
    reasons += [f"成员{m.name}已死亡仍在册" for m in h.members if not m.alive]
    return reasons


def _roll_only(rolls: pd.DataFrame, linked_r: set[str]) -> pd.DataFrame:
    """Roll households (dibao household, tekun person) none of whose members is linked to the registry."""
    groups: dict[str, dict[str, Any]] = {}
    columns = ("household", "roster", "village", "name", "uid")
    for household, roster, village, name, uid in zip(*(rolls[c].tolist() for c in columns), strict=True):
        group = groups.setdefault(
            household, {"household": household, "roster": roster, "village": village, "names": [], "uids": []}
        )
        group["names"].append(name)
        group["uids"].append(uid)
    rows = [
        {**g, "members": len(g["uids"]), "names": "、".join(g["names"]), "class": ROLL_ONLY}
        for g in groups.values()
        if not any(u in linked_r for u in g["uids"])
    ]
    return pd.DataFrame(rows, columns=["household", "roster", "village", "names", "uids", "members", "class"])
