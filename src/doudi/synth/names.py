"""Chinese names: surnames by frequency, given-name characters, homophone substitutions, rare characters."""

from __future__ import annotations

import random
from itertools import accumulate


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Surname and relative frequency (per mille, national 2020 figures, with Yunnan's 杨, 罗, 马 and the Yi, Bai,
# Naxi and Dai surnames 普, 字, 者, 李, 和, 岩, 刀 given a little more weight).
_SURNAMES = _words(
    "李79 王74 张71 刘54 陈45 杨50 赵23 黄21 周19 吴18 徐16 孙15 胡13 朱12 高11 林11 何11 郭11 马14 罗15 梁9 宋8 郑8 "
    "谢7 韩7 唐7 冯7 于6 董6 萧4 程6 曹6 袁6 邓6 许6 傅3 沈5 曾5 彭5 吕5 苏5 卢5 蒋5 蔡5 贾4 丁4 魏4 薛4 叶4 阎3 余4 潘4 杜4 "
    "戴4 夏4 钟4 汪3 田4 任4 姜3 范3 方3 石4 姚3 谭3 廖3 邹3 熊3 金3 陆3 郝3 孔3 白4 崔3 康3 毛3 邱3 秦3 江3 史3 顾2 侯3 邵2 "
    "孟2 龙3 万2 段3 付3 普3 字2 者2 和2 岩1 刀1 鲁2 起1 施2 番1 木1 肖4 柳1 章2 黎1 伍1 骆1 "
)
SURNAMES = tuple(s[0] for s in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(int(s[1:]) for s in _SURNAMES))

MALE_CHARS = (
    "伟强军平明华建国文斌杰勇刚磊涛超波辉东海林峰成兵龙福荣贵顺才兴发忠永志云春学正家金宝德昌生有光亮鹏浩"
    "宇俊飞红开元江山祥庆昆玉绍友树良富寿发朝跃进"
)
FEMALE_CHARS = "芳丽娟敏静燕艳霞玲琳梅兰英秀珍红萍琼翠仙花美凤云春慧婷雪莉娜丹娇芬蓉琴菊桂香月玉丽彩艳会珊"

# Homophone or variant characters that clerks substitute (张伟/章伟, 玲/琳); every character of a group may be
# written as any other of the same group.
HOMOPHONE_GROUPS = _words(
    "张章 王汪 刘柳 李黎 徐许 程成 萧肖 付傅符 吴伍 何和 罗骆 钟仲 玲琳林 伟玮威 丽莉俐 芳方 红虹宏 明铭 军君 杰洁 文雯 英瑛 兰岚 云芸 涛滔 斌彬 辉晖 华桦 "
    "燕艳雁 娟鹃 萍苹平 静婧靖 建健 志智 永勇 忠中 福富 贵桂 兴星 荣蓉容 春纯 珍贞 凤风 宝保 鹏朋 浩皓 俊骏 刚钢 峰锋 琴芹 菊局 慧惠 婷亭 月悦 彩采 会惠 珊姗 "
)
HOMOPHONES: dict[str, str] = {}
for _group in HOMOPHONE_GROUPS:
    for _char in _group:
        HOMOPHONES.setdefault(_char, _group.replace(_char, ""))

# Characters outside the Basic Multilingual Plane that occur in real names (surrogate pairs in UTF-16, four
# bytes in UTF-8 and GB18030) and rare characters inside it (CJK Extension A).
NON_BMP_CHARS = "𠮷𡒄𨱏𬱖𬭎"
RARE_BMP_CHARS = "䶮堃喆淼犇"


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, male: bool, rare: str = "") -> str:
    """One or two characters; `rare` (a character) replaces the last one when given."""
    pool = MALE_CHARS if male else FEMALE_CHARS
    chars = [rng.choice(pool) for _ in range(1 if rng.random() < 0.3 else 2)]
    if rare:
        chars[-1] = rare
    return "".join(chars)


def rare_char(rng: random.Random, rare_name: float, rare_bmp: float) -> str:
    """A rare character for a new name at the configured rates, or ''."""
    u = rng.random()
    if u < rare_name:
        return rng.choice(NON_BMP_CHARS)
    if u < rare_name + rare_bmp:
        return rng.choice(RARE_BMP_CHARS)
    return ""


def variant(rng: random.Random, name: str) -> str | None:
    """The name with one character replaced by a homophone or variant, or None if none applies."""
    positions = [i for i, char in enumerate(name) if char in HOMOPHONES]
    if not positions:
        return None
    i = rng.choice(positions)
    return name[:i] + rng.choice(HOMOPHONES[name[i]]) + name[i + 1 :]
