"""What the micro-credential journey records: definitions and their approval events,
enrolments, submissions, uploaded artifacts, assessments and awards, in one SQLite file.

This layer knows nothing of the workflow models (``microcredential/`` is above it): the
definitions, submissions and assessments are kept as JSON text, with typed columns for
what the store itself must check (ids, states, decisions, timestamps, years and
categories for the programme figures). Every multi-step change is one transaction that
holds the store's write lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), and the checks it depends on are made inside it, so two requests racing (in
any process, on any host) cannot both pass a gate, and a failure leaves nothing
half-written. With SQLite, artifact bytes live beside the database, content-addressed:
``artifacts/<sha256>`` (written to a temporary file, synced, then renamed into place; mode
0600); with PostgreSQL they are kept in the database, so every host sees them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backend import Database, SQLiteDatabase, open_database

__all__ = [
    "MicrocredentialStore",
    "StoreConflictError",
    "StoredArtifact",
    "StoredAssessment",
    "StoredAward",
    "StoredDefinition",
    "StoredEnrolment",
    "StoredEvent",
    "StoredSubmission",
]

ARTIFACTS_DIR = "artifacts"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS definitions (
    key TEXT PRIMARY KEY,
    achievement_id TEXT NOT NULL UNIQUE,
    version TEXT NOT NULL,
    state TEXT NOT NULL,
    issuer TEXT,
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS definition_events (
    definition_key TEXT NOT NULL REFERENCES definitions(key),
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    "by" TEXT NOT NULL,
    role TEXT NOT NULL,
    client_id TEXT,
    client_name TEXT,
    at TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (definition_key, seq)
);
CREATE TABLE IF NOT EXISTS enrolments (
    id TEXT PRIMARY KEY,
    definition_key TEXT NOT NULL REFERENCES definitions(key),
    learner_id TEXT NOT NULL,
    learner_name TEXT,
    category TEXT NOT NULL,
    year INTEGER NOT NULL,
    enrolled_at TEXT NOT NULL,
    client_id TEXT,
    UNIQUE (definition_key, learner_id)
);
CREATE INDEX IF NOT EXISTS enrolments_learner ON enrolments (learner_id);
CREATE TABLE IF NOT EXISTS artifacts (
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (enrolment_id, sha256)
);
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    UNIQUE (enrolment_id, number)
);
CREATE TABLE IF NOT EXISTS assessments (
    submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    decision TEXT NOT NULL,
    body TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    client_id TEXT
);
CREATE TABLE IF NOT EXISTS awards (
    badge_id TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL UNIQUE REFERENCES enrolments(id),
    definition_key TEXT NOT NULL REFERENCES definitions(key),
    learner_id TEXT NOT NULL,
    issuer TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('di', 'jwt')),
    credential TEXT NOT NULL,
    jwt TEXT NOT NULL,
    awarded_at TEXT NOT NULL,
    client_id TEXT
);
CREATE INDEX IF NOT EXISTS awards_learner ON awards (learner_id)
"""
_BLOBS = """
CREATE TABLE IF NOT EXISTS artifact_bytes (sha256 TEXT PRIMARY KEY, data {blob} NOT NULL)
"""
MIGRATIONS = (_SCHEMA, _BLOBS)
"""The numbered schema steps (``schema_version`` component ``microcredentials``)."""
_LOCK = "openmicrocred:microcredentials"
_FIGURES = (
    "SELECT e.year, e.category, count(*),"
    " sum(CASE WHEN EXISTS (SELECT 1 FROM submissions s WHERE s.enrolment_id = e.id)"
    " THEN 1 ELSE 0 END),"
    " sum(CASE WHEN EXISTS (SELECT 1 FROM awards a WHERE a.enrolment_id = e.id)"
    " THEN 1 ELSE 0 END)"
    " FROM enrolments e{where} GROUP BY e.year, e.category ORDER BY e.year, e.category"
)


