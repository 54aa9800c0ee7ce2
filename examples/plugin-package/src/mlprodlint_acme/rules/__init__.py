"""The acme-policy rule pack: the YAML files in this folder."""
