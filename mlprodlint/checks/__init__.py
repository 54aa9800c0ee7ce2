"""Check functions: the code half of a rule. See `registry` for the one explicit table."""

from .base import CheckContext, CheckFunction, CheckSpec, Violation

__all__ = ["CheckContext", "CheckFunction", "CheckSpec", "Violation"]
