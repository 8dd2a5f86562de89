"""Benchmark the departmental-feed checks (issue #10): precision and recall of the planted cases on a synthetic
county, and the time to link and check all feeds of a 300,000-person county (target: at most 60 s).

"Link and check" is the pure path of doudi.evidence: read every feed file (CSV), clean each resident ID as the
matching engine does (doudi.linkage.clean), index the evidence by ID, join it to the county's households and run
every integrity check and the priority-group discovery. The household facts are read from household_facts.jsonl
(what the registry would hand over). Anchor, in the same run: reading the same CSV files with the csv module only.

The database path (`--registry N`): rosters imported with their planted errors, feeds imported (exact links),
`run_checks` (the matching engine's further links, then every check), precision and recall per code, how the feed
rows were linked and whether the further-stage links agree with the truth.

    .venv/bin/python bench/bench_evidence.py                            # quality on 50,000, speed on 300,000 x 3
    .venv/bin/python bench/bench_evidence.py --quality 5000 --persons 20000 --runs 1
    .venv/bin/python bench/bench_evidence.py --quality 0 --persons 0 --registry 20000   # the database path
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from doudi.evidence.pipeline import check_all, evidence_of, read_folder
from doudi.synth import SynthConfig, generate
from doudi.synth.feeds import FEED_DIR, TRUTH_FILE, read_facts, read_truth, write_feeds

ON = date(2020, 7, 1)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def county(persons: int, out: Path, seed: int = 1) -> None:
    generate(SynthConfig(out_dir=out, persons=persons, seed=seed, formats=("csv",), background=False))
    write_feeds(out, ("csv",), seed)


def link_and_check(out: Path) -> tuple[set[tuple[str, str, str]], int]:
    households = [h.household for h in read_facts(out / "household_facts.jsonl")]
    parses = read_folder(out / FEED_DIR, ON)
    run = check_all(households, evidence_of(parses), ON, households[0].county)
    return {f.key for f in run.integrity + run.priority}, sum(p.rows_read for p in parses)


def anchor(out: Path) -> int:
    rows = 0
    for path in sorted((out / FEED_DIR).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += sum(1 for _ in csv.reader(fh))
    return rows


def quality(persons: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        county(persons, out)
        found, _ = link_and_check(out)
        truth = read_truth(out / FEED_DIR / TRUTH_FILE)
    hits = found & truth
    print(
        f"quality: {persons:,} persons; planted {len(truth)}, found {len(found)}, true positives {len(hits)}"
    )
    print(f"  precision {len(hits) / max(len(found), 1):.4f}  recall {len(hits) / max(len(truth), 1):.4f}")
    per_truth, per_found = Counter(t[0] for t in truth), Counter(f[0] for f in found)
    per_hit = Counter(h[0] for h in hits)
    for code in sorted(per_truth | per_found):
        print(
            f"  {code:26s} planted {per_truth[code]:5d}  found {per_found[code]:5d}  correct {per_hit[code]:5d}"
        )


def speed(persons: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        county(persons, out)
        print(f"speed: {persons:,} persons, synth + feeds written in {time.perf_counter() - started:.1f} s")
        walls, cpus, anchors = [], [], []
        rows = 0
        for _ in range(runs):
            t, c = time.perf_counter(), _cpu()
            anchor(out)
            anchors.append(time.perf_counter() - t)
            t, c = time.perf_counter(), _cpu()
            _, rows = link_and_check(out)
            walls.append(time.perf_counter() - t)
            cpus.append(_cpu() - c)
        print(f"  feed rows {rows:,}; load average {os.getloadavg()[0]:.2f}")
        print(f"  link+check median {statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s CPU "
              f"(runs: {', '.join(f'{w:.1f}' for w in walls)})")  # fmt: skip
        print(f"  anchor (csv.reader over the same files) median {statistics.median(anchors):.2f} s")


def _truth_keys(out: Path) -> set[tuple[str, str]]:
    """(code, person ID) of the truth; a household-level finding names the household head's ID instead."""
    heads = {h.key: h.head for h in read_facts(out / "household_facts.jsonl")}
    with (out / FEED_DIR / TRUTH_FILE).open(encoding="utf-8", newline="") as fh:
        return {(r["code"], r["person_id"] or heads[r["household_key"]]) for r in csv.DictReader(fh)}


def _found_keys() -> set[tuple[str, str]]:
    """(code, person ID) of the stored findings; a household-level finding names the head (a lone tekun person's
    finding, the person)."""
    from doudi.feeds.models import Finding

    out = set()
    for f in Finding.objects.select_related("household__head", "person"):
        head = f.household.head if f.household else f.person
        out.add((f.code, f.subject or (head.id_number if head else "")))
    return out


