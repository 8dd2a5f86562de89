"""`doudi roster`: issue, verify and compare signed roster versions (签章名册)."""

from __future__ import annotations

from pathlib import Path

import click

from doudi.cli import setup_django
from doudi.registry.cli_args import login, parse_month


@click.group("roster")
def roster() -> None:
    """签章名册: 签发、校验、比对 / Signed roster versions: issue, verify, diff."""


@roster.command("kinds")
def kinds_() -> None:
    """列出可签发的名册类型 / List roster kinds."""
    setup_django()
    from . import kinds

    for spec in kinds.all_kinds():
        month = " (须 --month)" if spec.monthly else ""
        click.echo(f"{spec.key:14} {spec.title}{month}")


@roster.command("key")
@click.option("--user", "username", required=True, help="签发人用户名 / signer's user name")
@click.option("--force", is_flag=True, help="覆盖已有密钥 / replace an existing key")
def key(username: str, force: bool) -> None:
    """为签发人生成 SM2 密钥(PEM) / Generate a signer's SM2 key pair (PEM, OpenSSL 3 compatible)."""
    setup_django()
    from doudi.signing.keys import KeyFileError

    from . import keystore

    login(username)
    try:
        private, public = keystore.generate(username, overwrite=force)
    except KeyFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"私钥 / private key: {private}\n公钥 / public key:  {public}")


@roster.command("issue")
@click.argument("kind")
@click.option("--region", required=True, help="区划代码(县6位/乡镇9位/村12位) / division code")
@click.option("--signer", "signer_name", required=True, help="签发人用户名 / signer")
@click.option("--reviewer", "reviewer_name", help="审核人用户名 / reviewer")
@click.option("--month", help="月份 YYYY-MM(发放名册、公示名单) / payment month")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="输出目录 / output folder"
)
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(["xlsx", "pdf"]), help="默认两种 / default both"
)
def issue(
    kind: str,
    region: str,
    signer_name: str,
    reviewer_name: str | None,
    month: str | None,
    out_dir: Path | None,
    formats: tuple[str, ...],
) -> None:
    """签发一个名册版本 / Issue (build, number, sign, write) a roster version."""
    setup_django()
    from django.conf import settings

    target = out_dir or Path(settings.VAR_DIR) / "rosters" / region
    issue_and_print(kind, region, signer_name, reviewer_name, month, target, formats)


def issue_and_print(
    kind: str,
    region: str,
    signer_name: str,
    reviewer_name: str | None,
    month: str | None,
    target: Path,
    formats: tuple[str, ...],
) -> None:
    """Issue a version with the signer's key (the one CLI path of `roster issue` and `report monthly`)."""
    from doudi.signing.keys import KeyFileError

    from . import keystore
    from .issue import FORMATS, IssueError, issue_version
    from .kinds import UnknownKind

    signer_user = login(signer_name)
    reviewer = login(reviewer_name) if reviewer_name else None
    try:
        signer = keystore.signer_for(signer_name)
    except KeyFileError as exc:
        raise click.ClickException(f"{exc}。请先运行: doudi roster key --user {signer_name}") from None
    try:
        version = issue_version(
            kind,
            region,
            signer_user,
            signer,
            target,
            reviewer,
            parse_month(month) if month else None,
            formats or FORMATS,
        )
    except (IssueError, UnknownKind) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已签发 {version}({version.row_count} 行) {version.reference}")
    click.echo(f"SM3 {version.digest}")
    for fmt, info in version.files.items():
        click.echo(f"{fmt}: {info['path']}")


def _export(directory: Path, read) -> None:  # type: ignore[no-untyped-def]
    from doudi.reports.labels import CONTENT_FILE, SIGNATURE_FILE

    directory.mkdir(parents=True, exist_ok=True)
    (directory / CONTENT_FILE).write_bytes(read.content)
    (directory / SIGNATURE_FILE).write_bytes(read.signature)
    click.echo(f"已导出规范化内容和签名到 {directory}")


