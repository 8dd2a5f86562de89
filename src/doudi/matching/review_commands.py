"""`doudi match review list|decide`: the clerical-review queue for offices without the web.

`doudi match` itself is the command of doudi.matching.commands; `match` here is a group that runs that command
unchanged when no subcommand is given (`doudi match --poverty ... --out ...`, `doudi match --user ...`) and adds
`review`. doudi.cli registers this group as `match`.
"""

from __future__ import annotations

from typing import Any

import click

from doudi.matching.commands import match as match_command

# A group with the match command's options and callback: without a subcommand it is exactly `doudi match`.


def _run_match(**kwargs: Any) -> Any:
    ctx = click.get_current_context()
    if ctx.invoked_subcommand is None:
        return ctx.invoke(match_command.callback, **kwargs)  # type: ignore[arg-type]
    return None


match = click.Group(
    name="match",
    params=list(match_command.params),
    callback=_run_match,
    invoke_without_command=True,
    help=match_command.help,
    short_help=match_command.short_help,
)


def _user(username: str) -> Any:
    from doudi.cli import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"没有名为“{username}”的有效用户;请用 doudi db 查看或创建用户")
    return user


@match.group("review")
def review() -> None:
    """人工复核队列:查看待复核的配对,录入复核结论(确认为同一人 / 确认不是同一人)。

    The clerical-review queue of the stored match runs, in the user's region: list the pairs, decide one.
    """


@review.command("list")
@click.option("--user", "username", required=True, help="按该用户的管辖范围列出 / list in this user's region")
@click.option("--township", default="", help="乡(镇)代码(9 位) / township code")
@click.option("--village", default="", help="行政村代码(12 位) / village code")
@click.option(
    "--status",
    type=click.Choice(["pending", "decided", "all"]),
    default="pending",
    show_default=True,
    help="待复核 / 已复核 / 全部",
)
@click.option(
    "--sort",
    type=click.Choice(["weight", "village"]),
    default="weight",
    show_default=True,
    help="按匹配权重(高到低)或按行政村排序",
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="最多列出多少对")
def review_list(username: str, township: str, village: str, status: str, sort: str, limit: int) -> None:
    """列出复核队列中的配对及比对依据(身份证号脱敏)。

    List the queue's pairs with their evidence (IDs masked).
    """
    user = _user(username)
    from doudi.core.ids import mask
    from doudi.linkage.labels import FIELD, LEVEL, ROSTER
    from doudi.matching import review_queue
    from doudi.registry import access

    for code, length, option in ((township, 9, "--township"), (village, 12, "--village")):
        if code and (len(code) != length or not code.isdigit()):
            raise click.BadParameter(f"“{code}”不是 {length} 位区划代码", param_hint=option)
    chosen = review_queue.QueueFilter(township=township, village=village, status=status, sort=sort)
    items = review_queue.filtered(user, chosen)
    total = items.count()
    if not total:
        click.echo("复核队列中没有符合条件的配对。")
        return
    shown = list(items[:limit])
    visible = set(
        access.persons_for(user)
        .filter(pk__in=[r.link.roll_person_id for r in shown])
        .values_list("pk", flat=True)
    )

    def who(person: Any, in_scope: bool) -> str:
        if not in_scope:
            return "(不在您的管辖范围内)"
        number = mask(person.id_number) if person.id_number else "无证号"
        sex = person.get_sex_display() if person.sex else ""
        return " ".join(
            str(x) for x in (person.name, number, person.birth_date or "", sex, person.village_code) if x
        )

    click.echo(f"人工复核队列:共 {total} 对,列出 {len(shown)} 对(身份证号已脱敏)")
    for r in shown:
        link = r.link
        fields = (link.evidence or {}).get("fields", {})
        decided = (
            f",{r.decided_by.username if r.decided_by else ''} {r.decided_at:%Y-%m-%d}"
            if r.decided_at
            else ""
        )
        click.echo("")
        click.echo(
            f"[{r.pk}] {r.get_decision_display()}{decided} · 行政村 {link.village_code} · {link.get_stage_display()}"
            f" · 匹配概率 {link.match_probability:.1%} · 匹配权重 {link.match_weight:.2f} · 比对运行 {link.run_id}"
        )
        click.echo(f"  建档立卡: {who(link.poverty_person, True)}")
        click.echo(
            f"  {ROSTER.get(link.roll, link.roll)}名册: {who(link.roll_person, link.roll_person_id in visible)}"
        )
        click.echo(
            "  各项比对: "
            + ";".join(f"{FIELD.get(k, k)}:{LEVEL.get(str(v), str(v))}" for k, v in fields.items())
        )
        if r.note:
            click.echo(f"  复核说明: {r.note}")


@review.command("decide")
@click.argument("review_id", type=int)
@click.option("--user", "username", required=True, help="复核人 / the reviewer")
@click.option(
    "--decision",
    type=click.Choice(["match", "non_match"]),
    required=True,
    help="match = 确认为同一人; non_match = 确认不是同一人",
)
@click.option("--note", required=True, help="复核依据,如“户口簿核实,低保名册证号录错一位” / the grounds")
def review_decide(review_id: int, username: str, decision: str, note: str) -> None:
    """录入一对的复核结论,并按结论重新确定相关建档立卡户的分类。

    Record the decision on one pair and re-classify the households it touches.
    """
    user = _user(username)
    from doudi.linkage.coverage import CLASS_LABELS
    from doudi.matching import review_queue
    from doudi.registry import access

    try:
        outcome = review_queue.decide(user, review_id, decision, note)
    except access.NotInScope as exc:
        raise click.ClickException(
            f"复核项 {review_id}: {exc};请用 doudi match review list --user {username} 查看可复核的编号"
        ) from exc
    except review_queue.ReviewError as exc:
        raise click.ClickException(f"复核项 {review_id}: {exc}") from exc
    click.echo(f"复核项 {review_id} 已记录:{outcome.review.get_decision_display()}")
    for household_id, (before, after) in sorted(outcome.changes.items()):
        click.echo(
            f"建档立卡户 {household_id}: {CLASS_LABELS.get(before, before)} → {CLASS_LABELS.get(after, after)}"
        )
    if not outcome.changes:
        click.echo("相关户的分类没有变化。")
