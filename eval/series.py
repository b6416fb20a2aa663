"""Generator of an agency's reports over consecutive years whose figures link up (FIELDS.md identity 7).

From one gold fixture (its tables and form), each year keeps the gold's result
rows and gets its own applications carried forward; the next year carries those
over, and ``new_received`` is set so that each report balances on its own
(identity 1). So every report's identities hold and the series' cross-year
identity holds — until ``carry_over_changed`` moves one year's carried-over
figure (and its new applications the other way, so that report still balances
alone: only the cross-year check can see it). Reports are rendered as HTML
(``govreport.render``), each under one of the agency's printed names, for the
extractor to read back.

    python eval/series.py OUT_DIR --years 2019 2020 2021 2022   # writes OUT_DIR/*.html
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from govreport.form.catalog import APPLICANT_COLUMNS
from govreport.render import ReportSpec, generic_parts, render_html

REPO = Path(__file__).resolve().parents[1]
BASE_GOLD = REPO / "tests" / "fixtures" / "gold" / "real-r010.json"  # 2021 form, applications in three columns


def agency_series(
    names: Sequence[str], years: Sequence[int], base_gold: Path = BASE_GOLD, shift: int = 0
) -> list[ReportSpec]:
    """One spec per year, printed names taken in turn; ``shift`` varies the carried figures between agencies."""
    base = ReportSpec.from_gold(base_gold)
    specs: list[ReportSpec] = []
    carried_over = dict.fromkeys(APPLICANT_COLUMNS, 0)
    for i, year in enumerate(years):
        values = dict(base.values)
        forward = {}
        for j, col in enumerate(APPLICANT_COLUMNS):
            handled = values[f"t3.results_total.{col}"] or 0
            # a few applications carried forward where the column has enough to carry
            forward[col] = (i + j + shift) % 3 if handled >= 3 else 0
            values[f"t3.carried_over.{col}"] = carried_over[col]
            values[f"t3.carried_forward.{col}"] = forward[col]
            values[f"t3.new_received.{col}"] = handled + forward[col] - carried_over[col]
        for row in ("carried_over", "carried_forward", "new_received"):
            values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{col}"] for col in APPLICANT_COLUMNS)
        specs.append(_with_values(base.model_copy(update={"agency": names[i % len(names)], "year": year}), values))
        carried_over = forward
    return specs


def _with_values(spec: ReportSpec, values: dict) -> ReportSpec:
    """The spec with ``values``, its prose stating the applications received as the table does."""
    facts = {
        "meta.agency": spec.agency,
        "meta.year": spec.year,
        "prose.applications_received": values["t3.new_received.total"],
    }
    return spec.model_copy(update={"values": values, "parts": generic_parts(facts)})


def carry_over_changed(spec: ReportSpec, column: str, delta: int) -> ReportSpec:
    """The spec with ``delta`` more applications carried over in ``column`` and as many fewer new ones:
    the report still balances alone, but no longer matches the year before."""
    values = dict(spec.values)
    for col in (column, "total"):
        values[f"t3.carried_over.{col}"] += delta
        values[f"t3.new_received.{col}"] -= delta
    if values[f"t3.new_received.{column}"] < 0:
        raise ValueError(f"{column}: too few new applications to move {delta}")
    return _with_values(spec, values)


def write_series(folder: Path, specs: Sequence[ReportSpec], stem: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in specs:
        path = folder / f"{stem}_{spec.year}.html"
        path.write_text(render_html(spec), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--years", type=int, nargs="+", default=[2021, 2022, 2023])
    parser.add_argument("--names", nargs="+", default=["平潭综合实验区", "平潭综合实验区管委会"])
    args = parser.parse_args()
    for path in write_series(args.out, agency_series(args.names, args.years), "series"):
        print(path)


if __name__ == "__main__":
    main()
