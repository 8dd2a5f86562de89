"""The demo: a synthetic county generated, imported and run through the pipeline, every step idempotent.

Each step calls the same public function the CLI and the pages use; nothing here writes behind their back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from doudi.core.rosters import RosterKind
from doudi.feeds.demo import run_feeds
from doudi.registry.models import Household, HouseholdOrigin
from doudi.registry.users import create_demo_users
from doudi.synth import SynthConfig, generate

Echo = Callable[[str], None]
CAMPAIGN_YEAR = 2020  # the action plan's year (云民社救〔2020〕8号)
ASSESSED_ON = SynthConfig.__dataclass_fields__["as_of"].default  # the date the synthetic rosters describe
Login = tuple[str, str, str, str]


def rosters_dir(county: str, persons: int, seed: int) -> Path:
    return Path(settings.VAR_DIR) / "demo" / f"{county}-{persons}-{seed}"


def synthesise(county: str, persons: int, seed: int, echo: Echo) -> Path:
    out = rosters_dir(county, persons, seed)
    done = out / ".complete"
    if done.exists():
        echo(f"· 模拟名册已存在: {out}")
        return out
    out.mkdir(parents=True, exist_ok=True)
    summary = generate(SynthConfig(out_dir=out, persons=persons, seed=seed, county=county, formats=("xlsx",)))
    done.touch()
    echo(f"· 已生成模拟名册 {summary.persons} 人: {out}")
    return out


def import_rosters(folder: Path, echo: Echo) -> None:
    from doudi.registry.imports import import_roster

    for kind in RosterKind:
        result = import_roster(
            folder / f"{kind.value}.xlsx", kind, errors_path=folder / f"{kind.value}.错误清单.xlsx"
        )
        state = "已导入过, 未重复导入" if result.already_imported else "导入完成"
        echo(
            f"· {kind.label}: {state}; 读取 {result.rows_read} 行 = 接收 {result.rows_accepted}"
            f" + 退回 {result.rows_rejected}"
            + (f"(错误清单 {result.error_workbook})" if result.error_workbook else "")
        )


def assess(county: str, echo: Echo) -> None:
    from collections import Counter

    from doudi.registry.assessment import store_assessments

    results, errors, version = store_assessments(ASSESSED_ON, county)
    counts = Counter(a.outcome.text for a in results)
    echo(f"· 研判 {len(results)} 户(参数版本 {version}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if errors:
        echo(f"· {len(errors)} 户资料不全未研判, 例如: {errors[0]}")


def cross_match(county: str, echo: Echo) -> None:
    """One match run of the county's registry against its rolls, by the county civil-affairs login."""
    from django.contrib.auth.models import User

    from doudi.matching.actions import run_match
    from doudi.matching.models import MatchRun

    run = MatchRun.objects.filter(region_code=county).order_by("-started_at").first()
    if run is None:
        run = run_match(User.objects.get(username=f"county_civil_{county}"))
    else:
        echo("· 已比对过, 沿用上次结果")
    counts = run.counts
    echo(
        f"· 自动关联 {counts.get('auto_links', 0)} 人, 待人工复核 {counts.get('review_links', 0)} 对,"
        f" 未纳入低保特困的建档立卡户 {counts.get('households_not_covered', 0)}(待研判)"
    )


def open_campaign(county: str, echo: Echo) -> None:
    """The 2020 campaign of the county (created once), its cases opened from the S1 list and the assessment."""
    from django.contrib.auth.models import User

    from doudi.casework.actions import create_campaign, open_cases, safety_net_inputs
    from doudi.casework.inputs import assessment_inputs, run_assessments
    from doudi.casework.models import Campaign

    clerk = User.objects.get(username=f"county_civil_{county}")
    campaign = Campaign.objects.filter(year=CAMPAIGN_YEAR, county_code=county).first()
    if campaign is None:
        campaign = create_campaign(clerk, CAMPAIGN_YEAR, county)
    results, _notes = run_assessments(campaign, ASSESSED_ON)
    found, _more = assessment_inputs(campaign, results)
    report = open_cases(clerk, campaign, [*safety_net_inputs(campaign), *found], ASSESSED_ON)
    echo(
        f"· {campaign.name}: 新立案 {report.created} 户, 更新 {report.refreshed} 户, 无变化 {report.unchanged} 户"
    )


