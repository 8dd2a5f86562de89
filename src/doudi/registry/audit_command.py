"""`doudi audit verify`: walk the hash-chained audit log (doudi.registry.audit) and name the first broken event.

Django is set up inside the command, so `doudi --help` stays fast.
"""

from __future__ import annotations

import click


@click.group("audit", help="审计日志: 校验哈希链 / The audit log: verify its hash chain")
def audit() -> None:
    from doudi.cli import setup_django

    setup_django()


@audit.command(
    "verify", help="逐条校验审计记录的 SM3 哈希链, 指出第一条被修改或删除的记录 / Verify the audit chain"
)
@click.option(
    "--anchor",
    default=None,
    help="此前记下的链尾, 如 1234:9f3a...; 核对其后未被整段删除 / a head written down earlier, SEQ:DIGEST",
)
def verify_command(anchor: str | None) -> None:
    from doudi.registry.audit import check_anchor, verify

    result = verify()
    if result.broken is not None:
        raise click.ClickException(
            f"审计日志哈希链断裂: {result.broken.describe()}。之前的 {result.checked} 条记录完好。"
            "请勿再修改数据库, 将本结果报告系统管理员, 并用数据库备份核对该记录。"
        )
    if anchor is not None:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise click.BadParameter(f"{anchor!r}: 应写 序号:摘要, 如 1234:后接 64 位十六进制摘要")
        problem = check_anchor(int(seq), digest.lower())
        if problem:
            raise click.ClickException(f"审计日志被截短或替换: {problem}。请将本结果报告系统管理员。")
    click.echo(f"审计日志完好: 共 {result.checked} 条记录, 哈希链无断裂。")
    click.echo(f"链尾: 第 {result.head_seq} 条, 摘要 {result.head_digest}")
    click.echo(
        f"请另行记下链尾; 下次用 --anchor {result.head_seq}:{result.head_digest} 校验, 可发现链尾被删除。"
    )
