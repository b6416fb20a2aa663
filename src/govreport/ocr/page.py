"""A page image (scan, photo or a rendered PDF page) to positioned words and table grids.

Steps: normalize the page (``ocr.normalize``: seal dropped, perspective, light, tilt);
find the ruling lines (OpenCV morphology, headless build), joining the pieces of broken
rules, and from them the table grids; OCR only what needs it. Table cells are not
searched by the detector: each inked cell is cut into its text lines by its ink profile
and those crops are recognized in one batch with the text lines outside the tables (cut
from the ink where the print is plain, found by the detector elsewhere), crops that print
the same thing once. A blank cell costs nothing; an inked cell that reads as nothing is
kept as an unread (confidence 0) word. Coordinates are pixels of the normalized image.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from itertools import pairwise

import cv2
import numpy as np

from govreport.document import Block
from govreport.ocr.assemble import UNREAD, Word, page_blocks, value_rows
from govreport.ocr.engine import DETECT_LONG_SIDE, ocr_engine
from govreport.ocr.grid import Box, EdgeCheck, Grid, GridCell, Segment, find_grids, scale_box, scale_grid
from govreport.ocr.layout import layout_regions
from govreport.ocr.normalize import normalize_page, skew_angle
from govreport.ocr.numbers import fix_number
from govreport.ocr.orientation import read_upright
from govreport.schema import Finding

_MIN_INK_PIXELS = 25  # fewer dark pixels in a cell is noise, not a character
_DRAWN_EDGE = 0.7  # of an edge covered by straight runs of ink: a broken rule is drawn there
_STRAIGHT = 1.0  # pixels: the spread of a drawn line's position along an edge
_NARROWEST_TABLE = 0.3  # of the page's width
_SIDE_LONG = 0.8  # of a cell's side: ink along this much of it, by it, is a piece of its rule
# of a short straight run's length with ink just beside it: other strokes of a character join its stroke
# along its length (0.17-0.8 measured, most over 0.4); a piece of a broken rule has only speckle there (<= 0.15)
_STROKE_SIDE = 0.3
_SMALLEST_GLYPH = 6  # points: a Chinese character narrower than this is a digit or a stroke
_UPRIGHT_SPREAD = 1.4  # of the median: lines no wider than this are one character each (text set upright)
# of a cell's inset: the thickest a rule's blurred edge is; thicker ink along a side holds print
# (a crease or a pen's stroke across the cell, joined to the digits it crosses)
_SLIVER_THICK = 4
_CROP_PAD = 4  # pixels of white around a line crop, as the recognizer was trained on
_LIKENESS_HEIGHT = 32  # pixels of the thumbnails crops are compared by
_ALIKE = 0.96  # correlation of two crops that print the same text
_STRAY_SIZE = 0.2  # of a line's height: ink beside a detected line at least this big may be a lost glyph
_STRAY_GAP = 1.2  # of a line's height: the widest space between a line and a glyph of it
_STRAY_REACH = 3.0  # of a line's height: the farthest a line is widened
_WIDENED_SURE = 0.9  # the least confidence a widened line is read at to replace the detected one
# of the glyph pitch: paper this wide after a numbered line's 、 holds a printed blank (rendered
# headings, Noto CJK serif and sans, 12-18 pt, clean, photocopied, photographed: 0.66-0.77 where
# the title follows at once, 0.90-1.01 after a blank)
_BLANK_EM = 0.85
_PITCH_CHARS = 4  # the fewest characters a title needs for its pitch to be measured
_WIDE_SPACE = 0.4  # of a line's height: wider than the space between a numeral and its 、, or in a glyph
_LINE_SPREAD = (0.5, 1.5)  # of the median height of a band's rows of ink: the rows of plain print
_LINE_MARGIN = 0.12  # of a line's height: the paper the detector's boxes leave around its ink
_TALLEST_PRINT = 32  # points: taller ink than a title's line is no line of print (a seal, a figure)
_THIN_ROW = 0.15  # of a row of print's median ink per pixel row: less in its middle half parts two lines
_PIECE_GAP = 2.0  # of a line's height: a wider space parts a line into pieces (》（ leave one height)
_NUMBERED = re.compile(r"[一二三四五六七八九十\d]、(?=\S)")  # measured for 、 only (not 1. or 1．)


@dataclass(frozen=True, slots=True)
class PageRead:
    words: list[Word]
    grids: list[Grid]
    skew: float  # degrees the page was turned back by
    dpi: float  # of the normalized page the boxes are pixels of
    repairs: tuple[str, ...]  # what normalization did to the page
    height: float  # of the normalized page, in points
    # the layout model's table regions that hold value rows beside the page's grids: rows a grid lost
    table_regions: tuple[Box, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """What was repaired on this page, for a person checking the values read from it."""
        repaired = ("broken table rules repaired from ink",) if any(g.repaired for g in self.grids) else ()
        beside = ("value rows beside the ruled grid read as a table (layout model)",) if self.table_regions else ()
        return self.repairs + repaired + beside

    def in_points(self) -> tuple[list[Word], list[Grid]]:
        """Words and grids with pixel boxes turned into points (1/72 inch)."""
        k = 72 / self.dpi
        words = [Word(w.text, scale_box(w.box, k), w.confidence) for w in self.words]
        return words, [scale_grid(g, k) for g in self.grids]

    def blocks(self, page: int) -> list[Block]:
        """The page's blocks (``assemble.page_blocks``): value rows make unruled tables where no
        grid was found, and beside the grids inside the table regions the layout model found."""
        words, grids = self.in_points()
        regions = [scale_box(box, 72 / self.dpi) for box in self.table_regions]
        return page_blocks(words, grids, page, self.height, unruled_tables=not grids, table_regions=regions)


def _run_mask(binary: np.ndarray, horizontal: bool, length: int) -> np.ndarray:
    """Pixels of straight runs at least ``length`` long along the direction."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)


