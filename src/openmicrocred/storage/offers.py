"""What a wallet hand-over keeps: credential offers (one per award), their pre-authorized
codes and access tokens (OpenID4VCI), the ``c_nonce`` values, and VC-API exchanges.

Every secret a wallet presents (pre-authorized code, transaction code, access token,
``c_nonce``) is kept as its SHA-256 only, except the pre-authorized code, which the offer
itself must show (by value and by reference) as long as it is open. Each state change is
one transaction. A delivery consumes the token (or the exchange), the nonce and the offer
and runs the signing callback inside that same transaction: a replay finds them consumed
and can never be issued twice, and a failed signing leaves everything as it was.

The SQL is plain and parameterised (no SQLite-only statements besides the schema's
``CREATE TABLE IF NOT EXISTS``), so another backend can follow it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .sqlite import SQLiteDatabase

__all__ = [
    "DeliveryError",
    "ExchangeRecord",
    "OfferRecord",
    "OfferStore",
    "TokenRecord",
    "secret_hash",
]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS wallet_offers (
    id TEXT PRIMARY KEY,
    badge_id TEXT NOT NULL,
    issuer TEXT NOT NULL,
    pre_code TEXT NOT NULL UNIQUE,
    tx_code_hash TEXT,
    tx_code_length INTEGER,
    tx_failures INTEGER NOT NULL DEFAULT 0,
    exchange_id TEXT UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('open', 'token', 'delivered', 'closed')),
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    holder TEXT,
    channel TEXT,
    delivered_at REAL
);
CREATE TABLE IF NOT EXISTS wallet_tokens (
    token_hash TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES wallet_offers (id),
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS wallet_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS wallet_exchanges (
    id TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES wallet_offers (id),
    challenge TEXT,
    challenge_expires_at REAL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'complete'))
)
"""

MAX_TX_FAILURES = 5
"""Wrong transaction codes an offer takes before it is closed (OID4VCI 1.0 §13.6)."""


