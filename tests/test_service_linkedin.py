"""The issuer's LinkedIn organisation id (issue 14): a setting per issuer, validated, and the
badge page's "Add to LinkedIn" link naming the organisation by id when it is configured and
by name otherwise; against the service as it runs (uvicorn on 127.0.0.1, real HTTP)."""

from __future__ import annotations

import html
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from pydantic import ValidationError

from openmicrocred.errors import InputError
from openmicrocred.service.settings import IssuerSettings, load_settings_file
from test_service_microcredentials import Api, serve

PROFILE = {"name": "KMUTT", "url": "https://www.kmutt.ac.th"}


def _linkedin_query(site: Api) -> dict[str, list[str]]:
    """The query of the LinkedIn link on the page of a badge the site just awarded."""
    key = f"li-{uuid.uuid4().hex[:8]}"
    site.published(key)
    awarded = site.platform("POST", f"/enrolments/{site.passed(key, 'did:example:somchai')}/award")
    assert awarded.status_code == 201, awarded.text
    page = site.http.get(f"/badges/{quote(awarded.json()['id'], safe='')}").text
    found = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert found is not None, "no LinkedIn link on the page"
    return parse_qs(urlsplit(html.unescape(found.group(1))).query)


def test_the_page_links_the_configured_organisation_by_id(tmp_path: Path) -> None:
    issuer = IssuerSettings(name="kmutt", profile=PROFILE, linkedin_organization_id="1234567")
    with serve(tmp_path / "data", issuers=(issuer,)) as site:
        query = _linkedin_query(site)
    assert query["organizationId"] == ["1234567"]
    assert "organizationName" not in query  # the id names the organisation: its logo, its page
    assert query["name"] == ["Data Storytelling"]
    assert query["startTask"] == ["CERTIFICATION_NAME"]


def test_without_an_id_the_page_names_the_organisation(tmp_path: Path) -> None:
    with serve(tmp_path / "data", issuers=(IssuerSettings(name="kmutt", profile=PROFILE),)) as site:
        query = _linkedin_query(site)
    assert query["organizationName"] == ["KMUTT"]
    assert "organizationId" not in query


@pytest.mark.parametrize(
    "value", ["", "12a4", "-5", "0", "1 234", "١٢٣", "1" * 21, 0, -3, 1.5, True]
)
def test_an_organisation_id_is_digits_only(value: object) -> None:
    with pytest.raises(ValidationError, match="LinkedIn organisation id"):
        IssuerSettings(linkedin_organization_id=value)


def test_the_settings_file_takes_the_id_as_text_or_a_number(tmp_path: Path) -> None:
    settings = tmp_path / "service.toml"
    settings.write_text(
        '[[issuers]]\nname = "kmutt"\nlinkedin_organization_id = "1234567"\n'
        '[[issuers]]\nname = "partner"\nlinkedin_organization_id = 7654321\n'
        '[[issuers]]\nname = "other"\n',
        encoding="utf-8",
    )
    issuers = load_settings_file(settings).issuers
    assert [i.linkedin_organization_id for i in issuers] == ["1234567", "7654321", None]
    settings.write_text('[[issuers]]\nlinkedin_organization_id = "KMUTT"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"issuers\.0\.linkedin_organization_id: .*digits"):
        load_settings_file(settings)
