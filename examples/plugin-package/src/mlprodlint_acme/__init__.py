"""Acme's mlprodlint plugin (an example of the plugin contract; see docs/rule-packs.md)."""