def _rule_pieces(mask: np.ndarray, horizontal: bool) -> list[tuple[Segment, float]]:
    """The runs of a run mask as segments, each with its mean thickness: pieces of rules, not the
    strokes of characters (shorter)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    out = []
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        if horizontal:
            out.append((Segment(True, y + h / 2, float(x), float(x + w)), area / w))
        else:
            out.append((Segment(False, x + w / 2, float(y), float(y + h)), area / h))
    return out


def _bare_pieces(
    binary: np.ndarray, pieces: list[tuple[Segment, float]], shortest_rule: float, unit: float
) -> list[Segment]:
    """The pieces that may belong to a rule: every long one, and short ones with nothing printed
    beside them. In a narrow cell of wrapped text set tight, the upright strokes of characters stacked
    line over line are short runs on one line with small gaps, as a photocopy leaves of a rule;
    but each is one stroke of a character, joined along its length by the character's others."""
    out = []
    for segment, thickness in pieces:
        if segment.hi - segment.lo >= shortest_rule:
            out.append(segment)
            continue
        image = binary if segment.horizontal else binary.T
        near, far = thickness / 2 + 0.5 * unit, thickness / 2 + 2.5 * unit
        lo, hi = round(segment.lo), round(segment.hi)
        before = image[max(0, round(segment.at - far)) : max(0, round(segment.at - near)), lo:hi]
        after = image[round(segment.at + near) : round(segment.at + far) + 1, lo:hi]
        beside = before.any(axis=0) | after.any(axis=0) if before.size and after.size else np.zeros(1, bool)
        if beside.mean() < _STROKE_SIDE:
            out.append(segment)
    return out


def _thickest_rule(pieces: list[tuple[Segment, float]], unit: float) -> float:
    """The thickest a piece of rule may be, a seal's ring or a blot being thicker: 2.5 pt, or half
    again the page's typical long rule where blur or bold print makes every rule thicker."""
    long = [thickness for segment, thickness in pieces if segment.hi - segment.lo >= 20 * unit]
    typical = float(np.median(long)) if long else 0.0
    return max(3.0, 2.5 * unit, 1.5 * typical)


