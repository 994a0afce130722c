"""The Python peer of `vigil-bench schema`: Draft 2020-12 validation of every line of a JSON
Lines file with `jsonschema` (formats asserted, as Vigil does), parsing outside the timed
part. Prints one JSON line: records, valid, seconds, records_per_sec."""
import json
import sys
import time

import jsonschema

schema = json.load(open(sys.argv[1]))
records = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
start = time.perf_counter()
valid = sum(1 for record in records if validator.is_valid(record))
seconds = time.perf_counter() - start
print(json.dumps({"records": len(records), "valid": valid, "seconds": round(seconds, 3), "records_per_sec": round(len(records) / seconds)}))
