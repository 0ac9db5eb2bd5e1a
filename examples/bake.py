"""Bake a signed badge into PNG and SVG images, read it back, and verify the images.

Run: python examples/bake.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from issue_badge import make_badge  # the example next to this one

from openmicrocred import verify
from openmicrocred.bake import bake, unbake
from openmicrocred.present import badge_png, badge_svg


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    credential = make_badge()
    png = bake(badge_png(), credential)
    svg = bake(badge_svg("Data Storytelling", "KMUTT"), credential)
    (folder / "badge.png").write_bytes(png)
    (folder / "badge.svg").write_bytes(svg)
    assert json.loads(unbake(png)) == credential
    for name in ("badge.png", "badge.svg"):
        report = verify(folder / name)
        print(f"{name}: {report.verdict.value}")


if __name__ == "__main__":
    main()
