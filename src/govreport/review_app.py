"""``govreport review OUT``: a local web app to check a batch value by value, from the keyboard.

A queue of the batch's reports, most to check first; for each report, the values
on its review list (``record["review"]`` where the extraction made one, else the
values below the low-confidence line and the cells of broken identities), its
findings in plain Chinese, the three tables and the document with every value
outlined — the inspect page's pieces, with page pictures fetched by URL so the
values show at once. Each confirmation or correction is appended to the
corrections journal beside the output (``govreport.corrections``); the page is
redrawn from the output with the corrections applied, identities re-checked.

The app binds to 127.0.0.1 and answers only requests addressed to it (the
``Host`` header; POSTs must be JSON from the same origin), unless ``--host``
names another address. It needs nothing from the network. When the output or
the corrections change under it (a rerun of ``extract``, another tab), it
reloads them on the next request, and open pages redraw themselves.
"""

from __future__ import annotations

import getpass
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from govreport.batch.work import content_sha256
from govreport.corrections import (
    CorrectionError,
    Corrections,
    apply_corrections,
    corrections_path,
    read_corrections,
    record_correction,
)
from govreport.document import Document
from govreport.evaluate import LOW_CONFIDENCE
from govreport.inspect import HOVER_SCRIPT, STYLE, Marks, document_html, findings_html, legend_html, tables_html
from govreport.outputs import export, is_export, journal_path
from govreport.outputs.journal import read_records
from govreport.page_images import page_jpeg, page_pictures
from govreport.schema import ReportResult
from govreport.wording import key_label

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
POLL_SECONDS = 2  # how often an open page asks whether the output changed
_PAGED_FORMATS = frozenset({"pdf", "image"})  # drawn from their pictures and boxes, without reading them again
_REASONS = {
    "broken_identity": "勾稽关系不符",
    "low_confidence": "置信度低",
    "derived_not_unique": "推算值不唯一",
    "evidence": "依据正文",
    "unchecked_placing": "按顺序推定所在行",
}


def review_keys(record: dict[str, Any], result: ReportResult) -> list[str]:
    """The keys to check, most risky first: the extraction's review list where it has one, else
    (FIELDS.md, until every record carries one) the cells of broken identities, the one an
    explanation names first, then the values below the low-confidence line, least sure first."""
    if record.get("review") is not None:
        return list(record["review"])
    culprits = [k for f in result.findings if f.kind == "explanation" for k in f.cells]
    broken = [k for f in result.findings if f.kind == "broken_identity" for k in f.cells]
    unsure = sorted(
        (v for v in (*result.facts, *result.cells) if v.confidence < LOW_CONFIDENCE), key=lambda v: v.confidence
    )
    return list(dict.fromkeys([*culprits, *broken, *(v.key for v in unsure)]))


def _reasons(record: dict[str, Any], result: ReportResult, key: str) -> list[str]:
    given = (record.get("review_reasons") or {}).get(key)
    if given is not None:
        return [_REASONS.get(r, r) for r in given]
    reasons = []
    if any(key in f.cells for f in result.findings if f.kind == "broken_identity"):
        reasons.append(_REASONS["broken_identity"])
    value = next((v for v in (*result.facts, *result.cells) if v.key == key), None)
    if value is not None and value.confidence < LOW_CONFIDENCE:
        reasons.append(_REASONS["low_confidence"])
    return reasons


@dataclass
class Report:
    """One report of the batch: its record as extracted, and as corrected."""

    raw: dict[str, Any]
    record: dict[str, Any]
    result: ReportResult
    keys: list[str]  # its review list
    done: dict[str, str]  # key -> "confirm" or "correct", for the keys reviewed

    @property
    def pending(self) -> int:
        return sum(1 for k in self.keys if k not in self.done)


