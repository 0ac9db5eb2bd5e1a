"""Build an Open Badges 3.0 micro-credential in Python, check it, and print its JSON.

Run: python examples/build_credential.py
"""

from __future__ import annotations

import json

from openmicrocred.demo import build_demo_credential
from openmicrocred.jsonld import check_safe
from openmicrocred.models import parse_credential
from openmicrocred.schema import validate


def main() -> None:
    credential = build_demo_credential()
    data = credential.dump()
    validate(data)
    check_safe(data)
    assert parse_credential(data).dump() == data
    print(json.dumps(data, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
