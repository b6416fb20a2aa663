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
from typing import Annotated, Any, Literal, NoReturn

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
from govreport.labelling import MODES
from govreport.options import Limits, PipelineOptions
from govreport.outputs import export, is_export, journal_path
from govreport.outputs.guard import OutputLock, OutputRefused, check_output, is_journal
from govreport.outputs.journal import Entry, JournalWriter, scan
from govreport.schema import ReportResult

# What a folder is searched for; a file named explicitly is always tried (and
# gets an error record if its format is not read). Word .doc/.wps files are
# searched for too: the content decides (a .docx saved as .doc is read), and a
# real legacy file gets a record saying why it is not read.
SUPPORTED_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".doc", ".wps", ".pdf"}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)
GLOB_CHARS = frozenset("*?[")
FAILURES_SHOWN = 5

app = typer.Typer(
    name="govreport",
    help="Turn 政府信息公开工作年度报告 into validated data, every number checked against 勾稽关系.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: flags without a "<bool>" type, choices as <a|b>
)


# ---------------------------------------------------------------- inputs
@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)  # paths to extract, in order, each once
    missing: list[str] = field(default_factory=list)  # named paths that do not exist
    unreadable: dict[str, str] = field(default_factory=dict)  # folders that could not be searched -> why
    skipped: Counter[str] = field(default_factory=Counter)  # suffix -> files in folders not searched for


def _folder_files(folder: Path, found: Inputs) -> None:
    """Files of supported formats under ``folder`` (hidden ones left out), sorted; folders that
    cannot be read and files of other formats are noted in ``found``, never passed over silently."""

    def unreadable(error: OSError) -> None:
        found.unreadable[str(error.filename or folder)] = f"cannot read folder: {error.strerror or error}"

    files = []
    for root, dirs, names in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith("."):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in SUPPORTED_SUFFIXES:
                files.append(os.path.join(root, name))
            else:
                found.skipped[suffix or "(no extension)"] += 1
    found.files.extend(sorted(files))


def _expand(arg: str, found: Inputs) -> bool:
    """Add the files one argument names to ``found``; return whether it named anything at all."""
    path = Path(os.path.expanduser(arg))
    if path.is_dir():
        _folder_files(path, found)
        return True
    if os.path.lexists(path):
        found.files.append(arg)
        return True
    if GLOB_CHARS & set(arg):  # shells on Windows leave globs to the program
        before = len(found.files)
        for match in sorted(glob.glob(os.path.expanduser(arg), recursive=True)):
            if Path(match).is_dir():
                _folder_files(Path(match), found)
            else:
                found.files.append(match)
        return len(found.files) > before
    return False


def collect_inputs(args: Sequence[str]) -> Inputs:
    """Files, folders (searched recursively for supported formats) and globs, de-duplicated in order."""
    inputs = Inputs()
    seen: set[str] = set()
    for arg in args:
        found = Inputs()
        if not _expand(arg, found):
            inputs.missing.append(arg)
        inputs.unreadable.update(found.unreadable)
        inputs.skipped.update(found.skipped)
        for file in found.files:
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
    skipped_files: Counter[str] = field(default_factory=Counter)  # suffix -> files in folders not searched for
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


def _not_read(doc: str, error: str) -> Done:
    return Done.of(ReportResult(doc=doc, error=error, tool_version=__version__), None)


def _unread_inputs(inputs: Inputs) -> list[Done]:
    """Records for named paths that do not exist and folders that could not be searched."""
    missing = [_not_read(doc, "no such file or folder") for doc in inputs.missing]
    return missing + [_not_read(folder, why) for folder, why in inputs.unreadable.items()]


def skipped_text(skipped: Counter[str]) -> str:
    counts = ", ".join(f"{suffix} ×{n}" for suffix, n in sorted(skipped.items()))
    return f"{sum(skipped.values())} files of formats not read ({counts})"


