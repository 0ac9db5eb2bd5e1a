"""LinkedIn "Add to profile" links for a certification."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

__all__ = ["linkedin_add_to_profile_url"]


def linkedin_add_to_profile_url(
    name: str,
    *,
    issued: datetime,
    cert_url: str | None = None,
    cert_id: str | None = None,
    organization_name: str | None = None,
    organization_id: str | None = None,
    expires: datetime | None = None,
) -> str:
    """A URL that opens LinkedIn's "Add licence or certification" form, pre-filled.

    :param name: the badge (certification) name.
    :param issued: when it was awarded (year and month are used).
    :param cert_url: where the badge can be verified.
    :param cert_id: the credential id.
    :param organization_id: the issuer's LinkedIn organisation id, if known (preferred
        over ``organization_name``).
    """
    params: dict[str, str] = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_id:
        params["organizationId"] = organization_id
    elif organization_name:
        params["organizationName"] = organization_name
    params["issueYear"] = str(issued.year)
    params["issueMonth"] = str(issued.month)
    if expires is not None:
        params["expirationYear"] = str(expires.year)
        params["expirationMonth"] = str(expires.month)
    if cert_url:
        params["certUrl"] = cert_url
    if cert_id:
        params["certId"] = cert_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
