"""Rules engine speed at province scale: households read from Parquet and assessed by the vectorised path, with
the core dibao model written for openfisca-core run on the same households in the same run as the anchor.

    .venv/bin/python bench/bench_rules.py [--households 2500000] [--unique 20000] [--runs 3] [--date 2022-03-01]
        [--no-explain] [--workers 1] [--no-anchor] [--check 2000]
    .venv/bin/python bench/bench_rules.py --registry 1000 [--runs 3]   # the registry run (SQLite), see registry()

The input: --unique seeded households from `doudi.rules.sample` (2 % "complex": refusals, single-person
applications, tekun enrolments, hardship), flattened to columns and repeated to --households rows, written as
Parquet by `doudi.rules.columnar.write_parquet` and cached under /tmp/doudi_rules_v<format>_<households>_<unique>_
<share> (the first run writes it, in a child process so that its memory does not count). Each run then times, with
wall and CPU seconds (CPU = process time: user + system, all threads):
  - read: `read_parquet` (columns straight into NumPy arrays; identifiers and full records are read lazily),
  - assess: `assess_batch` over every household with the explanation columns (vectorised, on --workers threads,
    plus the fallback rows through the per-household path),
  - end to end: read + assess,
  - the anchor: the OpenFisca model (per-capita income with deductions, county standard, asset test, amount)
    on the same households: building the simulation from household/person arrays and calculating the amount.
Peak RSS of the read + assess part is measured before the anchor runs. Then the first --check rows are compared
with the per-household path `engine.assess` (outcome, amounts, reasons, to the fen; and the explanation rendered
from the batch's columns: the same steps, values and parameters), the province total is checked to be the exact
sum of household amounts, and 1,000 random households' Chinese explanations are rendered from the batch result.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from doudi.rules.batch import OUTCOMES, Columns, assess_batch, flatten
from doudi.rules.batch_explain import explanation, render
from doudi.rules.columnar import FORMAT, read_parquet, tile, write_parquet
from doudi.rules.engine import assess
from doudi.rules.parameters import ParameterTable, default_table
from doudi.rules.sample import households


def _write_input(directory: Path, n: int, unique: int, share: float, on: date) -> None:
    distinct = households(min(unique, n), on, seed=42, complex_share=share)
    big, full, ids = tile(flatten(distinct), n)
    write_parquet(big, directory, full, ids)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


# ---- the anchor: the core dibao model for openfisca-core -------------------------------------------------------


def openfisca_system(table: ParameterTable, on: date, counties: list[str]) -> Any:
    """A minimal OpenFisca tax-benefit system for the core dibao rule, with our parameters in force on `on`."""
    from openfisca_core.entities import build_entity
    from openfisca_core.parameters import ParameterNode
    from openfisca_core.periods import DateUnit
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    person = build_entity("person", "persons", "个人", is_person=True)
    household = build_entity(
        "household", "households", "家庭", roles=[{"key": "member", "plural": "members"}]
    )
    since = "2000-01-01"
    p0 = table.at(on, counties[0])
    share = p0.ratio("deduction.employment_cost_share") if p0.has("deduction.employment_cost_share") else 0
    ecap = p0.optional_fen("deduction.employment_cost_monthly_cap") if share else None
    rcap = p0.optional_fen("deduction.rigid_cap_yearly") if p0.has("deduction.rigid_cap_yearly") else None
    big = 10**12

    def value(v: float) -> dict[str, Any]:
        return {"values": {since: {"value": float(v)}}}

    data = {
        "rural_standard_yearly": {
            c: value(table.at(on, c).fen("dibao.rural_standard_yearly")) for c in counties
        },
        "urban_standard_monthly": {
            c: value(table.at(on, c).fen("dibao.urban_standard_monthly")) for c in counties
        },
        "financial_limit": {
            c: value(
                table.at(on, c).ratio("property.financial_assets_multiple")
                * table.at(on, c).fen("property.disposable_income_prior_year")
            )
            for c in counties
        },
        "max_houses": value(p0.count("property.max_houses")),
        "employment_share": value(share),
        "employment_cap_yearly": value(big if ecap is None else ecap * 12),
        "rigid_cap_yearly": value(big if rcap is None else rcap),
    }

    def var(name: str, entity: Any, kind: type, formula: Callable[..., Any] | None = None) -> type:
        attrs: dict[str, Any] = {"value_type": kind, "entity": entity, "definition_period": DateUnit.MONTH}
        if formula is not None:
            attrs["formula"] = formula
        return type(name, (Variable,), attrs)

    def persons(h: Any, period: Any) -> Any:
        return h.sum(h.members("counted", period))

    def net_income(h: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).dibao
        employment = np.minimum(h("wage_income", period) * p.employment_share, p.employment_cap_yearly)
        rigid = np.minimum(h("rigid_spending", period), p.rigid_cap_yearly)
        return np.maximum(h("gross_income", period) - rigid - employment, 0)

    def standard(h: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).dibao
        county = h("county", period)
        return np.where(
            h("urban", period), p.urban_standard_monthly[county] * 12, p.rural_standard_yearly[county]
        )

    def assets_ok(h: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).dibao
        n = np.maximum(h("persons", period), 1)
        return (h("houses", period) <= p.max_houses) & (
            h("financial_assets", period) <= p.financial_limit[h("county", period)] * n
        )

    def eligible(h: Any, period: Any) -> Any:
        n = h("persons", period)
        return (
            h("hukou_ok", period)
            & h("assets_ok", period)
            & (n > 0)
            & (h("net_income", period) < h("standard", period) * n)
        )

    def amount(h: Any, period: Any) -> Any:
        n = h("persons", period)
        gap = (h("standard", period) * n - h("net_income", period)) / 12
        return np.where(h("eligible", period), np.floor(gap + 0.5), 0)

    variables = [
        var("counted", person, bool),
        var("county", household, str),
        var("urban", household, bool),
        var("hukou_ok", household, bool),
        var("gross_income", household, float),
        var("wage_income", household, float),
        var("rigid_spending", household, float),
        var("financial_assets", household, float),
        var("houses", household, int),
        var("persons", household, int, persons),
        var("net_income", household, float, net_income),
        var("standard", household, float, standard),
        var("assets_ok", household, bool, assets_ok),
        var("eligible", household, bool, eligible),
        var("dibao_amount", household, float, amount),
    ]
    system = TaxBenefitSystem([person, household])
    system.parameters = ParameterNode("", data={"dibao": data})
    for v in variables:
        system.add_variable(v)
    return system


def openfisca_inputs(cols: Columns, counted: np.ndarray[Any, Any], excluded: set[str]) -> dict[str, Any]:
    """Household totals from the same columns (income items, deductions, property), as the model's inputs."""
    n = len(cols.h["county"])
    kinds_out = [k for k, kind in enumerate(cols.kinds) if kind in excluded]

    def total(table: dict[str, np.ndarray[Any, Any]], values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.bincount(table["hh"], weights=values, minlength=n)

    inc, ded, prop = cols.inc, cols.ded, cols.prop
    countable = np.where(inc["override"] >= 0, inc["override"] == 1, ~np.isin(inc["kind"], kinds_out))
    return {
        "county": np.array(cols.counties, dtype=object)[cols.h["county"]].astype(str),
        "urban": cols.h["urban"] == 1,
        "hukou_ok": (cols.h["hukou"] == 1) & (cols.h["prop_known"] == 1),
        "gross_income": total(inc, np.where(countable, inc["yearly"], 0)),
        "wage_income": total(inc, np.where(countable & (inc["wage"] == 1), inc["yearly"], 0)),
        "rigid_spending": total(ded, np.maximum(ded["paid"] - ded["reimbursed"], 0)),
        "financial_assets": total(prop, np.where(prop["kind"] == 1, prop["value"], 0)),
        "houses": total(prop, np.where(prop["kind"] == 0, prop["count"], 0)).astype(np.int32),
        "counted": counted,
        "member_of": cols.m["hh"],
    }


def run_openfisca(system: Any, inputs: dict[str, Any], period: str) -> tuple[Any, float, float]:
    from openfisca_core.simulations import SimulationBuilder

    n_h, n_p = len(inputs["urban"]), len(inputs["counted"])
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", np.arange(n_p))
    group = builder.declare_entity("household", np.arange(n_h))
    builder.join_with_persons(group, inputs["member_of"], np.zeros(n_p, dtype=np.int64))
    simulation = builder.build(system)
    for name, values in inputs.items():
        if name != "member_of":
            simulation.set_input(name, period, values)
    start = time.perf_counter()
    out = simulation.calculate("dibao_amount", period)
    return out, time.perf_counter() - start, 0.0


def registry(n: int, runs: int) -> None:
    """The registry run over one county (bench_watch's population): the prefetch read + per-household path,
    the columnar read + per-household path (`assess_registry`), and the columnar read + vectorised path."""
    import tempfile

    from bench_watch import COUNTY, MONTH, populate, setup_django

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from doudi.registry.assessment import assess_registry, assess_registry_batch, assessments

        populate(n)
        steps: dict[str, Callable[[], Any]] = {
            "prefetch read + per-household assess (before)": lambda: list(assessments(MONTH, COUNTY)),
            "columnar read + per-household assess (assess_registry)": lambda: assess_registry(MONTH, COUNTY),
            "columnar read + vectorised assess (assess_registry_batch)": lambda: assess_registry_batch(
                MONTH, COUNTY
            ),
        }
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in steps}
        for _ in range(runs):
            for name, fn in steps.items():
                _out, wall, cpu = _timed(fn)
                times[name].append((wall, cpu))
        print(
            f"registry: {n:,} households of county {COUNTY}, date {MONTH}, sqlite; load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        for name, pairs in times.items():
            print(
                f"  {name}: {statistics.median(p[0] for p in pairs):.2f} s wall, "
                f"{statistics.median(p[1] for p in pairs):.2f} s CPU (median of {runs})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--registry", type=int, default=0, help="instead: time the registry run on N households"
    )
    parser.add_argument("--households", type=int, default=2_500_000)
    parser.add_argument("--unique", type=int, default=20_000, help="distinct households, repeated")
    parser.add_argument("--complex-share", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", type=int, default=2_000, help="rows compared with the per-household path")
    parser.add_argument("--date", default="2022-03-01")
    parser.add_argument("--no-anchor", action="store_true")
    parser.add_argument(
        "--no-explain", action="store_true", help="assess without the explanation columns (for comparison)"
    )
    parser.add_argument("--workers", type=int, default=1, help="threads of assess_batch")
    args = parser.parse_args()
    if args.registry:
        registry(args.registry, args.runs)
        return
    on = date.fromisoformat(args.date)
    directory = Path(f"/tmp/doudi_rules_v{FORMAT}_{args.households}_{args.unique}_{args.complex_share}")
    if not (directory / "full.parquet").exists():
        child = multiprocessing.get_context("spawn").Process(
            target=_write_input, args=(directory, args.households, args.unique, args.complex_share, on)
        )
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit(f"writing the Parquet input into {directory} failed")
    table = default_table()
    print(
        f"input {directory}: {sum(f.stat().st_size for f in directory.iterdir()) / 1e6:.0f} MB; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )

    reads, assesses, ends, anchors = [], [], [], []
    result = cols = None
    for run in range(args.runs):
        cols = result = None  # the previous run's arrays are freed before the next read
        cols, r_wall, r_cpu = _timed(lambda: read_parquet(directory))
        result, a_wall, a_cpu = _timed(
            lambda c=cols: assess_batch(None, on, table, c, explain=not args.no_explain, workers=args.workers)
        )
        reads.append((r_wall, r_cpu))
        assesses.append((a_wall, a_cpu))
        ends.append((r_wall + a_wall, r_cpu + a_cpu))
        print(
            f"run {run + 1}: read {r_wall:.2f} s (cpu {r_cpu:.2f}), assess {a_wall:.2f} s (cpu {a_cpu:.2f}), "
            f"load {os.getloadavg()[0]:.1f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert result is not None and cols is not None
    n = len(cols.h["county"])
    persons = len(cols.m["hh"])
    fallback = int(result.fallback.sum())

    if not args.no_anchor:
        system = openfisca_system(table, on, cols.counties)
        from doudi.rules.batch import _ages, _counted

        excluded = set(table.at(on, cols.counties[0]).names("income.excluded_types"))
        inputs = openfisca_inputs(cols, _counted(cols.m, _ages(cols.m, on)), excluded)
        period = f"{on:%Y-%m}"
        for run in range(args.runs):
            (amounts, calc, _), o_wall, o_cpu = _timed(lambda: run_openfisca(system, inputs, period))
            anchors.append((o_wall, o_cpu))
            print(f"anchor run {run + 1}: {o_wall:.2f} s (cpu {o_cpu:.2f}; calculate {calc:.2f} s)")
        eligible_rows = result.outcome == OUTCOMES.index(OUTCOMES[1])
        print(
            f"anchor: {int((amounts > 0).sum()):,} households paid by the OpenFisca core model, "
            f"{int(eligible_rows.sum()):,} eligible_dibao in doudi (doudi applies every rule; the model the core)"
        )

    sample = households(min(args.unique, n), on, seed=42, complex_share=args.complex_share)
    explained = 0
    for i in range(min(args.check, n)):
        a = assess(sample[i % len(sample)], on)
        if result.explain is not None:  # the batch's explanation columns give the engine's explanation
            e = explanation(result, cols, i)
            assert (e.steps, e.parameters) == (a.explanation.steps, a.explanation.parameters), i
            explained += 1
        got = (
            OUTCOMES[result.outcome[i]],
            int(result.benefit[i]),
            int(result.tekun[i]),
            int(result.single[i]),
        )
        assert got == (a.outcome, a.benefit, a.tekun_total, a.single_person_total), i
        assert result.reason_set(i) == set(a.reasons), i
    total = int(result.benefit.sum()) + int(result.tekun.sum()) + int(result.single.sum())
    assert total == sum(int(x) for x in result.benefit) + sum(int(x) for x in result.tekun) + sum(
        int(x) for x in result.single
    )

    def med(pairs: list[tuple[float, float]]) -> str:
        return (
            f"{statistics.median(p[0] for p in pairs):.2f} s wall, "
            f"{statistics.median(p[1] for p in pairs):.2f} s CPU"
        )

    print(
        f"households {n:,}, persons {persons:,}, date {on}; fallback to the per-household path: "
        f"{fallback:,} ({fallback / n:.2%})"
    )
    print(f"read Parquet:        {med(reads)}")
    print(f"assess (with reasons, amounts): {med(assesses)}")
    print(f"end to end:          {med(ends)}")
    print(f"peak RSS read+assess: {peak:,.0f} MiB ({peak * 2**20 / 1e9:.2f} GB)")
    if anchors:
        a_med = statistics.median(p[0] for p in anchors)
        print(f"anchor openfisca-core (build + calculate): {med(anchors)}")
        print(
            f"ratio anchor / doudi assess: {a_med / statistics.median(p[0] for p in assesses):.1f}x wall, "
            f"{statistics.median(p[1] for p in anchors) / statistics.median(p[1] for p in assesses):.1f}x CPU"
        )
    print(
        f"monthly total {total / 100:,.2f} yuan (exact fen, the sum of household amounts); "
        f"first {min(args.check, n):,} rows agree with the per-household path "
        f"({explained:,} explanations: same steps, values and parameters)"
    )
    if result.explain is not None:
        rows = np.random.default_rng(1).integers(0, n, 1000)
        texts, r_wall, r_cpu = _timed(lambda: [render(result, cols, int(i)) for i in rows])
        print(
            f"rendering 1,000 random households' Chinese explanations from the batch result: {r_wall:.2f} s wall, "
            f"{r_cpu:.2f} s CPU (the first one reads the identifiers); e.g.\n{texts[0]}"
        )


if __name__ == "__main__":
    main()
