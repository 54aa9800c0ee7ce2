"""Model card consistency: Hugging Face style metadata (YAML front matter) declares license,
datasets and metrics, and the metrics the manifest monitors appear in the card."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..load.manifest import Limits, parse_text
from .base import CheckContext, Examined, NothingToCheck, Violation
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
    loaded = parse_text(front.text, path, path.name, Limits(), "front matter")
    if loaded.problems or loaded.data is None:
        problem = loaded.problems[0] if loaded.problems else None
        line = (problem.line if problem else 1) + front.first_line - 1
        message = problem.message if problem else "front matter is empty"
        if message == "front matter is empty":
            return ModelCard(path, text, None)
        return ModelCard(path, text, None, (line, message))
    return ModelCard(path, text, loaded.data, None, loaded.positions, front.first_line)


def find_model_card(ctx: CheckContext) -> ModelCard | None:
    """The referenced local model card, else the nearest card-like Markdown file with front matter
    from the manifest's folder up to the repository root (see _find_model_card).

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


CARD_NAMES = ("README.md", "MODEL_CARD.md", "model_card.md", "modelcard.md")
# Front-matter keys of a Hugging Face model card: a README further up must carry one of them to
# be taken for this model's card (a docs site's `title:` front matter is not a model card).
CARD_KEYS = frozenset({"license", "datasets", "metrics", "model-index", "pipeline_tag", "library_name", "base_model", "language", "tags"})


def _find_model_card(ctx: CheckContext, reference: str | None) -> ModelCard | None:
    if isinstance(reference, str) and reference.strip():
        ref = resolve_reference(reference, ctx.manifest_dir, ctx.repo_root)
        if ref.kind is RefKind.INSIDE and ref.exists and ref.is_markdown and ref.path is not None:
            text = read_doc(ref.path)
            return parse_card(ref.path, text) if text is not None else None
        if ref.kind is not RefKind.INSIDE or ref.exists:
            return None  # a URL (not fetched) or not Markdown: the declared card is not readable here
    root = Path(os.path.abspath(ctx.repo_root))
    folder = Path(os.path.abspath(ctx.manifest_dir))
    while True:
        for name in CARD_NAMES:
            candidate = folder / name
            if not candidate.is_file() or not inside_repo(candidate, ctx.repo_root):
                continue
            text = read_doc(candidate)
            if text is None or split_front_matter(text) is None:
                continue
            card = parse_card(candidate, text)
            nearest = folder == Path(os.path.abspath(ctx.manifest_dir))
            if nearest or card.problem is not None or (card.metadata and CARD_KEYS & set(card.metadata)):
                return card
        if folder == root or folder.parent == folder or not folder.is_relative_to(root):
            return None
        folder = folder.parent


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