def _link_summary(out: Path) -> str:
    """Feed rows by how they were linked, and the links of the further stages checked against the truth: the
    registry person's household head is the head of a household the truth lists that person in."""
    from django.db.models import Count

    from doudi.feeds.models import FeedRecord
    from doudi.registry.models import Membership

    methods = dict(FeedRecord.objects.values_list("link_method").annotate(n=Count("id")).order_by())
    heads = {h.key: h.head for h in read_facts(out / "household_facts.jsonl")}
    listed: dict[str, set[str]] = {}
    with (out / "truth.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            listed.setdefault(r["true_id"], set()).add(heads.get(r["listed_household_key"], ""))
    further = dict(
        FeedRecord.objects.exclude(link_method__in=("exact", "unlinked"))
        .values_list("id_number", "person_id")
        .distinct()
    )
    person_heads: dict[int, set[str]] = {}
    for pid, head in Membership.objects.filter(person_id__in=list(further.values())).values_list(
        "person_id", "household__head__id_number"
    ):
        person_heads.setdefault(pid, set()).add(head or "")
    right = sum(1 for i, pid in further.items() if person_heads.get(pid, set()) & listed.get(i, set()))
    rows = ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items()))
    return f"feed rows by link: {rows}; persons linked by the household or probabilistic stage {len(further)}, " \
        f"of them confirmed by the truth {right}"  # fmt: skip


def registry(persons: int) -> None:
    """The Django path: rosters imported into a fresh SQLite registry (with their planted roster errors), feeds
    imported (exact links), then `run_checks` (the matching engine's further stages, then every check); compared
    with the truth. Misses are split by whether the person is in the registry at all (a roster row rejected for a
    mistyped ID leaves no person to link to)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
        os.environ["DOUDI_VAR"] = str(work)
        os.environ["DOUDI_SQLITE_PATH"] = str(work / "bench.sqlite3")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        from doudi.feeds.checking import run_checks
        from doudi.feeds.imports import FeedResult, import_folder
        from doudi.registry.imports import import_roster
        from doudi.registry.models import Person
        from doudi.registry.users import create_user

        out = work / "county"
        t = time.perf_counter()
        county(persons, out)
        print(f"registry path: {persons:,} persons; synth + feeds written in {time.perf_counter() - t:.0f} s")
        t, c = time.perf_counter(), _cpu()
        rejected = {}
        for kind in ("poverty", "dibao", "tekun"):
            result = import_roster(out / f"{kind}.csv", kind, errors_path=work / f"{kind}.xlsx")
            rejected[kind] = result.rows_rejected
        print(f"  rosters imported in {time.perf_counter() - t:.0f} s ({_cpu() - c:.0f} s CPU); rows rejected "
              f"(sent back to the roster keeper in the error workbook): {rejected}")  # fmt: skip
        user = create_user("civil", "bench-2020-pass", "county_civil", "530627")
        load = os.getloadavg()[0]
        t, c = time.perf_counter(), _cpu()
        results = import_folder(out / FEED_DIR, user, ON)
        imported = time.perf_counter() - t, _cpu() - c
        rows = sum(r.batch.rows_read for r in results if isinstance(r, FeedResult))
        t, c = time.perf_counter(), _cpu()
        report = run_checks(user, "530627", ON)
        checked = time.perf_counter() - t, _cpu() - c
        found = _found_keys()
        truth = _truth_keys(out)
        links = _link_summary(out)
        missed = truth - found
        absent = sum(1 for _, pid in missed if not Person.objects.filter(id_number=pid).exists())
    hits = found & truth
    print(f"  feeds import ({rows:,} rows, exact links) {imported[0]:.1f} s wall, {imported[1]:.1f} s CPU; "
          f"run_checks (further links + every check) {checked[0]:.1f} s wall, {checked[1]:.1f} s CPU; "
          f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"  {links}; newly linked at the check: {dict(report.links.linked)}")
    print(f"  planted {len(truth)}, found {len(found)}, correct {len(hits)}: precision "
          f"{len(hits) / max(len(found), 1):.4f}, recall {len(hits) / max(len(truth), 1):.4f}; "
          f"missed {len(missed)}, of them not in the registry {absent}")  # fmt: skip
    per_truth, per_found, per_hit = (Counter(k[0] for k in keys) for keys in (truth, found, hits))
    for code in sorted(per_truth | per_found):
        print(
            f"  {code:26s} planted {per_truth[code]:5d}  found {per_found[code]:5d}  correct {per_hit[code]:5d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", type=int, default=50_000, help="persons of the precision/recall county")
    parser.add_argument("--persons", type=int, default=300_000, help="persons of the speed county")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--registry", type=int, default=0, help="persons of a county run through the database"
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    if args.quality:
        quality(args.quality)
    if args.registry:
        registry(args.registry)
    if args.persons:
        speed(args.persons, args.runs)


if __name__ == "__main__":
    main()