class _Sink:
    """Where finished records go: the journal of an output file, stdout (``-``), or nowhere (None).
    An output file is checked by the guard (``OutputRefused`` before anything is touched) and
    locked against other runs until ``release``."""

    def __init__(self, output: str | None, force: bool) -> None:
        self.journal = None if output in (None, "-") else check_output(Path(output))
        self._lock = None
        if self.journal is not None:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self._lock = OutputLock(self.journal)
            self._lock.acquire()
        try:
            self.done_before: dict[str, Entry] = {} if self.journal is None or force else scan(self.journal)
            self._writer = None if self.journal is None else JournalWriter(self.journal, fresh=force)
        except BaseException:
            self.release()
            raise
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
            self._writer = None

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()


def run_batch(
    inputs: Inputs,
    output: str | None,
    console: Console,
    options: BatchOptions | None = None,
    keep: bool = False,
    labeller: str = "hybrid",
    limits: Limits | None = None,
    review_below: float | None = None,
) -> tuple[BatchSummary, list[dict[str, Any]]]:
    """Extract every input not already done, writing each result as it completes; return the summary
    and (with ``keep``) the records of every input, which a large batch would otherwise not hold.
    ``labeller`` is the mode every worker's extractor runs (and part of what makes a record done);
    ``limits`` what one document may cost; ``review_below`` overrides the review threshold."""
    from govreport.batch import pending, run  # imported late: `eval --pred` and --version need no pipeline
    from govreport.corrections import corrected_records

    options = options or BatchOptions()
    pipeline = PipelineOptions(labeller=labeller, limits=limits or Limits(), review_below=review_below)
    summary = BatchSummary()
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    sink = _Sink(output, options.force)
    try:
        with _progress(console) as progress:
            unread = _unread_inputs(inputs)
            bar = progress.add_task("extracting", total=len(inputs.files) + len(unread))

            def skip(doc: str) -> None:
                summary.skipped += 1
                progress.advance(bar)

            tasks = pending(inputs.files, sink.done_before, __version__, on_skip=skip, labeller=labeller)
            factory = partial(extractor_for, pipeline.labeller, pipeline.limits, pipeline.review_below)
            results = run(tasks, options, options.worker_count(len(inputs.files)), factory, pipeline.limits)
            for done in itertools.chain(unread, results):
                sink.write(done)
                summary.add(done)
                if keep and sink.journal is None:
                    records.append(json.loads(done.line))
                progress.update(bar, advance=1, description=Path(done.doc).name)
            progress.update(bar, description="done")
        sink.close()
        if output is not None and is_export(Path(output)):
            summary.written = export(Path(output))
    finally:
        sink.close()
        sink.release()
    if keep and sink.journal is not None:
        records = list(corrected_records(sink.journal, docs={*inputs.files, *inputs.missing, *inputs.unreadable}))
    summary.seconds = time.perf_counter() - started
    summary.skipped_files = inputs.skipped
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
    if summary.skipped_files:
        console.print(f"left out of the folders: {skipped_text(summary.skipped_files)}", highlight=False)
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


# Arguments are said in each command's help text, not listed with their Python types.
PathsArg = Annotated[list[str] | None, typer.Argument(show_default=False, metavar="PATH", hidden=True)]


def _inputs_or_exit(paths: Sequence[str]) -> Inputs:
    inputs = collect_inputs(paths)
    if not inputs.files and not inputs.unreadable:
        found = f" (only {skipped_text(inputs.skipped)})" if inputs.skipped else ""
        _usage_error("no input documents found in: " + " ".join(paths) + found)
    return inputs


WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes (default: one per CPU core, fewer for small batches).",
        show_default=False,
    ),
]
EngineOpt = Annotated[Engine, typer.Option("--engine", help="local (this machine's processes) or ray (Ray Data).")]
RayAddressOpt = Annotated[
    str | None,
    typer.Option("--ray-address", metavar="ADDRESS", help="Ray cluster to join (default: start a local Ray)."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Redo documents the output already holds.")]
LabellerOpt = Annotated[
    Literal[MODES],  # type: ignore[valid-type]
    typer.Option("--labeller", help="Who decides sections, row labels and prose facts: rules, model or hybrid."),
]


_LIMITS = Limits()
_LIMIT_HELP = "Limits per document (0 turns one off)"


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


def _limit_option(name: str, help_text: str) -> Any:
    return typer.Option(f"--max-{name}", min=0, help=help_text, rich_help_panel=_LIMIT_HELP)


MaxSecondsOpt = Annotated[float, _limit_option("seconds", "Wall time of one document.")]
MaxMemoryOpt = Annotated[int, _limit_option("memory-mb", "Resident memory (MB) of one worker process.")]
MaxPagesOpt = Annotated[int, _limit_option("pages", "Pages of a PDF, frames of an image.")]
MaxPixelsOpt = Annotated[int, _limit_option("page-pixels", "Pixels of one page rendered for OCR.")]
MaxCellsOpt = Annotated[int, _limit_option("table-cells", "Grid cells of one table (rows × columns spanned).")]
MaxRulesOpt = Annotated[int, _limit_option("rules-per-page", "Drawn rules on one PDF page.")]
MaxUnzippedOpt = Annotated[int, _limit_option("unzipped-mb", "Uncompressed size (MB) of a .docx.")]
MaxDigitsOpt = Annotated[int, _limit_option("digit-run", "Digits in one unbroken run.")]
MaxLinesOpt = Annotated[int, _limit_option("lines", "Lines (text lines and table rows) of one document.")]


def _batch_options(engine: Engine, workers: int | None, ray_address: str | None, force: bool) -> BatchOptions:
    return BatchOptions(engine=engine, workers=workers, ray_address=ray_address, force=force)


@app.command()
def extract(
    paths: PathsArg = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Output file, format by extension: .jsonl, .parquet, .csv, .xlsx, .duckdb; '-' stdout. Only a new "
            "or empty file or a govreport output is written.",
        ),
    ] = "-",
    workers: WorkersOpt = None,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    force: ForceOpt = False,
    labeller: LabellerOpt = "hybrid",
    max_seconds: MaxSecondsOpt = _LIMITS.seconds,
    max_memory_mb: MaxMemoryOpt = _LIMITS.memory_mb,
    max_pages: MaxPagesOpt = _LIMITS.pages,
    max_page_pixels: MaxPixelsOpt = _LIMITS.page_pixels,
    max_table_cells: MaxCellsOpt = _LIMITS.table_cells,
    max_rules_per_page: MaxRulesOpt = _LIMITS.rules_per_page,
    max_unzipped_mb: MaxUnzippedOpt = _LIMITS.unzipped_mb,
    max_digit_run: MaxDigitsOpt = _LIMITS.digit_run,
    max_lines: MaxLinesOpt = _LIMITS.lines,
    review_below: ReviewBelowOpt = None,
) -> None:
    """Extract each report: JSON lines (doc, values, broken_identities, error, and full detail) or tables.

    PATH... are files, folders (searched recursively) or globs. A rerun with the same output skips
    documents already done (same content, version and labeller)."""
    if not paths:
        _usage_error("give at least one file, folder or glob")
    if output == "-" and is_export(Path(output)):
        _usage_error("tables cannot go to stdout")
    options = _batch_options(engine, workers, ray_address, force)
    limits = Limits(
        seconds=max_seconds,
        memory_mb=max_memory_mb,
        pages=max_pages,
        page_pixels=max_page_pixels,
        table_cells=max_table_cells,
        rules_per_page=max_rules_per_page,
        unzipped_mb=max_unzipped_mb,
        digit_run=max_digit_run,
        lines=max_lines,
    )
    console = Console(stderr=True)
    try:
        summary, _ = run_batch(
            _inputs_or_exit(paths),
            output,
            console,
            options,
            labeller=labeller,
            limits=limits,
            review_below=review_below,
        )
    except OutputRefused as exc:
        _usage_error(str(exc))
    print_summary(summary, console, output)


