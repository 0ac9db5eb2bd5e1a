from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openmicrocred.cli import main

from conftest import SPEC

REPO = Path(__file__).resolve().parents[1]


def test_demo_and_its_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", str(out)]) == 0
    text = capsys.readouterr().out
    assert "attempt 1 -> revise_and_resubmit" in text
    assert "attempt 2 -> pass" in text
    assert "All badges verified as expected." in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["registry"] == "status.db"
    assert (out / manifest["registry"]).exists()
    assert {b["state"] for b in manifest["badges"]} == {"active", "revoked"}
    flags = [f"--resource={url}={out / file}" for url, file in manifest["resources"].items()]
    for badge in manifest["badges"]:
        expected = 0 if badge["state"] == "active" else 1
        for key in ("file", "png", "svg"):
            code = main(["verify", "--offline", *flags, str(out / badge[key])])
            assert code == expected, (badge, key)
        credential = json.loads((out / badge["file"]).read_text())
        assert credential["id"] == badge["id"]
        assert (out / badge["html"]).read_text().startswith("<!DOCTYPE html>")
        assert (out / badge["qr"]).read_bytes().startswith(b"\x89PNG")
    assert "revoked" in capsys.readouterr().out.lower()
    assert main(["verify", "--offline", *flags, str(out / manifest["clr"])]) == 0


def test_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SPEC / "ob3-basic.unsigned.json")]) == 0
    assert "ok (model" in capsys.readouterr().out
    bad = json.loads((SPEC / "ob3-basic.unsigned.json").read_text())
    bad["grade"] = "A"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["check", str(path)]) == 1
    assert "$.grade" in capsys.readouterr().out
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG not json")
    assert main(["check", str(garbage)]) == 2
    assert "cannot read JSON" in capsys.readouterr().err


def test_contexts_lists_the_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contexts"]) == 0
    assert "https://www.w3.org/ns/credentials/v2" in capsys.readouterr().out


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2


def test_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "openmicrocred", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("openmicrocred ")


def test_canon_prints_nquads_and_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = SPEC / "test-vectors" / "ob3"
    assert main(["canon", str(folder / "credential.unsigned.json")]) == 0
    assert capsys.readouterr().out == (folder / "document-canon.txt").read_text()
    assert main(["canon", "--hash", str(folder / "credential.unsigned.json")]) == 0
    vector = json.loads((folder / "vector.json").read_text())
    assert capsys.readouterr().out.strip() == vector["documentHashHex"]
    nq = tmp_path / "in.nq"
    nq.write_text("_:x <https://example.org/p> _:y .\n")
    assert main(["canon", "--hash-algorithm", "sha384", str(nq)]) == 0
    line = capsys.readouterr().out
    assert sorted(line.split()[::2][:2]) == ["_:c14n0", "_:c14n1"]
    assert line.endswith(" <https://example.org/p> " + line.split()[2] + " .\n")
    bad = json.loads((folder / "credential.unsigned.json").read_text())
    bad["undefinedTerm"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["canon", str(path)]) == 1
    assert "$.undefinedTerm" in capsys.readouterr().err


def test_demo_runs_twice_in_one_folder(tmp_path: Path) -> None:
    assert main(["demo", str(tmp_path)]) == 0
    first = (tmp_path / "issuer-key.pem").read_bytes()
    assert main(["demo", str(tmp_path)]) == 0
    assert (tmp_path / "issuer-key.pem").read_bytes() == first
    assert oct((tmp_path / "issuer-key.pem").stat().st_mode & 0o777) == "0o600"


def test_keygen_and_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "issuer.pem"
    assert main(["keygen", "-o", str(key), "--did-web", "https://kmutt.example/issuers/1"]) == 0
    out = capsys.readouterr().out
    assert "did:web:kmutt.example:issuers:1" in out
    did_key = next(line.split()[-1] for line in out.splitlines() if line.startswith("did:key"))
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    document = json.loads((tmp_path / "did.json").read_text())
    assert document["id"] == "did:web:kmutt.example:issuers:1"
    assert main(["keygen", "-o", str(key)]) == 2  # never overwrites a key
    capsys.readouterr()

    credential = json.loads((SPEC / "ob3-basic.unsigned.json").read_text())
    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(credential))
    assert main(["issue", str(unsigned), "--key", str(key)]) == 2
    assert "set the issuer to the key's DID" in capsys.readouterr().err
    credential["issuer"]["id"] = did_key
    unsigned.write_text(json.dumps(credential))
    registry = tmp_path / "status.db"
    assert (
        main(
            [
                "status",
                "init",
                "--registry",
                str(registry),
                "--base-url",
                "https://kmutt.example/status",
            ]
        )
        == 0
    )
    signed = tmp_path / "signed.json"
    assert (
        main(
            [
                "issue",
                str(unsigned),
                "--key",
                str(key),
                "--registry",
                str(registry),
                "-o",
                str(signed),
            ]
        )
        == 0
    )
    document = json.loads(signed.read_text())
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert main(["verify", "--offline", "--json", str(signed)]) == 1  # status list not hosted
    capsys.readouterr()
    token = tmp_path / "badge.jwt"
    assert (
        main(["issue", str(unsigned), "--key", str(key), "--format", "jwt", "-o", str(token)]) == 0
    )
    assert main(["verify", "--offline", str(token)]) == 0


