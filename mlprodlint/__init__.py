"""mlprodlint: a production-readiness linter for machine-learning services."""

__version__ = "0.1.0"