@app.command("eval")
def eval_command(
    gold: Annotated[
        Path, typer.Option("--gold", metavar="DIR", help="Folder of gold *.json files.", show_default=False)
    ],
    paths: PathsArg = None,
    pred: Annotated[
        Path | None, typer.Option("--pred", metavar="FILE", help="Score this JSONL instead of extracting PATH...")
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Write the full report as JSON here.")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="Also save the predictions made from PATH....")
    ] = None,
    max_misses: Annotated[
        int | None, typer.Option("--max-misses", metavar="N", help="Show at most this many misses per document.")
    ] = None,
    labeller: LabellerOpt = "hybrid",
    review_below: ReviewBelowOpt = None,
) -> None:
    """Score predictions against gold: accuracy by group, identity precision/recall, misses per document.

    Either extracts PATH... (files, folders or globs) first, or reads an earlier run with --pred."""
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
        try:
            summary, predictions = run_batch(
                _inputs_or_exit(paths or []), output, err, keep=True, labeller=labeller, review_below=review_below
            )
        except OutputRefused as exc:
            _usage_error(str(exc))
        print_summary(summary, err, output)
    report: EvalReport = evaluate(golds, predictions)
    print_report(report, Console(), max_misses)
    if json_file is not None:
        json_file.write_text(report_json(report) + "\n", encoding="utf-8")
        err.print(f"wrote {json_file}")


@app.command("inspect")
def inspect_command(
    report: Annotated[Path, typer.Argument(metavar="REPORT", show_default=False, hidden=True)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="HTML page to write.")] = Path(
        "report.html"
    ),
) -> None:
    """Write one self-contained HTML page showing what was read where: the document with every value
    outlined by method and confidence, the three tables as extracted, broken identities and their cells.

    REPORT is one report file."""
    from govreport.inspect import inspect_page  # imported late: the page pulls in the pipeline

    if not report.is_file():
        _usage_error(f"not a file: {report}")
    output.parent.mkdir(parents=True, exist_ok=True)
    page, error = inspect_page(str(report))
    output.write_text(page, encoding="utf-8")
    if error is not None:
        Console(stderr=True).print(
            f"[red]error:[/red] {escape(str(report))}: {escape(error)} (the page saying so: {escape(str(output))})",
            highlight=False,
        )
        raise typer.Exit(1)
    Console(stderr=True).print(f"wrote {output}")


@app.command("review")
def review_command(
    out: Annotated[Path, typer.Argument(metavar="OUT", show_default=False, hidden=True)],
    docs: Annotated[
        Path | None, typer.Option("--docs", metavar="DIR", help="Folder holding the documents, to show their pages.")
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar="N", help="Port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="ADDRESS", help="Address to listen on; requests addressed to any other are refused."
        ),
    ] = "127.0.0.1",
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", metavar="NAME", help="Name recorded with each correction (default: your login)."),
    ] = None,
) -> None:
    """A local web app to check a batch: a queue of reports, most to check first; for each, the values
    to check beside the page they stand on, confirmed or corrected from the keyboard into the
    corrections journal beside the output, which every later summary, export and eval applies.

    OUT is an extract output (.jsonl, or a table output with its journal beside it)."""
    from govreport.review_app import serve  # imported late: the web framework is only needed here

    if not journal_path(out).is_file():
        _usage_error(f"no extract output at {journal_path(out)}")
    if docs is not None and not docs.is_dir():
        _usage_error(f"not a folder: {docs}")
    Console(stderr=True).print(f"reviewing {out} at http://{host}:{port}/ (Ctrl+C stops)", highlight=False)
    serve(out, docs, host, port, reviewer)


@app.command("gold-from-corrections")
def gold_from_corrections_command(
    out: Annotated[Path, typer.Argument(metavar="OUT", show_default=False, hidden=True)],
    folder: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder to write the gold files to.")
    ] = Path("gold"),
) -> None:
    """Turn the values people confirmed or corrected (govreport review) into gold files in the FIELDS.md
    format, one per reviewed report, for `govreport eval --gold` and for training.

    OUT is an extract output whose corrections journal (govreport review) to use."""
    from govreport.corrections import corrections_path, write_gold

    journal = journal_path(out)
    if not journal.is_file():
        _usage_error(f"no extract output at {journal}")
    if not corrections_path(journal).is_file():
        _usage_error(f"no corrections at {corrections_path(journal)}: review the output first (govreport review)")
    written = write_gold(journal, folder)
    Console(stderr=True).print(f"wrote {len(written)} gold files to {folder}", highlight=False)