def test_benchmark_script_runs(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "sign_verify.py"),
            "--repeat",
            "1",
            str(SPEC / "ob3-basic.unsigned.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = json.loads(out.stdout.strip())
    assert set(line) == {
        "file",
        "quads",
        "sign_ms",
        "verify_ms",
        "baseline_sign_ms",
        "baseline_verify_ms",
    }
    assert line["quads"] > 10


def _signed_badge(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    from datetime import UTC, datetime

    from openmicrocred.keys import Ed25519Key
    from openmicrocred.suites import add_proof

    key = Ed25519Key.from_seed(bytes(range(32)))
    credential = json.loads((SPEC / "ob3-basic.unsigned.json").read_text())
    credential["issuer"]["id"] = key.did
    credential["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "learner@example.ac.th",
            "identityType": "emailAddress",
        }
    ]
    signed = add_proof(credential, key, created=datetime(2026, 1, 1, tzinfo=UTC))
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed))
    return path, signed


def test_verify_exit_codes_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, signed = _signed_badge(tmp_path)
    assert main(["verify", "--offline", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("VERIFIED")
    assert "Teamwork" in out
    forged = dict(signed, name="Forged")
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(forged))
    assert main(["verify", "--offline", str(bad)]) == 1
    assert "forged or tampered" in capsys.readouterr().out
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01garbage")
    assert main(["verify", "--offline", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1  # one clear line, no traceback
    assert "Traceback" not in err
    assert main(["verify", "--offline", str(tmp_path / "missing.json")]) == 2
    # Several inputs: the worst exit code wins.
    assert main(["verify", "--offline", str(path), str(bad)]) == 1


def test_verify_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = _signed_badge(tmp_path)
    assert main(["verify", "--offline", "--json", str(path)]) == 0
    (report,) = json.loads(capsys.readouterr().out)  # an array, even for one input
    assert report["verified"] is True
    assert {"name", "status", "code", "message", "path"} <= set(report["checks"][0])
    assert [c["name"] for c in report["checks"]][:2] == ["jsonld", "structure"]


def test_verify_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, signed = _signed_badge(tmp_path)
    trust = tmp_path / "trust.txt"
    trust.write_text(f"# our partners\n{signed['issuer']['id']}\n")
    assert main(["verify", "--offline", "--trust", str(trust), str(path)]) == 0
    assert f"(listed by {trust})" in capsys.readouterr().out
    other = tmp_path / "trust.json"
    other.write_text(json.dumps(["did:web:someone.example"]))
    assert main(["verify", "--offline", "--trust", str(other), str(path)]) == 1
    shown = capsys.readouterr().out
    assert "the issuer is on none of your trust lists" in shown
    assert "(on none of your trust lists)" in shown
    # either list is enough
    both = ["--trust", str(other), "--trust", str(trust)]
    assert main(["verify", "--offline", *both, str(path)]) == 0
    capsys.readouterr()
    broken = tmp_path / "broken.json"
    broken.write_text('{"registry": 5}')
    assert main(["verify", "--offline", "--trust", str(broken), str(path)]) == 2
    assert "not a trust list" in capsys.readouterr().err
    assert main(["verify", "--offline", "--recipient", "learner@example.ac.th", str(path)]) == 0
    capsys.readouterr()
    assert main(["verify", "--offline", "--recipient", "x@example.ac.th", str(path)]) == 1
    assert "not issued to this recipient" in capsys.readouterr().out
    assert main(["verify", "--offline", "--at", "2009-01-01T00:00:00Z", str(path)]) == 1
    assert "not yet valid" in capsys.readouterr().out
    assert main(["verify", "--offline", "--at", "yesterday", str(path)]) == 2
    assert main(["verify", "--offline", "--resource", "nonsense", str(path)]) == 2


def test_verify_resource_for_did_web(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = tmp_path / "demo"
    assert main(["demo", str(demo)]) == 0
    capsys.readouterr()
    manifest = json.loads((demo / "manifest.json").read_text())
    badge = demo / manifest["badges"][0]["png"]
    assert main(["verify", "--offline", str(badge)]) == 1
    assert "could not be fully checked" in capsys.readouterr().out
    flags = []
    for url, file in manifest["resources"].items():
        flags += ["--resource", f"{url}={demo / file}"]
    assert main(["verify", "--offline", *flags, str(badge)]) == 0
    out = capsys.readouterr().out
    assert "(local copy)" in out
    assert out.startswith("VERIFIED")


def test_bake_unbake_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from images import png

    path, signed = _signed_badge(tmp_path)
    image = tmp_path / "plain.png"
    image.write_bytes(png())
    baked = tmp_path / "baked.png"
    assert main(["bake", str(image), str(path), "-o", str(baked)]) == 0
    capsys.readouterr()
    assert main(["unbake", str(baked)]) == 0
    assert json.loads(capsys.readouterr().out) == signed
    assert main(["verify", "--offline", str(baked)]) == 0
    assert "VERIFIED" in capsys.readouterr().out
    assert main(["inspect", str(baked)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("NOT VERIFIED (inspect only")
    assert "Teamwork" in out
    assert main(["unbake", str(image)]) == 2
    assert "no Open Badges credential" in capsys.readouterr().err


def test_verify_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["verify", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--json", "--offline", "--trust", "--recipient", "--at", "--resource"):
        assert option in text
    assert "Exit code 0" in text


def test_status_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openmicrocred.keys import Ed25519Key
    from openmicrocred.status import SQLiteStatusRegistry

    registry = str(tmp_path / "registry.db")
    assert main(["status", "show", "--registry", registry, "urn:x"]) == 2
    assert "status init" in capsys.readouterr().err
    assert (
        main(
            ["status", "init", "--registry", registry, "--base-url", "https://kmutt.example/status"]
        )
        == 0
    )
    SQLiteStatusRegistry(registry).allocate("urn:uuid:1")
    assert main(["status", "suspend", "--registry", registry, "urn:uuid:1"]) == 0
    assert main(["status", "reinstate", "--registry", registry, "urn:uuid:1"]) == 0
    assert main(["status", "revoke", "--registry", registry, "urn:uuid:1"]) == 0
    capsys.readouterr()
    assert main(["status", "show", "--registry", registry, "urn:uuid:1"]) == 0
    out = capsys.readouterr().out
    assert "revocation: SET" in out
    assert "suspension: clear" in out
    assert "reinstate (suspension)" in out
    assert main(["status", "show", "--registry", registry, "urn:uuid:none"]) == 1
    assert main(["status", "revoke", "--registry", registry, "urn:uuid:none"]) == 2
    key = tmp_path / "key.pem"
    Ed25519Key.generate().save(key, passphrase="s3cret")
    os.environ["OMC_TEST_PASSPHRASE"] = "s3cret"
    try:
        assert (
            main(
                [
                    "status",
                    "publish",
                    "--registry",
                    registry,
                    "--key",
                    str(key),
                    "--passphrase-env",
                    "OMC_TEST_PASSPHRASE",
                    "--out",
                    str(tmp_path / "pub"),
                    "--ttl",
                    "60000",
                ]
            )
            == 0
        )
    finally:
        del os.environ["OMC_TEST_PASSPHRASE"]
    out = capsys.readouterr().out
    assert "at https://kmutt.example/status/revocation-1.json" in out
    published = json.loads((tmp_path / "pub" / "revocation-1.json").read_text())
    assert published["credentialSubject"]["ttl"] == 60000
    assert published["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert (
        main(
            [
                "status",
                "publish",
                "--registry",
                registry,
                "--key",
                str(key),
                "--out",
                str(tmp_path / "pub"),
            ]
        )
        == 2
    )  # no passphrase for an encrypted key
    assert "passphrase" in capsys.readouterr().err


def test_batch_benchmark_runs() -> None:
    out = subprocess.run(
        [sys.executable, "batch.py", "--count", "8", "--stream", "20"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO / "benchmarks",
    )
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    ops = [line["op"] for line in lines]
    assert ops == ["issue", "verify", "issue", "verify", "scaling", "stream-rss"]
    assert all(line["count"] == 8 for line in lines[:4])
    assert lines[4]["issue_2_over_1"] > 0
    assert lines[4]["verify_2_over_1"] > 0


def test_startup_benchmark_runs() -> None:
    out = subprocess.run(
        [sys.executable, "startup.py", "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO / "benchmarks",
    )
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["command"] for line in lines] == ["verify baked PNG", "--help", "imports"]
    assert lines[0]["exit_code"] == 0  # the baked badge verified
    assert lines[1]["exit_code"] == 0
    assert lines[0]["median_ms"] > 0
    assert "pyld" not in lines[2]["verify_loaded"]


def test_garbage_collection_waits_only_for_the_verify_commands_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from openmicrocred.cli import tools as cli
    from openmicrocred.cli import verify as cli_verify

    seen: list[tuple[str, bool]] = []

    def contexts(args: Any, out: Any) -> int:
        seen.append(("contexts", gc.isenabled()))
        return 0

    real_verify = cli_verify._cmd_verify

    def verify(args: Any, out: Any) -> int:
        seen.append(("verify starts", gc.isenabled()))
        code = real_verify(args, out)
        seen.append(("verify ends", gc.isenabled()))
        return code

    monkeypatch.setattr(cli, "_cmd_contexts", contexts)
    monkeypatch.setattr(cli_verify, "_cmd_verify", verify)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{}")
    assert main(["contexts"]) == 0
    assert main(["verify", "--offline", str(garbage)]) == 1
    assert seen == [("contexts", True), ("verify starts", False), ("verify ends", True)]
    assert gc.isenabled()


_HOSTILE = "\x1b[2J\x1b[32mVERIFIED\x1b[0m\r\x08\x07\u202eDETARESSA\u202c\u2066x\u2069\x9b31m\nline"


def test_no_control_character_from_a_badge_reaches_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A correctly signed badge whose every displayed text tries to draw on the terminal:
    # clear the screen, recolour, return the cursor, reorder text with bidi overrides.
    from openmicrocred.keys import Ed25519Key
    from openmicrocred.suites import add_proof

    key = Ed25519Key.from_seed(bytes(range(32)))
    credential = json.loads((SPEC / "ob3-basic.unsigned.json").read_text())
    credential["issuer"]["id"] = key.did
    credential["issuer"]["name"] = _HOSTILE
    credential["name"] = _HOSTILE
    achievement = credential["credentialSubject"]["achievement"]
    achievement["name"] = _HOSTILE
    achievement["description"] = _HOSTILE
    achievement["criteria"] = {"narrative": _HOSTILE}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(add_proof(credential, key)))
    for command in (["verify", "--offline"], ["inspect"]):
        main([*command, str(path)])
        out = capsys.readouterr().out
        assert out.count("\\x1b[2J") >= 3, out  # shown, escaped
        assert "\\u202e" in out
        for unsafe in ("\x1b", "\r", "\x08", "\x07", "\x9b", "\u202e", "\u202c", "\u2066"):
            assert unsafe not in out, (command, unsafe)
        # No value starts a line of its own: the fake headline stays inside its field.
        assert not any(line.startswith("line") for line in out.splitlines())


def test_terminal_safe_escapes_controls_and_keeps_text() -> None:
    from openmicrocred.cli._io import terminal_safe

    assert terminal_safe("ทักษะ Teamwork é") == "ทักษะ Teamwork é"
    assert terminal_safe("a\x1bb\nc\u202ed\x7f") == "a\\x1bb\\x0ac\\u202ed\\x7f"


def test_verify_svg_with_a_doctype(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # SVGs with the SVG 1.1 DOCTYPE (as 1EdTech's own fixtures have) are read, not refused.
    fixture = Path(__file__).parent / "vectors" / "1edtech-validator-svg" / "simple-json.svg"
    controller = "https://example.com/issuers/876543"
    method = f"{controller}#z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x"
    document = tmp_path / "controller.json"
    document.write_text(
        json.dumps(
            {
                "@context": [
                    "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1",
                ],
                "id": controller,
                "assertionMethod": [method],
                "verificationMethod": [
                    {
                        "id": method,
                        "type": "Multikey",
                        "controller": controller,
                        "publicKeyMultibase": method.split("#")[1],
                    }
                ],
            }
        )
    )
    resource = f"{controller}={document}"
    assert main(["verify", "--offline", "--resource", resource, str(fixture)]) == 0
    assert capsys.readouterr().out.startswith("VERIFIED")
    assert main(["unbake", str(fixture)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "http://example.com/credentials/3527"
    # A DOCTYPE that declares entities is refused with one clear line.
    bomb = tmp_path / "bomb.svg"
    bomb.write_bytes(
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    assert main(["verify", "--offline", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "unsafe SVG refused" in err
    assert "Traceback" not in err


_CREDENTIAL_HEAD = (
    '{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],'
)
HOSTILE = {
    "deep-object.json": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "deep-array.json": '{"a":' + "[" * 100_000 + "]" * 100_000 + "}",
    "nested-101.json": '{"a":' * 101 + "1" + "}" * 101,
    "lone-surrogate.json": _CREDENTIAL_HEAD + '"issuer":"did:example:x","credentialSubject":'
    '{"name":"\\ud800"}}',
    "nan.json": _CREDENTIAL_HEAD + '"issuer":"did:example:x","credentialSubject":{"n":NaN}}',
    "infinity.json": _CREDENTIAL_HEAD + '"issuer":"did:example:x","credentialSubject":'
    '{"n":-Infinity}}',
    "huge-number.json": _CREDENTIAL_HEAD + '"issuer":"did:example:x","credentialSubject":'
    '{"n":' + "9" * 5000 + "}}",
    "huge-float.json": _CREDENTIAL_HEAD + '"issuer":"did:example:x","credentialSubject":'
    '{"n":1e999999}}',
    "issuer-without-id.json": json.dumps(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"type": ["Profile"], "name": "Nobody"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"]},
            "proof": {"type": "DataIntegrityProof", "proofValue": "z3"},
        }
    ),
    "everything-wrong.json": _CREDENTIAL_HEAD + '"issuer":[1,{}],"credentialSubject":[{"id":5}],'
    '"validFrom":7,"validUntil":{},"proof":"x","credentialStatus":[null,{"type":5}]}',
    "not-json.json": "{nope",
    "binary.png": "\x89PNG\r\n\x1a\n\x00\x00garbage",
}


def test_no_input_ever_gives_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each gets exit 2 (unusable input) or a report, and a run goes on after a bad input.
    good, _ = _signed_badge(tmp_path)
    paths = []
    for name, text in HOSTILE.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        paths.append(str(path))
    code = main(["verify", "--offline", "--json", *paths, str(good)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code == 2
    reports = json.loads(captured.out)
    assert [r["source"] for r in reports] == [*paths, str(good)]
    assert reports[-1]["verified"] is True
    by_name = {Path(r["source"]).name: r for r in reports}
    for name in ("deep-object.json", "deep-array.json", "nested-101.json", "nan.json"):
        assert by_name[name]["error"]["code"] == "unusable_input", name
    assert "NaN is not a JSON number" in by_name["nan.json"]["error"]["message"]
    assert "4300 digits" in by_name["huge-number.json"]["error"]["message"]
    assert by_name["issuer-without-id.json"]["verdict"] == "invalid"
    assert by_name["everything-wrong.json"]["verdict"] == "invalid"
    # the same, shown to a person
    code = main(["verify", "--offline", *paths, str(good)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    assert captured.out.count("NOT VERIFIED") >= 4
    assert "VERIFIED" in captured.out.splitlines()[-1] or "VERIFIED —" in captured.out


@pytest.mark.parametrize(
    "at",
    ["99999-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "x"],
)
def test_verify_at_values_that_overflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], at: str
) -> None:
    good, _ = _signed_badge(tmp_path)
    code = main(["verify", "--offline", "--at", at, str(good)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code in (1, 2)


def test_verify_leaves_out_lines_it_has_nothing_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No issuer, no dates: no "Issuer:" or "Dates: issued" line with nothing after it."""
    path = tmp_path / "not-a-badge.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    assert main(["verify", "--offline", str(path)]) != 0
    out = capsys.readouterr().out
    assert out.startswith("NOT VERIFIED")
    assert "Issuer:" not in out
    assert "Dates:" not in out
    assert "✗ proof" in out


def test_console_read_only_commands_end_with_every_byte_and_their_code(tmp_path: Path) -> None:
    # verify ends the process without interpreter teardown (cli.console): its output must
    # still arrive whole, with the command's exit code, and a reader that leaves early
    # must not get a traceback.
    signed = SPEC / "test-vectors" / "ob3" / "credential.signed.json"
    unsigned = SPEC / "test-vectors" / "ob3" / "credential.unsigned.json"
    paths = [str(signed)] * 40 + [str(unsigned)]
    command = [sys.executable, "-m", "openmicrocred", "verify", "--offline", "--json", *paths]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    reports = json.loads(done.stdout)
    assert len(reports) == 41
    assert reports[-1]["verdict"] != "verified"
    assert done.returncode == 1  # the unsigned one is not verified
    assert "Traceback" not in done.stderr
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as reader:
        assert reader.stdout is not None
        assert reader.stderr is not None
        reader.stdout.read(10)
        reader.stdout.close()  # the reader goes away (as `| head -c 10` would)
        assert b"Traceback" not in reader.stderr.read()
        assert reader.wait(timeout=120) != 0
