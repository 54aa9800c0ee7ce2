"""CI integrations: the GitHub Action's run step."""
