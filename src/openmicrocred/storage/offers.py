"""What a wallet hand-over keeps: credential offers (one per award), their pre-authorized
codes and access tokens (OpenID4VCI), the ``c_nonce`` values, and VC-API exchanges.

Every secret a wallet presents (pre-authorized code, transaction code, access token,
``c_nonce``) is kept as its SHA-256 only, except the pre-authorized code, which the offer
itself must show (by value and by reference) as long as it is open. Each state change is
one transaction. A delivery consumes the token (or the exchange), the nonce and the offer
and runs the signing callback inside that same transaction: a replay finds them consumed
and can never be issued twice, and a failed signing leaves everything as it was.

The tables live in any :mod:`openmicrocred.storage` database (a SQLite file, or PostgreSQL
shared by every worker and host). On PostgreSQL the row an exchange of state starts from is
read ``FOR UPDATE`` and every consuming ``UPDATE`` is conditional on the state it expects,
so two workers racing for one code, token, nonce or challenge get one success between them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .backend import Database, Transaction, open_database

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
    created_at {real} NOT NULL,
    expires_at {real} NOT NULL,
    holder TEXT,
    channel TEXT,
    delivered_at {real}
);
CREATE TABLE IF NOT EXISTS wallet_tokens (
    token_hash TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES wallet_offers (id),
    expires_at {real} NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS wallet_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS wallet_exchanges (
    id TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES wallet_offers (id),
    challenge TEXT,
    challenge_expires_at {real},
    state TEXT NOT NULL CHECK (state IN ('pending', 'complete'))
);
CREATE INDEX IF NOT EXISTS wallet_offers_badge ON wallet_offers (badge_id);
CREATE INDEX IF NOT EXISTS wallet_tokens_offer ON wallet_tokens (offer_id);
CREATE INDEX IF NOT EXISTS wallet_exchanges_offer ON wallet_exchanges (offer_id)
"""
MIGRATIONS = (_SCHEMA,)
"""The numbered schema steps (``schema_version`` component ``offers``)."""

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


_SELECT_OFFER = (
    "SELECT id, badge_id, issuer, pre_code, tx_code_hash, tx_code_length, tx_failures,"
    " exchange_id, state, created_at, expires_at, holder, channel, delivered_at"
    " FROM wallet_offers"
)
_OFFER_FIELDS = tuple(OfferRecord.__dataclass_fields__)
_SELECT_ACCESS = (
    "SELECT t.expires_at AS token_expires_at, t.used,"
    " o.id, o.badge_id, o.issuer, o.pre_code, o.tx_code_hash, o.tx_code_length,"
    " o.tx_failures, o.exchange_id, o.state, o.created_at, o.expires_at, o.holder, o.channel,"
    " o.delivered_at"
    " FROM wallet_tokens t JOIN wallet_offers o ON o.id = t.offer_id WHERE t.token_hash = ?"
)
_SELECT_EXCHANGE = (
    "SELECT e.id AS exchange_key, e.challenge, e.challenge_expires_at,"
    " e.state AS exchange_state,"
    " o.id, o.badge_id, o.issuer, o.pre_code, o.tx_code_hash, o.tx_code_length,"
    " o.tx_failures, o.exchange_id, o.state, o.created_at, o.expires_at, o.holder, o.channel,"
    " o.delivered_at"
    " FROM wallet_exchanges e JOIN wallet_offers o ON o.id = e.offer_id WHERE e.id = ?"
)


def _offer(row: dict[str, Any]) -> OfferRecord:
    return OfferRecord(**{k: row[k] for k in _OFFER_FIELDS})


def _for_update(tx: Transaction) -> str:
    """Lock the rows read, on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already has)."""
    return " FOR UPDATE" if tx.dialect == "postgresql" else ""


