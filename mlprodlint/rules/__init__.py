"""Rule packs: the rule model, pack sources, the engine's core rules, generated docs."""
