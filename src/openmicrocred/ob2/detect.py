"""Is a JSON document an Open Badges 2.0 Assertion? Pure (no pydantic), so a verifier can
ask on every input without loading the OB 2.0 models (``ob2.models``)."""

from __future__ import annotations

from typing import Any

from .._json import as_list

__all__ = ["OB2_CONTEXT", "OB2_CONTEXTS", "hosted_reference", "is_ob2"]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB2_CONTEXTS = frozenset(
    {OB2_CONTEXT, "https://w3id.org/openbadges/v2/", "https://openbadgespec.org/v2/context.json"}
)


def is_ob2(document: Any) -> bool:
    """Whether a JSON document is an OB 2.0 Assertion: the OB 2.0 context, or ``type``
    ``Assertion`` without the VC contexts."""
    if not isinstance(document, dict):
        return False
    contexts = as_list(document.get("@context"))
    if any(isinstance(c, str) and c in OB2_CONTEXTS for c in contexts):
        return "Assertion" in as_list(document.get("type")) or "recipient" in document
    vc = any(isinstance(c, str) and "credentials" in c for c in contexts)
    return not vc and "Assertion" in as_list(document.get("type"))


def hosted_reference(url: str) -> dict[str, Any]:
    """An Assertion known only by its hosted URL (a legacy baked image, an SVG ``verify``
    URL): verification fetches it from there, as OB 2.0 hosted verification always does."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "verification": {"type": "hosted"},
    }