@app.command("summary")
def summary_command(
    out: Annotated[Path, typer.Argument(metavar="OUT", show_default=False, hidden=True)],
    limit: Annotated[
        int, typer.Option("--limit", min=1, metavar="N", help="Show at most this many lines per list.")
    ] = 20,
) -> None:
    """What an auditing office reads first: counts per form version, year and agency; failures;
    broken identities by kind and by report.

    OUT is any extract output: .jsonl, .parquet, .csv, .xlsx or .duckdb."""
    from govreport.outputs.summary import print_summary as print_batch_summary
    from govreport.outputs.summary import summarize

    if not out.is_file():
        _usage_error(f"not a file: {out}")
    if out.stat().st_size == 0:
        _usage_error(f"{out} is empty: it holds no reports")
    if not is_export(out) and not is_journal(out):
        _usage_error(f"{out} is not a govreport output: its first line is not a govreport record")
    try:
        summary = summarize(out)
    except Exception as exc:  # any reader's error on a file that is not an extract output
        _usage_error(f"cannot read {out} as an extract output: {type(exc).__name__}: {exc}")
    print_batch_summary(summary, Console(), limit)


@app.command("panel")
def panel_command(
    outs: Annotated[
        list[str],
        typer.Argument(help="Extract outputs: .jsonl, .parquet, .csv, .xlsx or .duckdb.", show_default=False),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Panel file: .parquet, .csv, .xlsx or .duckdb.", show_default=False)
    ],
    mapping: Annotated[
        Path | None, typer.Option("--agencies", help="CSV printed_name,agency_key,region that wins over the rules.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many findings per kind.")] = 10,
) -> None:
    """One row per agency and report year, with derived measures, and the findings: the cross-year
    identity (carried forward = next year's carried over), missing years, duplicates, conflicts."""
    from govreport.panel import AgencyMapping, build_panel, write_panel
    from govreport.panel.write import PANEL_SUFFIXES

    if output.suffix.lower() not in PANEL_SUFFIXES:
        _usage_error(f"the panel goes to a {', '.join(PANEL_SUFFIXES)} file, not {output}")
    missing = [out for out in outs if not Path(out).is_file()]
    if missing:
        _usage_error(f"not a file: {', '.join(missing)}")
    try:
        agencies = AgencyMapping.read(mapping) if mapping is not None else None
    except (OSError, ValueError) as exc:
        _usage_error(f"cannot read the agency mapping: {exc}")
    started = time.perf_counter()
    try:
        panel = build_panel([Path(out) for out in outs], agencies)
    except Exception as exc:  # any reader's error on a file that is not an extract output
        _usage_error(f"cannot read the outputs as extract outputs: {type(exc).__name__}: {exc}")
    written = write_panel(panel, output)
    console = Console(stderr=True)
    keys = {row["agency_key"] for row in panel.rows}
    console.print(
        f"[bold]{len(panel.rows)} rows[/bold] ({len(keys)} agencies), {len(panel.findings)} findings; "
        f"read, built and written in {time.perf_counter() - started:.2f} s",
        highlight=False,
    )
    by_kind = Counter(finding.kind for finding in panel.findings)
    for kind, count in sorted(by_kind.items()):
        console.print(f"  {kind}: {count}", highlight=False)
        for finding in panel.findings_of(kind)[:limit]:
            console.print(f"    {escape(finding.message)}", highlight=False)
    console.print(f"wrote {', '.join(map(str, written))}", highlight=False)


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
    from govreport.corrections import corrected_records
    from govreport.outputs.review_list import review_entries, write_review_csv, write_review_xlsx

    journal = journal_path(out)
    if not journal.is_file():
        _usage_error(f"not a file: {journal}")
    try:
        entries = review_entries(corrected_records(journal))
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