def card_metadata(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    card = find_model_card(ctx)
    if card is None:
        yield NothingToCheck(_NO_CARD)
        return
    shown = relative_display(card.path, ctx.repo_root)
    if card.problem is not None:
        line, message = card.problem
        yield Violation("/governance/model_card", f"{shown}: {message}", path=card.path, line=line)
        return
    if card.metadata is None:
        yield NothingToCheck(f"{shown} has no front-matter metadata")
        return
    yield Examined(f"front matter of {shown}")
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


_NO_CARD = "no local model card (governance.model_card, or a README.md/MODEL_CARD.md with front matter)"


def monitored_metrics_in_card(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    metrics = first(ctx.manifest, "monitoring.model_metrics")
    names = [(i, m) for i, m in enumerate(metrics) if isinstance(m, str) and m.strip()] if isinstance(metrics, list) else []
    if not names:
        yield NothingToCheck("no monitoring.model_metrics declared")
        return
    card = find_model_card(ctx)
    if card is None:
        yield NothingToCheck(_NO_CARD)
        return
    declared = {metric_key(m) for m in card_metrics(card.metadata)} if card.metadata else set()
    terms = card_terms(card)
    shown = relative_display(card.path, ctx.repo_root)
    yield Examined(shown)
    for index, metric in names:
        forms = metric_forms(metric)
        if forms & declared or any(terms.mentions(form) for form in forms):
            continue
        yield Violation(f"/monitoring/model_metrics/{index}", f"{metric} is monitored but never mentioned in {shown}")


# --- metric names as a reviewer reads them ---------------------------------------------------------

# A metric's spellings: case, separators (`roc_auc`, "ROC-AUC", "ROC AUC") and these aliases are
# the same metric. Each group lists word sequences; the first is only a label.
METRIC_ALIASES: tuple[tuple[str, ...], ...] = (
    ("roc auc", "auc roc", "rocauc", "aucroc", "auroc", "roc auc score", "area under roc",
     "area under roc curve", "area under the roc curve", "area under the receiver operating characteristic curve"),
    ("pr auc", "auc pr", "prauc", "aucpr", "auprc", "auc prc", "prc auc", "average precision", "average precision score",
     "avg precision", "area under the precision recall curve", "area under precision recall curve", "precision recall auc"),
    ("f1", "f1 score", "f1score", "f score", "f measure", "f1 measure", "f1 metric"),
    ("accuracy", "acc", "accuracy score"),
    ("precision", "ppv", "positive predictive value", "precision score"),
    ("recall", "sensitivity", "tpr", "true positive rate", "recall score"),
    ("specificity", "tnr", "true negative rate"),
    ("log loss", "logloss", "cross entropy", "cross entropy loss", "binary cross entropy", "log likelihood loss"),
    ("mae", "mean absolute error"),
    ("mse", "mean squared error", "mean square error"),
    ("rmse", "root mean squared error", "root mean square error"),
    ("mape", "mean absolute percentage error"),
    ("r2", "r squared", "r 2", "coefficient of determination", "r2 score"),
    ("brier", "brier score", "brier loss"),
    ("ks", "ks statistic", "kolmogorov smirnov", "kolmogorov smirnov statistic"),
    ("gini", "gini coefficient"),
    ("ndcg", "normalized discounted cumulative gain", "normalised discounted cumulative gain"),
    ("mrr", "mean reciprocal rank"),
    ("map", "mean average precision"),
    ("wer", "word error rate"),
    ("cer", "character error rate"),
    ("bleu", "bleu score"),
    ("perplexity", "ppl"),
)
_TERM = re.compile(r"[a-z0-9]+(?:[-_@][a-z0-9]+)*")  # unambiguous: linear on any text
_JOINERS = re.compile(r"[-_@]")


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words of a metric name; `at` before a number is dropped (`precision_at_10` is
    "precision@10"), so is a trailing `score` handled by the aliases."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return tuple(w for i, w in enumerate(words) if not (w == "at" and i + 1 < len(words) and words[i + 1][:1].isdigit()))


def metric_key(name: str) -> tuple[str, ...]:
    return _words(name)


_GROUP_OF: dict[tuple[str, ...], frozenset[tuple[str, ...]]] = {}
for _group in METRIC_ALIASES:
    _forms = frozenset(_words(form) for form in _group) | frozenset((" ".join(_words(form)).replace(" ", ""),) for form in _group)
    for _form in _forms:
        _GROUP_OF[_form] = _forms


def metric_forms(name: str) -> frozenset[tuple[str, ...]]:
    """Every word sequence that names the same metric as `name`."""
    key = _words(name)
    if not key:
        return frozenset()
    joined = ("".join(key),)
    forms = set(_GROUP_OF.get(key) or _GROUP_OF.get(joined) or ())
    if key[-1] == "score" and len(key) > 1:
        forms |= _GROUP_OF.get(key[:-1], frozenset()) | {key[:-1]}
    if key == ("auc",):  # a bare "auc" is conventionally ROC AUC (not the other way round)
        forms |= _GROUP_OF[("roc", "auc")]
    return frozenset(forms | {key, joined})


@dataclass(frozen=True)
class CardTerms:
    """The card's text as terms: `ROC-AUC` and `roc_auc` are one term ("roc", "auc"); terms
    separated only by white space may be read together ("ROC AUC", "F1 score"); `Lift-curves`
    is the term ("lift", "curves"), not a mention of `lift`."""

    terms: tuple[tuple[str, ...], ...]
    spaced: tuple[bool, ...]  # spaced[i]: only white space between term i and term i + 1
    starts: Mapping[str, tuple[int, ...]]  # first word -> indexes of the terms starting with it
    joined: frozenset[str]  # each single term with its separators removed ("rocauc")

    def mentions(self, form: tuple[str, ...]) -> bool:
        if len(form) == 1 and form[0] in self.joined:
            return True
        for index in self.starts.get(form[0], ()):
            words: tuple[str, ...] = ()
            at = index
            while at < len(self.terms) and len(words) < len(form):
                words += self.terms[at]
                if form[: len(words)] != words:
                    break
                if words == form:
                    return True
                if not self.spaced[at]:
                    break
                at += 1
        return False


def card_terms(card: ModelCard) -> CardTerms:
    return _card_terms(card.text)


def _term_words(term: str) -> tuple[str, ...]:
    words = tuple(_JOINERS.split(term))
    return _words(term) if "at" in words else words


@lru_cache(maxsize=32)  # several manifests may share one card; the text is read once per run
def _card_terms(text: str) -> CardTerms:
    text = text.lower()
    matches = list(_TERM.finditer(text))
    terms = tuple(_term_words(m.group(0)) for m in matches)
    spaced = tuple(
        (text[m.end() : matches[i + 1].start()].isspace() if i + 1 < len(matches) else False)
        for i, m in enumerate(matches)
    )
    starts: dict[str, list[int]] = {}
    for index, words in enumerate(terms):
        starts.setdefault(words[0], []).append(index)
    return CardTerms(terms, spaced, {k: tuple(v) for k, v in starts.items()}, frozenset("".join(t) for t in terms))
