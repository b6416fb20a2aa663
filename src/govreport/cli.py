"""Command line: ``govreport extract`` writes a JSON line per report, ``govreport eval`` scores against gold.

Progress and summaries go to stderr, data to stdout or the ``-o`` file, so
``govreport extract docs -o - | jq`` works. A document that fails becomes an
error record and the batch goes on; only usage errors exit non-zero.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NoReturn, get_args

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from govreport import __version__
from govreport.batch import BatchOptions, Engine
from govreport.batch.work import Done, extractor_for
from govreport.evaluate import EvalReport, evaluate, load_gold, load_predictions, print_report, report_json
from govreport.outputs import export, is_export, journal_path
from govreport.outputs.journal import Entry, JournalWriter, read_records, scan
from govreport.schema import ReportResult

# What a folder is searched for; a file named explicitly is always tried (and
# gets an error record if its format is not read).
SUPPORTED_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)
GLOB_CHARS = frozenset("*?[")
FAILURES_SHOWN = 5

app = typer.Typer(
    name="govreport",
    help="Turn 政府信息公开工作年度报告 into validated data, every number checked against 勾稽关系.",
    no_args_is_help=True,
    add_completion=False,
)


# ---------------------------------------------------------------- inputs
@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)  # paths to extract, in order, each once
    missing: list[str] = field(default_factory=list)  # named paths that do not exist


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _folder_files(folder: Path) -> list[str]:
    found = (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    return sorted(str(p) for p in found if not _is_hidden(p, folder))


def _expand(arg: str) -> tuple[list[str], bool]:
    """The files one argument names, and whether it named anything at all."""
    path = Path(os.path.expanduser(arg))
    if path.is_dir():
        return _folder_files(path), True
    if path.exists():
        return [arg], True
    if GLOB_CHARS & set(arg):  # shells on Windows leave globs to the program
        files: list[str] = []
        for match in sorted(glob.glob(os.path.expanduser(arg), recursive=True)):
            files.extend(_folder_files(Path(match)) if Path(match).is_dir() else [match])
        return files, bool(files)
    return [], False


def collect_inputs(args: Sequence[str]) -> Inputs:
    """Files, folders (searched recursively for supported formats) and globs, de-duplicated in order."""
    inputs = Inputs()
    seen: set[str] = set()
    for arg in args:
        files, exists = _expand(arg)
        if not exists:
            inputs.missing.append(arg)
        for file in files:
            key = os.path.normcase(os.path.abspath(file))
            if key not in seen:
                seen.add(key)
                inputs.files.append(file)
    return inputs


# ---------------------------------------------------------------- batch
@dataclass
class BatchSummary:
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    templates: Counter[str] = field(default_factory=Counter)
    broken_hard: int = 0
    broken_soft: int = 0
    skipped: int = 0  # already done in the output by an earlier run
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)  # tables exported from the journal

    @property
    def ok(self) -> int:
        return self.documents - len(self.failed)

    def add(self, done: Done) -> None:
        self.documents += 1
        if done.error:
            self.failed.append((done.doc, done.error))
            return
        self.templates[done.template or "none"] += 1
        for identity in done.broken:
            if identity[1] == "prose_table":
                self.broken_soft += 1
            else:
                self.broken_hard += 1


def _usage_error(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(2)


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def _missing(doc: str) -> Done:
    return Done.of(ReportResult(doc=doc, error="no such file or folder", tool_version=__version__), None)


class _Sink:
    """Where finished records go: the journal of an output file, stdout (``-``), or nowhere (None)."""

    def __init__(self, output: str | None, force: bool) -> None:
        self.journal = None if output in (None, "-") else journal_path(Path(output))
        self.done_before: dict[str, Entry] = {} if self.journal is None or force else scan(self.journal)
        self._writer = None if self.journal is None else JournalWriter(self.journal, fresh=force)
        self._stdout = output == "-"
        if self._stdout and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # Chinese text on consoles that default to a code page

    def write(self, done: Done) -> None:
        if self._writer is not None:
            self._writer.append(done.line)
        elif self._stdout:
            sys.stdout.write(done.line + "\n")
            sys.stdout.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def run_batch(
    inputs: Inputs,
    output: str | None,
    console: Console,
    options: BatchOptions | None = None,
    keep: bool = False,
    labeller: str = "hybrid",
    review_below: float | None = None,
) -> tuple[BatchSummary, list[dict[str, Any]]]:
    """Extract every input not already done, writing each result as it completes; return the summary
    and (with ``keep``) the records of every input, which a large batch would otherwise not hold.
    ``labeller`` is the mode every worker's extractor runs (and part of what makes a record done);
    ``review_below`` overrides the review threshold."""
    from govreport.batch import pending, run  # imported late: `eval --pred` and --version need no pipeline

    options = options or BatchOptions()
    summary = BatchSummary()
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    sink = _Sink(output, options.force)
    try:
        with _progress(console) as progress:
            bar = progress.add_task("extracting", total=len(inputs.files) + len(inputs.missing))

            def skip(doc: str) -> None:
                summary.skipped += 1
                progress.advance(bar)

            tasks = pending(inputs.files, sink.done_before, __version__, on_skip=skip, labeller=labeller)
            factory = partial(extractor_for, labeller, review_below)
            results = run(tasks, options, options.worker_count(len(inputs.files)), factory)
            for done in itertools.chain(map(_missing, inputs.missing), results):
                sink.write(done)
                summary.add(done)
                if keep and sink.journal is None:
                    records.append(json.loads(done.line))
                progress.update(bar, advance=1, description=Path(done.doc).name)
            progress.update(bar, description="done")
    finally:
        sink.close()
    if output is not None and is_export(Path(output)):
        summary.written = export(Path(output))
    if keep and sink.journal is not None:
        records = list(read_records(sink.journal, docs={*inputs.files, *inputs.missing}))
    summary.seconds = time.perf_counter() - started
    return summary, records


def print_summary(summary: BatchSummary, console: Console, output: str | None) -> None:
    rate = summary.documents / summary.seconds if summary.seconds > 0 else 0.0
    console.print(
        f"[bold]{summary.documents} documents[/bold] in {summary.seconds:.2f} s ({rate:.1f} docs/s): "
        f"[green]{summary.ok} ok[/green], "
        f"[{'red' if summary.failed else 'green'}]{len(summary.failed)} failed[/]"
    )
    if summary.templates:
        counts = ", ".join(f"{name} ×{n}" for name, n in sorted(summary.templates.items()))
        console.print(f"templates: {counts}")
    console.print(
        f"broken identities: {summary.broken_hard} (plus {summary.broken_soft} prose/table warnings)",
        highlight=False,
    )
    for doc, error in summary.failed[:FAILURES_SHOWN]:
        console.print(f"  [red]failed[/red] {escape(doc)}: {escape(error)}", highlight=False)
    if len(summary.failed) > FAILURES_SHOWN:
        console.print(f"  … and {len(summary.failed) - FAILURES_SHOWN} more failures")
    if summary.skipped:
        console.print(f"skipped {summary.skipped} documents already done in {output} (--force redoes them)")
    if output not in (None, "-"):
        written = [str(path) for path in summary.written] or [output]
        console.print(f"wrote {', '.join(written)}")


# ---------------------------------------------------------------- commands
def _version(value: bool) -> None:
    if value:
        typer.echo(f"govreport {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn 政府信息公开工作年度报告 into validated data."""


