"""Errors of the data-safety services."""

from __future__ import annotations

from ..errors import RuleError


class BackupError(RuleError):
    """A backup or restore could not be done; the message says why."""
