"""HR verifier: verify a badge (JSON, JWT, PNG, SVG or URL) and read what it says.

Run: python examples/verify_badge.py BADGE [--online]
"""

from __future__ import annotations

import sys

from openmicrocred import Fetcher, FetchPolicy, Verifier


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    # Offline unless asked; a networked fetcher opens its HTTP client on its first fetch.
    online = "--online" in sys.argv
    with Fetcher.networked(FetchPolicy()) if online else Fetcher() as fetcher:
        report = Verifier(fetcher=fetcher).verify(sys.argv[1])
    print(f"{report.verdict.value}: verified={report.verified}")
    if report.display:
        print(
            f"  {report.display.achievement.get('name')} from "
            f"{report.display.issuer.get('name') or report.display.issuer.get('id')}"
        )
    for check in report.checks:
        print(f"  {check.status.value:<7} {check.name}: {check.message}")
    return 0 if report.verified else 1


if __name__ == "__main__":
    sys.exit(main())
