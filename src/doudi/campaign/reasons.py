"""Reason codes a not-eligible decision is annotated with (S3: 逐一标注具体原因).

The codes of the rules engine (`doudi.rules.reasons.Reason`) are accepted as they are; the campaign adds the
reasons that come from field work rather than from the rules. Codes are stable identifiers: never renamed.
"""

from __future__ import annotations

from doudi.rules.reasons import Reason

# Reasons found in the field (排查核实), not by the rules engine.
FIELD_REASONS = {
    "income_verified_above": "入户核查家庭收入高于低保标准",
    "property_verified_over": "入户核查家庭财产超过规定",
    "not_living_together": "经核实家庭成员不共同生活或情况与名册不符",
    "moved_away": "已迁出本县或长期不在本地居住",
    "deceased": "户内对象已死亡",
    "declined": "本人或家庭自愿放弃申请",
    "supported_by_family": "有法定赡养(抚养、扶养)义务人且有能力履行义务",
    "labour_capable_support": "有劳动能力, 已通过产业就业帮扶稳定脱贫",
    "other": "其他原因(须在说明中写明)",
}

# The rules engine's reasons that say why a household is *not* eligible.
RULE_REASONS = {
    r.value: r.text
    for r in (
        Reason.NO_COUNTED_MEMBERS,
        Reason.D1_HUKOU_OUTSIDE,
        Reason.D2_INCOME_NOT_BELOW,
        Reason.D3_HOUSES,
        Reason.D3_FINANCIAL,
        Reason.D3_VEHICLE,
        Reason.D3_NON_RESIDENTIAL,
        Reason.D3_COMPANY,
        Reason.P4_NOT_ELIGIBLE,
    )
}

NOT_ELIGIBLE_REASONS: dict[str, str] = {**RULE_REASONS, **FIELD_REASONS}


def reason_text(code: str) -> str:
    return NOT_ELIGIBLE_REASONS.get(code, code)


def check_reason(code: str) -> None:
    if code not in NOT_ELIGIBLE_REASONS:
        known = "、".join(NOT_ELIGIBLE_REASONS)
        raise ValueError(f"不符合条件的原因代码 {code!r} 不存在; 可用代码: {known}")