def secret_hash(value: str) -> str:
    """The SHA-256 (hex) under which a presented secret is kept and looked up."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class DeliveryError(Exception):
    """A wallet request the store refuses; ``code`` is the error the specification names
    (``invalid_grant``, ``invalid_request``, ``invalid_token``, ``invalid_nonce``, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OfferRecord:
    """One credential offer: the badge it hands over and how far it has come."""

    id: str
    badge_id: str
    issuer: str
    pre_code: str
    tx_code_hash: str | None
    tx_code_length: int | None
    tx_failures: int
    exchange_id: str | None
    state: str
    created_at: float
    expires_at: float
    holder: str | None
    channel: str | None
    delivered_at: float | None

    @property
    def needs_tx_code(self) -> bool:
        return self.tx_code_hash is not None


@dataclass(frozen=True)
class TokenRecord:
    """An access token's offer, for the credential endpoint."""

    offer: OfferRecord
    expires_at: float


@dataclass(frozen=True)
class ExchangeRecord:
    """A VC-API exchange and its current challenge."""

    id: str
    offer: OfferRecord
    challenge: str | None
    challenge_expires_at: float | None
    state: str


def _offer(row: Any) -> OfferRecord:
    return OfferRecord(**{k: row[k] for k in row.keys()})  # noqa: SIM118 (sqlite3.Row)


class OfferStore:
    """The wallet hand-over tables in one SQLite file (mode 0600).

    :param clock: seconds since the epoch (tests pass their own).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = SQLiteDatabase(path, _SCHEMA)
        self.clock = clock

    def _read(self) -> Any:
        db = self._db.connection()
        db.row_factory = sqlite3.Row
        return db

    # -- offers -----------------------------------------------------------------------

    def create_offer(
        self,
        badge_id: str,
        issuer: str,
        *,
        ttl_s: float,
        tx_code: str | None = None,
        exchange: bool = True,
    ) -> OfferRecord:
        """A new open offer for a badge; an earlier open offer for it is closed (one live
        offer per badge). ``exchange``: also open a VC-API exchange for it."""
        now = self.clock()
        offer_id = secrets.token_urlsafe(24)
        with self._db.transaction() as db:
            db.execute(
                "UPDATE wallet_offers SET state = 'closed' WHERE badge_id = ? AND state = 'open'",
                (badge_id,),
            )
            db.execute(
                "INSERT INTO wallet_offers (id, badge_id, issuer, pre_code, tx_code_hash,"
                " tx_code_length, exchange_id, state, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (
                    offer_id,
                    badge_id,
                    issuer,
                    secrets.token_urlsafe(32),
                    None if tx_code is None else secret_hash(tx_code),
                    None if tx_code is None else len(tx_code),
                    secrets.token_urlsafe(24) if exchange else None,
                    now,
                    now + ttl_s,
                ),
            )
            row = db.execute("SELECT exchange_id FROM wallet_offers WHERE id = ?", (offer_id,))
            (exchange_id,) = row.fetchone()
            if exchange_id is not None:
                db.execute(
                    "INSERT INTO wallet_exchanges (id, offer_id, state) VALUES (?, ?, 'pending')",
                    (exchange_id, offer_id),
                )
        found = self.offer(offer_id)
        assert found is not None
        return found

    def offer(self, offer_id: str) -> OfferRecord | None:
        row = self._read().execute("SELECT * FROM wallet_offers WHERE id = ?", (offer_id,))
        found = row.fetchone()
        return _offer(found) if found else None

    def offers_for(self, badge_id: str) -> list[OfferRecord]:
        """Every offer made for a badge, oldest first."""
        rows = self._read().execute(
            "SELECT * FROM wallet_offers WHERE badge_id = ? ORDER BY created_at, id", (badge_id,)
        )
        return [_offer(r) for r in rows.fetchall()]

    def is_live(self, offer: OfferRecord) -> bool:
        """Open (no token taken, not delivered) and not expired."""
        return offer.state == "open" and self.clock() < offer.expires_at

    # -- OpenID4VCI: token, nonce -----------------------------------------------------

    def redeem_code(self, pre_code: str, tx_code: str | None, *, token_ttl_s: float) -> str:
        """Exchange a pre-authorized code (and its transaction code) for an access token,
        once. Raises :class:`DeliveryError` ``invalid_grant`` for an unknown, used or
        expired code or a wrong transaction code, ``invalid_request`` for a transaction
        code missing or not expected."""
        now = self.clock()
        with self._db.transaction() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM wallet_offers WHERE pre_code = ?", (pre_code,))
            found = row.fetchone()
            offer = _offer(found) if found else None
            _check_grant(offer, tx_code, now)
            assert offer is not None
            if offer.tx_code_hash is not None and not hmac.compare_digest(
                offer.tx_code_hash, secret_hash(tx_code or "")
            ):
                failures = offer.tx_failures + 1
                state = "closed" if failures >= MAX_TX_FAILURES else "open"
                db.execute(
                    "UPDATE wallet_offers SET tx_failures = ?, state = ? WHERE id = ?",
                    (failures, state, offer.id),
                )
                wrong = DeliveryError("invalid_grant", "the transaction code is wrong")
            else:
                wrong = None
                token = secrets.token_urlsafe(32)
                db.execute("UPDATE wallet_offers SET state = 'token' WHERE id = ?", (offer.id,))
                db.execute(
                    "INSERT INTO wallet_tokens (token_hash, offer_id, expires_at) VALUES (?, ?, ?)",
                    (secret_hash(token), offer.id, now + token_ttl_s),
                )
        if wrong is not None:  # raised after the commit, so the failure count is kept
            raise wrong
        return token

    def token(self, token: str) -> TokenRecord | None:
        """The live access token's offer, or ``None`` (unknown, used or expired)."""
        row = self._read().execute(
            "SELECT t.expires_at AS token_expires_at, t.used, o.* FROM wallet_tokens t"
            " JOIN wallet_offers o ON o.id = t.offer_id WHERE t.token_hash = ?",
            (secret_hash(token),),
        )
        found = row.fetchone()
        if found is None or found["used"] or found["token_expires_at"] <= self.clock():
            return None
        values = {k: found[k] for k in found.keys() if k not in ("token_expires_at", "used")}  # noqa: SIM118
        return TokenRecord(OfferRecord(**values), found["token_expires_at"])

    def new_nonce(self, *, ttl_s: float) -> str:
        """A fresh, unpredictable ``c_nonce``; expired ones are swept out."""
        nonce = secrets.token_urlsafe(24)
        now = self.clock()
        with self._db.transaction() as db:
            db.execute("DELETE FROM wallet_nonces WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO wallet_nonces (nonce_hash, expires_at) VALUES (?, ?)",
                (secret_hash(nonce), now + ttl_s),
            )
        return nonce

    def nonce_is_live(self, nonce: str) -> bool:
        """Known, unused and not expired (a look, not a use)."""
        row = self._read().execute(
            "SELECT expires_at FROM wallet_nonces WHERE nonce_hash = ?", (secret_hash(nonce),)
        )
        found = row.fetchone()
        return found is not None and found["expires_at"] > self.clock()

    def deliver_with_token(
        self, token: str, nonce: str | None, holder: str, sign: Callable[[OfferRecord], T]
    ) -> T:
        """Consume the access token, the nonce and the offer and run ``sign`` in the same
        transaction: all of it happens, or (when anything is refused or ``sign`` raises)
        none of it. Raises :class:`DeliveryError` ``invalid_token`` or ``invalid_nonce``."""
        now = self.clock()
        with self._db.transaction() as db:
            db.row_factory = sqlite3.Row
            used = db.execute(
                "UPDATE wallet_tokens SET used = 1 WHERE token_hash = ? AND used = 0"
                " AND expires_at > ?",
                (secret_hash(token), now),
            )
            if used.rowcount != 1:
                raise DeliveryError("invalid_token", "the access token is unknown, used or expired")
            if nonce is not None:
                _consume_nonce(db, nonce, now)
            (offer_id,) = db.execute(
                "SELECT offer_id FROM wallet_tokens WHERE token_hash = ?", (secret_hash(token),)
            ).fetchone()
            offer = _deliver(db, offer_id, "token", holder, "oid4vci", now)
            return sign(offer)

    # -- VC-API exchanges -------------------------------------------------------------

    def exchange(self, exchange_id: str) -> ExchangeRecord | None:
        row = self._read().execute(
            "SELECT e.id AS exchange_key, e.challenge, e.challenge_expires_at,"
            " e.state AS exchange_state, o.* FROM wallet_exchanges e"
            " JOIN wallet_offers o ON o.id = e.offer_id WHERE e.id = ?",
            (exchange_id,),
        )
        found = row.fetchone()
        if found is None:
            return None
        own = ("exchange_key", "challenge", "challenge_expires_at", "exchange_state")
        offer = OfferRecord(**{k: found[k] for k in found.keys() if k not in own})  # noqa: SIM118
        return ExchangeRecord(
            found["exchange_key"],
            offer,
            found["challenge"],
            found["challenge_expires_at"],
            found["exchange_state"],
        )

    def new_challenge(self, exchange_id: str, *, ttl_s: float) -> str:
        """A fresh challenge for a pending exchange of a live offer (the last one asked for
        is the one that counts). Raises :class:`DeliveryError` ``invalid_request``."""
        now = self.clock()
        challenge = secrets.token_urlsafe(24)
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE wallet_exchanges SET challenge = ?, challenge_expires_at = ?"
                " WHERE id = ? AND state = 'pending' AND EXISTS (SELECT 1 FROM wallet_offers o"
                " WHERE o.id = wallet_exchanges.offer_id AND o.state = 'open'"
                " AND o.expires_at > ?)",
                (challenge, now + ttl_s, exchange_id, now),
            )
            if changed.rowcount != 1:
                raise DeliveryError("invalid_request", "this exchange is complete or has expired")
        return challenge

    def deliver_with_exchange(
        self, exchange_id: str, challenge: str, holder: str, sign: Callable[[OfferRecord], T]
    ) -> T:
        """Complete the exchange for this challenge, consume the offer and run ``sign``,
        in one transaction (all or nothing). Raises :class:`DeliveryError`."""
        now = self.clock()
        with self._db.transaction() as db:
            db.row_factory = sqlite3.Row
            done = db.execute(
                "UPDATE wallet_exchanges SET state = 'complete', challenge = NULL"
                " WHERE id = ? AND state = 'pending' AND challenge = ?"
                " AND challenge_expires_at > ?",
                (exchange_id, challenge, now),
            )
            if done.rowcount != 1:
                raise DeliveryError(
                    "invalid_request", "the challenge is not this exchange's current one"
                )
            (offer_id,) = db.execute(
                "SELECT offer_id FROM wallet_exchanges WHERE id = ?", (exchange_id,)
            ).fetchone()
            offer = _deliver(db, offer_id, "open", holder, "vcapi", now)
            return sign(offer)

    def close(self) -> None:
        """Close this thread's connection."""
        self._db.close()


