"""The verifier's checks, by family. Each module's functions take the credential and the
:class:`~openmicrocred.verification.context.VerificationContext` and return checks; none of
them imports the verifier (nested credentials are verified through a callable it passes)."""
