#!/usr/bin/env python3
"""The demo's "model": a small, deterministic, offline extractor of Darwin Core records
from herbarium label transcriptions. It stands in for an LLM so the demo job runs with no
network and no key.

Protocol (Vigil's command provider):
- per-item (default): one request as JSON on stdin, the answer as JSON on stdout.
- --persistent: one request per line on stdin, one answer per line on stdout, each
  carrying the request's "id".
A request: {"id": ..., "path": "data/labels/x.txt" (or "record": {...}), "prompt": "..."}.

Like a real model, it follows its prompt: a prompt that does not ask for Darwin Core JSON
gets a prose answer (which is what the wrong-prompt incident produced).
"""
import json
import os
import re
import sys

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
PROVINCES = {"Ontario": "CA", "Quebec": "CA", "Québec": "CA", "Manitoba": "CA", "Alberta": "CA", "British Columbia": "CA",
             "Nova Scotia": "CA", "New Brunswick": "CA", "Saskatchewan": "CA", "Newfoundland": "CA", "Yukon": "CA"}


def extract(text):
    record = {"basisOfRecord": "PreservedSpecimen"}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if m := re.search(r"\(([A-Z]{2,8})\)", line):
            record.setdefault("institutionCode", m.group(1))
        if m := re.fullmatch(r"([A-Z][a-z-]+ [a-z-]+(?: (?:var|subsp)\. [a-z-]+)?)(?: (.+))?", line):
            if "scientificName" not in record and not re.search(r"\d", line):
                record["scientificName"] = line
        if re.fullmatch(r"[A-Z]+ACEAE", line):
            record["family"] = line.capitalize()
        if m := re.match(r"([A-Z][A-Za-zé ]+?):\s*(.+)", line):
            if m.group(1) in PROVINCES:
                record["country"] = "Canada"
                record["countryCode"] = PROVINCES[m.group(1)]
                record["stateProvince"] = m.group(1)
                record["locality"] = m.group(2).rstrip(".")
        if m := re.search(r"(\d+(?:\.\d+)?)\s*°?\s*([NS])[, ]+(\d+(?:\.\d+)?)\s*°?\s*([EW])", line):
            lat, lon = float(m.group(1)), float(m.group(3))
            record["decimalLatitude"] = -lat if m.group(2) == "S" else lat
            record["decimalLongitude"] = -lon if m.group(4) == "W" else lon
        if m := re.search(r"[Ee]lev(?:ation|\.)?\s*(\d+)\s*m", line):
            record["minimumElevationInMeters"] = int(m.group(1))
        if m := re.search(r"\b(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\b", line):
            month = MONTHS.get(m.group(2).lower()) or next((v for k, v in MONTHS.items() if k.startswith(m.group(2).lower()[:3])), None)
            if month:
                record["eventDate"] = "%s-%02d-%02d" % (m.group(3), month, int(m.group(1)))
                if rest := line[m.end():].strip():
                    if c := re.match(r"(.+?)\s+(?:No\.\s*)?(\d+[a-z]?)$", rest):
                        record["recordedBy"], record["recordNumber"] = c.group(1), c.group(2)
                    else:
                        record["recordedBy"] = rest
        elif m := re.fullmatch(r"(?:Coll\.|Collector:)\s*(.+?)(?:\s+(?:No\.\s*)?(\d+))?", line):
            record["recordedBy"] = m.group(1)
            if m.group(2):
                record["recordNumber"] = m.group(2)
        if m := re.fullmatch(r"([A-Z]{2,8})\s+(\d{4,})", line):
            record["catalogNumber"] = "%s %s" % (m.group(1), m.group(2))
        if m := re.match(r"[Hh]abitat:\s*(.+)", line):
            record["habitat"] = m.group(1).rstrip(".")
    return record


def answer(request):
    prompt = request.get("prompt", "")
    if "Darwin Core" not in prompt or "JSON" not in prompt:
        return "This label appears to describe a plant specimen collected in Canada. It has a name and a date."
    if "record" in request:
        text = json.dumps(request["record"])
    else:
        with open(request["path"], encoding="utf-8") as f:
            text = f.read()
    return extract(text)


def main():
    if "--persistent" in sys.argv:
        for line in sys.stdin:
            if line.strip():
                request = json.loads(line)
                result = answer(request)
                print(json.dumps({"id": request.get("id"), "result": result}), flush=True)
        return
    result = answer(json.load(sys.stdin))
    print(result if isinstance(result, str) else json.dumps(result))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
