"""PDF and OCR benchmark: speed and memory, and table accuracy on garbled and scanned renditions.

    python eval/bench_pdf.py speed              # digital pages/s (r002 repeated to 300 pages), scan s/page,
                                                # the scan path / rapidocr whole-page ratio
    python eval/bench_pdf.py speed --pages 20 --kinds seal photo   # and s/page of damaged scans
    python eval/bench_pdf.py quality            # every gold fixture: garbled and 200-dpi scanned renditions
    python eval/bench_pdf.py quality --only real-r002 seed-003
    python eval/bench_pdf.py quality --kinds seal skew lowres photocopy photo --cache out/bench
    python eval/bench_pdf.py quality --kinds rot90 fax marks --only seed-003   # eval/damage.py's kinds

Renditions are made in a temporary folder: r002 is the real PDF; the other
fixtures are rendered in the official form's layout and printed by Chromium.
``quality`` prints each page's garbage score (clean and garbled), table-cell
accuracy per rendition, and every wrong value with its confidence and whether a
broken identity holds it. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a checkout without installing
sys.path.insert(0, str(REPO / "eval"))

from bench import peak_rss_mib  # noqa: E402

GOLD = REPO / "tests" / "fixtures" / "gold"
R002 = REPO / "tests" / "fixtures" / "real" / "r002.pdf"
TABLES = ("t2.", "t3.", "t4.")


def clean_pdf(name: str, folder: Path) -> Path:
    from govreport.render import ReportSpec
    from govreport.render.pdf import render_pdf

    if name == "real-r002":
        return R002
    return render_pdf(ReportSpec.from_gold(GOLD / f"{name}.json"), folder / f"{name}.pdf")


def page_scores(pdf: Path) -> list[float]:
    import pypdfium2 as pdfium

    from govreport.ocr.garbage import garbage_score

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [round(garbage_score(document[i].get_textpage().get_text_range()), 3) for i in range(len(document))]
    finally:
        document.close()


def score(pdf: Path, gold: dict) -> tuple[int, int, list[str], float]:
    """Right table cells, scored cells, descriptions of the wrong ones, seconds."""
    from govreport.evaluate import flagged_keys
    from govreport.pipeline import extract

    result = extract(pdf)
    if result.error:
        return 0, 1, [f"error: {result.error}"], result.seconds
    flagged = flagged_keys(result)
    cells = {c.key: c for c in result.cells}
    keys = [k for k in gold if k.startswith(TABLES)]
    wrong = []
    for key in keys:
        got = result.values.get(key)
        if got != gold[key]:
            confidence = cells[key].confidence if key in cells else 0.0
            mark = "FLAGGED" if key in flagged else "SILENT"
            wrong.append(f"{key}: gold {gold[key]} got {got} conf {confidence:.2f} {mark}")
    return len(keys) - len(wrong), len(keys), wrong, result.seconds


def renditions(name: str, kinds: list[str], folder: Path) -> dict[str, Path]:
    """The renditions of one fixture, made once into ``folder`` (kept there when it is a cache)."""
    import damage
    from degrade import degrade

    from govreport.render.pdf import garble_pdf, scan_pdf

    clean = folder / f"{name}.pdf"
    if not clean.exists():
        clean = clean_pdf(name, folder)
    makers = {
        "digital": lambda path: clean,
        "garbled": lambda path: garble_pdf(clean, path),
        "scan": lambda path: scan_pdf(clean, path, dpi=200, seed=len(name)),
    }
    out = {}
    for kind in kinds:
        path = folder / f"{name}.{kind}.pdf"
        if kind == "digital":
            out[kind] = clean
        elif path.exists():
            out[kind] = path
        elif kind in makers:
            out[kind] = makers[kind](path)
        elif kind in damage.KINDS:
            out[kind] = damage.damage(clean, kind, path, seed=len(name))
        else:
            out[kind] = degrade(clean, kind, path, seed=len(name))
    return out


def quality(names: list[str], kinds: list[str], cache: Path | None) -> None:
    import json

    totals: dict[str, list[int]] = {kind: [0, 0] for kind in kinds}
    silent: dict[str, int] = dict.fromkeys(kinds, 0)
    seconds: dict[str, float] = dict.fromkeys(kinds, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))["values"]
            made = renditions(name, kinds, folder)
            if "garbled" in made:
                print(f"{name}: garbage scores clean {page_scores(made.get('digital', made['garbled']))} "
                      f"garbled {page_scores(made['garbled'])}")  # fmt: skip
            else:
                print(name)
            for kind, pdf in made.items():
                right, total, wrong, took = score(pdf, gold)
                totals[kind][0] += right
                totals[kind][1] += total
                seconds[kind] += took
                silent[kind] += sum(1 for w in wrong if w.endswith("SILENT")) if kind != "digital" else 0
                print(f"  {kind:9} {right}/{total} table cells ({took:.1f} s)", flush=True)
                for line in wrong:
                    print(f"    {line}")
    for kind, (right, total) in totals.items():
        print(
            f"{kind:9} table cells {right}/{total} = {100 * right / max(total, 1):.2f}%, "
            f"silent errors {silent[kind]}, {seconds[kind]:.0f} s"
        )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


def scan_ratio(pdf: Path) -> None:
    """govreport's scan path against rapidocr's whole-page detection + recognition on the same
    page images (same models and settings), page by page in turn, in this one process."""
    import numpy as np
    import pypdfium2 as pdfium

    from govreport.ingest.pdf import OCR_DPI
    from govreport.ocr.engine import ocr_engine
    from govreport.ocr.page import read_page

    document = pdfium.PdfDocument(str(pdf))
    try:
        images = [
            np.ascontiguousarray(document[i].render(scale=OCR_DPI / 72, rev_byteorder=True).to_numpy()[:, :, :3])
            for i in range(len(document))
        ]
    finally:
        document.close()
    engine = ocr_engine()
    read_page(images[0], OCR_DPI)  # warm-up: both load the same models
    engine.read_whole_page(images[0])
    ours, theirs = [0.0, 0.0], [0.0, 0.0]  # wall, CPU seconds
    for image in images:
        for clock, run, args in ((ours, read_page, (image, OCR_DPI)), (theirs, engine.read_whole_page, (image,))):
            wall, cpu = time.perf_counter(), time.process_time()
            run(*args)
            clock[0] += time.perf_counter() - wall
            clock[1] += time.process_time() - cpu
    n = len(images)
    print(
        f"  scan path {ours[0] / n:.2f} s/page (CPU {ours[1] / n:.2f}), rapidocr whole page det+rec "
        f"{theirs[0] / n:.2f} s/page (CPU {theirs[1] / n:.2f}): ratio {ours[0] / theirs[0]:.2f} wall, "
        f"{ours[1] / theirs[1]:.2f} CPU"
    )


def speed(n_pages: int, kinds: list[str]) -> None:
    from degrade import degrade

    from govreport.pipeline import extract
    from govreport.render.pdf import scan_pdf, select_pages

    with tempfile.TemporaryDirectory() as tmp:
        long = select_pages(R002, Path(tmp) / "long.pdf", [i % 5 for i in range(n_pages)])
        extract(R002)  # warm-up: imports
        started = time.perf_counter()
        result = extract(long)
        elapsed = time.perf_counter() - started
        print(f"digital: {n_pages} pages in {elapsed:.2f} s = {n_pages / elapsed:.1f} pages/s (error: {result.error})")
        print(f"  peak RSS so far {peak_rss_mib():.0f} MiB")
        scan = scan_pdf(R002, Path(tmp) / "scan.pdf", dpi=200, seed=1)
        started = time.perf_counter()
        extract(scan)  # the first document pays for loading the OCR models
        first = time.perf_counter() - started
        started = time.perf_counter()
        result = extract(scan)
        elapsed = time.perf_counter() - started
        pages = result.meta.pages or 1 if result.meta else 1
        print(f"scan (200 dpi): {elapsed / pages:.2f} s/page warm, first document {first / pages:.2f} s/page")
        scan_ratio(scan)
        for kind in kinds:
            damaged = degrade(R002, kind, Path(tmp) / f"{kind}.pdf", seed=1)
            started = time.perf_counter()
            result = extract(damaged)
            elapsed = time.perf_counter() - started
            print(f"scan-{kind}: {elapsed / (result.meta.pages or 1):.2f} s/page, peak RSS {peak_rss_mib():.0f} MiB")
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("speed", "quality"))
    parser.add_argument("--pages", type=int, default=300, help="pages of the long digital PDF (speed)")
    parser.add_argument("--only", nargs="*", help="gold fixture names (quality; default: all)")
    parser.add_argument(
        "--kinds",
        nargs="+",
        default=["digital", "garbled", "scan"],
        help="renditions (quality; speed times the damage kinds): digital, garbled, scan, or a kind of "
        "eval/degrade.py or eval/damage.py",
    )
    parser.add_argument("--cache", type=Path, help="keep renditions in this folder and reuse them (quality)")
    args = parser.parse_args(argv)
    if args.mode == "speed":
        speed(args.pages, [k for k in args.kinds if k not in ("digital", "garbled", "scan")])
    else:
        quality(args.only or sorted(p.stem for p in GOLD.glob("*.json")), args.kinds, args.cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