DEMO_STEPS = 12  # cases of the demo township moved forward, so the dashboard shows a campaign in progress


def advance_cases(county: str, echo: Echo) -> None:
    """Take the first cases of the demo township through assessment and approval, as the demo users would,
    through casework.actions.take (once: skipped when any case has already moved)."""
    from django.contrib.auth.models import User

    from doudi.campaign import State
    from doudi.casework.actions import CaseworkError, take
    from doudi.casework.models import Campaign, Case

    campaign = Campaign.objects.get(year=CAMPAIGN_YEAR, county_code=county)
    if Case.objects.filter(campaign=campaign).exclude(state=State.RECEIVED).exists():
        echo("· 演示个案已推进过, 未重复办理")
        return
    township = User.objects.get(username=f"township_{county}")
    civil = User.objects.get(username=f"county_civil_{county}")
    cases = list(
        Case.objects.filter(campaign=campaign, township_code=township.profile.scope).order_by("id")[
            :DEMO_STEPS
        ]
    )
    moved = 0
    for n, case in enumerate(cases):
        try:
            take(township, case.pk, "start_assessment", {}, ASSESSED_ON)
            moved += 1
            if n % 3 == 2:
                continue  # left in assessment
            if case.program and case.benefit_fen:
                take(township, case.pk, "propose_eligible", {"note": "入户核查属实"}, ASSESSED_ON)
            else:
                payload = {"reason_code": "income_verified_above", "note": "入户核查家庭收入高于低保标准"}
                take(township, case.pk, "propose_not_eligible", payload, ASSESSED_ON)
            if n % 2 == 0:
                name = "approve" if case.program and case.benefit_fen else "confirm_not_eligible"
                take(civil, case.pk, name, {}, ASSESSED_ON)
        except CaseworkError as exc:
            echo(f"· 个案 {case.pk} 未推进完: {exc}")
    echo(f"· 演示: 乡镇和县民政局已办理 {moved} 户, 供领导小组审定演示")


def busiest_village(county: str) -> str | None:
    """The village with the most card households, so the demo village login has work to see."""
    row = (
        Household.objects.filter(origin=HouseholdOrigin.CARD, county_code=county)
        .values("village_code")
        .annotate(n=Count("id"))
        .order_by("-n", "village_code")
        .first()
    )
    return str(row["village_code"]) if row else None


def run(county: str, persons: int, seed: int, echo: Echo) -> list[Login]:
    echo("1. 建立数据库 / migrate")
    call_command("migrate", interactive=False, verbosity=0)
    echo("2. 生成模拟县名册 / synthesise rosters")
    folder = synthesise(county, persons, seed, echo)
    echo("3. 导入名册 / import rosters")
    import_rosters(folder, echo)
    echo("4. 按政策规则研判 / assess every household")
    assess(county, echo)
    echo("5. 演示账号 / demo logins")
    logins = create_demo_users(county, busiest_village(county))
    echo("6. 名册比对 / cross-match the registry with the rolls")
    cross_match(county, echo)
    echo("7. 兜底保障行动立案 / open the campaign's cases")
    open_campaign(county, echo)
    echo("8. 推进部分个案 / move some cases forward")
    advance_cases(county, echo)
    echo("9. 部门数据核对与核查 / departmental feeds: verify, discover, check")
    run_feeds(folder, county, seed, echo)
    echo("10. 动态管理演示数据 / reserve funds, temporary assistance, refusals, visits, reviews")
    from doudi.watch.demo import seed_watch

    seed_watch(county, busiest_village(county), ASSESSED_ON, echo)
    return logins


def print_logins(logins: list[Login], host: str, port: int) -> None:
    from rich.console import Console
    from rich.table import Table

    from doudi.registry.models import Role
    from doudi.registry.users import scope_name

    table = Table(title=f"演示账号 / demo logins — http://{host}:{port}/")
    for header in ("用户名 username", "密码 password", "角色 role", "管辖 scope"):
        table.add_column(header)
    for username, password, role, scope in logins:
        table.add_row(username, password, str(Role(role).label), f"{scope or '全部'} {scope_name(scope)}")
    Console(width=140).print(table)