PathsArg = Annotated[
    list[str] | None,
    typer.Argument(help="Files, folders (searched recursively) or globs.", show_default=False, metavar="PATH..."),
]


def _inputs_or_exit(paths: Sequence[str]) -> Inputs:
    inputs = collect_inputs(paths)
    if not inputs.files:
        _usage_error("no input documents found in: " + " ".join(paths))
    return inputs


WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        min=1,
        help="Worker processes (default: one per CPU core, fewer for small batches).",
        show_default=False,
    ),
]
EngineOpt = Annotated[str, typer.Option("--engine", help="local (this machine's processes) or ray (Ray Data).")]
RayAddressOpt = Annotated[
    str | None, typer.Option("--ray-address", help="Ray cluster to join (default: start a local Ray).")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Redo documents the output already holds.")]
LabellerOpt = Annotated[
    str, typer.Option("--labeller", help="Who decides sections, row labels and prose facts: rules, model or hybrid.")
]


ReviewBelowOpt = Annotated[
    float | None,
    typer.Option(
        "--review-below",
        min=0.0,
        max=1.0,
        help="List for review every value whose calibrated confidence is below this "
        "(default: the threshold chosen on held-apart data, govreport.review.REVIEW_BELOW).",
        show_default=False,
    ),
]


def _checked_labeller(labeller: str) -> str:
    from govreport.labelling import MODES

    if labeller not in MODES:
        _usage_error(f"unknown labeller {labeller!r}: use {', '.join(MODES)}")
    return labeller


def _batch_options(engine: str, workers: int | None, ray_address: str | None, force: bool) -> BatchOptions:
    if engine not in get_args(Engine):
        _usage_error(f"unknown engine {engine!r}: use {' or '.join(get_args(Engine))}")
    return BatchOptions(engine=engine, workers=workers, ray_address=ray_address, force=force)  # type: ignore[arg-type]


@app.command()
def extract(
    paths: PathsArg = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Output file, format by extension: .jsonl (any other), .parquet, .csv, .xlsx, .duckdb; '-' stdout.",
        ),
    ] = "-",
    workers: WorkersOpt = None,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    force: ForceOpt = False,
    labeller: LabellerOpt = "hybrid",
    review_below: ReviewBelowOpt = None,
) -> None:
    """Extract each report: JSON lines (doc, values, broken_identities, error, and full detail) or tables.

    A rerun with the same output skips documents already done (same content, version and labeller)."""
    if not paths:
        _usage_error("give at least one file, folder or glob")
    if output == "-" and is_export(Path(output)):
        _usage_error("tables cannot go to stdout")
    options = _batch_options(engine, workers, ray_address, force)
    console = Console(stderr=True)
    summary, _ = run_batch(
        _inputs_or_exit(paths),
        output,
        console,
        options,
        labeller=_checked_labeller(labeller),
        review_below=review_below,
    )
    print_summary(summary, console, output)


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold *.json files.", show_default=False)],
    paths: PathsArg = None,
    pred: Annotated[Path | None, typer.Option("--pred", help="Score this JSONL instead of extracting PATHS.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the full report as JSON here.")] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Also save the predictions made from PATHS.")
    ] = None,
    max_misses: Annotated[
        int | None, typer.Option("--max-misses", help="Show at most this many misses per document.")
    ] = None,
    labeller: LabellerOpt = "hybrid",
    review_below: ReviewBelowOpt = None,
) -> None:
    """Score predictions against gold: accuracy by group, identity precision/recall, misses per document."""
    if bool(paths) == (pred is not None):
        _usage_error("give either PATHS to extract or --pred FILE, not both and not neither")
    try:
        golds = load_gold(gold) if gold.is_dir() else {}
    except ValueError as exc:  # a gold file that is not JSON or not in the gold format
        _usage_error(f"bad gold file in {gold}: {exc}")
    if not golds:
        _usage_error(f"no gold *.json files in {gold}")
    err = Console(stderr=True)
    if pred is not None:
        try:
            predictions = load_predictions(pred)
        except (OSError, ValueError) as exc:
            _usage_error(str(exc))
    else:
        summary, predictions = run_batch(
            _inputs_or_exit(paths or []),
            output,
            err,
            keep=True,
            labeller=_checked_labeller(labeller),
            review_below=review_below,
        )
        print_summary(summary, err, output)
    report: EvalReport = evaluate(golds, predictions)
    print_report(report, Console(), max_misses)
    if json_file is not None:
        json_file.write_text(report_json(report) + "\n", encoding="utf-8")
        err.print(f"wrote {json_file}")


