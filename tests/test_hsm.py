"""Keys in an HSM (issue 16): Ed25519 signing in SoftHSM2 through PKCS#11 (``CKM_EDDSA``).

A token is initialised per test session in a temporary SoftHSM2 store (``SOFTHSM2_CONF``
points at it; SoftHSM2 reads it once per process, so every test here shares the token). The
credentials it signs are verified by the software verifier and by the reference JavaScript
stack (tests/interop: ``interop.mjs`` for Data Integrity, ``jwt.mjs`` for VC-JWT).

The same key then signs through ``openmicrocred issue --key pkcs11:...``, through the service
(``pkcs11`` in an issuer's settings; one worker in-process, and two worker processes), and
as a did:web issuer's key ring entry (``keys rotate --new-key pkcs11:...``, then removed).

Needs Debian's ``softhsm2`` and the ``hsm`` extra (python-pkcs11). Without them the module is
skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmicrocred.cli import main
from openmicrocred.did.keyring import KeyRing, rotate
from openmicrocred.did.resolver import Resolver
from openmicrocred.errors import InputError, SignerError
from openmicrocred.issuance import issue
from openmicrocred.keys import SigningKey, is_ed25519_signer
from openmicrocred.service import create_app
from openmicrocred.service.clients import ClientStore
from openmicrocred.service.settings import load_settings_file
from openmicrocred.status import SQLiteStatusRegistry, publish
from openmicrocred.suites import verify_proofs
from openmicrocred.suites.vc_jwt import verify_jwt
from openmicrocred.verification import Verdict, Verifier
from serving import free_port, running, start_serve

from conftest import SPEC, load

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SOFTHSM_UTIL = shutil.which("softhsm2-util")
ROOT = Path(__file__).resolve().parents[1]
INTEROP = ROOT / "tests" / "interop"
NODE = shutil.which("node")
TOKEN = "openmicrocred-test"
SPARE_TOKEN = "spare"  # no key of this process logs in to it, but the wrong-PIN test
PIN = "246810"
SO_PIN = "13579111"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)


def _missing() -> str | None:
    if SOFTHSM_UTIL is None or not MODULE.is_file():
        return "SoftHSM2 is not installed (apt-get install softhsm2)"
    if importlib.util.find_spec("pkcs11") is None:
        return "python-pkcs11 is not installed (pip install '.[hsm]')"
    return None


_MISSING = _missing()
if _MISSING is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{_MISSING}; with CI=true the HSM tests must run", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)

from openmicrocred.signers.pkcs11 import (  # noqa: E402 - after the skip: needs python-pkcs11
    Pkcs11Ed25519Key,
    Pkcs11KeyRef,
    read_pin,
    tokens,
)


@pytest.fixture(scope="module")
def token_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n",
        encoding="utf-8",
    )
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    assert SOFTHSM_UTIL is not None
    for label in (TOKEN, SPARE_TOKEN):
        init = ["--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN]
        subprocess.run([SOFTHSM_UTIL, *init], check=True, capture_output=True)
    yield folder
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


@pytest.fixture(scope="module")
def hsm_key(token_dir: Path) -> Iterator[Pkcs11Ed25519Key]:
    key = Pkcs11Ed25519Key.generate(
        MODULE, token_label=TOKEN, pin=PIN, key_label="issuer-2026", key_id=b"\x20\x26"
    )
    yield key
    key.close()


def _badge(issuer: str) -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"]["id"] = issuer
    return credential


def _verify(document: Any) -> Any:
    return Verifier(clock=lambda: NOW).verify(document)


def _verify_now(document: Any) -> Any:
    """For what was signed now (by the command or the service)."""
    return Verifier().verify(document)


# ----------------------------------------------------------------------- the token and key


def test_the_token_offers_eddsa(token_dir: Path) -> None:
    found = {t.label: t for t in tokens(MODULE)}
    assert found[TOKEN].eddsa
    assert found[TOKEN].ed25519_keygen
    assert "SoftHSM" in found[TOKEN].manufacturer


def test_the_hsm_key_is_a_signer_and_its_private_key_never_leaves(
    hsm_key: Pkcs11Ed25519Key,
) -> None:
    assert isinstance(hsm_key, SigningKey)
    assert is_ed25519_signer(hsm_key)
    assert hsm_key.extractable is False
    with pytest.raises(SignerError, match="does not reveal the private key"):
        hsm_key.private_value()
    assert hsm_key.public_key.multibase.startswith("z6Mk")
    assert "issuer-2026" in repr(hsm_key)
    # the token's signature verifies with the public key it reports, and no other
    signature = hsm_key.sign(b"data")
    assert len(signature) == 64
    hsm_key.public_key.verify(signature, b"data")


def test_a_key_opened_by_label_or_id_is_the_same_key(hsm_key: Pkcs11Ed25519Key) -> None:
    by_label = Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN, key_label="issuer-2026")
    by_id = Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN, key_id=b"\x20\x26")
    with by_label, by_id:
        assert by_label.public_key == by_id.public_key == hsm_key.public_key


# ------------------------------------------------------------------------- signing paths


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_data_integrity_signed_in_the_hsm_verifies(
    hsm_key: Pkcs11Ed25519Key, cryptosuite: str
) -> None:
    signed = issue(_badge(hsm_key.did), hsm_key, cryptosuite=cryptosuite, created=SIGNED_AT)
    assert signed["proof"]["verificationMethod"] == hsm_key.verification_method
    report = _verify(signed)
    assert report.verdict is Verdict.VERIFIED, report.checks
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    assert _verify(tampered).verdict is Verdict.TAMPERED


def test_vc_jwt_signed_in_the_hsm_verifies(hsm_key: Pkcs11Ed25519Key) -> None:
    token = issue(_badge(hsm_key.did), hsm_key, format="jwt")
    result = verify_jwt(token, resolver=Resolver())
    assert result.controller == hsm_key.did
    assert result.header["kid"] == hsm_key.verification_method
    assert _verify(token).verdict is Verdict.VERIFIED


def test_status_lists_published_with_the_hsm_key_verify(
    hsm_key: Pkcs11Ed25519Key, tmp_path: Path
) -> None:
    registry = SQLiteStatusRegistry(tmp_path / "status.sqlite", base_url="https://hsm.example/s")
    registry.allocate("urn:uuid:hsm-1", ["revocation"])
    published = publish(registry, tmp_path / "lists", hsm_key, issuer=hsm_key.did, now=NOW)
    registry.close()
    assert published
    for item in published:
        document = json.loads(item.path.read_text(encoding="utf-8"))
        results = verify_proofs(document, resolver=Resolver(), now=NOW)
        assert [r.verified for r in results] == [True]
        assert results[0].controller == hsm_key.did


# ------------------------------------------------------------------- the reference JS stack


def _node(script: str, payload: dict[str, Any]) -> Any:
    if NODE is None or not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        reason = "the reference JS stack is missing: npm ci --prefix tests/interop"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [NODE, str(INTEROP / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=INTEROP,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_reference_js_stack_verifies_what_the_hsm_signed(hsm_key: Pkcs11Ed25519Key) -> None:
    signed = issue(_badge(hsm_key.did), hsm_key, created=SIGNED_AT)
    forged = json.loads(json.dumps(signed))
    forged["credentialSubject"]["achievement"]["name"] = "Something else"
    tasks = [
        {"id": "signed", "op": "verify", "credential": signed},
        {"id": "forged", "op": "verify", "credential": forged},
    ]
    out = _node("interop.mjs", {"now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "tasks": tasks})
    results = out["results"]
    assert results["signed"]["full"]["verified"] is True, results["signed"]
    assert results["signed"]["proof"]["verified"] is True
    assert results["forged"]["full"]["verified"] is False


def test_the_reference_js_stack_verifies_a_vc_jwt_signed_in_the_hsm(
    hsm_key: Pkcs11Ed25519Key,
) -> None:
    token = issue(_badge(hsm_key.did), hsm_key, format="jwt")
    head, payload, signature = token.split(".")
    other = "A" if signature[0] != "A" else "B"
    broken = f"{head}.{payload}.{other}{signature[1:]}"
    good, bad = _node("jwt.mjs", {"tokens": [token, broken]})["results"]
    assert good["verified"] is True, good
    assert good["controller"] == hsm_key.did
    assert good["payload"]["issuer"]["id"] == hsm_key.did
    assert bad["verified"] is False


# ---------------------------------------------------------------------------- clear errors


def test_a_wrong_pin_is_a_clear_error(token_dir: Path) -> None:
    with pytest.raises(SignerError, match=f"wrong PIN for token '{TOKEN}'") as caught:
        Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin="000000", key_label="issuer-2026")
    assert "000000" not in str(caught.value)
    assert PIN not in str(caught.value)
    # the token itself refuses it (no login of this process on that token)
    with pytest.raises(SignerError, match=f"wrong PIN for token '{SPARE_TOKEN}'"):
        Pkcs11Ed25519Key.open(MODULE, token_label=SPARE_TOKEN, pin="000000", key_label="k")
    # and the right PIN gets past the login to the next question
    with pytest.raises(SignerError, match="no private key with label 'k'"):
        Pkcs11Ed25519Key.open(MODULE, token_label=SPARE_TOKEN, pin=PIN, key_label="k")


def test_no_such_key_token_or_module(hsm_key: Pkcs11Ed25519Key, tmp_path: Path) -> None:
    with pytest.raises(SignerError, match="no private key with label 'nope' on the token"):
        Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN, key_label="nope")
    with pytest.raises(SignerError, match=f"no token labelled 'other'.*'{TOKEN}'"):
        Pkcs11Ed25519Key.open(MODULE, token_label="other", pin=PIN, key_label="issuer-2026")
    with pytest.raises(SignerError, match="no PKCS#11 module at"):
        Pkcs11Ed25519Key.open(tmp_path / "x.so", token_label=TOKEN, pin=PIN, key_label="k")
    with pytest.raises(SignerError, match="name the key"):
        Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN)
    with pytest.raises(SignerError, match="already has a key labelled 'issuer-2026'"):
        Pkcs11Ed25519Key.generate(MODULE, token_label=TOKEN, pin=PIN, key_label="issuer-2026")


def _raw_keypair(label: str, key_type: str, **private: Any) -> None:
    """A key pair made directly with python-pkcs11, bypassing the signer's safe template (in
    a session that shares the login the ``hsm_key`` fixture holds)."""
    import pkcs11
    from pkcs11.util.ec import encode_named_curve_parameters

    session = pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN).open(rw=True)
    with session:
        attrs = {getattr(pkcs11.Attribute, k): v for k, v in private.items()}
        if key_type == "rsa":
            session.generate_keypair(
                pkcs11.KeyType.RSA, 2048, store=True, label=label, private_template=attrs
            )
        else:
            session.generate_keypair(
                pkcs11.KeyType.EC_EDWARDS,
                store=True,
                label=label,
                public_template={
                    pkcs11.Attribute.EC_PARAMS: encode_named_curve_parameters("1.3.101.112")
                },
                private_template=attrs,
            )


def test_an_extractable_key_is_refused_unless_allowed(hsm_key: Pkcs11Ed25519Key) -> None:
    _raw_keypair("exportable", "ed25519", EXTRACTABLE=True, SENSITIVE=False)
    with pytest.raises(SignerError, match="can be extracted"):
        Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN, key_label="exportable")
    with Pkcs11Ed25519Key.open(
        MODULE, token_label=TOKEN, pin=PIN, key_label="exportable", allow_extractable=True
    ) as key:
        assert key.extractable is True


def test_a_key_that_is_not_ed25519_is_refused(hsm_key: Pkcs11Ed25519Key) -> None:
    _raw_keypair("rsa-key", "rsa")
    with pytest.raises(SignerError, match="is not Ed25519"):
        Pkcs11Ed25519Key.open(MODULE, token_label=TOKEN, pin=PIN, key_label="rsa-key")


def test_the_pin_comes_from_the_environment_or_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", "from-env")
    assert read_pin() == "from-env"
    monkeypatch.delenv("OPENMICROCRED_PKCS11_PIN")
    with pytest.raises(SignerError, match="no PIN: set OPENMICROCRED_PKCS11_PIN"):
        read_pin()
    pin_file = tmp_path / "pin"
    pin_file.write_text("from-file\n", encoding="utf-8")
    pin_file.chmod(0o644)
    with pytest.raises(SignerError, match="can be read by others"):
        read_pin(file=pin_file)
    pin_file.chmod(0o600)
    assert read_pin(file=pin_file) == "from-file"
    with pytest.raises(SignerError, match="cannot read the PIN file"):
        read_pin(file=tmp_path / "missing")


# ------------------------------------------------- naming the key: a PKCS#11 URI, settings

KEY_URI = f"pkcs11:token={TOKEN};object=issuer-2026;type=private?module-path={MODULE}"


def test_a_pkcs11_uri_names_the_key_and_never_carries_the_pin(tmp_path: Path) -> None:
    ref = Pkcs11KeyRef.from_uri(
        f"pkcs11:token=my%20token;object=issuer-2026;id=%20%26?module-path={MODULE}"
        "&pin-source=file:/etc/omc/pin"
    )
    assert (ref.token, ref.key_label, ref.key_id) == ("my token", "issuer-2026", "2026")
    assert ref.module == MODULE
    assert ref.pin_file == Path("/etc/omc/pin")
    assert Pkcs11KeyRef.from_uri(ref.uri) == ref
    refused = {
        f"pkcs11:token=t;object=k?module-path={MODULE}&pin-value=1234": "pin-value would put",
        f"pkcs11:token=t?module-path={MODULE}": "name the key on the token",
        "pkcs11:token=t;object=k": "needs module-path",
        f"pkcs11:token=t;serial=1;object=k?module-path={MODULE}": "attribute 'serial'",
        f"pkcs11:token=t;object=k;type=cert?module-path={MODULE}": "type=private",
        f"pkcs11:token=t;object=k;object=j?module-path={MODULE}": "'object' twice",
        "pkcs11:token=t;object=k?module-path=libsofthsm2.so": "module must be an absolute path",
        "file:/x.pem": "starts with 'pkcs11:'",
    }
    for uri, message in refused.items():
        with pytest.raises(SignerError, match=message) as caught:
            Pkcs11KeyRef.from_uri(uri)
        assert "1234" not in str(caught.value)


def test_openmicrocred_issue_signs_in_the_hsm(
    hsm_key: Pkcs11Ed25519Key,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(_badge(hsm_key.did)), encoding="utf-8")
    monkeypatch.delenv("OPENMICROCRED_PKCS11_PIN", raising=False)
    assert main(["issue", str(unsigned), "--key", KEY_URI]) == 2
    assert "no PIN: set OPENMICROCRED_PKCS11_PIN" in capsys.readouterr().err
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", PIN)
    assert main(["issue", str(unsigned), "--key", KEY_URI, "-o", str(tmp_path / "a.json")]) == 0
    signed = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert signed["proof"]["verificationMethod"] == hsm_key.verification_method
    assert _verify_now(signed).verdict is Verdict.VERIFIED
    # the PIN from a 0600 file named in the URI; VC-JWT
    monkeypatch.delenv("OPENMICROCRED_PKCS11_PIN")
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n", encoding="utf-8")
    pin_file.chmod(0o600)
    with_file = f"{KEY_URI}&pin-source=file:{pin_file}"
    capsys.readouterr()
    assert main(["issue", str(unsigned), "--key", with_file, "--format", "jwt"]) == 0
    assert _verify_now(capsys.readouterr().out.strip()).verdict is Verdict.VERIFIED
    wrong = f"{KEY_URI.replace('issuer-2026', 'nope')}&pin-source=file:{pin_file}"
    assert main(["issue", str(unsigned), "--key", wrong]) == 2
    err = capsys.readouterr().err
    assert "no private key with label 'nope'" in err
    assert PIN not in err


def _settings_file(folder: Path, port: int, pkcs11: str) -> Path:
    settings = folder / "service.toml"
    settings.write_text(
        f'base_url = "http://127.0.0.1:{port}"\ndata_dir = "data"\n\n'
        f'[[issuers]]\nname = "hsm"\n{pkcs11}\n',
        encoding="utf-8",
    )
    return settings


def _issue(http: httpx.Client, data: Path, issuer: str) -> dict[str, Any]:
    client, secret = ClientStore(data / "clients.sqlite").add(["issue"])
    token = http.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, auth=(client.id, secret)
    ).json()["access_token"]
    answer = http.post(
        "/credentials/issue",
        json={"credential": _badge(issuer)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    signed: dict[str, Any] = answer.json()["verifiableCredential"]
    return signed


def test_the_service_signs_with_the_hsm_key_of_its_settings(
    hsm_key: Pkcs11Ed25519Key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", PIN)
    port = free_port()
    table = f'pkcs11 = {{ module = "{MODULE}", token = "{TOKEN}", key_label = "issuer-2026" }}'
    app = create_app(load_settings_file(_settings_file(tmp_path, port, table)))
    assert not (tmp_path / "data" / "issuer-key.pem").exists()  # no key file is made
    with running(app, port), httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        assert http.get("/").json()["issuer"] == hsm_key.did
        signed = _issue(http, tmp_path / "data", hsm_key.did)
        assert signed["proof"]["verificationMethod"] == hsm_key.verification_method
        status_list = http.get(signed["credentialStatus"]["statusListCredential"]).json()
        assert status_list["proof"]["verificationMethod"] == hsm_key.verification_method
        answer = http.post("/credentials/verify", json={"verifiableCredential": signed})
        assert answer.json()["verified"] is True, answer.text
    assert _proof_verifies(signed, hsm_key)


def _proof_verifies(signed: dict[str, Any], key: Pkcs11Ed25519Key) -> bool:
    """The proof alone (the status list is gone with the service)."""
    results = verify_proofs(signed, resolver=Resolver(), now=datetime.now(UTC))
    return [(r.verified, r.controller) for r in results] == [(True, key.did)]


def test_the_service_refuses_a_wrong_hsm_setting_in_one_line(
    hsm_key: Pkcs11Ed25519Key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", "999999")
    uri = f'pkcs11 = "{KEY_URI}"'
    settings = load_settings_file(_settings_file(tmp_path, 8000, uri))
    with pytest.raises(SignerError, match=f"issuer hsm: wrong PIN for token '{TOKEN}'"):
        create_app(settings)
    both = f'key_file = "k.pem"\n{uri}'
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", PIN)
    with pytest.raises(InputError, match="issuer hsm: give pkcs11 or key_file, not both"):
        create_app(load_settings_file(_settings_file(tmp_path, 8000, both)))
    pin_value = f'pkcs11 = "{KEY_URI}&pin-value={PIN}"'
    with pytest.raises(InputError, match=r"issuers\.0\.pkcs11: .*pin-value would put") as caught:
        load_settings_file(_settings_file(tmp_path, 8000, pin_value))
    assert PIN not in str(caught.value)


def test_two_service_workers_each_open_the_hsm_key(
    hsm_key: Pkcs11Ed25519Key, tmp_path: Path
) -> None:
    """The settings go to the workers without the PIN; each worker reads it from the
    environment it inherits and logs in to the token itself."""
    port = free_port()
    settings = _settings_file(tmp_path, port, f'pkcs11 = "{KEY_URI}"')
    env = {**os.environ, "OPENMICROCRED_PKCS11_PIN": PIN}
    log = tmp_path / "serve.log"
    process = start_serve(["--settings", str(settings), "--workers", "2"], port, log, env=env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            issued = [_issue(http, tmp_path / "data", hsm_key.did) for _ in range(4)]
        for signed in issued:
            assert _proof_verifies(signed, hsm_key)
        assert PIN not in log.read_text(encoding="utf-8")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------- rotating into the HSM


def _service_verdict(http: httpx.Client, credential: dict[str, Any]) -> tuple[str, str]:
    report = http.post("/credentials/verify", json={"verifiableCredential": credential}).json()[
        "report"
    ]
    proof = next(c["code"] for c in report["checks"] if c["name"] == "proof")
    return report["verdict"], proof


def _did_web_service(folder: Path, port: int) -> Any:
    settings = folder / "service.toml"
    did = f"did:web:127.0.0.1%3A{port}"
    settings.write_text(
        f'base_url = "http://127.0.0.1:{port}"\ndata_dir = "data"\nissuer_id = "{did}"\n',
        encoding="utf-8",
    )
    return create_app(load_settings_file(settings))


def test_a_did_web_issuer_rotates_into_the_hsm_and_out_again(
    hsm_key: Pkcs11Ed25519Key,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", PIN)
    port = free_port()
    did, data, base = f"did:web:127.0.0.1%3A{port}", tmp_path / "data", f"http://127.0.0.1:{port}"
    app = _did_web_service(tmp_path, port)
    with running(app, port), httpx.Client(base_url=base) as http:
        old = _issue(http, data, did)  # signed with the key file, #key-1

    keygen = ["keys", "hsm-keygen", "--module", str(MODULE), "--token", TOKEN]
    assert main([*keygen, "--label", "rotation-2026"]) == 0
    printed = capsys.readouterr().out
    assert "not extractable" in printed
    uri = KEY_URI.replace("issuer-2026", "rotation-2026")
    assert f"PKCS#11 URI:          {uri}\n" in printed  # what to give `keys rotate --new-key`
    assert main(["keys", "rotate", "--dir", str(data), "--did", did, "--new-key", uri]) == 0
    assert f"{did}#key-2" in capsys.readouterr().out
    ring_text = (data / "keyring.json").read_text(encoding="utf-8")
    assert uri.split("?")[0] in ring_text
    assert PIN not in ring_text

    app = _did_web_service(tmp_path, port)
    with running(app, port), httpx.Client(base_url=base) as http:
        new = _issue(http, data, did)
        assert new["proof"]["verificationMethod"] == f"{did}#key-2"
        for signed in (old, new):
            assert _service_verdict(http, signed) == ("verified", "proof_ok")
    assert main(["keys", "remove", "key-1", "--dir", str(data)]) == 0
    assert main(["keys", "rotate", "--dir", str(data)]) == 0  # key-3: a key file again
    capsys.readouterr()
    assert main(["keys", "remove", "key-2", "--dir", str(data)]) == 0
    assert "still on its token" in capsys.readouterr().out
    assert KeyRing.load(data).removed[-1].pkcs11 == uri  # where it is, to destroy it there

    app = _did_web_service(tmp_path, port)
    with running(app, port), httpx.Client(base_url=base) as http:
        for removed in (old, new):  # unverifiable, never "tampered"
            assert _service_verdict(http, removed) == ("unverifiable", "key_not_published")
        latest = _issue(http, data, did)
        assert _service_verdict(http, latest) == ("verified", "proof_ok")


def test_a_key_ring_can_start_from_the_hsm_key_in_use(
    hsm_key: Pkcs11Ed25519Key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENMICROCRED_PKCS11_PIN", PIN)
    did = "did:web:kmutt.example"
    ref = Pkcs11KeyRef.from_uri(KEY_URI)
    ring = rotate(tmp_path, controller=did, current_key=ref)
    assert [(k.id, k.pkcs11 is not None) for k in ring.keys] == [("key-1", True), ("key-2", False)]
    assert ring.keys[0].public_key == hsm_key.public_key
    with pytest.raises(InputError, match="published already"):
        rotate(tmp_path, new_key=ref)
    # the ring, not the settings, names the keys from now on
    settings = _settings_file(tmp_path, 8000, f'pkcs11 = "{KEY_URI}"')
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('"data"', f'"{tmp_path}"'), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"give pkcs11 or the key ring in .*, not both"):
        create_app(load_settings_file(settings))
    # a token key that is not the one the ring publishes is refused
    raw = json.loads((tmp_path / "keyring.json").read_text(encoding="utf-8"))
    raw["active"] = "key-1"
    Pkcs11Ed25519Key.generate(MODULE, token_label=TOKEN, pin=PIN, key_label="other").close()
    raw["keys"][0]["pkcs11"] = KEY_URI.replace("issuer-2026", "other")
    (tmp_path / "keyring.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(InputError, match="does not hold the key published as 'key-1'"):
        KeyRing.load(tmp_path).signing_key(tmp_path)
