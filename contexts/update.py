"""Refresh the bundled contexts and manifest.json from a folder with an INDEX.json.

Usage: python contexts/update.py ../shared/spec/contexts

Manifest entries that the INDEX does not list (contexts added here directly) are kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(source: Path) -> None:
    index = json.loads((source / "INDEX.json").read_text(encoding="utf-8"))
    entries = []
    for url, info in index["contexts"].items():
        data = (source / info["file"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != info["sha256"]:
            raise SystemExit(f"{info['file']}: digest differs from its INDEX.json entry")
        shutil.copyfile(source / info["file"], HERE / info["file"])
        entries.append(
            {
                "url": url,
                "file": info["file"],
                "sha256": digest,
                "bytes": len(data),
                "source": info["source"],
                "license": info["license"],
                "note": info.get("note", ""),
            }
        )
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    local = _local_entries(manifest["contexts"], {e["url"] for e in entries})
    manifest["contexts"] = entries + local
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (HERE / "manifest.json").write_text(text, encoding="utf-8")
    print(f"{len(entries)} contexts written, {len(local)} local additions kept")


def _local_entries(current: list[dict[str, str]], updated: set[str]) -> list[dict[str, str]]:
    """Entries added here, not in the shared INDEX.json (the older OB 3.0 context URLs):
    kept as they are, provided their file is still here with the recorded digest."""
    kept = []
    for entry in current:
        if entry["url"] in updated:
            continue
        data = (HERE / entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{entry['file']}: digest differs from its manifest entry")
        kept.append(entry)
    return kept


if __name__ == "__main__":
    main(Path(sys.argv[1]))
