"""Platform-team features: profiles, baselines, changed-files selection, init scaffolding."""
