"""The review app: its refusals (other hosts, other origins, values of the wrong kind), the later write
winning, reloading when the output changes, and a real headless Chromium correcting and confirming
values from the keyboard, after which the next extract's tables carry them."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from govreport.cli import app
from govreport.corrections import corrected_records
from govreport.render.pdf import CHROMIUM_OFFLINE_FLAGS
from govreport.review_app import Batch, allowed_hosts, create_app, review_keys, serving
from govreport.schema import ReportResult

REPO = Path(__file__).resolve().parents[1]
BROKEN = REPO / "samples" / "003_1244fb917606d24f.txt"  # prints 予以公开/总计 0 where its columns sum to 2
CLEAN = REPO / "samples" / "r012.txt"
PDF = REPO / "tests" / "fixtures" / "real" / "r002.pdf"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
runner = CliRunner()


def _extract(out: Path, docs: Path) -> None:
    result = runner.invoke(app, ["extract", str(docs), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output


def _folder(tmp_path: Path, *files: tuple[Path, str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for source, name in files:
        shutil.copy(source, docs / name)
    return docs


@pytest.fixture
def batch(tmp_path: Path) -> Batch:
    docs = _folder(tmp_path, (BROKEN, "broken.txt"), (CLEAN, "clean.txt"))
    out = tmp_path / "out.jsonl"
    _extract(out, docs)
    return Batch(out, docs, reviewer="测试员")


def _client(batch: Batch, host: str = "127.0.0.1:8765") -> TestClient:
    return TestClient(create_app(batch), base_url=f"http://{host}")


def _index(batch: Batch, name: str) -> int:
    batch.refresh()
    return next(i for i, r in enumerate(batch.reports) if r.record["doc"].endswith(name))


def test_the_queue_puts_the_report_with_most_to_check_first(batch: Batch) -> None:
    page = _client(batch).get("/").text
    assert page.index("broken.txt") < page.index("clean.txt")
    assert "绥化市卫生健康委员会" in page


def test_the_review_list_falls_back_to_low_confidence_and_broken_cells() -> None:
    record = json.loads(
        json.dumps(
            {
                "doc": "a.txt",
                "cells": [
                    {"key": "t3.granted.total", "value": 0, "confidence": 0.95},
                    {"key": "t3.granted.natural_person", "value": 2, "confidence": 0.5},
                    {"key": "t3.granted.commercial", "value": 0, "confidence": 0.99},
                ],
                "findings": [
                    {"kind": "broken_identity", "message": "m", "cells": ["t3.granted.total"]},
                    {"kind": "explanation", "message": "m", "cells": ["t3.granted.total"]},
                ],
            }
        )
    )
    result = ReportResult.model_validate(record)
    assert review_keys(record, result) == ["t3.granted.total", "t3.granted.natural_person"]
    assert review_keys({**record, "review": ["t3.granted.commercial"]}, result) == ["t3.granted.commercial"]


def test_requests_for_another_host_or_from_another_origin_are_refused(batch: Batch) -> None:
    assert _client(batch, "example.org").get("/").status_code == 400
    index = _index(batch, "broken.txt")
    body = json.dumps({"key": "t3.granted.total", "action": "confirm"})
    client = _client(batch)
    assert client.post(f"/api/report/{index}/review", content=body).status_code == 403  # not JSON: a form post
    foreign = {"content-type": "application/json", "origin": "http://example.org"}
    assert client.post(f"/api/report/{index}/review", content=body, headers=foreign).status_code == 403
    assert not batch.corrections_file.exists()
    assert allowed_hosts("10.0.0.5") == ("127.0.0.1", "localhost", "::1", "10.0.0.5")
    assert allowed_hosts("0.0.0.0") == ("*",)


def test_a_value_that_is_not_a_number_is_refused_with_a_message(batch: Batch) -> None:
    index = _index(batch, "broken.txt")
    reply = _client(batch).post(
        f"/api/report/{index}/review", json={"key": "t3.granted.total", "action": "correct", "value": "两"}
    )
    assert reply.status_code == 400 and "不是数字" in reply.json()["error"]
    assert not batch.corrections_file.exists()


def test_two_tabs_correcting_one_value_the_later_wins_and_both_are_kept(batch: Batch) -> None:
    index = _index(batch, "broken.txt")
    first, second = _client(batch), _client(batch)
    for client, value in ((first, "5"), (second, "2")):
        reply = client.post(
            f"/api/report/{index}/review", json={"key": "t3.granted.total", "action": "correct", "value": value}
        )
        assert reply.status_code == 200, reply.text
    assert len(batch.corrections_file.read_text(encoding="utf-8").splitlines()) == 2
    assert reply.json()["value"] == 2
    assert "无需核对" not in reply.json()["main"] and "✎ 已更正" in reply.json()["main"]


def test_the_app_reloads_an_output_that_changes_under_it(batch: Batch, tmp_path: Path) -> None:
    client = _client(batch)
    before = client.get("/api/version").json()["version"]
    shutil.copy(REPO / "samples" / "r010.txt", tmp_path / "docs" / "added.txt")
    _extract(batch.output, tmp_path / "docs")  # a rerun adds a document to the output under review
    assert client.get("/api/version").json()["version"] != before
    assert "added.txt" in client.get("/").text


# ---------------------------------------------------------------- a real browser
@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app over a table output (Parquet) of a text report and the real PDF, on a free port."""
    docs = _folder(tmp_path, (BROKEN, "broken.txt"), (PDF, "r002.pdf"))
    out = tmp_path / "out.parquet"
    _extract(out, docs)
    with serving(Batch(out, docs, reviewer="测试员")) as url:
        yield url, out


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*CHROMIUM_OFFLINE_FLAGS, "--window-size=1600,1000", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(condition, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = condition()
        except StaleElementReferenceException:  # the part of the page it read was redrawn meanwhile
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the page did not get there in time")


@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason="chromium and chromedriver (CI installs them)")
def test_a_reviewer_corrects_and_confirms_from_the_keyboard_and_the_next_extract_carries_it(
    server: tuple[str, Path],
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    import pyarrow.parquet as pq
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, out = server
    browser.get(base + "/")
    assert "broken.txt" in browser.find_element(By.CSS_SELECTOR, "tr.current").text  # most to check: first
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ENTER)
    _wait(lambda: "/report/" in browser.current_url)

    def current() -> str:
        return browser.find_element(By.CSS_SELECTOR, "#items li.current").get_attribute("data-key")

    assert current() == "t3.granted.total"  # the cell the explanation names comes first
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("x")  # not a key the page uses: nothing happens
    body.send_keys("e")
    field = browser.find_element(By.ID, "value")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("两", Keys.ENTER)  # not a number: refused, said in the page
    _wait(lambda: "不是数字" in browser.find_element(By.ID, "message").text)
    field.send_keys(Keys.ESCAPE)
    browser.find_element(By.TAG_NAME, "body").send_keys("2")  # a digit opens the editor with it
    browser.find_element(By.ID, "value").send_keys(Keys.ENTER)
    _wait(lambda: "已更正" in browser.find_element(By.ID, "message").text)
    second = current()
    assert second != "t3.granted.total"  # moved on to the next value
    browser.find_element(By.TAG_NAME, "body").send_keys("y")
    _wait(lambda: "已确认" in browser.find_element(By.ID, "message").text)

    browser.refresh()
    statuses = {
        li.get_attribute("data-key"): li.get_attribute("class").split()[0] if li.get_attribute("class") else ""
        for li in browser.find_elements(By.CSS_SELECTOR, "#items li[data-key]")
    }
    assert statuses["t3.granted.total"] == "correct" and statuses[second] == "confirm"
    findings = browser.find_element(By.XPATH, "//section[h2='发现的问题']").text
    assert "无。" in findings and "勾稽关系" not in findings  # re-checked with the correction in the page too

    journal = Path(f"{out}.jsonl")
    lines = [json.loads(line) for line in Path(f"{out}.corrections.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(c["key"], c["action"], c["value"], c["reviewer"]) for c in lines] == [
        ("t3.granted.total", "correct", 2, "测试员"),
        (second, "confirm", lines[1]["extracted"], "测试员"),
    ]
    _extract(out, tmp_path / "docs")  # the next extract: nothing to redo, the tables written again
    values = pq.read_table(out).to_pylist()
    cell = next(r for r in values if r["doc"].endswith("broken.txt") and r["key"] == "t3.granted.total")
    assert (cell["value"], cell["method"], cell["raw"]) == (2.0, "corrected", "0")
    wide = pq.read_table(out.with_name("out.wide.parquet")).to_pylist()
    assert next(r for r in wide if r["doc"].endswith("broken.txt"))["broken_identities"] is None  # re-checked
    record = next(r for r in corrected_records(journal) if r["doc"].endswith("broken.txt"))
    assert record["broken_identities"] == [] and record["values"]["t3.granted.total"] == 2

    # a PDF report shows its values at once; its pages' pictures follow by URL
    browser.get(base + "/")
    target = next(
        r.get_attribute("data-href")
        for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-href]")
        if "r002.pdf" in r.text
    )
    browser.get(base + target)
    shown = browser.execute_script(
        "const n=performance.getEntriesByType('navigation')[0];"
        "return {dom:n.domContentLoadedEventEnd,marks:document.querySelectorAll('.boxmark').length,"
        "pages:document.querySelectorAll('.sheet').length}"
    )
    assert shown["marks"] > 100 and shown["pages"] == 5
    assert shown["dom"] < 3000  # ms to every value in the page, on a loaded CI machine (< 1 s measured apart)