def _edge_check(binary: np.ndarray, runs_h: np.ndarray, runs_v: np.ndarray, tol: float, pad: float) -> EdgeCheck:
    """Whether one straight line of ink covers most of an edge between two cells: a rule broken
    into pieces too short or too far apart to be joined. Pieces of the rule run into both ends of
    the edge; between them, ink exactly on their line counts too (a photocopy leaves bits of a
    rule shorter than a run). The strokes of characters that an edge through a merged cell
    crosses cover it at scattered offsets, never as one line."""

    def drawn(horizontal: bool, at: float, lo: float, hi: float) -> bool:
        runs = runs_h if horizontal else runs_v
        a0, a1 = max(0, round(at - tol)), round(at + tol) + 1
        b0, b1 = round(lo + pad), round(hi - pad)
        if b1 - b0 < 3:
            return False
        band = runs[a0:a1, b0:b1] if horizontal else runs[b0:b1, a0:a1].T  # across × along
        inked = band.any(axis=0)
        end = max(1, round(0.1 * inked.size))  # a rule runs from end to end; text keeps off the rules
        if not (inked[:end].any() and inked[-end:].any()):
            return False
        ink = binary[a0:a1, b0:b1] if horizontal else binary[b0:b1, a0:a1].T
        on_line = ink[band.any(axis=1)].all(axis=0)  # ink across the whole width the pieces run at
        if np.count_nonzero(inked | on_line) < _DRAWN_EDGE * inked.size:
            return False
        offsets = np.arange(band.shape[0], dtype=np.float32)[:, None]
        weights = band[:, inked] > 0
        centres = (offsets * weights).sum(axis=0) / weights.sum(axis=0)
        return float(centres.std()) <= _STRAIGHT

    return drawn


def join_collinear(
    pieces: list[Segment], across: list[Segment], tol: float, max_gap: float, min_length: float, min_piece: float
) -> list[Segment]:
    """Pieces of one rule broken by small gaps (a photocopy's dropouts) joined into the rule. Pieces
    shorter than ``min_piece`` may be strokes of characters: one is not joined across a junction
    (where a rule ``across`` passes, the rule may end, and a stroke beyond it is no part of it). A
    joined rule shorter than ``min_length``, mostly gap, or of two pieces neither of ``min_piece``
    (the strokes of two characters side by side) is dropped."""
    ordered = sorted(pieces, key=lambda s: (s.lo, s.at))
    # of each rule so far: the position of its last piece and its end, searched at once for every piece
    end_at, end = np.empty(len(ordered)), np.empty(len(ordered))
    # rule, length covered by ink, longest piece, pieces
    rules: list[tuple[Segment, float, float, int]] = []
    for piece in ordered:
        length = piece.hi - piece.lo
        made = len(rules)
        near = (np.abs(end_at[:made] - piece.at) <= tol) & (piece.lo - end[:made] <= max_gap)
        for i in np.flatnonzero(near).tolist():
            rule, covered, longest, count = rules[i]
            if not _junction(rule, piece, across, tol):
                joined = Segment(rule.horizontal, rule.at, rule.lo, max(rule.hi, piece.hi))
                covered += max(0.0, piece.hi - max(piece.lo, rule.hi))
                rules[i] = (joined, covered, max(longest, length), count + 1)
                end_at[i], end[i] = piece.at, joined.hi
                break
        else:
            rules.append((piece, length, length, 1))
            end_at[made], end[made] = piece.at, piece.hi
    return [
        r
        for r, covered, longest, count in rules
        if r.hi - r.lo >= min_length and covered >= 0.7 * (r.hi - r.lo) and (longest >= min_piece or count >= 3)
    ]


def _junction(rule: Segment, piece: Segment, across: list[Segment], tol: float) -> bool:
    lo, hi = rule.hi - tol, piece.lo + tol
    return piece.lo > rule.hi and any(lo <= a.at <= hi and a.lo - tol <= piece.at <= a.hi + tol for a in across)


def _rules_mask(shape: tuple[int, ...], rules: list[Segment], width: int) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    for r in rules:
        a, lo, hi = round(r.at), round(r.lo), round(r.hi)
        p0, p1 = ((lo, a), (hi, a)) if r.horizontal else ((a, lo), (a, hi))
        cv2.line(mask, p0, p1, 255, width)
    return mask


