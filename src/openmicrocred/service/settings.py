"""The service's settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Settings"]


class Settings(BaseModel):
    """How the service runs.

    :param data_dir: the data directory (created on first start): the status registry
        (``status.sqlite``), the OAuth2 clients and tokens (``clients.sqlite``, mode 0600),
        the issuer key (``issuer-key.pem``, mode 0600) and the published
        status lists (``status/``).
    :param base_url: the service's public URL; status lists are served under
        ``{base_url}/status/``. Fixed by the registry once created.
    :param issuer_id: the issuer id the service signs as (default: the key's did:key).
    :param verification_method: the key's verification method id (default: its did:key one).
    :param status_by_default: give every VC 2.0 credential issued a revocation and a
        suspension entry unless ``options.credentialStatus`` is ``false``.
    :param status_ttl_ms: the ``ttl`` of the status lists, also their ``Cache-Control``.
    :param max_body_bytes: the largest request body accepted (413 beyond it).
    :param token_ttl_s: how long an OAuth2 access token is valid, in seconds.
    :param rate_limit_per_s: requests a second each client address may make to the open
        endpoints (``/credentials/verify``, ``/presentations/verify``, ``/oauth2/token``),
        per worker process; 0 turns rate limiting off.
    :param rate_limit_burst: how many such requests an address may make at once (the
        token bucket's size).
    """

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Path("./openmicrocred-data")
    base_url: str = "http://127.0.0.1:8000"
    issuer_id: str | None = None
    verification_method: str | None = None
    status_by_default: bool = True
    status_ttl_ms: int = Field(default=300_000, ge=0)
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    token_ttl_s: int = Field(default=3600, gt=0)
    rate_limit_per_s: float = Field(default=20.0, ge=0)
    rate_limit_burst: int = Field(default=40, ge=1)

    @property
    def status_base_url(self) -> str:
        """Where the status lists are served."""
        return f"{self.base_url.rstrip('/')}/status"