@app.command("inspect")
def inspect_command(
    report: Annotated[Path, typer.Argument(help="One report file.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML page to write.")] = Path("report.html"),
) -> None:
    """Write one self-contained HTML page showing what was read where: the document with every value
    outlined by method and confidence, the three tables as extracted, broken identities and their cells."""
    from govreport.inspect import inspect_report  # imported late: the page pulls in the pipeline

    if not report.is_file():
        _usage_error(f"not a file: {report}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(inspect_report(str(report)), encoding="utf-8")
    Console(stderr=True).print(f"wrote {output}")


@app.command("summary")
def summary_command(
    out: Annotated[
        Path, typer.Argument(help="An extract output: .jsonl, .parquet, .csv, .xlsx or .duckdb.", show_default=False)
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many lines per list.")] = 20,
) -> None:
    """What an auditing office reads first: counts per form version, year and agency; failures;
    broken identities by kind and by report."""
    from govreport.outputs.summary import print_summary as print_batch_summary
    from govreport.outputs.summary import summarize

    if not out.is_file():
        _usage_error(f"not a file: {out}")
    try:
        summary = summarize(out)
    except Exception as exc:  # any reader's error on a file that is not an extract output
        _usage_error(f"cannot read {out} as an extract output: {type(exc).__name__}: {exc}")
    print_batch_summary(summary, Console(), limit)


@app.command("review-list")
def review_list_command(
    out: Annotated[
        Path,
        typer.Argument(help="An extract output: its .jsonl, or a table output with its journal.", show_default=False),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the list here: .xlsx (sheet 待核) or .csv.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many in the terminal.")] = 50,
) -> None:
    """The values to check by hand over a batch, most risky first: document, page/line, printed text,
    value, confidence and why each is listed."""
    from govreport.outputs.review_list import review_entries, write_review_csv, write_review_xlsx

    journal = journal_path(out)
    if not journal.is_file():
        _usage_error(f"not a file: {journal}")
    try:
        entries = review_entries(read_records(journal))
    except Exception as exc:  # any reader's error on a file that is not an extract output
        _usage_error(f"cannot read {journal} as an extract output: {type(exc).__name__}: {exc}")
    err = Console(stderr=True)
    if output is not None:
        (write_review_csv if output.suffix.lower() == ".csv" else write_review_xlsx)(entries, output)
        err.print(f"wrote {len(entries)} values to check to {output}")
        return
    console = Console()
    console.print(f"[bold]{len(entries)} values to check[/bold], most risky first")
    for entry in entries[:limit]:
        where = "".join(f" {name} {entry[name]}" for name in ("page", "line") if entry[name] is not None)
        confidence = "—" if entry["confidence"] is None else f"{entry['confidence']:.3f}"
        console.print(
            f"{escape(entry['doc'])}{where}: {escape(entry['key'])} printed {escape(repr(entry['printed']))} "
            f"read {escape(repr(entry['value']))} (confidence {confidence}): {escape(entry['why'])}",
            highlight=False,
            soft_wrap=True,
        )
    if len(entries) > limit:
        err.print(f"… {len(entries) - limit} more (-o list.xlsx writes them all)")


if __name__ == "__main__":
    app()
