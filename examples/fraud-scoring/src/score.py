"""Fraud scoring entry point (placeholder for the example repository)."""

from __future__ import annotations

MODEL_VERSION = "2026.09.1"


def score(transaction: dict) -> dict:
    """Return a fraud probability and reason codes for one transaction."""
    amount = float(transaction.get("amount", 0.0))
    probability = min(amount / 10_000.0, 1.0)
    reasons = ["HIGH_AMOUNT"] if probability > 0.5 else []
    return {"probability": probability, "reasons": reasons, "model_version": MODEL_VERSION}
