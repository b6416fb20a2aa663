"""A hostile corpus: what a crawl of government sites holds, one attack per file, beside normal reports.

    python eval/hostile.py OUT_FOLDER                 # the full corpus (~90 files, sizes as found in crawls)
    python eval/hostile.py OUT_FOLDER --scale ci      # the same classes, small enough for the test suite
    python eval/hostile.py OUT_FOLDER --run           # ... then extract it as one batch and report

Classes: giant table spans (HTML, DOCX), giant PDF pages, a DOCX zip bomb,
pages full of rules, thousands of blank pages, hundreds of thousands of
heading-like lines, long digit runs, FIFOs, HTML nested past the parser's
depth, unclosed tags, huge text nodes, corrupt deflate streams, PDF pages that
cannot load, tiny and enormous images, truncated and mislabelled files, XXE
and scripts. ``NORMAL`` files are copies of the samples: in the same batch
they must come out exactly as when extracted alone. ``expected_errors``
says which files must fail (all hostile files but the ones whose text must
still be read: the nested and unclosed HTML, the DOCX named .doc).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOLD = REPO / "tests" / "fixtures" / "gold"
TEXT_REPORT = SAMPLES / "003_1244fb917606d24f.txt"
HTML_REPORT = SAMPLES / "r004.html"


@dataclass(frozen=True)
class Scale:
    name: str
    spans: int  # rowspan × colspan cells of the span bomb
    zip_bomb_mb: int  # uncompressed size of the DOCX bomb's document.xml
    rules: int  # rules on one PDF page
    blank_pages: int
    heading_lines: int
    digits: int
    text_node_mb: int


FULL = Scale("full", 2000, 2048, 200_000, 3000, 300_000, 5000, 11)
CI = Scale("ci", 200, 64, 30_000, 400, 30_000, 1000, 11)
SCALES = {"full": FULL, "ci": CI}


# ---------------------------------------------------------------- writers
def pdf_bytes(pages: list[tuple[float, float, bytes]], broken_page: int | None = None) -> bytes:
    """A minimal PDF: each page (width, height in points, content stream); ``broken_page`` (an index)
    points its page-tree entry at an object that is not a page."""
    font = len(pages) * 2 + 3
    kids = b" ".join(b"%d 0 R" % (3 + 2 * index) for index in range(len(pages)))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))]
    for index, (width, height, content) in enumerate(pages):
        kind = b"/Annot" if index == broken_page else b"/Page"
        objects.append(
            b"<< /Type %s /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (kind, width, height, 4 + 2 * index, font)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_stream(lines: list[str]) -> bytes:
    body = b"BT /F1 12 Tf 50 750 Td 14 TL " + b" ".join(b"(%s) '" % line.encode("latin-1") for line in lines)
    return body + b" ET"


_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    b'document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A DOCX holding ``document_xml`` (with the parts python-docx needs)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _word_body(inner: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>" + inner + b"</w:body></w:document>"


def _paragraphs(text: str) -> bytes:
    escaped = (line.replace("&", "&amp;").replace("<", "&lt;") for line in text.splitlines())
    return b"".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>".encode() for line in escaped)


def _zip_bomb(megabytes: int) -> bytes:
    """A DOCX whose document.xml unpacks to ``megabytes`` MB of one repeated paragraph."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document ' + _W + b"><w:body>")
            chunk = b"<w:p><w:r><w:t>" + b"0" * 4000 + b"</w:t></w:r></w:p>"
            block = chunk * 256
            for _ in range(megabytes * 2**20 // len(block)):
                part.write(block)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, "PNG")
    return buffer.getvalue()


def _corrupt_deflate(docx: bytes) -> bytes:
    """``docx`` with bytes in the middle of document.xml's compressed stream overwritten."""
    start = docx.find(b"word/document.xml") + len(b"word/document.xml")
    data = bytearray(docx)
    rng = random.Random(13)
    for offset in range(start + 40, min(start + 400, len(data) - 200)):
        data[offset] = rng.randrange(256)
    return bytes(data)


# ---------------------------------------------------------------- the classes
Maker = Callable[[Path, Scale], None]


