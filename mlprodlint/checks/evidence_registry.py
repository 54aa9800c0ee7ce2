"""The evidence check functions (issue 4), gathered so the registry needs one entry."""

from __future__ import annotations

from . import evidence_alerts, evidence_files

BUILTIN = (*evidence_files.BUILTIN, *evidence_alerts.BUILTIN)