def ruled_grids(binary: np.ndarray, dpi: float) -> tuple[list[Grid], np.ndarray]:
    """Table grids from the page's ruling lines, and the ink with the rules taken out."""
    unit = dpi / 72  # pixels per point
    # pieces longer than a title character's strokes, joined across a photocopy's gaps
    runs_h = _run_mask(binary, True, round(6 * unit))
    runs_v = _run_mask(binary, False, round(6 * unit))
    pieces_h, pieces_v = _rule_pieces(runs_h, True), _rule_pieces(runs_v, False)
    thickest = _thickest_rule(pieces_h + pieces_v, unit)
    horizontal = _bare_pieces(binary, [p for p in pieces_h if p[1] <= thickest], 20 * unit, unit)
    vertical = _bare_pieces(binary, [p for p in pieces_v if p[1] <= thickest], 12 * unit, unit)
    long_h = [p for p in horizontal if p.hi - p.lo >= 20 * unit]
    long_v = [p for p in vertical if p.hi - p.lo >= 12 * unit]
    segments = join_collinear(horizontal, long_v, unit, 4 * unit, 30 * unit, 20 * unit)
    segments += join_collinear(vertical, long_h, unit, 4 * unit, 14 * unit, 12 * unit)
    rules = _rules_mask(binary.shape, segments, max(5, round(3 * unit)))
    rules = cv2.bitwise_and(cv2.dilate(binary, np.ones((3, 3), np.uint8)), rules)
    drawn = _edge_check(binary, runs_h, runs_v, tol=1.5 * unit, pad=unit)
    grids = find_grids(segments, tol=3 * unit, min_gap=5 * unit, drawn=drawn)
    # the form's tables run across the page; a small "grid" is the strokes of a bold heading's characters
    grids = [g for g in grids if g.box[2] - g.box[0] >= _NARROWEST_TABLE * binary.shape[1]]
    return _apart(grids, 3 * unit), cv2.bitwise_and(binary, cv2.bitwise_not(rules))


def _apart(grids: list[Grid], margin: float) -> list[Grid]:
    """The grids that overlap no other one by more than ``margin`` both ways. Printed tables never
    overlap: grids that do are pieces of one table whose rules the scan lost in places (a halftone
    screen's dots), their cells cutting across its rows; its text is read as lines instead, and
    its value rows placed by position (``ocr.assemble``)."""

    def overlap(a: Grid, b: Grid) -> bool:
        across = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
        down = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
        return across > margin and down > margin

    return [g for g in grids if not any(overlap(g, o) for o in grids if o is not g)]


def repair_findings(notes: dict[int, tuple[str, ...]]) -> list[Finding]:
    """One warning per document listing the pages whose image needed repair before reading, and how."""
    listed = "; ".join(f"page {page}: {', '.join(what)}" for page, what in notes.items() if what)
    return [Finding(kind="warning", message=f"scanned pages repaired before reading ({listed})")] if listed else []


def _ink_runs(profile: np.ndarray) -> list[tuple[int, int]]:
    """The runs of a profile's nonzero entries, as (start, end) with the end excluded."""
    inked = np.concatenate(([False], profile > 0, [False]))
    edges = np.flatnonzero(inked[1:] != inked[:-1]).tolist()
    return list(zip(edges[::2], edges[1::2], strict=True))


def _text_lines(profile: np.ndarray) -> list[tuple[int, int]]:
    """Text lines in a cell's row ink profile: a thin run (under half the tallest) closer
    than a third of the tallest to the line before is part of it (the strokes of 三 or 二);
    two full-height runs are two lines however close (a table's wrapped label set tight);
    specks shorter than a fifth of the tallest are dropped."""
    runs = _ink_runs(profile)
    if not runs:
        return []
    tallest = max(b - a for a, b in runs)
    lines = [runs[0]]
    for start, end in runs[1:]:
        thin = min(end - start, lines[-1][1] - lines[-1][0]) < tallest / 2
        if start - lines[-1][1] < tallest / 3 and thin:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return [(a, b) for a, b in lines if b - a >= max(3, tallest / 5)]


def _inside(cell: GridCell, inset: int) -> Box:
    """A cell's box less ``inset`` pixels on every side: inside its rules."""
    x0, y0, x1, y1 = (round(v) for v in cell.box)
    return x0 + inset, y0 + inset, x1 - inset, y1 - inset


def _cell_lines(binary: np.ndarray, cell: GridCell, inset: int) -> list[Box]:
    """Boxes of the text lines printed in a cell, from its ink profile."""
    x0, y0, x1, y1 = _inside(cell, inset)
    if x1 <= x0 or y1 <= y0:
        return []
    patch = _without_rule_slivers(binary[y0:y1, x0:x1], inset)
    if int(np.count_nonzero(patch)) < _MIN_INK_PIXELS:
        return []
    profile = np.count_nonzero(patch, axis=1)
    lines = [(top, bottom, *_glyph_columns(patch[top:bottom])) for top, bottom in _text_lines(profile)]
    return [
        (float(x0 + left), float(y0 + top), float(x0 + right), float(y0 + bottom))
        for top, bottom, left, right in _one_character_per_line(lines, profile, inset)
    ]


