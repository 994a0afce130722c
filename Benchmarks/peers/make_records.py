"""Writes N Darwin Core records (JSON Lines) for the schema benchmark: the demo's samples,
varied, with about one in seven made invalid in a different way each time (a bad date, a
missing field, a wrong type), so both the valid and the invalid paths are timed."""
import json
import sys

count, out = int(sys.argv[1]), sys.argv[2]
samples = [json.loads(line) for line in open(sys.argv[3]) if line.strip()]
with open(out, "w") as f:
    for i in range(count):
        record = dict(samples[i % len(samples)])
        record["catalogNumber"] = f"DAO {100000 + i}"
        kind = i % 7
        if kind == 3:
            record["eventDate"] = "1923-13-01"
        elif kind == 5:
            record.pop("scientificName", None)
        elif kind == 6:
            record["decimalLatitude"] = "forty-five"
        f.write(json.dumps(record) + "\n")
