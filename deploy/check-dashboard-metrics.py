#!/usr/bin/env python3
"""Checks that the Grafana dashboards' PromQL uses only metrics (and labels) the bridge exports.

  deploy/check-dashboard-metrics.py                    against the names declared in Sources/
  deploy/check-dashboard-metrics.py --served FILE|URL  also against what a running bridge's /metrics served

Declared names come from the Swift sources: `static let …Name = "…"` constants and `label: "…"` arguments of
Counter / Gauge / Timer (and `label: Self.…Name`), with the label keys of their `dimensions: [("key", …)]`. A Timer
is exported as a Prometheus histogram: `name_bucket` (with `le`), `name_sum`, `name_count`. Every metric an
expression selects must be declared, and every label it groups by or matches on must be one that metric has.
With --served, every metric must also appear in the exposition (a `# TYPE` line), so a name that only exists in
the source but is never registered is caught too. Exit 1 with one line per problem.
"""
import glob
import json
import os
import re
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHBOARDS = os.path.join(ROOT, "deploy", "monitoring", "grafana", "dashboards")
# PromQL words that are not metric names.
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "ceil", "floor", "round",
    "clamp_min", "clamp_max", "clamp", "label_replace", "label_join", "sort", "sort_desc", "time", "vector",
    "scalar", "absent", "changes", "resets", "avg_over_time", "max_over_time", "min_over_time", "sum_over_time",
    "count_over_time", "last_over_time", "predict_linear", "exp", "ln", "log2", "log10", "sqrt", "inf", "nan",
}


def declared_metrics():
    """name -> set of label keys, for every metric the sources declare (histogram series expanded)."""
    metrics = {}
    for path in glob.glob(os.path.join(ROOT, "Sources", "**", "*.swift"), recursive=True):
        text = open(path, encoding="utf-8").read()
        constants = dict(re.findall(r'static let (\w+Name) = "([a-z_:][a-z0-9_:]*)"', text))
        pattern = r'\b(Counter|Gauge|Timer)\(\s*label:\s*(?:"([a-z_:][a-z0-9_:]*)"|Self\.(\w+Name))(.{0,300}?)factory'
        for kind, literal, constant, rest in re.findall(pattern, text, re.DOTALL):
            name = literal or constants.get(constant)
            if not name:
                continue
            labels = set(re.findall(r'\("([a-z_][a-z0-9_]*)",', rest))
            series = [(f"{name}_bucket", {"le"}), (f"{name}_sum", set()), (f"{name}_count", set())] \
                if kind == "Timer" else [(name, set())]
            for series_name, extra in series:
                metrics.setdefault(series_name, set()).update(labels | extra)
    return metrics


def served_metrics(source):
    if source.startswith("http://"):
        with urllib.request.urlopen(source, timeout=10) as response:
            text = response.read().decode("utf-8")
    else:
        text = open(source, encoding="utf-8").read()
    names = set()
    for kind_line in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE):
        name, kind = kind_line
        names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"} if kind == "histogram" else {name}
    return names


def expressions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from expressions(value)
    elif isinstance(node, list):
        for item in node:
            yield from expressions(item)


def selections(expression):
    """(metric, labels used with it) for every metric an expression selects, grouping labels included."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)
    grouping = set()
    for words in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", text):
        grouping |= {w.strip() for w in words.split(",") if w.strip()}
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    found = []
    for match in re.finditer(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?", text):
        name, matchers = match.group(1), match.group(2) or ""
        if name in PROMQL_WORDS or re.fullmatch(r"[0-9.e]+", name):
            continue
        if text[match.end():].lstrip().startswith("(") and not matchers:
            continue  # a function we do not list: not a selector
        labels = set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
        found.append((name, labels))
    # Grouping labels must exist on the metrics under the aggregation; checking them against every metric of the
    # expression is stricter than PromQL but true for every query of ours (one metric per expression).
    return [(name, labels | grouping) for name, labels in found]


def main(arguments) -> int:
    served = None
    if arguments[:1] == ["--served"] and len(arguments) > 1:
        served = served_metrics(arguments[1])
    declared = declared_metrics()
    problems, used = [], set()
    files = sorted(glob.glob(os.path.join(DASHBOARDS, "*.json")))
    if not files:
        problems.append(f"no dashboards in {DASHBOARDS}")
    for path in files:
        where = os.path.relpath(path, ROOT)
        for expression in expressions(json.load(open(path, encoding="utf-8"))):
            picked = selections(expression)
            if not picked:
                problems.append(f"{where}: {expression!r} selects no metric")
            for name, labels in picked:
                used.add(name)
                if name not in declared:
                    problems.append(f"{where}: {name} is not a metric the bridge declares (in {expression!r})")
                    continue
                for label in sorted(labels - declared[name]):
                    problems.append(f"{where}: {name} has no label {label} (in {expression!r})")
                if served is not None and name not in served:
                    problems.append(f"{where}: {name} is declared but the running bridge did not serve it")
    for problem in problems:
        print(f"check-dashboard-metrics: {problem}")
    if not problems:
        against = "the sources' declarations" + (" and a running bridge's /metrics" if served is not None else "")
        print(f"check-dashboard-metrics: {len(files)} dashboard(s), {len(used)} metric series, all in {against}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
