"""The words people read about a verification, in one place for the pages and the CLI: a
headline and a plain sentence for each :class:`~openmicrocred.verification.report.Verdict`,
a plain sentence for each :class:`~openmicrocred.verification.report.CheckCode`, a name for
each check, who signed in plain words, and names for the specification's types.

Every message is marked with :func:`N_` (for extraction into the catalog, see
``locale/README.md``) and translated when it is used, with the ``gettext`` of the reader's
language (:func:`openmicrocred.present.i18n.translations`). The technical detail (the check's
own message, a DID, a JSON path) is never part of these sentences: the pages put it behind
"details", the CLI on a line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

from ..verification.report import (
    Check,
    CheckCode,
    CheckName,
    CheckStatus,
    Verdict,
    VerificationReport,
)
from ..verification.signer import Signer

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CHECK_NAMES",
    "CHECK_SENTENCES",
    "CREDENTIAL_TYPES",
    "LANGUAGE_WORDS",
    "N_",
    "SECTION_LANGUAGES",
    "TONES",
    "VERDICT_WORDS",
    "Tone",
    "check_name",
    "check_sentence",
    "human_type",
    "language_name",
    "plain_reasons",
    "report_lines",
    "signer_sentence",
    "verdict_words",
]

Translate = Callable[[str], str]
Tone = Literal["ok", "warn", "bad", "unknown"]


def N_(message: str) -> str:  # noqa: N802 (gettext's marker name)
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


def _same(message: str) -> str:
    return message


UNCHECKED = "unchecked"
"""Not a verdict: a page showing a badge that was not verified."""

VERDICT_WORDS: dict[str, tuple[str, str]] = {
    Verdict.VERIFIED: (
        N_("VERIFIED"),
        N_("Signed by its issuer, unaltered, valid and not revoked."),
    ),
    Verdict.TAMPERED: (
        N_("NOT VERIFIED: forged or altered"),
        N_(
            "The signature does not match what the badge says: it was changed after it was "
            "signed, or signed by someone other than the issuer it names. Do not rely on it."
        ),
    ),
    Verdict.INVALID: (
        N_("NOT VERIFIED: not a valid badge"),
        N_("This is not a well-formed Open Badges credential."),
    ),
    Verdict.UNSIGNED: (
        N_("NOT VERIFIED: unsigned"),
        N_("It carries no signature: nothing says who made it."),
    ),
    Verdict.REVOKED: (N_("REVOKED"), N_("Authentic, but its issuer has revoked it.")),
    Verdict.SUSPENDED: (
        N_("SUSPENDED"),
        N_("Authentic, but its issuer has suspended it for now."),
    ),
    Verdict.EXPIRED: (N_("EXPIRED"), N_("Authentic, but it has expired.")),
    Verdict.NOT_YET_VALID: (N_("NOT YET VALID"), N_("Authentic, but it is not valid yet.")),
    Verdict.RECIPIENT_MISMATCH: (
        N_("NOT VERIFIED: another recipient"),
        N_("Authentic, but not issued to this recipient."),
    ),
    Verdict.UNTRUSTED_ISSUER: (
        N_("NOT VERIFIED: unknown issuer"),
        N_("Authentic, but its issuer is on none of the trust lists this verifier uses."),
    ),
    Verdict.UNVERIFIABLE: (
        N_("COULD NOT CHECK"),
        N_(
            "Some checks could not be made (a document could not be fetched, or a method is "
            "not supported), so it cannot be called verified. This does not mean it is forged."
        ),
    ),
    UNCHECKED: (
        N_("NOT CHECKED"),
        N_("Not verified on this page: verify the badge with any Open Badges 3.0 verifier."),
    ),
}
"""Each verdict's headline and its plain sentence (and the page's ``unchecked``)."""

TONES: dict[str, Tone] = {
    Verdict.VERIFIED: "ok",
    Verdict.REVOKED: "warn",
    Verdict.SUSPENDED: "warn",
    Verdict.EXPIRED: "warn",
    Verdict.NOT_YET_VALID: "warn",
    Verdict.RECIPIENT_MISMATCH: "warn",
    Verdict.UNTRUSTED_ISSUER: "warn",
    Verdict.TAMPERED: "bad",
    Verdict.INVALID: "bad",
    Verdict.UNSIGNED: "bad",
    Verdict.UNVERIFIABLE: "unknown",
    UNCHECKED: "unknown",
}
"""Each verdict's colour: green, amber, red, and a neutral grey for "could not check" (never
the red of a forged badge)."""


def verdict_words(verdict: str, translate: Translate = _same) -> tuple[str, str]:
    """The headline and the plain sentence of ``verdict`` (an unknown one: could not check)."""
    headline, sentence = VERDICT_WORDS.get(verdict, VERDICT_WORDS[Verdict.UNVERIFIABLE])
    return translate(headline), translate(sentence)


CHECK_NAMES: dict[str, str] = {
    CheckName.JSONLD: N_("Data reads the same everywhere"),
    CheckName.STRUCTURE: N_("Badge format"),
    CheckName.SCHEMA: N_("Data rules the badge names"),
    CheckName.SCHEMA_1EDTECH: N_("Open Badges data rules"),
    CheckName.PROOF: N_("Digital signature"),
    CheckName.DATES: N_("Dates"),
    CheckName.STATUS: N_("Revocation"),
    CheckName.REFRESH: N_("Updates"),
    CheckName.RECIPIENT: N_("Recipient"),
    CheckName.ISSUER: N_("Trusted issuer"),
    CheckName.ENDORSEMENTS: N_("Endorsements"),
    CheckName.INCLUDED: N_("Badges in the record"),
}


def check_name(name: str, translate: Translate = _same) -> str:
    """A check's name for people (an unknown one as it is)."""
    found = CHECK_NAMES.get(name)
    return translate(found) if found else name


