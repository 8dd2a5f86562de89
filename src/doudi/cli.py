"""The `doudi` command. Each subcommand lives with its package (`<package>/commands.py`) and is loaded lazily,
so `doudi --help` is fast and a package's command never imports what it does not need.
"""

from __future__ import annotations

import importlib
import os

import click

# name -> (module, attribute, help). Help is bilingual: the users read Chinese, developers English.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "doudi.web.commands",
        "demo",
        "生成并载入演示县, 运行全流程, 启动网页服务 / Demo county end to end, then serve",
    ),
    "serve": ("doudi.web.commands", "serve", "启动网页服务 / Serve the web interface"),
    "synth": (
        "doudi.synth.commands",
        "synth",
        "生成模拟县名册及真值 / Generate synthetic rosters with ground truth",
    ),
    "import": ("doudi.registry.import_command", "import_", "导入名册 / Import a roster into the registry"),
    "assess": ("doudi.rules.commands", "assess", "按政策规则研判 / Assess households against the rules"),
    "rules": (
        "doudi.rules.commands",
        "rules",
        "政策规则: 运行规则案例、查看参数 / Rule cases and parameters",
    ),
    "match": (
        "doudi.matching.review_commands",  # doudi.matching.commands' `match`, plus `match review list|decide`
        "match",
        "名册比对 / Cross-match the registry with the dibao and tekun rolls",
    ),
    "campaign": (
        "doudi.casework.commands",
        "campaign",
        "兜底保障行动 / The action plan's campaign and its cases",
    ),
    "roster": (
        "doudi.rosterbook.commands",
        "roster",
        "签章名册: 签发、校验、比对 / Signed roster versions: issue, verify, diff",
    ),
    "report": (
        "doudi.rosterbook.report_commands",
        "report",
        "月度分析报告(一月一分析) / Monthly reports with charts, signed",
    ),
    "watch": (
        "doudi.watch.commands",
        "watch",
        "动态管理: 定期核查、家庭变化、月度发放、预警 / Reviews, changes, payroll, early warning",
    ),
    "db": ("doudi.registry.commands", "db", "数据库管理 / Database: migrate, users, shell"),
    "feeds": (
        "doudi.feeds.commands",
        "feeds",
        "部门比对数据: 导入、核查 / Departmental feeds: import, check",
    ),
    "audit": (
        "doudi.registry.audit_command",
        "audit",
        "审计日志: 校验哈希链 / Audit log: verify the hash chain",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, help_text = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        command.help = command.help or help_text
        command.short_help = help_text
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="doudi")
def main() -> None:
    """兜底 Doudi: 建档立卡贫困户与低保、特困名册比对、研判与动态管理。

    Doudi: cross-match the poverty registry with the dibao and tekun rolls, assess, and keep the net tight.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")


def setup_django() -> None:
    """For subcommands that use the registry."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    django.setup()
