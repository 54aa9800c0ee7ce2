"""The result model: findings and per-rule results (the one store), readiness derived from it."""