def _one_character_per_line(
    lines: list[tuple[int, int, int, int]], profile: np.ndarray, point: int
) -> list[tuple[int, int, int, int]]:
    """Lines (top, bottom, left, right) of a cell printed upright, one character per line (a tall
    narrow group label: 三/本/年/度), each one character tall. Set tight, characters touch and
    several read as one line; Chinese characters are square, so a line as wide as the others
    and twice as tall holds two, cut at the row of least ink near where they meet. A piece whose
    ink is under half a character tall (the 、 of 三、) stays with the character above it."""
    widths = [right - left for _, _, left, right in lines]
    glyph = float(np.median(widths)) if lines else 0.0
    if len(lines) < 2 or glyph < _SMALLEST_GLYPH * point or max(widths) > _UPRIGHT_SPREAD * glyph:
        return lines
    out = []
    reach = max(1, round(glyph / 3))
    for top, bottom, left, right in lines:
        count = round((bottom - top) / glyph)
        cuts = [top]
        for k in range(1, count):
            near = round(top + k * (bottom - top) / count)
            window = profile[near - reach : near + reach + 1]
            cuts.append(near - reach + int(np.argmin(window)))
        cuts.append(bottom)
        pieces: list[list[int]] = []
        for a, b in pairwise(cuts):
            inked = np.flatnonzero(profile[a:b])
            if pieces and (not inked.size or inked[-1] - inked[0] + 1 < glyph / 2):
                pieces[-1][1] = b
            elif b > a:
                pieces.append([a, b])
        out += [(a, b, left, right) for a, b in pieces]
    return out


def _without_rule_slivers(patch: np.ndarray, thin: int) -> np.ndarray:
    """A cell's ink less the slivers of its rules left along its sides (a photocopied or
    photographed rule is wider and more ragged than the rule taken out): ink within ``thin``
    pixels of a side that is no more than ``thin`` across, or that runs along most of the side and
    is no more than ``_SLIVER_THICK`` times that across. Read, a sliver is a 1."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(patch)
    height, width = patch.shape

    def sliver(across: int, along: int, side: int) -> bool:
        return across <= thin or (along >= _SIDE_LONG * side and across <= _SLIVER_THICK * thin)

    slivers = [
        i
        for i, (x, y, w, h, _) in enumerate(stats[1:].tolist(), start=1)
        if ((x <= thin or x + w >= width - thin) and sliver(w, h, height))
        or ((y <= thin or y + h >= height - thin) and sliver(h, w, width))
    ]
    if not slivers:
        return patch
    return np.where(np.isin(labels, slivers), 0, patch).astype(patch.dtype)


def _glyph_columns(line: np.ndarray) -> tuple[int, int]:
    """The columns a cell's text line spans, stray ink aside: a group of ink half the line's
    height or more from the rest and under a third of its height both ways (a dot of toner,
    a tooth of a photocopied rule) would stretch the crop onto the cell's rule, read as 1."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(line)
    height = line.shape[0]
    groups: list[list[int]] = []  # x0, x1, y0, y1 of components closer than half a line's height
    for x, y, w, h, _ in sorted(stats[1:].tolist()):
        if groups and x - groups[-1][1] < height / 2:
            group = groups[-1]
            group[1], group[2], group[3] = max(group[1], x + w), min(group[2], y), max(group[3], y + h)
        else:
            groups.append([x, x + w, y, y + h])
    kept = [g for g in groups if 3 * max(g[1] - g[0], g[3] - g[2]) >= height] or groups
    return min(g[0] for g in kept), max(g[1] for g in kept)


def _crop(gray: np.ndarray, box: Box) -> np.ndarray:
    h, w = gray.shape
    x0, y0 = max(0, int(box[0]) - _CROP_PAD), max(0, int(box[1]) - _CROP_PAD)
    x1, y1 = min(w, math.ceil(box[2]) + _CROP_PAD), min(h, math.ceil(box[3]) + _CROP_PAD)
    return gray[y0:y1, x0:x1]


