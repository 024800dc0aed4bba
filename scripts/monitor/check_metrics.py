"""Parses a Prometheus text exposition from stdin with the reference client's parser
(prometheus_client.parser), which raises on malformed input, and prints one JSON object:
{"families": {name: {"type": ..., "samples": [[sample name, labels, value], ...]}}}."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    families[family.name] = {
        "type": family.type,
        "samples": [[s.name, s.labels, s.value] for s in family.samples],
    }
json.dump({"families": families}, sys.stdout)
