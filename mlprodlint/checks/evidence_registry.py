"""The evidence check functions (issue 4), gathered so the registry needs one entry."""

from __future__ import annotations

from . import evidence_alerts, evidence_files, evidence_git, evidence_modelcard, evidence_owners, secrets

BUILTIN = (*evidence_files.BUILTIN, *evidence_alerts.BUILTIN, *evidence_owners.BUILTIN, *evidence_git.BUILTIN, *evidence_modelcard.BUILTIN, *secrets.BUILTIN)
