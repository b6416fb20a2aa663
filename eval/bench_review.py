"""Time from opening a report in ``govreport review`` to its first value on screen, in headless Chromium.

Makes a 6-page PDF (the real r002, 5 pages, with its table-3 page printed again), extracts it, serves
the review app and opens the report ``--repeat`` times (the first open is cold: the app finds and
measures the document). Prints, per open, the milliseconds from navigation start to the server's
response, to the DOM holding every value (DOMContentLoaded) and to the first contentful paint.

    .venv/bin/python eval/bench_review.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from govreport.cli import app
from govreport.render.pdf import CHROMIUM_OFFLINE_FLAGS
from govreport.review_app import Batch, serving

REPO = Path(__file__).resolve().parents[1]
PDF = REPO / "tests" / "fixtures" / "real" / "r002.pdf"
_TIMING = """const n=performance.getEntriesByType('navigation')[0];
const p=performance.getEntriesByName('first-contentful-paint')[0];
return {response:n.responseEnd,dom:n.domContentLoadedEventEnd,paint:p?p.startTime:null,
 values:document.querySelectorAll('.boxmark').length,pages:document.querySelectorAll('.sheet').length}"""


def six_pages(folder: Path) -> Path:
    reader, writer = PdfReader(PDF), PdfWriter()
    for page in [*reader.pages, reader.pages[2]]:
        writer.add_page(page)
    path = folder / "six.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    from typer.testing import CliRunner

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = six_pages(folder)
        out = folder / "out.jsonl"
        result = CliRunner().invoke(app, ["extract", str(pdf), "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.output
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in (*CHROMIUM_OFFLINE_FLAGS, "--window-size=1920,1080", f"--user-data-dir={folder / 'profile'}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
        try:
            with serving(Batch(out, folder)) as url:
                _measure(driver, url, args.repeat)
        finally:
            driver.quit()


def _measure(driver: webdriver.Chrome, url: str, repeat: int) -> None:
    runs = []
    for number in range(repeat):
        driver.get("about:blank")
        driver.get(f"{url}/report/0")
        timing = driver.execute_script(_TIMING)
        paint = "—" if timing["paint"] is None else f"{timing['paint']:.0f} ms"
        runs.append(timing)
        print(
            f"open {number + 1}{' (cold)' if number == 0 else ''}: response {timing['response']:.0f} ms, "
            f"values in the page {timing['dom']:.0f} ms, first paint {paint} "
            f"({timing['values']} values on {timing['pages']} pages)"
        )
    warm = [r["dom"] for r in runs[1:]] or [runs[0]["dom"]]
    print(f"median (warm) to every value in the page: {statistics.median(warm):.0f} ms; cold {runs[0]['dom']:.0f} ms")


if __name__ == "__main__":
    main()