@roster.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="导出规范化内容、签名和公钥,供 openssl 校验 / write canonical bytes, signature, public key",
)
def verify(file: Path, export_dir: Path | None) -> None:
    """校验文件是否为已签发的名册版本 / Is FILE exactly a signed version? Which one, signed by whom."""
    setup_django()
    from doudi.reports.labels import PUBLIC_KEY_FILE
    from doudi.reports.readback import ReadError, read_file

    from .verify import Verdict, verify_read

    try:
        read = read_file(file)
        verdict = verify_read(read)
    except ReadError as exc:
        read, verdict = None, Verdict(False, messages=[str(exc)])
    _report(file, verdict)
    if export_dir is not None and read is not None:
        _export(export_dir, read)
        if verdict.version is not None:
            (export_dir / PUBLIC_KEY_FILE).write_text(verdict.version.public_key_pem, encoding="ascii")
    if not verdict.ok:
        raise SystemExit(1)


def _report(file: Path, verdict) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    version = verdict.version
    if verdict.ok:
        click.echo(f"通过: {file.name} 是已签发的 {version}({version.reference})")
        reviewer = version.reviewer.username if version.reviewer else "—"
        signed_at = timezone.localtime(version.signed_at).isoformat()
        click.echo(f"签发人 {version.signer.username} · 审核人 {reviewer} · 签发时间 {signed_at}")
        click.echo(f"SM3 {version.digest} · SM2 签名有效")
        click.echo("与签发文件逐字节一致" if verdict.byte_identical else "内容一致(文件曾被重新保存)")
    else:
        click.echo(f"不通过: {file.name}")
    for message in verdict.messages:
        click.echo(f"  {message}")
    _print_changes(verdict.changes)


def _print_changes(diffs) -> None:  # type: ignore[no-untyped-def]
    for d in diffs:
        if d.empty:
            continue
        click.echo(
            f"  [{d.title}] 新增 {len(d.added)} 行, 删除 {len(d.removed)} 行, 变更 {len(d.changed)} 行"
        )
        for row in d.added[:20]:
            click.echo(f"    + {' '.join('' if v is None else str(v) for v in row)}")
        for row in d.removed[:20]:
            click.echo(f"    - {' '.join('' if v is None else str(v) for v in row)}")
        for change in d.changed[:50]:
            for f in change.changes:
                click.echo(f"    ~ {change.label} {f.column}: {f.old} → {f.new}")


def _load(ref: str):  # type: ignore[no-untyped-def]
    """A roster from a file path or a KIND/REGION/NUMBER reference."""
    from doudi.reports.readback import ReadError, read_file
    from doudi.signing.canonical import from_bytes

    from .models import RosterVersion

    path = Path(ref)
    if path.exists():
        try:
            return read_file(path).roster
        except ReadError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        kind, region, number = ref.split("/")
        return from_bytes(
            RosterVersion.objects.get(kind=kind, region_code=region, number=int(number)).content_bytes
        )
    except (ValueError, RosterVersion.DoesNotExist):
        raise click.ClickException(
            f"{ref!r} 既不是文件,也不是已签发版本(写作 类型/区划/版本号,如 payment/532923/2)"
        ) from None


@roster.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--xlsx", "xlsx_out", type=click.Path(dir_okay=False, path_type=Path), help="比对结果写入 Excel"
)
def diff_(old: str, new: str, xlsx_out: Path | None) -> None:
    """比对两个版本(文件或 类型/区划/版本号) / Compare two versions: added, removed, changed rows."""
    setup_django()
    from doudi.reports.diff_xlsx import render_diff_xlsx
    from doudi.signing.diff import diff

    a, b = _load(old), _load(new)
    diffs = diff(a, b)
    title = f"{b.meta.region_name}{b.meta.title} 第{a.meta.number}版 → 第{b.meta.number}版"
    click.echo(title)
    if all(d.empty for d in diffs):
        click.echo("  两个版本内容相同")
    _print_changes(diffs)
    if xlsx_out is not None:
        xlsx_out.write_bytes(render_diff_xlsx(diffs, title))
        click.echo(f"已写入 {xlsx_out}")


@roster.command("list")
@click.option("--kind")
@click.option("--region")
def list_(kind: str | None, region: str | None) -> None:
    """列出已签发版本 / List issued versions."""
    setup_django()
    from .models import RosterVersion

    versions = RosterVersion.objects.select_related("signer").order_by("kind", "region_code", "number")
    if kind:
        versions = versions.filter(kind=kind)
    if region:
        versions = versions.filter(region_code__startswith=region)
    for v in versions:
        click.echo(
            f"{v.reference:28} {v.title} {v.period or '-':8} {v.row_count:6}行 {v.signer.username} {v.digest[:16]}"
        )


__all__ = ["roster"]