def _check_grant(offer: OfferRecord | None, tx_code: str | None, now: float) -> None:
    if offer is None or offer.state != "open" or offer.expires_at <= now:
        raise DeliveryError(
            "invalid_grant", "the pre-authorized code is unknown, used already or expired"
        )
    if offer.tx_code_hash is None and tx_code is not None:
        raise DeliveryError("invalid_request", "this offer takes no transaction code (tx_code)")
    if offer.tx_code_hash is not None and tx_code is None:
        raise DeliveryError("invalid_request", "this offer needs its transaction code (tx_code)")


def _consume_nonce(db: Any, nonce: str, now: float) -> None:
    gone = db.execute(
        "DELETE FROM wallet_nonces WHERE nonce_hash = ? AND expires_at > ?",
        (secret_hash(nonce), now),
    )
    if gone.rowcount != 1:
        raise DeliveryError("invalid_nonce", "the c_nonce is unknown, used already or expired")


def _deliver(
    db: Any, offer_id: str, from_state: str, holder: str, channel: str, now: float
) -> OfferRecord:
    """Mark the offer delivered, if it is in ``from_state`` and not expired."""
    done = db.execute(
        "UPDATE wallet_offers SET state = 'delivered', holder = ?, channel = ?,"
        " delivered_at = ? WHERE id = ? AND state = ? AND expires_at > ?",
        (holder, channel, now, offer_id, from_state, now),
    )
    if done.rowcount != 1:
        raise DeliveryError("invalid_request", "this offer has been used already or has expired")
    row = db.execute("SELECT * FROM wallet_offers WHERE id = ?", (offer_id,)).fetchone()
    return _offer(row)