def line_crop(gray: np.ndarray, ink: np.ndarray, box: Box, glyphs: np.ndarray) -> np.ndarray:
    """A text line's crop with the specks before its first glyph whitened: no mark starts a line
    of Chinese print (、，。 never do), so ink there under a fifth of the line's height, all of it
    together, is toner, which the recognizer reads as a '.' that breaks the phrase the line
    continues."""
    crop = _crop(gray, box)
    x0, y0 = max(0, int(box[0]) - _CROP_PAD), max(0, int(box[1]) - _CROP_PAD)
    x1, y1 = x0 + crop.shape[1], y0 + crop.shape[0]
    cy = (glyphs[:, 1] + glyphs[:, 3]) / 2
    on_line = (glyphs[:, 2] > x0) & (glyphs[:, 0] < x1) & (cy >= box[1]) & (cy <= box[3])
    size = np.maximum(glyphs[:, 2] - glyphs[:, 0], glyphs[:, 3] - glyphs[:, 1])
    size_limit = _STRAY_SIZE * (box[3] - box[1])
    glyph = on_line & (size >= size_limit)
    if not glyph.any():
        return crop
    specks = glyphs[on_line & ~glyph & (glyphs[:, 2] <= glyphs[glyph, 0].min())].astype(int)
    # all of it together: the pieces of a photocopy's broken glyph (扌 of 报) are small one by one
    if not len(specks) or max(np.ptp(specks[:, [0, 2]]), np.ptp(specks[:, [1, 3]])) >= size_limit:
        return crop
    crop = crop.copy()
    for gx0, gy0, gx1, gy1 in specks:
        gx0, gy0, gx1, gy1 = max(gx0, x0), max(gy0, y0), min(gx1, x1), min(gy1, y1)
        crop[gy0 - y0 : gy1 - y0, gx0 - x0 : gx1 - x0][ink[gy0:gy1, gx0:gx1] > 0] = 255
    return crop