_BY_STATUS: dict[str, str] = {
    CheckStatus.PASSED: N_("This check passed."),
    CheckStatus.FAILED: N_("This check failed."),
    CheckStatus.ERROR: N_("This could not be checked."),
    CheckStatus.SKIPPED: N_("This check does not apply."),
}

_STATUS_LIST_UNKNOWN = N_(
    "The issuer's revocation list could not be read, so it is unknown whether the badge "
    "was revoked."
)
_NOT_WELL_FORMED = N_("The badge is not well-formed.")
_COULD_NOT_CHECK = N_("Something could not be checked.")

CHECK_SENTENCES: dict[CheckCode, str] = {
    # passed, or did not apply
    CheckCode.JSONLD_OK: N_("The badge's data reads the same to every program that checks it."),
    CheckCode.STRUCTURE_OK: N_("The badge is laid out as an Open Badge should be."),
    CheckCode.SCHEMA_OK: N_("The badge follows the data rules it names."),
    CheckCode.PROOF_OK: N_(
        "The issuer's digital signature is genuine: nothing was changed after signing."
    ),
    CheckCode.PROOF_OK_UNBOUND: N_(
        "The digital signature is genuine, but nothing ties its key to the issuer named on "
        "the badge."
    ),
    CheckCode.PROOF_SKIPPED: N_(
        "One of the badge's signatures could not be checked; another one was, and it is genuine."
    ),
    CheckCode.DATES_OK: N_("The badge is within its dates of validity."),
    CheckCode.ACTIVE: N_("The issuer has not revoked or suspended the badge."),
    CheckCode.NO_STATUS: N_("The badge names no revocation list, so it cannot be revoked."),
    CheckCode.NO_REFRESH: N_("The badge names no service that gives an updated copy."),
    CheckCode.REFRESH_NOTED: N_("The badge names a service that gives an updated copy."),
    CheckCode.RECIPIENT_OK: N_("The badge was issued to the person it was checked against."),
    CheckCode.TRUSTED_ISSUER: N_("The issuer is on a list of issuers this verifier trusts."),
    CheckCode.NO_ENDORSEMENTS: N_("No one else has endorsed the badge."),
    CheckCode.ENDORSEMENTS_OK: N_("Every endorsement of the badge is genuine."),
    CheckCode.ENDORSEMENT_DEPTH: N_("Endorsements nested too deep were not checked."),
    CheckCode.INCLUDED_OK: N_("Every badge in this record is genuine."),
    # failed, or could not be checked
    CheckCode.INTERNAL_ERROR: N_(
        "The verifier met an unexpected problem, so this could not be checked."
    ),
    CheckCode.SUBJECT_UNIDENTIFIED: N_("The badge does not say whom it was awarded to."),
    CheckCode.SCHEMA_UNAVAILABLE: N_(
        "A set of data rules the badge names could not be loaded, so it was not checked "
        "against them."
    ),
    CheckCode.NO_PROOF: N_("The badge carries no digital signature."),
    CheckCode.NOT_A_CREDENTIAL: N_("This is not a digital credential."),
    CheckCode.INVALID: _NOT_WELL_FORMED,
    CheckCode.ERROR: _COULD_NOT_CHECK,
    CheckCode.ISSUER_KEY_MISMATCH: N_(
        "The badge was signed with a key that does not belong to the issuer it names."
    ),
    CheckCode.ISSUER_KEY_UNBOUND: N_(
        "Nothing ties the signing key to the issuer named on the badge."
    ),
    CheckCode.INVALID_DATE: N_("A date on the badge is not a valid date."),
    CheckCode.NO_VALID_FROM: N_("The badge does not say from when it is valid."),
    CheckCode.NOT_YET_VALID: N_("The badge is not valid yet."),
    CheckCode.EXPIRED: N_("The badge has expired."),
    CheckCode.STATUS_NOT_CHECKED: N_("Whether the badge was revoked could not be checked."),
    CheckCode.INVALID_STATUS_ENTRY: N_("The badge's revocation entry is not well-formed."),
    CheckCode.UNSUPPORTED_STATUS_METHOD: N_(
        "The badge uses a kind of revocation list this verifier does not know."
    ),
    CheckCode.STATUS_LIST_UNREACHABLE: N_(
        "The issuer's revocation list could not be reached, so it is unknown whether the "
        "badge was revoked."
    ),
    CheckCode.STATUS_LIST_INVALID: _STATUS_LIST_UNKNOWN,
    CheckCode.STATUS_LIST_ID_MISMATCH: N_(
        "The issuer's revocation list was found at an address other than the one it names."
    ),
    CheckCode.REVOKED: N_("The issuer has revoked the badge."),
    CheckCode.SUSPENDED: N_("The issuer has suspended the badge for now."),
    CheckCode.STATUS_REFRESH: N_("The issuer asks that a fresh copy of the badge be obtained."),
    CheckCode.STATUS_MESSAGE: N_("The issuer has left a status message about the badge."),
    CheckCode.STATUS_SET: N_("The issuer has marked the badge on one of its status lists."),
    CheckCode.RECIPIENT_MISMATCH: N_(
        "The badge was not issued to the person it was checked against."
    ),
    CheckCode.UNKNOWN_ISSUER: N_("The issuer is on none of the trust lists this verifier uses."),
    CheckCode.ENDORSEMENT_INVALID: N_("An endorsement of the badge is not genuine."),
    CheckCode.NO_INCLUDED_CREDENTIALS: N_("This record carries no badges."),
    CheckCode.INCLUSION_DEPTH: N_("Records nested too deep were not checked."),
    CheckCode.INCLUDED_INVALID: N_("A badge in this record is not genuine."),
    CheckCode.ASSERTION_ID_MISMATCH: N_(
        "The badge's published copy is not at the address the badge gives for it."
    ),
    CheckCode.HOSTED_SCOPE_MISMATCH: N_(
        "The badge is published on a website the issuer does not name as its own."
    ),
    CheckCode.KEY_NOT_PUBLISHED: N_(
        "The issuer no longer lists the key that signed the badge, so the signature could "
        "not be checked."
    ),
    CheckCode.SIGNER_ERROR: N_("The issuer's signing device could not sign."),
    # the codes of the library's exceptions
    CheckCode.BAKE_ERROR: N_("The badge could not be read from the image."),
    CheckCode.CANONICALIZATION_FAILED: N_(
        "The badge's data could not be prepared for checking its signature."
    ),
    CheckCode.DOCUMENT_NOT_LOADED: N_("A document the badge refers to could not be loaded."),
    CheckCode.FETCH_FAILED: N_(
        "Something the badge refers to could not be fetched from the internet."
    ),
    CheckCode.INVALID_CREDENTIAL: _NOT_WELL_FORMED,
    CheckCode.INVALID_KEY: N_("The issuer's key cannot be used."),
    CheckCode.INVALID_PROOF: N_("The badge's digital signature is not well-formed."),
    CheckCode.JSONLD_ERROR: N_("The badge's data cannot be read reliably."),
    CheckCode.JSONLD_SAFE_MODE: N_(
        "Programs could read the badge's data differently from what was signed."
    ),
    CheckCode.NO_USABLE_KEY: N_("No key of the issuer was found to check the signature with."),
    CheckCode.PROOF_EXPIRED: N_("The digital signature has expired."),
    CheckCode.PROOF_NOT_YET_VALID: N_("The digital signature is not valid yet."),
    CheckCode.RESOLUTION_FAILED: N_("The issuer's published keys could not be looked up."),
    CheckCode.SCHEMA_INVALID: N_("The badge breaks the data rules it names."),
    CheckCode.SIGNATURE_INVALID: N_(
        "The digital signature does not match the badge: it was changed after signing, or "
        "signed by someone else."
    ),
    CheckCode.STATUS_LIST_ERROR: _STATUS_LIST_UNKNOWN,
    CheckCode.SUITE_ERROR: N_("The digital signature could not be checked."),
    CheckCode.UNSUPPORTED_SUITE: N_("The badge is signed in a way this verifier does not support."),
    CheckCode.UNUSABLE_INPUT: N_("This could not be read as a badge."),
    CheckCode.WORKFLOW_ERROR: N_("A step of the process could not be completed."),
    CheckCode.OTHER_ERROR: _COULD_NOT_CHECK,
}
"""A plain sentence for every check code (a test holds it complete)."""


