"""Reading pages without a sound text layer, and the page geometry PDFs share with them.

``grid`` recovers table grids (with merged cells) from ruling lines, ``assemble``
turns positioned words and grids into document blocks, ``garbage`` tells a junk
text layer, ``normalize`` makes a scanned or photographed page flat and straight
(seal, perspective, light, tilt), ``page`` reads a page image (deskew, rules, OCR of cells and text
lines), ``numbers`` undoes OCR's confusions in numbers, and ``engine`` wraps
the OCR engine (rapidocr by default, PaddleOCR by ``GOVREPORT_OCR=paddle``).
"""