def _text_outside_tables(gray: np.ndarray, binary: np.ndarray, grids: list[Grid], dpi: float) -> list[Box]:
    """Text line boxes in the inked bands of the page above, between and below the tables (the
    tables' own text is read cell by cell): from the ink where the band is plain print, else
    from the detector."""
    height = gray.shape[0]
    covered = sorted((max(0, round(g.box[1]) - 2), min(height, round(g.box[3]) + 3)) for g in grids)
    bands, top = [], 0
    for start, end in covered:
        bands.append((top, start))
        top = max(top, end)
    bands.append((top, height))
    engine = ocr_engine()
    # a band is detected at the scale of the whole page (a band's own long side is its width: the
    # engine would detect it finer, at twice the cost per pixel, for tighter boxes, not more lines)
    scale = min(1.0, DETECT_LONG_SIDE / max(gray.shape))
    boxes = []
    for start, end in bands:
        if end - start < 8 or np.count_nonzero(binary[start:end]) < _MIN_INK_PIXELS:
            continue
        found = ink_lines(binary[start:end], dpi)
        if found is None:
            band = cv2.resize(gray[start:end], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            found = [(x0 / scale, y0 / scale, x1 / scale, y1 / scale) for x0, y0, x1, y1 in engine.detect(band)]
        boxes += [(x0, y0 + start, x1, y1 + start) for x0, y0, x1, y1 in found]
    return boxes


def ink_lines(ink: np.ndarray, dpi: float) -> list[Box] | None:
    """Text line boxes of a band of plain print from its ink: its rows of ink, each cut into pieces
    at wide spaces, with the margins the detector's boxes have. None where the rows are not all
    about one height (a seal's remains, a title far larger than the text, a row of dots), one is
    taller than print, or one holds two lines that touch: the detector reads such a band."""
    profile = np.count_nonzero(ink, axis=1)
    runs = _ink_runs(profile)
    if not runs:
        return []
    heights = np.array([bottom - top for top, bottom in runs])
    median = float(np.median(heights))
    if heights.min() < _LINE_SPREAD[0] * median or heights.max() > _LINE_SPREAD[1] * median:
        return None
    if heights.max() > _TALLEST_PRINT * dpi / 72:
        return None
    if any(_two_lines(profile[top:bottom]) for top, bottom in runs):
        return None
    boxes = []
    for top, bottom in runs:
        height = bottom - top
        margin = _LINE_MARGIN * height
        pieces = _ink_runs(np.count_nonzero(ink[top:bottom], axis=0))
        joined = [pieces[0]]
        for left, right in pieces[1:]:
            if left - joined[-1][1] < _PIECE_GAP * height:
                joined[-1] = (joined[-1][0], right)
            else:
                joined.append((left, right))
        boxes += [(left - margin, top - margin, right + margin, bottom + margin) for left, right in joined]
    return boxes


def _two_lines(profile: np.ndarray) -> bool:
    """Whether a row of ink is two lines of print joined by a few touching glyphs: a line's ink is
    spread over its whole height, two lines' thins out between them."""
    quarter = len(profile) // 4
    middle = profile[quarter : len(profile) - quarter]
    return middle.size > 0 and float(middle.min()) < _THIN_ROW * float(np.median(profile))


def lost_glyph_box(box: Box, glyphs: np.ndarray, others: list[Box]) -> Box | None:
    """``box`` widened over ink the detector left out beside it on the line, or None: a line's
    first or last characters beyond a wider space, faint or thin (一、 二、 三、 on a
    photocopy), are dropped from its box. ``glyphs`` are the page's ink components as
    (x0, y0, x1, y1) rows; one inside another detected box belongs to that line."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    cy = (glyphs[:, 1] + glyphs[:, 3]) / 2
    tall = glyphs[:, 3] - glyphs[:, 1]
    size = np.maximum(glyphs[:, 2] - glyphs[:, 0], tall)
    near = glyphs[(cy >= y0) & (cy <= y1) & (size >= _STRAY_SIZE * h) & (tall <= 1.5 * h)]
    near = [g for g in near if not any(_holds(o, g) for o in others)]
    left, right = x0, x1
    for g in sorted(near, key=lambda g: -g[2]):  # leftwards from the box, space by space
        if g[2] <= x0 + 0.1 * h and left - g[2] <= _STRAY_GAP * h and x0 - g[0] <= _STRAY_REACH * h:
            left = min(left, float(g[0]))
    for g in sorted(near, key=lambda g: g[0]):
        if g[0] >= x1 - 0.1 * h and g[0] - right <= _STRAY_GAP * h and g[2] - x1 <= _STRAY_REACH * h:
            right = max(right, float(g[2]))
    if left > x0 - 0.1 * h and right < x1 + 0.1 * h:
        return None
    return (left, y0, right, y1)


def blank_after_numeral(text: str, box: Box, ink: np.ndarray) -> str:
    """A numbered line's text (``二、主动公开…``) with the blank its print has after the numeral
    and its 、 (``二、 主动公开…``), which the recognizer never reads. A 、 leaves half a glyph
    or more of paper before the next glyph, the pieces of a glyph and the numeral before it far
    less: the first wide space in the line's ink is the one after the 、, a blank where it is
    ``_BLANK_EM`` of the title's glyph pitch (its ink's width over its characters) or more."""
    if not _NUMBERED.match(text) or len(text) < _PITCH_CHARS + 2:
        return text
    x0, y0, x1, y1 = (round(v) for v in box)
    runs = _ink_runs(np.count_nonzero(ink[y0:y1, x0:x1], axis=0))
    wide = next(
        (i for i in range(min(3, len(runs) - 1)) if runs[i + 1][0] - runs[i][1] >= _WIDE_SPACE * (y1 - y0)), None
    )
    if wide is None:
        return text
    gap = runs[wide + 1][0] - runs[wide][1]
    pitch = (runs[-1][1] - runs[wide + 1][0]) / (len(text) - 2)
    return f"{text[:2]} {text[2:]}" if gap >= _BLANK_EM * pitch else text


def _holds(box: Box, glyph: np.ndarray) -> bool:
    x, y = (glyph[0] + glyph[2]) / 2, (glyph[1] + glyph[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _ink_glyphs(ink: np.ndarray) -> np.ndarray:
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    x, y, w, h = (stats[1:, i].astype(np.float64) for i in range(4))
    return np.stack([x, y, x + w, y + h], axis=1) if count > 1 else np.zeros((0, 4))


def _likeness_key(crop: np.ndarray) -> np.ndarray:
    """A crop at a fixed height, zero-mean and unit-norm: its dot product with another's of the
    same shape is their correlation."""
    h, w = crop.shape
    thumb = cv2.resize(crop, (max(1, round(w * _LIKENESS_HEIGHT / h)), _LIKENESS_HEIGHT), interpolation=cv2.INTER_AREA)
    thumb = thumb.astype(np.float32) - thumb.mean()
    norm = float(np.sqrt(np.square(thumb).sum()))  # not linalg.norm: a BLAS call per crop wakes its threads
    return thumb / norm if norm else thumb


def recognize_alike_once(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text of each crop, recognizing crops that print the same thing only once: a table page
    prints the same few numbers ("0") in dozens of cells. Crops are alike when their thumbnails
    correlate at ``_ALIKE`` or more; different digits of one font stay far below (0 and 8: 0.81)."""
    representatives: list[tuple[int, np.ndarray]] = []
    copy_of: list[int] = []
    for crop in crops:
        key = _likeness_key(crop)
        match = next(
            (
                i
                for i, (_, other) in enumerate(representatives)
                if other.shape == key.shape and float((other * key).sum()) >= _ALIKE
            ),
            None,
        )
        if match is None:
            representatives.append((len(copy_of), key))
            match = len(representatives) - 1
        copy_of.append(match)
    read = ocr_engine().recognize([crops[index] for index, _ in representatives])
    return [read[i] for i in copy_of]


