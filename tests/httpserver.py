"""A real HTTP(S) server on 127.0.0.1 for tests: no test ever touches the internet."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Route:
    body: bytes
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    hits: list[str]
    ca_file: Path | None
    hosts: list[str] = field(default_factory=list)
    """The ``Host`` header of each request, in order."""
    sni: list[str] = field(default_factory=list)
    """The TLS server names clients asked for (none for an IP address)."""

    def url(self, path: str) -> str:
        return self.base + path


def self_signed(folder: Path, dns_names: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and ``dns_names``): ``cert.pem``, ``key.pem``
    in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    *(x509.DNSName(name) for name in dns_names),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


@contextmanager
def serve(folder: Path, *, tls: bool = True, dns_names: tuple[str, ...] = ()) -> Iterator[Server]:
    """Serve ``routes`` on 127.0.0.1; ``dns_names`` are added to the certificate, for tests
    that reach the server under a host name (with a resolver answering 127.0.0.1)."""
    routes: dict[str, Route] = {}
    hits: list[str] = []
    hosts: list[str] = []
    sni: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            hosts.append(self.headers.get("Host", ""))
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (ConnectionError, ssl.SSLError):
                # The client hung up first, as the fetcher does past its size cap.
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ca_file = None
    if tls:
        ca_file, key_file = self_signed(folder, dns_names)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(ca_file, key_file)

        def record_sni(_: ssl.SSLObject, name: str | None, __: ssl.SSLContext) -> None:
            if name:
                sni.append(name)

        context.sni_callback = record_sni
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield Server(f"{scheme}://127.0.0.1:{httpd.server_port}", routes, hits, ca_file, hosts, sni)
    finally:
        httpd.shutdown()
        httpd.server_close()
