"""Benchmark: a 10,000-row payment roster to PDF and to Excel, and its verification (issue 8: PDF at most 30 s,
Excel at most 5 s, verification at most 2 s).

    .venv/bin/python bench/bench_reports.py [--rows 10000] [--anchor-rows 1000] [--runs 3]

Pure (no database): builds a signed roster with the payment roster's twelve columns (rare characters included),
then measures `render_pdf` (long sections laid out as a text grid), `render_xlsx`, and the verification of each
file as `doudi roster verify` does it without the database look-up (read the file back, rebuild the canonical
bytes, SM3, SM2 signature check with the signer's key). Anchor in the same run: the previous PDF layout (one HTML
table, every cell a box) on `--anchor-rows` rows. Prints wall and CPU seconds (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from doudi.reports import pdf
from doudi.reports.readback import read_pdf, read_xlsx
from doudi.reports.xlsx import render_xlsx
from doudi.signing import sm
from doudi.signing.canonical import Column, ColumnType, Meta, Roster, Section
from doudi.signing.keys import PrivateKey
from doudi.signing.signed import SignedRoster, sign_roster
from doudi.signing.signer import SoftwareSigner

T = ColumnType
COLUMNS = (
    Column("seq", "序号", T.INT),
    Column("township", "乡(镇)"),
    Column("village", "行政村"),
    Column("category", "救助类别"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("persons", "保障人数", T.INT),
    Column("dibao", "低保金(元)", T.FEN),
    Column("tekun_basic", "特困基本生活费(元)", T.FEN),
    Column("tekun_care", "特困照料护理费(元)", T.FEN),
    Column("temporary", "临时救助金(元)", T.FEN),
    Column("total", "合计(元)", T.FEN),
)
TOWNSHIPS = ("祥城镇", "沙龙镇", "云南驿镇", "下庄镇", "刘厂镇", "禾甸镇", "米甸镇", "普淜镇")
NAMES = ("张𠮷", "李䶮", "王建华", "赵秀英", "杨立新", "段金凤", "字文明", "李桂香")


def payment_roster(n: int, key: PrivateKey) -> SignedRoster:
    rows = []
    for i in range(1, n + 1):
        category = ("低保", "特困供养", "临时救助")[i % 3]
        dibao = 45_000 + (i % 50) * 100 if category == "低保" else None
        basic = 83_200 if category == "特困供养" else None
        care = 5_000 if category == "特困供养" and i % 2 else None
        temporary = 100_000 if category == "临时救助" else None
        total = sum(v for v in (dibao, basic, care, temporary) if v)
        rows.append(
            (
                i,
                TOWNSHIPS[i % len(TOWNSHIPS)],
                f"第{i % 97:02d}村民委员会",
                category,
                NAMES[i % len(NAMES)],
                f"5329231960{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 10_000:04d}"[:18],
                1 + i % 5,
                dibao,
                basic,
                care,
                temporary,
                total,
            )
        )
    meta = Meta(
        kind="payment",
        title="低保特困临时救助月发放名册",
        region_code="532923",
        region_name="祥云县",
        number=1,
        period="2021-04",
        signer="county_civil_532923",
        signer_name="王签发",
        reviewer="county_poverty_532923",
        reviewer_name="赵审核",
        signed_at="2021-04-30T10:00:00+08:00",
    )
    section = Section("detail", "发放明细", COLUMNS, tuple(rows), ("category", "id_number"))
    return sign_roster(Roster(meta, (section,)), SoftwareSigner(key))


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def verify(data: bytes, fmt: str, key: PrivateKey, digest: str) -> bool:
    read = read_xlsx(data) if fmt == "xlsx" else read_pdf(data)
    return (
        read.digest == digest
        and sm.sm3_hex(read.content) == digest
        and key.public.verify(read.content, read.signature)
    )


def table_layout_pdf(signed: SignedRoster) -> bytes:
    """The anchor: the same renderer with the text grid switched off (every section an HTML table)."""
    saved = pdf.FAST_ROWS
    pdf.FAST_ROWS = 10**9
    try:
        return pdf.render_pdf(signed)
    finally:
        pdf.FAST_ROWS = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--anchor-rows", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args, _unknown = parser.parse_known_args()  # run_all.py passes every benchmark the same arguments

    key = PrivateKey.generate()
    signed = payment_roster(args.rows, key)
    anchor = payment_roster(args.anchor_rows, key)
    pdf.render_pdf(payment_roster(10, key))  # warm up WeasyPrint's imports and fonts
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()}")
    results: dict[str, list[tuple[float, float]]] = {}
    for run in range(args.runs):
        wall, cpu, pdf_bytes = timed(lambda: pdf.render_pdf(signed))
        results.setdefault(f"PDF, {args.rows} rows (text grid)", []).append((wall, cpu))
        wall, cpu, xlsx_bytes = timed(lambda: render_xlsx(signed))
        results.setdefault(f"Excel, {args.rows} rows", []).append((wall, cpu))
        wall, cpu, ok = timed(partial(verify, xlsx_bytes, "xlsx", key, signed.digest))
        assert ok, "the Excel file does not verify"
        results.setdefault(f"verify Excel, {args.rows} rows", []).append((wall, cpu))
        wall, cpu, ok = timed(partial(verify, pdf_bytes, "pdf", key, signed.digest))
        assert ok, "the PDF does not verify"
        results.setdefault(f"verify PDF, {args.rows} rows", []).append((wall, cpu))
        wall, cpu, _ = timed(lambda: table_layout_pdf(anchor))
        results.setdefault(f"anchor: PDF, {args.anchor_rows} rows (HTML table)", []).append((wall, cpu))
        print(f"run {run + 1}: PDF {len(pdf_bytes):,} bytes, Excel {len(xlsx_bytes):,} bytes", flush=True)
    print(f"load average after: {os.getloadavg()}")
    print("| measure | median wall | median CPU | runs (wall) |")
    print("|---|---|---|---|")
    for name, values in results.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        runs = ", ".join(f"{w:.2f}" for w in walls)
        print(f"| {name} | {statistics.median(walls):.2f} s | {statistics.median(cpus):.2f} s | {runs} |")


if __name__ == "__main__":
    main()