def read_page(image: np.ndarray, dpi: float) -> PageRead:
    """OCR one page image (grayscale or RGB) of the given resolution, turned upright where it
    was scanned sideways or upside down (``ocr.orientation``)."""
    read, quarters = read_upright(image, lambda turned: _read_as_it_lies(turned, dpi))
    if quarters:
        read = replace(read, repairs=(f"turned upright by {90 * quarters}° anticlockwise", *read.repairs))
    return read


def _read_as_it_lies(image: np.ndarray, dpi: float) -> PageRead:
    page = normalize_page(image, dpi)
    gray, dpi = page.gray, page.dpi
    grids, text_ink = ruled_grids(page.binary, dpi)
    inset = max(2, round(dpi / 72))
    cell_lines = [_cell_lines(text_ink, cell, inset) for grid in grids for cell in grid.cells]
    cell_boxes = [box for lines in cell_lines for box in lines]
    line_boxes = _text_outside_tables(gray, text_ink, grids, dpi)
    glyphs = _ink_glyphs(text_ink)
    widened = [lost_glyph_box(box, glyphs, [o for o in line_boxes if o is not box]) for box in line_boxes]
    wide = [(i, w) for i, w in enumerate(widened) if w is not None]
    boxes = cell_boxes + line_boxes
    crops = [_crop(gray, box) for box in cell_boxes]
    crops += [line_crop(gray, text_ink, box, glyphs) for box in line_boxes + [w for _, w in wide]]
    read = recognize_alike_once(crops)
    read, wide_read = read[: len(boxes)], read[len(boxes) :]
    for (i, box), (text, score) in zip(wide, wide_read, strict=True):
        at = len(cell_boxes) + i
        if score >= _WIDENED_SURE and len(text.strip()) > len(read[at][0].strip()) and read[at][0].strip() in text:
            boxes[at], read[at] = box, (text, score)
    for at in range(len(cell_boxes), len(boxes)):
        read[at] = (blank_after_numeral(read[at][0], boxes[at], text_ink), read[at][1])
    words = []
    for box, (text, score) in zip(boxes, read, strict=True):
        fixed, confidence = fix_number(text, score)
        if fixed.strip():
            words.append(Word(fixed, box, confidence))
    # a cell with ink that read as nothing is unread, not blank: an empty word carries that doubt
    read_boxes = {w.box for w in words}
    for lines in cell_lines:
        if lines and not read_boxes.intersection(lines):
            words.append(Word(UNREAD, lines[0], 0.0))
    regions = _table_regions(gray, words, grids)
    return PageRead(words, grids, page.skew, dpi, page.repairs, gray.shape[0] * 72 / dpi, regions)


def _table_regions(gray: np.ndarray, words: list[Word], grids: list[Grid]) -> tuple[Box, ...]:
    """Where a page has grids and also rows of values outside them, the layout model's table
    regions that hold such rows: a table whose grid covers only part of it (its rules lost in
    places). The model runs only on such pages, not on every page."""
    rows = value_rows(words, grids) if grids else []
    if not rows:
        return ()
    tables = [r.box for r in layout_regions(gray) if r.kind == "table"]
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in rows]
    return tuple(t for t in tables if any(t[0] <= x <= t[2] and t[1] <= y <= t[3] for x, y in centres))


__all__ = [
    "PageRead",
    "ink_lines",
    "join_collinear",
    "line_crop",
    "lost_glyph_box",
    "read_page",
    "repair_findings",
    "ruled_grids",
    "skew_angle",
]