def _span_tables(folder: Path, scale: Scale) -> None:
    report = HTML_REPORT.read_text(encoding="utf-8")
    cells = {
        "both": f'<td rowspan="{scale.spans}" colspan="1000">x</td>',
        "cols": '<td colspan="1000">x</td>' * 50,
        "rows": f'<td rowspan="{scale.spans * 100}">x</td>' * 20,
    }
    for name, cell in cells.items():
        rows = "".join(f"<tr>{cell * 4}</tr>" for _ in range(max(2, 42_000 // (len(cell) * 4 + 9))))
        (folder / f"html_spans_{name}.html").write_text(
            report.replace("</body>", f"<table>{rows}</table></body>"), encoding="utf-8"
        )
    grid = b"".join(
        b'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="%d"/><w:vMerge w:val="restart"/></w:tcPr>'
        b"<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>" % (10**6)
        for _ in range(scale.spans)
    )
    body = _paragraphs(TEXT_REPORT.read_text(encoding="utf-8")) + b"<w:tbl>" + grid + b"</w:tbl>"
    (folder / "docx_grid_span.docx").write_bytes(_docx(_word_body(body)))


def _giant_pages(folder: Path, scale: Scale) -> None:
    (folder / "pdf_giant_page_blank.pdf").write_bytes(pdf_bytes([(20000, 20000, b"0 0 m 100 100 l S")]))
    drawing = b"q 1 0 0 1 0 0 cm 0.5 g 10 10 19980 19980 re f Q"
    (folder / "pdf_giant_page_drawn.pdf").write_bytes(pdf_bytes([(14400, 14400, drawing)]))
    text = _text_stream(["Annual report", "2023 figures"])
    (folder / "pdf_giant_page_text.pdf").write_bytes(pdf_bytes([(20000, 20000, text)]))


def _zip_bombs(folder: Path, scale: Scale) -> None:
    (folder / "docx_zip_bomb.docx").write_bytes(_zip_bomb(scale.zip_bomb_mb))
    (folder / "docx_zip_bomb_small.docx").write_bytes(_zip_bomb(max(1, scale.zip_bomb_mb // 8)))


def _many_rules(folder: Path, scale: Scale) -> None:
    rng = random.Random(1)
    for name, count in (("many", scale.rules), ("some", scale.rules // 5)):
        strokes = b"\n".join(
            b"%.1f %.1f m %.1f %.1f l S" % (x, y, x + 4, y)
            for x, y in ((rng.uniform(20, 560), rng.uniform(20, 800)) for _ in range(count))
        )
        content = _text_stream(["Annual report", "2023"]) + b"\n0.5 w\n" + strokes
        (folder / f"pdf_rules_{name}.pdf").write_bytes(pdf_bytes([(595, 842, content)]))


def _blank_pages(folder: Path, scale: Scale) -> None:
    (folder / "pdf_blank_pages.pdf").write_bytes(pdf_bytes([(595, 842, b"")] * scale.blank_pages))
    under_cap = min(scale.blank_pages, 900)
    (folder / "pdf_blank_pages_under_cap.pdf").write_bytes(pdf_bytes([(595, 842, b"")] * (under_cap // 2)))
    text_pages = [(595, 842, _text_stream([f"page {n}"])) for n in range(1200)]
    (folder / "pdf_too_many_pages.pdf").write_bytes(pdf_bytes(text_pages))


def _long_texts(folder: Path, scale: Scale) -> None:
    report = TEXT_REPORT.read_text(encoding="utf-8")
    numerals = "一二三四五六"
    headings = "\n".join(f"{numerals[i % 6]}、总体情况{i}" for i in range(scale.heading_lines))
    (folder / "txt_heading_lines.txt").write_text(report + "\n" + headings, encoding="utf-8")
    html_lines = "".join(f"<p>{numerals[i % 6]}、总体情况{i}</p>" for i in range(scale.heading_lines // 10))
    (folder / "html_heading_lines.html").write_text(f"<html><body>{html_lines}</body></html>", encoding="utf-8")
    lines = report.splitlines()
    row = next(i for i, line in enumerate(lines) if line.rstrip()[-1:].isdigit())
    for name, digits in (("txt", scale.digits), ("txt_short", 150)):  # the short run is under the limit
        changed = [*lines[:row], lines[row] + " " + "7" * digits, *lines[row + 1 :]]
        (folder / f"{name}_digit_run.txt").write_text("\n".join(changed), encoding="utf-8")
    html = HTML_REPORT.read_text(encoding="utf-8")
    table = f"<table><tr><td>合计</td><td>{'9' * scale.digits}</td></tr><tr><td>a</td><td>1</td></tr></table>"
    (folder / "html_digit_run.html").write_text(html.replace("</body>", table + "</body>"), encoding="utf-8")
    (folder / "txt_utf16_without_bom.txt").write_bytes(report.encode("utf-16-le"))
    (folder / "txt_gb18030.txt").write_bytes(report.encode("gb18030"))
    paragraphs = _paragraphs("\n".join(f"第{i}段" for i in range(scale.heading_lines)))
    (folder / "docx_many_paragraphs.docx").write_bytes(_docx(_word_body(_paragraphs(report) + paragraphs)))
    (folder / "txt_one_long_line.txt").write_text(report.replace("\n", "　") + "政务" * 3_000_000, "utf-8")
    (folder / "txt_wide_tab_row.txt").write_text(report + "\n" + "\t".join(["1"] * 60_000), "utf-8")
    header = "| " + " | ".join(f"列{i}" for i in range(400)) + " |\n|" + "---|" * 400 + "\n"
    rows = "".join("| " + " | ".join(["3"] * 400) + " |\n" for _ in range(400))
    (folder / "md_huge_table.md").write_text("# 报告\n\n" + header + rows, encoding="utf-8")
    (folder / "md_digit_run.md").write_text(f"# 报告\n\n| 项目 | 数量 |\n|---|---|\n| 合计 | {'8' * scale.digits} |\n")


def _html_parsing(folder: Path, scale: Scale) -> None:
    html = HTML_REPORT.read_text(encoding="utf-8")
    body_start = html.index("<body") if "<body" in html else 0
    head, body = html[:body_start], html[body_start:]
    for count in (300, 1000):
        (folder / f"html_unclosed_font_{count}.html").write_text(
            head + body.replace(">", ">" + "<font>" * count, 1), encoding="utf-8"
        )
    for depth in (300, 2000, 20000):
        (folder / f"html_nested_{depth}.html").write_text(
            head + "<body>" + "<div>" * depth + body + "</div>" * depth, encoding="utf-8"
        )
    filler = "政务公开" * (scale.text_node_mb * 2**20 // 12)
    (folder / "html_huge_text_node.html").write_text(
        head + body.replace("</body>", f"<p>{filler}</p></body>"), encoding="utf-8"
    )
    many_rows = "".join(f"<tr>{'<td>1</td>' * 10}</tr>" for _ in range(20_000))
    (folder / "html_table_rows.html").write_text(head + body.replace("</body>", f"<table>{many_rows}</table>"), "utf-8")
    small = "<table><tr><td>项目</td><td>1</td></tr><tr><td>合计</td><td>2</td></tr></table>"
    (folder / "html_many_tables.html").write_text(head + body.replace("</body>", small * 5000), "utf-8")
    comment = "<!-- " + "注释" * 2_000_000 + " -->"
    (folder / "html_comment_bomb.html").write_text(head + body.replace("<body>", "<body>" + comment, 1), "utf-8")
    entities = "&amp;&nbsp;&#x4e00;" * 200_000
    (folder / "html_entity_flood.html").write_text(head + body.replace("</body>", f"<p>{entities}</p></body>"), "utf-8")
    tables = "<table><tr><td>" * 300 + "x" + "</td></tr></table>" * 300
    (folder / "html_nested_tables.html").write_text(head + body.replace("</body>", tables + "</body>"), "utf-8")
    xxe = '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    (folder / "html_xxe.html").write_text(xxe + html.replace("<body>", "<body>&xxe;", 1), encoding="utf-8")
    script = "<script>while(true){}</script><img src=x onerror=alert(1)><iframe src='http://example.com'></iframe>"
    (folder / "html_scripts.html").write_text(html.replace("<body>", "<body>" + script, 1), encoding="utf-8")


def _broken_files(folder: Path, scale: Scale) -> None:
    from govreport.render import ReportSpec, render_docx

    docx_path = folder / "docx_report.docx"
    render_docx(ReportSpec.from_gold(GOLD / "seed-003.json"), docx_path)
    docx = docx_path.read_bytes()
    (folder / "docx_saved_as.doc").write_bytes(docx)
    (folder / "docx_corrupt_deflate.docx").write_bytes(_corrupt_deflate(docx))
    (folder / "docx_truncated.docx").write_bytes(docx[: len(docx) // 2])
    xxe = b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document '
    inner = _paragraphs(TEXT_REPORT.read_text(encoding="utf-8")) + b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>"
    (folder / "docx_xxe.docx").write_bytes(_docx(xxe + _W + b"><w:body>" + inner + b"</w:body></w:document>"))
    (folder / "docx_only_xlsx.docx").write_bytes(_docx(b"<x/>", {"xl/workbook.xml": b"<workbook/>"}))
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    pdf = (REPO / "tests" / "fixtures" / "real" / "r002.pdf").read_bytes()
    (folder / "pdf_truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (folder / "pdf_header_only.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / "pdf_junk.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(2).randbytes(4096))
    pages = [(595, 842, _text_stream(["a page"])), (595, 842, _text_stream(["lost"]))]
    (folder / "pdf_bad_page.pdf").write_bytes(pdf_bytes(pages, broken_page=1))
    (folder / "png_1x1.png").write_bytes(_png(1, 1))
    (folder / "png_bomb.png").write_bytes(_png(30000, 30000))
    (folder / "png_over_pixel_cap.png").write_bytes(_png(9000, 9000))
    (folder / "png_truncated.png").write_bytes(_png(800, 1100)[:60])
    from PIL import Image

    frames = [Image.new("L", (64, 64), 255) for _ in range(1500)]
    frames[0].save(folder / "tiff_many_frames.tif", save_all=True, append_images=frames[1:])
    (folder / "svg_named.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>报告</text></svg>')
    (folder / "jpg_junk.jpg").write_bytes(b"\xff\xd8\xff" + random.Random(3).randbytes(2048))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "whitespace.txt").write_text(" \n\t\n" * 100)
    (folder / "binary.txt").write_bytes(random.Random(4).randbytes(8192))
    (folder / "nul_bytes.html").write_bytes(b"<html>" + bytes(5000) + b"</html>")
    (folder / "bad_bom.txt").write_bytes(b"\xff\xfe\x00\xd8")
    with (folder / "sparse_huge.txt").open("wb") as huge:
        huge.truncate(3 * 2**30)
    with (folder / "sparse_huge.pdf").open("wb") as huge:
        huge.write(b"%PDF-1.4\n")
        huge.truncate(2 * 2**30)


def _special_files(folder: Path, scale: Scale) -> None:
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo_report.txt")
        os.mkfifo(folder / "fifo_page.html")
    (folder / "dangling_link.txt").symlink_to(folder / "no_such_target.txt")


MAKERS: tuple[Maker, ...] = (
    _span_tables,
    _giant_pages,
    _zip_bombs,
    _many_rules,
    _blank_pages,
    _long_texts,
    _html_parsing,
    _broken_files,
    _special_files,
)
# Hostile files whose report text must still be read (no error expected at the CI scale and limits
# of tests/test_hostile.py); every other hostile file must get an error saying why.
MUST_READ = frozenset(
    {
        "html_unclosed_font_300.html",
        "html_unclosed_font_1000.html",
        "html_nested_300.html",
        "html_nested_2000.html",
        "html_huge_text_node.html",
        "html_nested_tables.html",
        "html_xxe.html",
        "html_scripts.html",
        "docx_saved_as.doc",
        "docx_report.docx",
        "txt_short_digit_run.txt",
        "docx_xxe.docx",
        "html_nested_20000.html",
        "html_heading_lines.html",
        "html_spans_rows.html",
        "html_many_tables.html",
        "txt_one_long_line.txt",
        "html_comment_bomb.html",
        "html_entity_flood.html",
        "txt_utf16_without_bom.txt",
        "txt_gb18030.txt",
    }
)
NORMAL_PREFIX = "normal_"


def _normal(folder: Path) -> None:
    """Reports that must come out as when extracted alone: the samples, a real PDF, renderings of gold."""
    from govreport.render import ReportSpec, render_docx, render_html

    for sample in sorted(SAMPLES.iterdir()):
        shutil.copy(sample, folder / f"{NORMAL_PREFIX}{sample.name}")
    shutil.copy(REPO / "tests" / "fixtures" / "real" / "r002.pdf", folder / f"{NORMAL_PREFIX}r002.pdf")
    for gold in sorted(GOLD.glob("seed-*.json")):
        spec = ReportSpec.from_gold(gold)
        render_docx(spec, folder / f"{NORMAL_PREFIX}{gold.stem}.docx")
        (folder / f"{NORMAL_PREFIX}{gold.stem}.html").write_text(render_html(spec), encoding="utf-8")


def make_corpus(folder: Path, scale: Scale = FULL) -> list[Path]:
    """Write the corpus into ``folder`` (created); return its files, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    _normal(folder)
    for make in MAKERS:
        make(folder, scale)
    return sorted(folder.iterdir())


# ---------------------------------------------------------------- running it
def _peak_rss_mb(pids: set[int]) -> float:
    peak = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peak


def _family(root: int) -> set[int]:
    """``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = set(), [root]
    while stack:
        pid = stack.pop()
        found.add(pid)
        stack.extend(children.get(pid, []))
    return found


def run_corpus(folder: Path, out: Path, extra: list[str]) -> dict[str, object]:
    """Extract ``folder`` as one ``govreport extract`` batch; return what a reliability check needs."""
    command = [sys.executable, "-m", "govreport.cli", "extract", str(folder), "-o", str(out), "--force", *extra]
    started = time.monotonic()
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    worst = 0.0
    while run.poll() is None:
        worst = max(worst, _peak_rss_mb(_family(run.pid) - {run.pid}))
        time.sleep(0.2)
    seconds = time.monotonic() - started
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {
        "exit_code": run.returncode,
        "seconds": round(seconds, 1),
        "worst_worker_rss_mb": round(worst),
        "records": records,
        "stderr": run.stderr.read() if run.stderr else "",
    }


def same_as_alone(record: dict[str, object]) -> bool:
    """Whether a record of the batch has the values and broken identities of its document extracted alone."""
    from govreport.pipeline import extract

    alone = extract(str(record["doc"])).to_json_dict()
    return (record["values"], record["broken_identities"]) == (alone["values"], alone["broken_identities"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--run", action="store_true", help="extract the corpus as one batch and report")
    args, extra = parser.parse_known_args()
    files = make_corpus(args.folder, SCALES[args.scale])
    print(f"{len(files)} files in {args.folder}")
    if not args.run:
        return
    result = run_corpus(args.folder, args.folder.with_suffix(".jsonl"), extra)
    records = result["records"]
    assert isinstance(records, list)
    internal = [r for r in records if (r["error"] or "").startswith("internal error")]
    print(f"exit code {result['exit_code']}, {result['seconds']} s, worst worker {result['worst_worker_rss_mb']} MB")
    print(f"{len(records)} records for {len(files)} inputs; {len(internal)} internal errors")
    normal = [r for r in records if Path(r["doc"]).name.startswith(NORMAL_PREFIX)]
    differ = [r["doc"] for r in normal if not same_as_alone(r)]
    print(f"{len(normal)} normal reports, {len(differ)} differing from the same report extracted alone {differ}")
    for record in sorted(records, key=lambda r: r["doc"]):
        print(f"  {Path(record['doc']).name:34} {record['seconds'] or 0:7.2f} s  {record['error'] or 'ok'}")


if __name__ == "__main__":
    main()
