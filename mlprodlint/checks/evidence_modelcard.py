"""Model card consistency: Hugging Face style metadata (YAML front matter) declares license,
datasets and metrics, and the metrics the manifest monitors appear in the card."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..manifest import Limits, parse_text
from .base import CheckContext, Violation
from .evidence_markdown import split_front_matter
from .evidence_paths import RefKind, inside_repo, read_doc, relative_display, resolve_reference
from .fieldpath import first


@dataclass(frozen=True)
class ModelCard:
    path: Path
    text: str
    metadata: dict[str, Any] | None  # None: no front matter
    problem: tuple[int, str] | None = None  # front matter that does not parse
    positions: dict[str, tuple[int, int]] | None = None
    first_line: int = 1

    def line_of(self, key: str) -> int:
        if self.positions and f"/{key}" in self.positions:
            return self.positions[f"/{key}"][0] + self.first_line - 1
        return 1


def parse_card(path: Path, text: str) -> ModelCard:
    front = split_front_matter(text)
    if front is None:
        return ModelCard(path, text, None)
    loaded = parse_text(front.text, path, path.name, Limits())
    if loaded.problems or loaded.data is None:
        problem = loaded.problems[0] if loaded.problems else None
        line = (problem.line if problem else 1) + front.first_line - 1
        message = problem.message.replace("manifest", "front matter") if problem else "front matter is empty"
        if message == "front matter is empty":
            return ModelCard(path, text, None)
        return ModelCard(path, text, None, (line, message))
    return ModelCard(path, text, loaded.data, None, loaded.positions, front.first_line)


def find_model_card(ctx: CheckContext) -> ModelCard | None:
    """The referenced local model card, else a README.md with front matter next to the manifest.

    Two rules read the card of each manifest: it is parsed once per run (repo_facts.cache).
    """
    reference = first(ctx.manifest, "governance.model_card")
    if not isinstance(reference, str):
        reference = None  # hashable, and means the same: no reference to follow
    key = ("model_card", str(ctx.manifest_dir), str(ctx.repo_root), reference)
    cache = getattr(ctx.repo_facts, "cache", None)
    if isinstance(cache, dict) and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    card = _find_model_card(ctx, reference)
    if isinstance(cache, dict):
        cache[key] = card
    return card


def _find_model_card(ctx: CheckContext, reference: str | None) -> ModelCard | None:
    if isinstance(reference, str) and reference.strip():
        ref = resolve_reference(reference, ctx.manifest_dir, ctx.repo_root)
        if ref.kind is RefKind.INSIDE and ref.exists and ref.is_markdown and ref.path is not None:
            text = read_doc(ref.path)
            return parse_card(ref.path, text) if text is not None else None
    readme = ctx.manifest_dir / "README.md"
    if readme.is_file() and inside_repo(readme, ctx.repo_root):
        text = read_doc(readme)
        if text is not None and split_front_matter(text) is not None:
            return parse_card(readme, text)
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def card_metrics(metadata: dict[str, Any]) -> set[str]:
    """Metric names from `metrics:` and from model-index results (type and name)."""
    found = set(_strings(metadata.get("metrics")))
    index = metadata.get("model-index")
    for model in index if isinstance(index, list) else []:
        for result in (model.get("results") if isinstance(model, dict) else None) or []:
            for metric in (result.get("metrics") if isinstance(result, dict) else None) or []:
                if isinstance(metric, dict):
                    found.update(_strings(metric.get("type")) + _strings(metric.get("name")))
    return {m.strip() for m in found}


def card_metadata(ctx: CheckContext, /) -> Iterator[Violation]:
    card = find_model_card(ctx)
    if card is None:
        return
    shown = relative_display(card.path, ctx.repo_root)
    if card.problem is not None:
        line, message = card.problem
        yield Violation("/governance/model_card", f"{shown}: {message}", path=card.path, line=line)
        return
    if card.metadata is None:
        return  # no metadata block: nothing the card claims to check
    missing = []
    if not _strings(card.metadata.get("license")):
        missing.append("license")
    if not _strings(card.metadata.get("datasets")):
        missing.append("datasets")
    if not card_metrics(card.metadata):
        missing.append("metrics (metrics: or model-index results)")
    if missing:
        yield Violation(
            "/governance/model_card",
            f"{shown} metadata does not declare {', '.join(missing)}",
            path=card.path,
            line=1,
        )



def monitored_metrics_in_card(ctx: CheckContext, /) -> Iterator[Violation]:
    metrics = first(ctx.manifest, "monitoring.model_metrics")
    if not isinstance(metrics, list):
        return
    card = find_model_card(ctx)
    if card is None:
        return
    declared = {m.lower() for m in card_metrics(card.metadata)} if card.metadata else set()
    text = card.text.lower()
    shown = relative_display(card.path, ctx.repo_root)
    for index, metric in enumerate(metrics):
        if not isinstance(metric, str) or not metric.strip():
            continue
        name = metric.strip().lower()
        if name in declared or re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            continue
        yield Violation(f"/monitoring/model_metrics/{index}", f"{metric} is monitored but never mentioned in {shown}")
