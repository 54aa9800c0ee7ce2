"""Facts read from the scanned repository: the one hardened git runner, CODEOWNERS, Prometheus rules, history."""
