#!/usr/bin/python3
"""Checks a node_exporter scrape of sscardd's metrics file (scripts/test-metrics).

Parses the scrape with the Prometheus client's own parser
(prometheus_client.parser, Debian python3-prometheus-client), then checks the
sscard series against the calls scripts/test-metrics made, that the textfile
collector read the file without error, and that every metric the Grafana
dashboard and the alert rules in share/ query is one that was written.

    check-metrics-scrape.py SCRAPE --written PROM --service-point SP --reader R --audit-entries N
                            --dashboard JSON --rules YAML

Prints "ok ..." per check and "FAIL ..." for each failure; exit 1 on any failure.
"""
import argparse
import json
import re
import sys

import yaml

from prometheus_client.parser import text_string_to_metric_families

parser = argparse.ArgumentParser()
parser.add_argument("scrape")
parser.add_argument("--written", required=True, help="the metrics file sscardd wrote")
parser.add_argument("--service-point", required=True)
parser.add_argument("--reader", required=True)
parser.add_argument("--audit-entries", type=int, required=True)
parser.add_argument("--dashboard", required=True)
parser.add_argument("--rules", required=True)
args = parser.parse_args()

failures = 0


def check(condition, what):
    global failures
    if condition:
        print(f"ok   {what}")
    else:
        failures += 1
        print(f"FAIL {what}")


with open(args.scrape, encoding="utf-8") as f:
    families = list(text_string_to_metric_families(f.read()))

# Every sample by its name, and every name a query may use: a family's name,
# and its samples' names (a counter family "x" has samples "x_total"; a
# histogram's are _bucket, _sum and _count).
samples = [s for family in families for s in family.samples]
names = {family.name for family in families} | {s.name for s in samples}
# The families sscardd wrote, those without samples too (node_exporter drops
# a family with no samples: sscard_reader_errors_total until a reader fails).
with open(args.written, encoding="utf-8") as f:
    typed = {line.split()[2] for line in f if line.startswith("# TYPE ")}
names |= typed
for name in list(typed):
    names |= {name + "_bucket", name + "_sum", name + "_count"}


def values(name, **labels):
    return [s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]


def value(name, **labels):
    found = values(name, **labels)
    return found[0] if len(found) == 1 else None


point = args.service_point
check(value("node_textfile_scrape_error") == 0, "node_textfile_scrape_error is 0: the collector parsed the file")
mtimes = [s for s in samples if s.name == "node_textfile_mtime_seconds"]
stale_rule_file = re.compile(r"(.*/)?sscard[^/]*\.prom")
check(any(stale_rule_file.fullmatch(s.labels.get("file", "")) for s in mtimes),
      "node_textfile_mtime_seconds has the file, and the stale-file rule's regex matches its file label "
      + str([s.labels.get("file") for s in mtimes]))

check(value("sscard_build_info", service_point=point) == 1,
      "sscard_build_info carries the service point, escaped and parsed back unchanged: " + repr(point))

expected_calls = {
    ("Registry.Apply", "ok"): 1,
    ("Registry.AdvanceApplication", "ok"): 4,
    ("Registry.BindCard", "ok"): 1,
    ("Registry.Activate", "ok"): 1,
    ("Registry.ReportLoss", "ok"): 1,
    ("Registry.GetStatus", "ok"): 3,
    ("Registry.GetStatus", "refused"): 2,
    ("Registry.VerifyAudit", "ok"): 1,
}
for (method, outcome), count in expected_calls.items():
    got = value("sscard_calls_total", service_point=point, method=method, outcome=outcome)
    check(got == count, f"sscard_calls_total{{method={method},outcome={outcome}}} == {count} (got {got})")
check(value("sscard_refused_calls_total", service_point=point, reason="CardNotFound") == 2,
      "sscard_refused_calls_total{reason=CardNotFound} == 2")

# Histograms: buckets cumulative, +Inf equal to _count and to the calls counted.
for method in ["Registry.GetStatus", "Registry.ReportLoss"]:
    buckets = sorted(((float(s.labels["le"]), s.value) for s in samples
                      if s.name == "sscard_call_duration_seconds_bucket" and s.labels.get("method") == method))
    counts = [v for _, v in buckets]
    count = value("sscard_call_duration_seconds_count", service_point=point, method=method)
    calls = sum(values("sscard_calls_total", service_point=point, method=method))
    check(len(buckets) > 2 and buckets[-1][0] == float("inf") and counts == sorted(counts)
          and counts[-1] == count == calls and value("sscard_call_duration_seconds_sum", method=method) > 0,
          f"sscard_call_duration_seconds{{method={method}}}: cumulative buckets, +Inf == _count == {calls} calls")

check(value("sscard_cards", state="temporarilyLost") == 1 and sum(values("sscard_cards")) == 1,
      "sscard_cards: the one card, temporarily lost (registry-wide, no service_point label)")
check(all("service_point" not in s.labels for s in samples if s.name == "sscard_cards"),
      "sscard_cards has no service_point label")
check(value("sscard_audit_chain_entries", service_point=point) == args.audit_entries,
      f"sscard_audit_chain_entries == VerifyAudit's entriesChecked ({args.audit_entries})")
check(value("sscard_registry_up", service_point=point) == 1, "sscard_registry_up == 1")
check(value("sscard_readers_available", service_point=point) == 1, "sscard_readers_available == 1")
check(value("sscard_reader_present", service_point=point, reader=args.reader) == 1
      and value("sscard_reader_card_present", service_point=point, reader=args.reader) == 1,
      f"sscard_reader_present and sscard_reader_card_present for {args.reader!r}")
check(value("sscard_auto_releases_total", service_point=point) == 0, "sscard_auto_releases_total is written (0)")
failures_written = value("sscard_metrics_write_failures_total", service_point=point)
check(failures_written is not None and failures_written >= 1,
      f"sscard_metrics_write_failures_total counts the writes that failed while the directory was away ({failures_written})")
per_daemon = [s for s in samples if s.name.startswith("sscard_") and not s.name.startswith("sscard_cards")]
check(all(s.labels.get("service_point") == point for s in per_daemon),
      f"all {len(per_daemon)} per-daemon sscard samples carry service_point")
# No personal data: the holder's SSN and name never appear in the file.
with open(args.scrape, encoding="utf-8") as f:
    text = f.read()
check("11010519491231002X" not in text and "张三丰" not in text and "A00000011" not in text,
      "no SSN, name or card number in the metrics")

# Every metric the dashboard and the rules query exists in what was written.
metric = re.compile(r"\b((?:sscard|node)_[a-z0-9_]+)\b")
with open(args.dashboard, encoding="utf-8") as f:
    dashboard = json.load(f)
queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
queries += [v["definition"] for v in dashboard["templating"]["list"] if "definition" in v]
with open(args.rules, encoding="utf-8") as f:
    rules = yaml.safe_load(f)
queries += [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
used = {m for q in queries for m in metric.findall(q)}
missing = sorted(used - names)
check(len(queries) >= 20 and not missing,
      f"every metric the dashboard and the rules use ({len(used)} in {len(queries)} queries) was written"
      + (f"; missing: {missing}" if missing else ""))

sys.exit(1 if failures else 0)
