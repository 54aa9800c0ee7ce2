"""Running rules over manifests: lint one manifest, waivers, the run (cache + process pool)."""
