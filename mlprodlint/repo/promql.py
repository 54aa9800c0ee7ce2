"""What a PromQL expression measures: availability, latency or freshness (or none of them).

An alert covers an SLO because of what its query measures, never because of words in its name:
"DriftJobFailed" or "HPAScaleUpLimitReached" say nothing about the service's availability. The
reading, documented in README ("Linking an alert to an SLO"):

- availability: a matcher selecting failed requests on a status-code label
  (`code=~"5.."`, `status!~"2.."`, `grpc_code!="OK"`, `outcome="error"`); an error counter read
  together with a request counter (`..._errors_total / ..._requests_total`, or one metric such as
  `http_request_errors_total`); the `up` or `probe_success` series;
- latency: a duration or latency metric (`..._duration_seconds`, `..._latency_ms`,
  `..._seconds_bucket`) read as a distribution: `histogram_quantile`, its `_bucket` series, the
  average `_sum` / `_count`, a `quantile` label, or a recorded percentile (`...:p99`);
- freshness: `time() - <timestamp metric>` (`..._last_success_timestamp_seconds`,
  `push_time_seconds`), or an age/staleness metric in seconds/hours (`..._age_seconds`);
- SLO generators: a matcher on `slo`, `sloth_slo` or `sloth_id` inside the query declares the SLO
  it belongs to (see `families_of_slo_name`).

The tokenizer is one regular expression of alternatives that cannot overlap (no nested
quantifiers), applied left to right: linear in the length of the expression, which is capped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_EXPR_CHARS = 20_000  # longer expressions are read only up to here

AVAILABILITY, LATENCY, FRESHNESS = "availability", "latency", "freshness"
FAMILIES = (AVAILABILITY, LATENCY, FRESHNESS)

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)
      | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
      | (?P<number>[0-9][0-9A-Za-z_.]*)
      | (?P<op>!~|=~|!=|==|>=|<=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_GROUPING = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_KEYWORDS = _GROUPING | frozenset({"bool", "and", "or", "unless", "offset", "atan2", "inf", "nan"})

_STATUS_LABELS = frozenset({
    "code", "status", "status_code", "statuscode", "http_status", "http_code", "http_status_code",
    "response_code", "response_status", "grpc_code", "grpc_status", "rpc_grpc_status_code",
    "outcome", "result",
})
_ERROR_VALUES = frozenset({"error", "errors", "failure", "failed", "fail", "server_error", "5xx", "false"})
_SUCCESS_VALUES = frozenset({"ok", "success", "succeeded", "true", "2xx"})
_GRPC_ERRORS = frozenset({"unavailable", "internal", "unknown", "deadlineexceeded", "dataloss"})

_ERROR_WORDS = frozenset({"error", "errors", "failure", "failures", "failed", "fail", "fails", "exceptions"})
_REQUEST_WORDS = frozenset({
    "request", "requests", "req", "reqs", "call", "calls", "rpc", "rpcs", "invocations",
    "predictions", "prediction", "inferences", "inference", "queries", "responses", "http", "grpc",
})
_DURATION_WORDS = frozenset({"duration", "latency", "latencies", "seconds", "milliseconds", "ms", "time", "rtt"})
# `_bucket` or a recorded percentile is a distribution; `_count` alone counts requests, so the
# average (`_sum` / `_count`) needs both.
_DISTRIBUTION_WORDS = frozenset({
    "bucket", "quantile", "percentile", "histogram", "p50", "p75", "p90", "p95", "p99", "p999",
})
_TIMESTAMP_WORDS = frozenset({"timestamp", "last", "time", "completion", "finished", "lastsuccess", "updated"})
_AGE_WORDS = frozenset({"age", "staleness", "freshness", "lag"})
_AGE_UNITS = frozenset({"seconds", "hours", "minutes"})
_SLO_LABELS = frozenset({"slo", "sloth_slo", "sloth_id"})

# Words of an SLO's *declared* name (a `slo`/`sloth_slo` label, a Sloth SLO id) naming its family.
SLO_NAME_WORDS = {
    AVAILABILITY: frozenset({"availability", "available", "uptime", "errors", "error"}),
    LATENCY: frozenset({"latency", "duration"}),
    FRESHNESS: frozenset({"freshness", "staleness", "stale", "age"}),
}
_WORD = re.compile(r"[a-z0-9]+")


def words(name: str) -> frozenset[str]:
    """Lower-case words of a metric or label name split at `_`, `:`, `-`, `.` and spaces."""
    return frozenset(_WORD.findall(name.lower()))


def families_of_slo_name(name: str) -> frozenset[str]:
    """Families a declared SLO name refers to (`requests-availability` -> availability)."""
    found = words(name)
    return frozenset(f for f, names in SLO_NAME_WORDS.items() if found & names)


@dataclass(frozen=True)
class Reading:
    """What was found in one expression."""

    metrics: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    matchers: tuple[tuple[str, str, str], ...] = ()  # (label, operator, value)
    operators: frozenset[str] = frozenset()
    slo_names: tuple[str, ...] = ()  # values of slo/sloth_slo/sloth_id matchers
    families: frozenset[str] = field(default_factory=frozenset)


def _unquote(token: str) -> str:
    body = token[1:-1] if len(token) >= 2 else token
    return body.replace('\\"', '"').replace("\\\\", "\\")


def _tokens(expr: str) -> list[tuple[str, str]]:
    out = []
    for found in _TOKEN.finditer(expr[:MAX_EXPR_CHARS]):
        kind = found.lastgroup or "op"
        if kind not in ("space", "comment"):
            out.append((kind, found.group()))
    return out


def _alternatives(value: str) -> list[str]:
    """`(5..|4..)` -> ['5..', '4..'], `^5.*$` -> ['5.*']: the branches of a matcher's regex."""
    out = []
    for branch in value.split("|"):
        cleaned = branch.strip().strip("()^$").strip()
        if cleaned.startswith("[") and "]" in cleaned:
            cleaned = cleaned[1:cleaned.index("]")] + "."  # [5] / [45] / [23]: the first digit class
        if cleaned:
            out.append(cleaned.lower())
    return out