def check_sentence(check: Check, translate: Translate = _same) -> str:
    """What ``check`` found, in a plain sentence (its technical message is left out)."""
    try:
        sentence = CHECK_SENTENCES.get(CheckCode(check.code))
    except ValueError:
        sentence = None
    return translate(sentence or _BY_STATUS[check.status])


def plain_reasons(checks: Iterable[Check], translate: Translate = _same) -> list[str]:
    """The plain sentences of the checks that keep a badge from being verified, once each."""
    found: list[str] = []
    for check in checks:
        if check.blocking:
            sentence = check_sentence(check, translate)
            if sentence not in found:
                found.append(sentence)
    return found


def signer_sentence(signer: Signer, issuer_name: str | None, translate: Translate = _same) -> str:
    """Who signed, in plain words: a key published on a domain, or one anyone can make (and
    then the issuer's name is only its own claim). The DID itself is left to the details."""
    if signer.kind in ("did:web", "https") and signer.domain:
        return translate(N_("the key is published by the website %(domain)s")) % {
            "domain": signer.domain
        }
    if signer.kind in ("did:key", "jwk"):
        if issuer_name:
            message = N_(
                "a self-made key: the name “%(name)s” is the issuer's own claim; anyone can "
                "make such a key"
            )
            return translate(message) % {"name": issuer_name}
        return translate(
            N_("a self-made key: the issuer's name is its own claim; anyone can make such a key")
        )
    return translate(N_("a key that no website vouches for"))


