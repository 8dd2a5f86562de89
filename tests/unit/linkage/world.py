"""A small fixed county for linkage tests: each person or household stands for one case the issue names."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.core import ids

AREA = "530627"
VILLAGE = "530627001001"
OTHER_VILLAGE = "530627001002"


def pid(born: date, seq: int) -> str:
    return ids.make(AREA, born, seq)


def typo(number: str, position: int) -> str:
    """One digit changed (the result fails the check character)."""
    digit = "7" if number[position] != "7" else "3"
    return number[:position] + digit + number[position + 1 :]


def swap(number: str, position: int) -> str:
    return number[:position] + number[position + 1] + number[position] + number[position + 2 :]


def person(
    roster: str, row: int, household: str, name: str, number: str, relation: str = "户主", **kw: Any
) -> dict[str, Any]:
    return {
        "uid": f"{roster}:{row}",
        "roster": roster,
        "source_row": row,
        "household": household,
        "name": name,
        "id_raw": number,
        "relation": relation,
        "county": AREA,
        "township": VILLAGE[:9],
        "village": kw.pop("village", VILLAGE),
        **kw,
    }


def with_heads(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    heads = {e["household"]: e["id_raw"] for e in entries if e["relation"] == "户主"}
    for e in entries:
        e.setdefault("head_id_raw", heads.get(e["household"], ""))
    return entries


LI = pid(date(1962, 3, 14), 131)  # one-digit typo in the dibao roll
WANG = pid(date(1948, 9, 2), 242)  # adjacent swap in the tekun roll
ZHAO = pid(date(1955, 6, 21), 315)  # old 15-digit number in the dibao roll
ZHANG = pid(date(1970, 1, 5), 451)  # homophone name and a typo
CHEN = pid(date(1980, 7, 7), 513)  # card household not covered; priority member
CHEN_WIFE = pid(date(1982, 2, 2), 522)
LIU = pid(date(1980, 7, 7), 535)  # same birth date, same village, different person (only in dibao)
YANG = pid(date(1985, 4, 4), 611)  # child without ID found through the household
SUN = pid(date(1975, 5, 5), 711)  # partly covered: only she is in the dibao roll (single-person)
SUN_SON = pid(date(2001, 5, 5), 713)
MA = pid(date(1990, 8, 8), 811)  # duplicated in the poverty roster
HE = pid(date(1960, 10, 10), 911)  # roll-only dibao household
MOVED = pid(date(2003, 3, 3), 721)  # listed in card household P:9, but in the dibao roll of 杨军's household
YANG_DA = pid(date(1960, 1, 1), 11)
WU = pid(
    date(1958, 6, 6), 31
)  # card household P:10, not covered: its daughter married into 周强's dibao household
WU_DAUGHTER = pid(date(1995, 9, 9), 42)
ZHOU = pid(date(1993, 2, 2), 51)  # heads a dibao household not in the registry


def poverty() -> list[dict[str, Any]]:
    return with_heads(
        [
            person("poverty", 2, "P:1", "李国强", LI),
            person("poverty", 3, "P:2", "王芳", WANG),
            person("poverty", 4, "P:3", "赵明", ZHAO),
            person("poverty", 5, "P:4", "张伟", ZHANG),
            person("poverty", 6, "P:5", "陈春", CHEN, disability_category="4", disability_grade=1),
            person("poverty", 7, "P:5", "董云雪", CHEN_WIFE, "配偶"),
            person("poverty", 8, "P:6", "杨军", YANG),
            person("poverty", 9, "P:6", "杨小红", "", "之女"),
            person("poverty", 10, "P:7", "孙丽", SUN),
            person("poverty", 11, "P:7", "孙浩", SUN_SON, "之子"),
            person("poverty", 12, "P:8", "马超", MA),
            person("poverty", 13, "P:8", "马超", "'" + MA),
            person("poverty", 14, "P:9", "杨大", YANG_DA),
            person("poverty", 15, "P:9", "杨小芳", MOVED, "之女"),
            person("poverty", 16, "P:10", "吴国华", WU),
            person("poverty", 17, "P:10", "吴丽", WU_DAUGHTER, "之女"),
        ]
    )


def rolls() -> list[dict[str, Any]]:
    return with_heads(
        [
            person("dibao", 2, "D:" + LI, "李国强", typo(LI, 12)),
            person("tekun", 2, "T:2", "王芳", swap(WANG, 8)),
            person("dibao", 3, "D:" + ZHAO, "赵明", ZHAO[:6] + ZHAO[8:17]),
            person("dibao", 4, "D:" + ZHANG, "章伟", typo(ZHANG, 15)),
            person("dibao", 5, "D:" + LIU, "刘丽", LIU),
            person("dibao", 6, "D:" + YANG, "杨军", YANG),
            person("dibao", 7, "D:" + YANG, "杨小红", "", "之女"),
            person("dibao", 8, "D:" + SUN, "孙丽", SUN),
            person("dibao", 9, "D:" + HE, "何平", HE, village=OTHER_VILLAGE),
            person("dibao", 10, "D:" + YANG, "杨小芳", MOVED, "之孙女"),
            person("dibao", 11, "D:" + ZHOU, "周强", ZHOU),
            person("dibao", 12, "D:" + ZHOU, "吴丽", WU_DAUGHTER, "之儿媳"),
        ]
    )