class OfferStore:
    """The wallet hand-over tables: a SQLite file (mode 0600) by path or ``sqlite:///``
    URL, PostgreSQL by ``postgresql://`` URL, or an open database.

    :param clock: seconds since the epoch (tests pass their own).
    """

    def __init__(
        self, where: str | os.PathLike[str] | Database, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = open_database(where) if isinstance(where, str | os.PathLike) else where
        self._db.migrate("offers", MIGRATIONS)
        self.clock = clock

    def _one(self, sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._db.read() as tx:
            rows = tx.dicts(sql, params)
        return rows[0] if rows else None

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
        exchange_id = secrets.token_urlsafe(24) if exchange else None
        with self._db.transaction(lock=f"wallet-offer:{badge_id}") as db:
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
                    exchange_id,
                    now,
                    now + ttl_s,
                ),
            )
            if exchange_id is not None:
                db.execute(
                    "INSERT INTO wallet_exchanges (id, offer_id, state) VALUES (?, ?, 'pending')",
                    (exchange_id, offer_id),
                )
        found = self.offer(offer_id)
        assert found is not None
        return found

    def offer(self, offer_id: str) -> OfferRecord | None:
        found = self._one(_SELECT_OFFER + " WHERE id = ?", (offer_id,))
        return _offer(found) if found else None

    def offers_for(self, badge_id: str) -> list[OfferRecord]:
        """Every offer made for a badge, oldest first."""
        with self._db.read() as tx:
            rows = tx.dicts(
                _SELECT_OFFER + " WHERE badge_id = ? ORDER BY created_at, id", (badge_id,)
            )
        return [_offer(r) for r in rows]

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
            rows = db.dicts(_SELECT_OFFER + " WHERE pre_code = ?" + _for_update(db), (pre_code,))
            offer = _offer(rows[0]) if rows else None
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
        found = self._one(_SELECT_ACCESS, (secret_hash(token),))
        if found is None or found["used"] or found["token_expires_at"] <= self.clock():
            return None
        return TokenRecord(_offer(found), found["token_expires_at"])

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
        found = self._one(
            "SELECT expires_at FROM wallet_nonces WHERE nonce_hash = ?", (secret_hash(nonce),)
        )
        return found is not None and found["expires_at"] > self.clock()

    def deliver_with_token(
        self, token: str, nonce: str | None, holder: str, sign: Callable[[OfferRecord], T]
    ) -> T:
        """Consume the access token, the nonce and the offer and run ``sign`` in the same
        transaction: all of it happens, or (when anything is refused or ``sign`` raises)
        none of it. Raises :class:`DeliveryError` ``invalid_token`` or ``invalid_nonce``."""
        now = self.clock()
        with self._db.transaction() as db:
            used = db.execute(
                "UPDATE wallet_tokens SET used = 1 WHERE token_hash = ? AND used = 0"
                " AND expires_at > ?",
                (secret_hash(token), now),
            )
            if used.rowcount != 1:
                raise DeliveryError("invalid_token", "the access token is unknown, used or expired")
            if nonce is not None:
                _consume_nonce(db, nonce, now)
            (offer_id,) = db.one(
                "SELECT offer_id FROM wallet_tokens WHERE token_hash = ?", (secret_hash(token),)
            ) or ("",)
            offer = _deliver(db, offer_id, "token", holder, "oid4vci", now)
            return sign(offer)

    # -- VC-API exchanges -------------------------------------------------------------

    def exchange(self, exchange_id: str) -> ExchangeRecord | None:
        found = self._one(_SELECT_EXCHANGE, (exchange_id,))
        if found is None:
            return None
        return ExchangeRecord(
            found["exchange_key"],
            _offer(found),
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
            (offer_id,) = db.one(
                "SELECT offer_id FROM wallet_exchanges WHERE id = ?", (exchange_id,)
            ) or ("",)
            offer = _deliver(db, offer_id, "open", holder, "vcapi", now)
            return sign(offer)

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the idle ones (PostgreSQL)."""
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


def _consume_nonce(db: Transaction, nonce: str, now: float) -> None:
    gone = db.execute(
        "DELETE FROM wallet_nonces WHERE nonce_hash = ? AND expires_at > ?",
        (secret_hash(nonce), now),
    )
    if gone.rowcount != 1:
        raise DeliveryError("invalid_nonce", "the c_nonce is unknown, used already or expired")


def _deliver(
    db: Transaction, offer_id: str, from_state: str, holder: str, channel: str, now: float
) -> OfferRecord:
    """Mark the offer delivered, if it is in ``from_state`` and not expired."""
    done = db.execute(
        "UPDATE wallet_offers SET state = 'delivered', holder = ?, channel = ?,"
        " delivered_at = ? WHERE id = ? AND state = ? AND expires_at > ?",
        (holder, channel, now, offer_id, from_state, now),
    )
    if done.rowcount != 1:
        raise DeliveryError("invalid_request", "this offer has been used already or has expired")
    rows = db.dicts(_SELECT_OFFER + " WHERE id = ?", (offer_id,))
    return _offer(rows[0])