# -- the specification's types -------------------------------------------------------------

ACHIEVEMENT_TYPES: dict[str, str] = {
    "Achievement": N_("Achievement"),
    "ApprenticeshipCertificate": N_("Apprenticeship certificate"),
    "Assessment": N_("Assessment"),
    "Assignment": N_("Assignment"),
    "AssociateDegree": N_("Associate degree"),
    "Award": N_("Award"),
    "Badge": N_("Badge"),
    "BachelorDegree": N_("Bachelor's degree"),
    "Certificate": N_("Certificate"),
    "CertificateOfCompletion": N_("Certificate of completion"),
    "Certification": N_("Certification"),
    "CommunityService": N_("Community service"),
    "Competency": N_("Competency"),
    "Course": N_("Course"),
    "CoCurricular": N_("Co-curricular activity"),
    "Degree": N_("Degree"),
    "Diploma": N_("Diploma"),
    "DoctoralDegree": N_("Doctoral degree"),
    "Fieldwork": N_("Fieldwork"),
    "GeneralEducationDevelopment": N_("General Education Development (GED)"),
    "JourneymanCertificate": N_("Journeyman certificate"),
    "LearningProgram": N_("Learning programme"),
    "License": N_("Licence"),
    "Membership": N_("Membership"),
    "ProfessionalDoctorate": N_("Professional doctorate"),
    "QualityAssuranceCredential": N_("Quality assurance credential"),
    "MasterCertificate": N_("Master's certificate"),
    "MasterDegree": N_("Master's degree"),
    "MicroCredential": N_("Micro-credential"),
    "ResearchDoctorate": N_("Research doctorate"),
    "SecondarySchoolDiploma": N_("Secondary school diploma"),
}
"""OB 3.0's AchievementType vocabulary, named for people."""

