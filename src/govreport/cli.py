"""Command line: ``govreport extract`` writes a JSON line per report, ``govreport eval`` scores against gold.

Progress and summaries go to stderr, data to stdout or the ``-o`` file, so
``govreport extract docs -o - | jq`` works. A document that fails becomes an
error record and the batch goes on; only usage errors exit non-zero.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NoReturn, TextIO

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
from govreport.evaluate import EvalReport, evaluate, load_gold, load_predictions, print_report, report_json
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
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return self.documents - len(self.failed)

    def add(self, result: ReportResult) -> None:
        self.documents += 1
        if result.error:
            self.failed.append((result.doc, result.error))
            return
        self.templates[result.meta.template or "none"] += 1
        for identity in result.broken_identities:
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


def _extract_all(inputs: Inputs, console: Console) -> Iterator[ReportResult]:
    """Results in input order with a progress bar; missing paths become error records."""
    from govreport.pipeline import extract  # imported late: `eval --pred` and --version need no pipeline

    with _progress(console) as progress:
        task = progress.add_task("extracting", total=len(inputs.files) + len(inputs.missing))
        for missing in inputs.missing:
            progress.advance(task)
            yield ReportResult(doc=missing, error="no such file or folder", tool_version=__version__)
        for path in inputs.files:
            progress.update(task, description=Path(path).name)
            result = extract(path)
            progress.advance(task)
            yield result
        progress.update(task, description="done")


def _write_line(sink: TextIO, record: dict[str, Any]) -> None:
    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    sink.flush()  # each line is complete on disk as soon as its document is done


@contextmanager
def _open_sink(output: str | None) -> Iterator[TextIO | None]:
    if output is None:
        yield None
    elif output == "-":
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # Chinese text on consoles that default to a code page
        yield sys.stdout
    else:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        with open(output, "w", encoding="utf-8", newline="\n") as handle:
            yield handle


def run_batch(
    inputs: Inputs, output: str | None, console: Console, keep: bool = False
) -> tuple[BatchSummary, list[dict[str, Any]]]:
    """Extract every input, writing each result as it completes; return the summary and (with
    ``keep``) the records, which a large batch would otherwise not hold in memory."""
    summary = BatchSummary()
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    with _open_sink(output) as sink:
        for result in _extract_all(inputs, console):
            record = result.to_json_dict()
            if sink is not None:
                _write_line(sink, record)
            summary.add(result)
            if keep:
                records.append(record)
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
    if output not in (None, "-"):
        console.print(f"wrote {output}")


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


@app.command()
def extract(
    paths: PathsArg = None,
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL file to write; '-' for stdout.")] = "-",
) -> None:
    """Extract each report to one JSON line (doc, values, broken_identities, error, and full detail)."""
    if not paths:
        _usage_error("give at least one file, folder or glob")
    console = Console(stderr=True)
    summary, _ = run_batch(_inputs_or_exit(paths), output, console)
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
        summary, predictions = run_batch(_inputs_or_exit(paths or []), output, err, keep=True)
        print_summary(summary, err, output)
    report: EvalReport = evaluate(golds, predictions)
    print_report(report, Console(), max_misses)
    if json_file is not None:
        json_file.write_text(report_json(report) + "\n", encoding="utf-8")
        err.print(f"wrote {json_file}")


if __name__ == "__main__":
    app()