def _selects_errors(label: str, op: str, value: str) -> bool:
    if label.lower() not in _STATUS_LABELS:
        return False
    branches = _alternatives(value)
    if not branches:
        return False
    if op in ("=~", "="):
        return any(
            b.startswith("5") or b in _ERROR_VALUES or b in _GRPC_ERRORS or b.startswith("45") for b in branches
        )
    if op in ("!~", "!="):
        return all(b.startswith(("2", "12", "23", "123")) or b in _SUCCESS_VALUES for b in branches)
    return False


def read(expr: str) -> Reading:
    tokens = _tokens(expr)
    metrics: set[str] = set()
    functions: set[str] = set()
    operators: set[str] = set()
    matchers: list[tuple[str, str, str]] = []
    index, depth_brace = 0, 0
    while index < len(tokens):
        kind, text = tokens[index]
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if kind == "op":
            if text == "{":
                depth_brace += 1
            elif text == "}":
                depth_brace = max(0, depth_brace - 1)
            elif depth_brace == 0 and text in ("/", "-", "+", "*", ">", "<", ">=", "<=", "==", "!="):
                operators.add(text)
            index += 1
            continue
        if kind == "ident" and depth_brace > 0:
            # label matcher: name op "value"
            if index + 2 < len(tokens) and tokens[index + 1][1] in ("=", "!=", "=~", "!~") and tokens[index + 2][0] == "string":
                matchers.append((text, tokens[index + 1][1], _unquote(tokens[index + 2][1])))
                index += 3
                continue
            index += 1
            continue
        if kind == "ident":
            if text in _GROUPING and following == "(":
                # skip the label list: `by (le, code)`
                index += 2
                while index < len(tokens) and tokens[index][1] != ")":
                    index += 1
                index += 1
                continue
            if following == "(":
                functions.add(text.lower())
            elif text.lower() not in _KEYWORDS:
                metrics.add(text)
        index += 1
    slo_names = tuple(v for label, op, v in matchers if label in _SLO_LABELS and op == "=")
    reading = Reading(frozenset(metrics), frozenset(functions), tuple(matchers), frozenset(operators), slo_names)
    return Reading(
        reading.metrics, reading.functions, reading.matchers, reading.operators, reading.slo_names,
        frozenset(_families(reading)),
    )


def _families(reading: Reading) -> set[str]:
    found: set[str] = set()
    for name in reading.slo_names:
        found |= families_of_slo_name(name)
    if found:
        return found  # an SLO generator's query says which SLO it belongs to
    metric_words = [words(m) for m in reading.metrics]
    # availability
    if any(_selects_errors(*m) for m in reading.matchers):
        found.add(AVAILABILITY)
    has_error = any(w & _ERROR_WORDS for w in metric_words)
    has_request = any(w & _REQUEST_WORDS for w in metric_words)
    if any((w & _ERROR_WORDS) and (w & _REQUEST_WORDS) for w in metric_words) or (
        has_error and has_request and "/" in reading.operators
    ):
        found.add(AVAILABILITY)
    if {"up", "probe_success"} & set(reading.metrics):
        found.add(AVAILABILITY)
    # latency
    duration_metrics = [w for w in metric_words if w & _DURATION_WORDS]
    if duration_metrics and (
        "histogram_quantile" in reading.functions
        or any(w & _DISTRIBUTION_WORDS for w in duration_metrics)
        or (any("sum" in w for w in duration_metrics) and any("count" in w for w in duration_metrics))
        or any(label == "quantile" for label, _, _ in reading.matchers)
    ):
        found.add(LATENCY)
    # freshness
    if "time" in reading.functions and "-" in reading.operators and any(w & _TIMESTAMP_WORDS for w in metric_words):
        found.add(FRESHNESS)
    if any((w & _AGE_WORDS) and (w & _AGE_UNITS) for w in metric_words):
        found.add(FRESHNESS)
    return found


def families(expr: str) -> frozenset[str]:
    return read(expr).families


def describe(families_found: Iterable[str]) -> str:
    shown = sorted(families_found)
    return ", ".join(shown) if shown else "none of availability, latency, freshness"