class StoreConflictError(Exception):
    """A change the store's current contents do not allow (a wrong state, a duplicate)."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


@dataclass(frozen=True)
class StoredEvent:
    """One workflow step of a definition: who (person and API client) and when."""

    seq: int
    state: str
    by: str
    role: str
    client_id: str | None
    client_name: str | None
    at: str
    note: str | None


@dataclass(frozen=True)
class StoredDefinition:
    key: str
    achievement_id: str
    version: str
    state: str
    issuer: str | None
    category: str
    body: dict[str, Any]
    created_at: str
    updated_at: str
    events: tuple[StoredEvent, ...] = ()


@dataclass(frozen=True)
class StoredEnrolment:
    id: str
    definition_key: str
    learner_id: str
    learner_name: str | None
    category: str
    year: int
    enrolled_at: str
    client_id: str | None


@dataclass(frozen=True)
class StoredArtifact:
    enrolment_id: str
    sha256: str
    size: int
    media_type: str
    file_name: str
    uploaded_at: str


@dataclass(frozen=True)
class StoredSubmission:
    id: str
    enrolment_id: str
    number: int
    body: dict[str, Any]
    submitted_at: str


@dataclass(frozen=True)
class StoredAssessment:
    submission_id: str
    enrolment_id: str
    decision: str
    body: dict[str, Any]
    assessed_at: str
    client_id: str | None


@dataclass(frozen=True)
class StoredAward:
    badge_id: str
    enrolment_id: str
    definition_key: str
    learner_id: str
    issuer: str
    format: str
    credential: dict[str, Any]
    """The credential secured with a Data Integrity proof."""
    jwt: str
    """The same credential as a VC-JWT."""
    awarded_at: str
    client_id: str | None

    @property
    def carrier(self) -> dict[str, Any] | str:
        """What was handed out at award time: the DI JSON, or the VC-JWT."""
        return self.jwt if self.format == "jwt" else self.credential


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _definition(row: dict[str, Any], events: Sequence[dict[str, Any]]) -> StoredDefinition:
    return StoredDefinition(
        key=row["key"],
        achievement_id=row["achievement_id"],
        version=row["version"],
        state=row["state"],
        issuer=row["issuer"],
        category=row["category"],
        body=json.loads(row["body"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        events=tuple(
            StoredEvent(
                e["seq"],
                e["state"],
                e["by"],
                e["role"],
                e["client_id"],
                e["client_name"],
                e["at"],
                e["note"],
            )
            for e in events
        ),
    )


def _award(row: dict[str, Any]) -> StoredAward:
    values = dict(row)
    values["credential"] = json.loads(values["credential"])
    return StoredAward(**values)


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path`` (0600): a temporary file, synced, renamed into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class MicrocredentialStore:
    """The micro-credential journey in a database: a SQLite file (mode 0600, by path or
    ``sqlite:///`` URL) with the artifact bytes in ``artifacts/`` beside it, or PostgreSQL
    (``postgresql://`` URL, or an open database) with the bytes in the database."""

    def __init__(self, where: str | os.PathLike[str] | Database) -> None:
        self._db = open_database(where) if isinstance(where, str | os.PathLike) else where
        self._db.migrate("microcredentials", MIGRATIONS)
        self.artifacts_dir: Path | None = None
        if isinstance(self._db, SQLiteDatabase):
            self.path = self._db.path
            self.artifacts_dir = self.path.parent / ARTIFACTS_DIR
            self.artifacts_dir.mkdir(mode=0o700, exist_ok=True)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._db.read() as db:
            rows: list[dict[str, Any]] = db.dicts(sql, params)
        return rows

    def _row(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- definitions ------------------------------------------------------------------

    def create_definition(self, definition: StoredDefinition) -> None:
        """Keep a new definition; :class:`StoreConflictError` if its key or achievement id is
        taken."""
        d = definition
        with self._db.transaction(_LOCK) as db:
            taken = db.execute(
                "SELECT key FROM definitions WHERE key = ? OR achievement_id = ?",
                (d.key, d.achievement_id),
            ).fetchone()
            if taken is not None:
                raise StoreConflictError(
                    f"a definition with the id {d.key} or the achievement id "
                    f"{d.achievement_id} exists already"
                )
            db.execute(
                "INSERT INTO definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    d.key,
                    d.achievement_id,
                    d.version,
                    d.state,
                    d.issuer,
                    d.category,
                    _dumps(d.body),
                    d.created_at,
                    d.updated_at,
                ),
            )

    def definition(self, key: str) -> StoredDefinition | None:
        """The definition with this key, with its workflow events, or ``None``."""
        with self._db.read(snapshot=True) as db:
            rows = db.dicts("SELECT * FROM definitions WHERE key = ?", (key,))
            if not rows:
                return None
            events = db.dicts(
                "SELECT * FROM definition_events WHERE definition_key = ? ORDER BY seq", (key,)
            )
        return _definition(rows[0], events)

    def definitions(self, state: str | None = None) -> list[StoredDefinition]:
        """Every definition (in one state, if given), oldest first."""
        if state is None:
            rows = self._rows("SELECT key FROM definitions ORDER BY created_at, key")
        else:
            rows = self._rows(
                "SELECT key FROM definitions WHERE state = ? ORDER BY created_at, key", (state,)
            )
        found = [self.definition(r["key"]) for r in rows]
        return [d for d in found if d is not None]

    def update_definition(
        self,
        key: str,
        *,
        expected_state: str,
        body: dict[str, Any],
        state: str,
        version: str,
        category: str,
        at: str,
        issuer: str | None = None,
        event: StoredEvent | None = None,
    ) -> None:
        """Replace a definition's body (and state), if it is still in ``expected_state``;
        with ``event``, record the workflow step in the same transaction. Raises
        :class:`KeyError` for an unknown key, :class:`StoreConflictError` for a wrong state."""
        with self._db.transaction(_LOCK) as db:
            row = db.execute("SELECT state FROM definitions WHERE key = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            if row[0] != expected_state:
                raise StoreConflictError(
                    f"the definition is {row[0]} now, not {expected_state}", state=row[0]
                )
            db.execute(
                "UPDATE definitions SET body = ?, state = ?, version = ?, category = ?,"
                " issuer = ?, updated_at = ? WHERE key = ?",
                (_dumps(body), state, version, category, issuer, at, key),
            )
            if event is not None:
                (seq,) = db.execute(
                    "SELECT count(*) FROM definition_events WHERE definition_key = ?", (key,)
                ).fetchone()
                e = event
                db.execute(
                    "INSERT INTO definition_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, seq + 1, e.state, e.by, e.role, e.client_id, e.client_name, e.at, e.note),
                )

    # -- enrolments -------------------------------------------------------------------

    def enrol(self, enrolment: StoredEnrolment, *, open_states: Sequence[str]) -> None:
        """Enrol a learner, if the definition is in one of ``open_states``. Raises
        :class:`KeyError` for an unknown definition and :class:`StoreConflictError` when it is
        not open or the learner is enrolled already (``extra["enrolment"]``)."""
        e = enrolment
        with self._db.transaction(_LOCK) as db:
            row = db.execute(
                "SELECT state FROM definitions WHERE key = ?", (e.definition_key,)
            ).fetchone()
            if row is None:
                raise KeyError(e.definition_key)
            if row[0] not in open_states:
                raise StoreConflictError(
                    f"the micro-credential is {row[0]}: learners can enrol once it is "
                    f"{' or '.join(open_states)}",
                    state=row[0],
                )
            existing = db.execute(
                "SELECT id FROM enrolments WHERE definition_key = ? AND learner_id = ?",
                (e.definition_key, e.learner_id),
            ).fetchone()
            if existing is not None:
                raise StoreConflictError(
                    f"{e.learner_id} is enrolled already ({existing[0]})", enrolment=existing[0]
                )
            db.execute(
                "INSERT INTO enrolments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.id,
                    e.definition_key,
                    e.learner_id,
                    e.learner_name,
                    e.category,
                    e.year,
                    e.enrolled_at,
                    e.client_id,
                ),
            )

    def enrolment(self, enrolment_id: str) -> StoredEnrolment | None:
        found = self._row("SELECT * FROM enrolments WHERE id = ?", (enrolment_id,))
        return StoredEnrolment(**found) if found else None

    def enrolments(self, definition_key: str) -> list[StoredEnrolment]:
        """Every enrolment in one micro-credential, oldest first."""
        rows = self._rows(
            "SELECT * FROM enrolments WHERE definition_key = ? ORDER BY enrolled_at, id",
            (definition_key,),
        )
        return [StoredEnrolment(**r) for r in rows]

    # -- artifacts --------------------------------------------------------------------

    def add_artifact(
        self, enrolment_id: str, data: bytes, *, media_type: str, file_name: str, at: str
    ) -> StoredArtifact:
        """Keep an uploaded file for an enrolment (the same bytes twice: one file, the
        first record kept). The bytes are on disk before the row that names them."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.enrolment(enrolment_id) is None:
            raise KeyError(enrolment_id)
        if self.artifacts_dir is not None:
            path = self.artifacts_dir / sha256
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
                _write_atomically(path, data)
        with self._db.transaction() as db:
            if self.artifacts_dir is None:
                db.execute(
                    "INSERT INTO artifact_bytes VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (sha256, data),
                )
            db.execute(
                "INSERT INTO artifacts VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (enrolment_id, sha256, len(data), media_type, file_name, at),
            )
        found = self.artifact(enrolment_id, sha256)
        assert found is not None
        return found

    def artifact(self, enrolment_id: str, sha256: str) -> StoredArtifact | None:
        row = self._row(
            "SELECT * FROM artifacts WHERE enrolment_id = ? AND sha256 = ?",
            (enrolment_id, sha256),
        )
        return StoredArtifact(**row) if row else None

    def artifacts(self, enrolment_id: str) -> list[StoredArtifact]:
        rows = self._rows(
            "SELECT * FROM artifacts WHERE enrolment_id = ? ORDER BY uploaded_at, sha256",
            (enrolment_id,),
        )
        return [StoredArtifact(**r) for r in rows]

    def artifact_bytes(self, sha256: str) -> bytes:
        """The bytes of an uploaded file (``FileNotFoundError`` if there are none)."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise FileNotFoundError(sha256)
        if self.artifacts_dir is not None:
            return (self.artifacts_dir / sha256).read_bytes()
        row = self._row("SELECT data FROM artifact_bytes WHERE sha256 = ?", (sha256,))
        if row is None:
            raise FileNotFoundError(sha256)
        return bytes(row["data"])

    # -- submissions and assessments --------------------------------------------------

    def add_submission(
        self, submission: StoredSubmission, *, artifacts: Sequence[str] = ()
    ) -> None:
        """Keep attempt number ``submission.number``: it must be the next one, the one
        before it assessed, and every artifact hash uploaded for this enrolment; else
        :class:`StoreConflictError` (:class:`LookupError` naming a missing artifact)."""
        s = submission
        with self._db.transaction(_LOCK) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM submissions WHERE enrolment_id = ?", (s.enrolment_id,)
            ).fetchone()
            (assessed,) = db.execute(
                "SELECT count(*) FROM assessments WHERE enrolment_id = ?", (s.enrolment_id,)
            ).fetchone()
            if count != s.number - 1 or assessed != count:
                raise StoreConflictError("another submission was made meanwhile; reload and retry")
            for sha256 in artifacts:
                found = db.execute(
                    "SELECT 1 FROM artifacts WHERE enrolment_id = ? AND sha256 = ?",
                    (s.enrolment_id, sha256),
                ).fetchone()
                if found is None:
                    raise LookupError(sha256)
            db.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, ?, ?)",
                (s.id, s.enrolment_id, s.number, _dumps(s.body), s.submitted_at),
            )

    def submission(self, submission_id: str) -> StoredSubmission | None:
        values = self._row("SELECT * FROM submissions WHERE id = ?", (submission_id,))
        if values is None:
            return None
        values["body"] = json.loads(values["body"])
        return StoredSubmission(**values)

    def submissions(self, enrolment_id: str) -> list[StoredSubmission]:
        """An enrolment's submissions, first attempt first."""
        rows = self._rows(
            "SELECT id FROM submissions WHERE enrolment_id = ? ORDER BY number", (enrolment_id,)
        )
        found = [self.submission(r["id"]) for r in rows]
        return [s for s in found if s is not None]

    def add_assessment(self, assessment: StoredAssessment) -> None:
        """Keep the assessment of an enrolment's latest submission, if it has none yet."""
        a = assessment
        with self._db.transaction(_LOCK) as db:
            latest = db.execute(
                "SELECT id FROM submissions WHERE enrolment_id = ? ORDER BY number DESC LIMIT 1",
                (a.enrolment_id,),
            ).fetchone()
            if latest is None or latest[0] != a.submission_id:
                raise StoreConflictError("only the latest submission can be assessed")
            done = db.execute(
                "SELECT 1 FROM assessments WHERE submission_id = ?", (a.submission_id,)
            ).fetchone()
            if done is not None:
                raise StoreConflictError("this submission has been assessed already")
            db.execute(
                "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?)",
                (
                    a.submission_id,
                    a.enrolment_id,
                    a.decision,
                    _dumps(a.body),
                    a.assessed_at,
                    a.client_id,
                ),
            )

    def assessments(self, enrolment_id: str) -> dict[str, StoredAssessment]:
        """An enrolment's assessments, by submission id."""
        rows = self._rows("SELECT * FROM assessments WHERE enrolment_id = ?", (enrolment_id,))
        found = {}
        for row in rows:
            values = dict(row)
            values["body"] = json.loads(values["body"])
            found[row["submission_id"]] = StoredAssessment(**values)
        return found

    # -- awards -----------------------------------------------------------------------

    def record_award(self, award: StoredAward, then: Callable[[], object] | None = None) -> None:
        """Keep an award, if the enrolment has none; ``then`` (keeping the credential
        elsewhere) runs inside the same transaction, so if it fails no award row stays."""
        a = award
        with self._db.transaction(_LOCK) as db:
            existing = db.execute(
                "SELECT badge_id FROM awards WHERE enrolment_id = ?", (a.enrolment_id,)
            ).fetchone()
            if existing is not None:
                raise StoreConflictError(
                    f"this enrolment has been awarded already ({existing[0]})", badge=existing[0]
                )
            db.execute(
                "INSERT INTO awards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.badge_id,
                    a.enrolment_id,
                    a.definition_key,
                    a.learner_id,
                    a.issuer,
                    a.format,
                    _dumps(a.credential),
                    a.jwt,
                    a.awarded_at,
                    a.client_id,
                ),
            )
            if then is not None:
                then()

    def award(self, badge_id: str) -> StoredAward | None:
        found = self._row("SELECT * FROM awards WHERE badge_id = ?", (badge_id,))
        return _award(found) if found else None

    def award_for(self, enrolment_id: str) -> StoredAward | None:
        found = self._row("SELECT * FROM awards WHERE enrolment_id = ?", (enrolment_id,))
        return _award(found) if found else None

    def awards_for_learner(self, learner_id: str) -> list[StoredAward]:
        """A learner's awards, oldest first."""
        rows = self._rows(
            "SELECT * FROM awards WHERE learner_id = ? ORDER BY awarded_at, badge_id",
            (learner_id,),
        )
        return [_award(r) for r in rows]

    # -- figures ----------------------------------------------------------------------

    def figures(self, year: int | None = None) -> list[tuple[int, str, int, int, int]]:
        """``(year, category, applied, submitted, awarded)`` per enrolment year and
        category: enrolments, enrolments with a submission, enrolments awarded."""
        where, params = ("", ()) if year is None else (" WHERE e.year = ?", (year,))
        sql = _FIGURES.replace("{where}", where)
        with self._db.read() as db:
            rows = db.all(sql, params)
        return [(int(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def close(self) -> None:
        """Close this thread's connection (SQLite) or the idle ones (PostgreSQL)."""
        self._db.close()
