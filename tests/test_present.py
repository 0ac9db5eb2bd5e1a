from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from openmicrocred.bake import bake, unbake
from openmicrocred.keys import Ed25519Key
from openmicrocred.present import (
    badge_page,
    badge_png,
    badge_svg,
    linkedin_add_to_profile_url,
    qr_png,
    qr_svg,
)
from openmicrocred.suites import add_proof
from openmicrocred.verification import verify

from conftest import SPEC, load


def test_qr_codes() -> None:
    url = "https://badges.kmutt.ac.th/verify?id=urn:uuid:1234"
    png = qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr_svg(url)
    assert svg.lstrip().startswith(b"<?xml")
    assert b"<svg" in svg
    assert b"<path" in svg
    # Longer data gives a larger code (more modules); the content is really encoded.
    assert len(qr_svg(url * 10)) > len(svg)


def test_linkedin_url() -> None:
    url = linkedin_add_to_profile_url(
        "Data Storytelling",
        issued=datetime(2026, 11, 25, tzinfo=UTC),
        cert_url="https://badges.kmutt.ac.th/verify?id=1",
        cert_id="urn:uuid:1",
        organization_name="KMUTT & Partners",
        expires=datetime(2029, 1, 1, tzinfo=UTC),
    )
    parts = urlsplit(url)
    assert parts.netloc == "www.linkedin.com"
    query = parse_qs(parts.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Data Storytelling"]
    assert query["organizationName"] == ["KMUTT & Partners"]
    assert query["issueYear"] == ["2026"]
    assert query["issueMonth"] == ["11"]
    assert query["expirationYear"] == ["2029"]
    assert query["certUrl"] == ["https://badges.kmutt.ac.th/verify?id=1"]


def test_badge_images_bake() -> None:
    png = badge_png(64)
    assert png.startswith(b"\x89PNG")
    svg = badge_svg("Data <Storytelling>", "KMUTT & co")
    assert b"Data &lt;Storytelling&gt;" in svg
    credential: dict[str, Any] = {"id": "urn:x", "name": "x"}
    assert unbake(bake(png, credential)) == '{"id":"urn:x","name":"x"}'
    assert unbake(bake(svg, credential)) == '{"id":"urn:x","name":"x"}'


def test_html_page_escapes_everything_and_loads_nothing() -> None:
    key = Ed25519Key.generate()
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = key.did
    credential["issuer"]["name"] = "<script>alert('issuer')</script>"
    credential["credentialSubject"]["achievement"]["name"] = "Team<b>work</b>"
    signed = add_proof(credential, key)
    report = verify(signed)
    page = badge_page(
        signed,
        report=report,
        verify_url="https://x.example/v?id=1&a=<b>",
        linkedin_url="https://www.linkedin.com/profile/add?name=a&b=c",
    )
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Team&lt;b&gt;work&lt;/b&gt;" in page
    assert ">VERIFIED<" in page
    assert "Checked " in page
    # who signed it, in plain words, with the issuer's (escaped) name as its own claim
    assert "Who signed it: a self-made key: the name " in page
    assert "anyone can make such a key" in page
    assert "default-src 'none'" in page.replace("&#39;", "'")
    # Nothing is loaded from elsewhere: no script, no stylesheet, images only as data: URLs;
    # the only link is the LinkedIn one: a "URL" with a raw "<" is shown as text, escaped.
    assert "<script" not in page
    assert "<link" not in page
    assert all(s.startswith("data:") for s in re.findall(r'src="([^"]+)"', page))
    links = re.findall(r'href="([^"]+)"', page)
    assert links == ["https://www.linkedin.com/profile/add?name=a&amp;b=c"]
    assert "https://x.example/v?id=1&amp;a=&lt;b&gt;" in page
    assert "<svg" in page  # the QR code is inline
    signed["name"] = "tampered"
    bad = badge_page(signed, report=verify(signed))
    assert "NOT VERIFIED: forged or altered" in bad
    assert "REVOKED" not in bad
    assert "Not verified on this page" in badge_page(signed)


LINKEDIN_PARAMETERS = {
    "startTask",
    "name",
    "organizationId",
    "organizationName",
    "issueYear",
    "issueMonth",
    "expirationYear",
    "expirationMonth",
    "certUrl",
    "certId",
}
"""The query parameters of LinkedIn's "Add licence or certification" link, as its Add to
Profile page (https://addtoprofile.linkedin.com/) documents them."""


def test_linkedin_url_uses_only_documented_names_and_prefers_the_organisation_id() -> None:
    url = linkedin_add_to_profile_url(
        "การเล่าเรื่องด้วยข้อมูล",
        issued=datetime(2026, 3, 6, tzinfo=UTC),
        cert_url="https://badges.kmutt.ac.th/verify?id=urn%3Auuid%3A1",
        cert_id="urn:uuid:1",
        organization_name="KMUTT",
        organization_id="1234567",
        expires=datetime(2029, 3, 1, tzinfo=UTC),
    )
    query = parse_qs(urlsplit(url).query)
    assert set(query) == LINKEDIN_PARAMETERS - {"organizationName"}
    assert query["organizationId"] == ["1234567"]
    assert query["name"] == ["การเล่าเรื่องด้วยข้อมูล"]  # Thai survives the encoding
    assert query["certUrl"] == ["https://badges.kmutt.ac.th/verify?id=urn%3Auuid%3A1"]
    assert query["expirationMonth"] == ["3"]


def test_the_learners_name_shows_when_the_issuer_stated_it() -> None:
    from openmicrocred.present.pages import badge_view
    from openmicrocred.verification.report import CredentialDisplay

    hashed = {"identityType": "emailAddress", "hashed": True}
    named = {"identityType": "name", "hashed": False, "identity": "สมชาย ใจดี"}
    shown = badge_view(CredentialDisplay(subject={"identifier": [hashed, named]}))
    assert shown.recipient is not None
    assert [p.text for p in shown.recipient.name] == ["สมชาย ใจดี"]
    only_hashed = badge_view(CredentialDisplay(subject={"identifier": [hashed]}))
    assert only_hashed.recipient is None
    assert only_hashed.recipient_note == "email address"
    # a hashed name is no name to show
    secret = {"identityType": "name", "hashed": True, "identity": "sha256$ab"}
    assert badge_view(CredentialDisplay(subject={"identifier": [secret]})).recipient is None
