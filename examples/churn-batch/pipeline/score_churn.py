"""Nightly churn scoring job (placeholder for the example repository)."""

from __future__ import annotations


def run(snapshot_date: str) -> int:
    """Score all active subscribers for ``snapshot_date`` and return the row count."""
    print(f"scoring churn for {snapshot_date}")
    return 0


if __name__ == "__main__":
    import sys

    run(sys.argv[1] if len(sys.argv) > 1 else "today")