CREDENTIAL_TYPES: dict[str, str] = {
    "OpenBadgeCredential": N_("Open Badge"),
    "AchievementCredential": N_("Open Badge"),
    "ClrCredential": N_("Comprehensive Learner Record"),
    "EndorsementCredential": N_("Endorsement"),
}

OTHER_TERMS: dict[str, str] = {
    # ResultStatusType
    "Completed": N_("Completed"),
    "Enrolled": N_("Enrolled"),
    "Failed": N_("Failed"),
    "InProgress": N_("In progress"),
    "OnHold": N_("On hold"),
    "Provisional": N_("Provisional"),
    "Withdrew": N_("Withdrew"),
    # IdentifierTypeEnum, as in "the holder of a hashed email address"
    "emailAddress": N_("email address"),
    "nationalIdentityNumber": N_("national identity number"),
    "studentId": N_("student id"),
    "sourcedId": N_("sourced id"),
    "systemId": N_("system id"),
    "userName": N_("user name"),
    "accountId": N_("account id"),
    "identifier": N_("identifier"),
    "name": N_("name"),
}
"""Other terms of the specification a page shows (result statuses, identifier kinds)."""

_TERMS = {**ACHIEVEMENT_TYPES, **CREDENTIAL_TYPES, **OTHER_TERMS}


def human_type(value: Any, translate: Translate = _same) -> str | None:
    """A term's name for people: ``MicroCredential`` -> "Micro-credential" (translated);
    an extension's own term (``ext:OnlineCourse``) is spelt out ("Online course") but not
    translated, since no catalog knows it."""
    if not isinstance(value, str) or not value.strip():
        return None
    known = _TERMS.get(value)
    if known:
        return translate(known)
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value.removeprefix("ext:")).split()
    words = " ".join(w if n == 0 else w.lower() for n, w in enumerate(split))
    return words or value


# -- languages of credential content ------------------------------------------------------

LANGUAGE_WORDS: dict[str, str] = {"en": N_("English"), "th": N_("Thai")}
"""The languages a credential's content may be in, named in the reader's language."""

SECTION_LANGUAGES: dict[str, str] = {"In English": "en", "ฉบับภาษาไทย": "th"}
"""The headings (``# ...`` after a ``---``) that open a section of a criteria narrative in
another language, as :func:`openmicrocred.microcredential.criteria_narrative` writes them
(its words for "In English" in each language), and the language each section is in."""


def language_name(tag: str, translate: Translate = _same) -> str:
    """A language tag (``en``, ``th-TH``) named for people; an unknown tag as it is."""
    known = LANGUAGE_WORDS.get(tag.split("-")[0].lower())
    return translate(known) if known else tag


def report_lines(report: VerificationReport, translate: Translate = _same) -> list[str]:
    """The verdict of ``report`` for a terminal: the headline (with who signed it), its
    plain sentence and the plain reasons, one per line (the CLI's ``--lang``)."""
    headline, sentence = verdict_words(report.verdict.value, translate)
    if report.signer is not None:
        issuer = report.display.issuer.get("name") if report.display else None
        name = issuer if isinstance(issuer, str) else None
        headline += f" — {signer_sentence(report.signer, name, translate)}"
    lines = [headline, f"  {sentence}"]
    lines += [f"  • {reason}" for reason in plain_reasons(report.checks, translate)]
    return lines
