"""Reading input safely: the neutral YAML loader, manifests, discovery, schema validation."""