@dataclass
class Batch:
    """The output under review, reloaded whenever its journal or its corrections change on disk."""

    output: Path
    docs: Path | None = None
    reviewer: str = field(default_factory=getpass.getuser)
    journal: Path = field(init=False)
    corrections_file: Path = field(init=False)
    reports: list[Report] = field(default_factory=list, init=False)
    _stamp: tuple[int, ...] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _documents: dict[tuple[str, str], Document | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.journal = journal_path(self.output)
        self.corrections_file = corrections_path(self.journal)

    def stamp(self) -> tuple[int, ...]:
        def of(path: Path) -> tuple[int, int]:
            try:
                stat = path.stat()
            except FileNotFoundError:
                return (0, 0)
            return (stat.st_mtime_ns, stat.st_size)

        return (*of(self.journal), *of(self.corrections_file))

    @property
    def version(self) -> str:
        return "-".join(map(str, self.stamp()))

    def refresh(self) -> None:
        with self._lock:
            stamp = self.stamp()
            if stamp == self._stamp:
                return
            corrections = read_corrections(self.corrections_file)
            self.reports = [self._report(raw, corrections) for raw in read_records(self.journal)]
            self._stamp = stamp

    @staticmethod
    def _report(raw: dict[str, Any], corrections: Corrections) -> Report:
        record = apply_corrections(raw, corrections)
        result = ReportResult.model_validate(record)
        keys = list(dict.fromkeys([*review_keys(raw, ReportResult.model_validate(raw)), *review_keys(record, result)]))
        done = {c["key"]: c["action"] for c in record.get("corrections") or []}
        return Report(raw, record, result, keys, done)

    def queue(self) -> list[int]:
        """Report indexes, most to check first: broken identities (a printed number is wrong), then the
        most values left to check; failed documents last."""
        return sorted(
            range(len(self.reports)),
            key=lambda i: (
                bool(self.reports[i].record.get("error")),
                -len(self.reports[i].result.broken_identities),
                -self.reports[i].pending,
                self.reports[i].record["doc"],
            ),
        )

    def correct(self, index: int, key: str, action: str, text: str | None, note: str | None) -> None:
        report = self.reports[index]
        with self._lock:
            record_correction(self.corrections_file, report.raw, key, action, self.reviewer, text, note)  # type: ignore[arg-type]
        if is_export(self.output):
            threading.Thread(target=self._export, daemon=True).start()

    def _export(self) -> None:
        with self._lock:
            export(self.output)

    # ------------------------------------------------------------ the documents themselves
    def _path(self, record: dict[str, Any]) -> Path | None:
        """The document a record was made from: as given, under ``--docs``, or beside the output;
        only a file with the record's content counts."""
        doc = Path(record["doc"])
        bases = [Path.cwd(), *([self.docs] if self.docs else []), self.journal.parent]
        candidates = [doc if doc.is_absolute() else base / doc for base in bases]
        candidates += [self.docs / doc.name] if self.docs else []
        for candidate in candidates:
            if candidate.is_file() and content_sha256(str(candidate), 1 << 40) == record.get("content_sha256"):
                return candidate
        return None

    def document(self, index: int) -> Document | None:
        record = self.reports[index].record
        cache_key = (record["doc"], str(record.get("content_sha256")))
        if cache_key not in self._documents:
            path = self._path(record)
            meta = record.get("meta") or {}
            if path is None:
                self._documents[cache_key] = None
            elif meta.get("format") in _PAGED_FORMATS:
                self._documents[cache_key] = Document(str(path), meta["format"], n_pages=meta.get("pages"))
            else:
                from govreport.ingest import load

                self._documents[cache_key] = load(path)
        return self._documents[cache_key]


# ---------------------------------------------------------------- pages
_APP_STYLE = """
.nav a{margin-right:12px}.help{color:#666;font-size:12px}kbd{border:1px solid #bbb;border-radius:3px;padding:0 3px;
 background:#fafafa;font-size:11px}
#items{padding-left:20px;max-height:45vh;overflow:auto;margin:4px 0}
#items li{padding:2px 6px;border-radius:4px;cursor:pointer;margin:1px 0}
#items li.current{background:#fff3c4;outline:2px solid #e0a800}
#items li.confirm .status{color:#1a7a3a}#items li.correct .status{color:#0a7d7d}
.status{font-weight:bold;margin-left:6px}.reasons{color:#a00;font-size:12px;margin-left:6px}
.key{color:#888;font-size:11px;margin-left:6px}
#editor{margin:6px 0}#editor input{font-size:16px;padding:2px 6px}#editor input#value{width:8em}
#message{min-height:1.4em;margin:4px 0}#message.error{color:#b00;font-weight:bold}#message.ok{color:#1a7a3a}
#main .columns>div{max-height:calc(100vh - 32px);overflow:auto;position:sticky;top:16px}
.queue td,.queue th{padding:4px 8px}.queue tr.current{background:#fff3c4}.pending{font-weight:bold;color:#a00}
"""


def _page(title: str, body: str, script: str = "") -> HTMLResponse:
    return HTMLResponse(
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · govreport review</title><style>{STYLE}{_APP_STYLE}</style></head>"
        f"<body>{body}<script>{HOVER_SCRIPT}{script}</script></body></html>"
    )


def _queue_html(batch: Batch) -> str:
    rows = []
    for position, index in enumerate(batch.queue()):
        report = batch.reports[index]
        meta = report.record.get("meta") or {}
        error = report.record.get("error")
        state = escape(error) if error else f'<span class="pending">{report.pending}</span> / {len(report.keys)}'
        rows.append(
            f'<tr data-href="/report/{index}"{" class=current" if position == 0 else ""}>'
            f'<td><a href="/report/{index}">{escape(meta.get("agency") or Path(report.record["doc"]).name)}</a></td>'
            f"<td>{meta.get('year') or ''}</td><td>{escape(report.record['doc'])}</td><td>{state}</td>"
            f"<td>{len(report.result.broken_identities)}</td></tr>"
        )
    head = "<tr><th>发布机关</th><th>年度</th><th>文件</th><th>待核 / 共</th><th>勾稽关系不符</th></tr>"
    return (
        f"<header><h1>核对 {escape(str(batch.output))}</h1><p>{len(batch.reports)} 份报告 · 核对人 "
        f'{escape(batch.reviewer)} · 更正记录 {escape(str(batch.corrections_file))}</p><p class="help">'
        "<kbd>j</kbd>/<kbd>k</kbd> 上下选择 · <kbd>Enter</kbd> 打开</p></header>"
        f'<section><table class="queue">{head}{"".join(rows)}</table></section>'
    )


def _items_html(report: Report) -> str:
    values = report.result.values
    template = report.result.meta.template
    items = []
    for key in report.keys:
        action = report.done.get(key, "")
        status = {"confirm": "✓ 已确认", "correct": "✎ 已更正"}.get(action, "")
        reasons = "、".join(_reasons(report.raw, report.result, key))
        value = values.get(key)
        items.append(
            f'<li class="{action}" data-key="{escape(key)}" data-keys="{escape(key)}" '
            f'data-value="{escape("" if value is None else str(value))}" title="{escape(key)}">'
            f"{escape(key_label(key, template))}：<b>{escape('?' if value is None else str(value))}</b>"
            f'<span class="reasons">{escape(reasons)}</span><span class="status">{status}</span>'
            f'<span class="key">{escape(key)}</span></li>'
        )
    return "".join(items) or "<li>无需核对的值。</li>"


def _main_html(batch: Batch, index: int) -> str:
    """The part of a report's page that changes with each correction."""
    report = batch.reports[index]
    result = report.result
    marks = Marks.of(result)
    doc = batch.document(index)
    if doc is None:
        document = "<section><p>未找到原文件（用 <code>--docs</code> 指明文件夹）：只显示提取的值。</p></section>"
    else:
        pictures = page_pictures(doc, source=lambda page: f"/report/{index}/page/{page}.jpg")
        document = document_html(doc, marks, pictures)
    pending = report.pending
    return (
        f'<div class="columns"><div><section id="review"><h2>待核对的值（{pending} / {len(report.keys)}）</h2>'
        f'<ol id="items">{_items_html(report)}</ol>'
        '<form id="editor" hidden><input id="value" autocomplete="off"> <input id="note" placeholder="备注（可空）">'
        ' <button>保存</button></form><p id="message"></p><p class="help"><kbd>j</kbd>/<kbd>k</kbd> 上下选择 · '
        "<kbd>Enter</kbd> 或 <kbd>y</kbd> 确认 · <kbd>e</kbd> 或直接输入数字 更正，<kbd>Enter</kbd> 保存，"
        "<kbd>Esc</kbd> 取消 · <kbd>n</kbd>/<kbd>p</kbd> 下一份/上一份 · <kbd>q</kbd> 队列</p></section>"
        f"<section><h2>发现的问题</h2>{findings_html(result)}</section>"
        f"<section><h2>提取的表格</h2>{tables_html(result, marks)}</section></div>"
        f"<div>{document}</div></div>"
    )


def _report_html(batch: Batch, index: int) -> tuple[str, dict[str, int | None]]:
    report = batch.reports[index]
    meta = report.result.meta
    queue = batch.queue()
    position = queue.index(index)
    nearby = {"prev": queue[position - 1] if position else None, "next": queue[(position + 1) % len(queue)]}
    nav = '<a href="/">← 队列 (q)</a>'
    nav += f'<a href="/report/{nearby["prev"]}">上一份 (p)</a>' if nearby["prev"] is not None else ""
    nav += f'<a href="/report/{nearby["next"]}">下一份 (n)</a>'
    error = f'<p class="error">错误：{escape(report.record["error"])}</p>' if report.record.get("error") else ""
    return (
        f'<header><div class="nav">{nav}</div><h1>{escape(meta.agency or Path(report.record["doc"]).name)} '
        f"{meta.year or ''}</h1><p>{escape(report.record['doc'])} · 表格版本 {meta.template or '—'} · "
        f"核对人 {escape(batch.reviewer)}</p>{error}{legend_html()}</header>"
        f'<div id="main">{_main_html(batch, index)}</div>'
    ), nearby


_QUEUE_SCRIPT = """
const rows=[...document.querySelectorAll('tr[data-href]')];let at=0;
document.addEventListener('keydown',e=>{if(!rows.length)return;
 if(e.key==='j'||e.key==='ArrowDown'){at=Math.min(at+1,rows.length-1)}
 else if(e.key==='k'||e.key==='ArrowUp'){at=Math.max(at-1,0)}
 else if(e.key==='Enter'){location.href=rows[at].dataset.href;return}else return;
 e.preventDefault();rows.forEach((r,i)=>r.classList.toggle('current',i===at));rows[at].scrollIntoView({block:'nearest'});});
let version=VERSION;setInterval(async()=>{const r=await fetch('/api/version');const v=(await r.json()).version;
 if(v!==version)location.reload();},POLL);
"""

_REPORT_SCRIPT = """
const REPORT=INDEX,NEXT=NEXTI,PREV=PREVI;let version=VERSION,at=0;
const $=s=>document.querySelector(s);
function items(){return [...document.querySelectorAll('#items li[data-key]')]}
function select(i){const all=items();if(!all.length)return;at=Math.max(0,Math.min(i,all.length-1));
 document.querySelectorAll('.hl').forEach(x=>x.classList.remove('hl'));
 all.forEach((li,j)=>li.classList.toggle('current',j===at));const key=all[at].dataset.key;
 all[at].scrollIntoView({block:'nearest'});
 document.querySelectorAll('[data-keys~="'+CSS.escape(key)+'"]').forEach(x=>x.classList.add('hl'));
 const mark=document.querySelector('#main .boxmark[data-keys~="'+CSS.escape(key)+'"],#main mark[data-keys~="'
  +CSS.escape(key)+'"]');if(mark)mark.scrollIntoView({block:'center'});}
function say(text,kind){const m=$('#message');m.textContent=text;m.className=kind;}
function editing(){return !$('#editor').hidden}
function edit(first){const li=items()[at];if(!li)return;const f=$('#editor');f.hidden=false;
 $('#value').value=first!==undefined?first:li.dataset.value;$('#note').value='';$('#value').focus();}
function close(){$('#editor').hidden=true;}
async function send(action){const li=items()[at];if(!li)return;
 const body={key:li.dataset.key,action:action};if(action==='correct'){body.value=$('#value').value;
 body.note=$('#note').value;}
 const r=await fetch('/api/report/'+REPORT+'/review',{method:'POST',headers:{'Content-Type':'application/json'},
  body:JSON.stringify(body)});const out=await r.json();
 if(!r.ok){say(out.error,'error');return false;}
 close();const keep=at;$('#main').innerHTML=out.main;version=out.version;bind();select(keep+1);
 say(action==='confirm'?'已确认 '+body.key:'已更正 '+body.key+' 为 '+out.value,'ok');return true;}
function bind(){items().forEach((li,j)=>li.addEventListener('click',()=>select(j)));
 $('#editor').addEventListener('submit',e=>{e.preventDefault();send('correct');});}
document.addEventListener('keydown',e=>{
 if(editing()){if(e.key==='Escape'){close();e.preventDefault();}return;}
 if(e.target.tagName==='INPUT')return;
 if(e.key==='j'||e.key==='ArrowDown')select(at+1);else if(e.key==='k'||e.key==='ArrowUp')select(at-1);
 else if(e.key==='Enter'||e.key==='y')send('confirm');else if(e.key==='e')edit();
 else if(/^[0-9.\\-]$/.test(e.key))edit(e.key);
 else if(e.key==='n')location.href='/report/'+NEXT;else if(e.key==='p'&&PREV!==null)location.href='/report/'+PREV;
 else if(e.key==='q')location.href='/';else return;e.preventDefault();});
bind();select(0);
setInterval(async()=>{if(editing())return;const r=await fetch('/api/version');const v=(await r.json()).version;
 if(v===version)return;const m=await fetch('/report/'+REPORT+'/main');if(!m.ok)return;
 $('#main').innerHTML=await m.text();version=v;bind();select(at);},POLL);
"""


# ---------------------------------------------------------------- the app
def create_app(batch: Batch, hosts: tuple[str, ...] = LOCAL_HOSTS) -> Starlette:
    """The review app over ``batch``, answering only requests addressed to ``hosts`` ("*": any)."""

    def report_index(request: Request) -> int | None:
        batch.refresh()
        index = request.path_params["index"]
        return index if 0 <= index < len(batch.reports) else None

    async def queue(request: Request) -> Response:
        batch.refresh()
        script = _QUEUE_SCRIPT.replace("VERSION", json.dumps(batch.version)).replace("POLL", str(POLL_SECONDS * 1000))
        return _page("队列", _queue_html(batch), script)

    async def report(request: Request) -> Response:
        index = report_index(request)
        if index is None:
            return HTMLResponse("没有这份报告", status_code=404)
        body, nearby = _report_html(batch, index)
        script = (
            _REPORT_SCRIPT.replace("NEXTI", json.dumps(nearby["next"]))
            .replace("PREVI", json.dumps(nearby["prev"]))
            .replace("INDEX", str(index))
            .replace("VERSION", json.dumps(batch.version))
            .replace("POLL", str(POLL_SECONDS * 1000))
        )
        return _page(Path(batch.reports[index].record["doc"]).name, body, script)

    async def main_part(request: Request) -> Response:
        index = report_index(request)
        return HTMLResponse("", 404) if index is None else HTMLResponse(_main_html(batch, index))

    async def page_picture(request: Request) -> Response:
        index = report_index(request)
        doc = None if index is None else batch.document(index)
        jpeg = None if doc is None else page_jpeg(doc, request.path_params["page"])
        if jpeg is None:
            return Response(status_code=404)
        return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})

    async def version(request: Request) -> Response:
        return JSONResponse({"version": batch.version})

    async def review(request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0] != "application/json" or not _same_origin(request):
            return JSONResponse({"error": "只接受本页面发出的 JSON 请求"}, status_code=403)
        index = report_index(request)
        if index is None:
            return JSONResponse({"error": "没有这份报告"}, status_code=404)
        body = await request.json()
        action, key = body.get("action"), body.get("key")
        if action not in ("confirm", "correct") or not isinstance(key, str):
            return JSONResponse({"error": "请求须含 key 与 action（confirm 或 correct）"}, status_code=400)
        try:
            batch.correct(index, key, action, body.get("value"), body.get("note"))
        except CorrectionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        batch.refresh()
        value = batch.reports[index].result.values.get(key)
        return JSONResponse({"main": _main_html(batch, index), "version": batch.version, "value": value})

    routes = [
        Route("/", queue),
        Route("/report/{index:int}", report),
        Route("/report/{index:int}/main", main_part),
        Route("/report/{index:int}/page/{page:int}.jpg", page_picture),
        Route("/api/version", version),
        Route("/api/report/{index:int}/review", review, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))])


def _same_origin(request: Request) -> bool:
    """A POST from a page of another site carries its Origin; only this app's own pages may write."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def allowed_hosts(host: str) -> tuple[str, ...]:
    """The Host headers the app answers: this machine's names, and the address it was bound to
    (any, where bound to every interface)."""
    if host in ("0.0.0.0", "::"):
        return ("*",)
    return tuple(dict.fromkeys([*LOCAL_HOSTS, host]))


@contextmanager
def serving(batch: Batch, host: str = "127.0.0.1") -> Iterator[str]:
    """The app over ``batch`` served from a thread on a free port, for as long as the block runs;
    yields its URL (for tests, benchmarks and notebooks)."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(batch, allowed_hosts(host)), host=host, port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve(output: Path, docs: Path | None, host: str, port: int, reviewer: str | None) -> None:
    import uvicorn

    batch = Batch(output, docs, reviewer or getpass.getuser())
    batch.refresh()
    uvicorn.run(create_app(batch, allowed_hosts(host)), host=host, port=port, log_level="warning")
