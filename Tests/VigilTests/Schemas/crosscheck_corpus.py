#!/usr/bin/env python3
"""Generates a corpus of JSON Schemas and instances, and Python jsonschema's verdicts.

Used by CrossCheckTests: Vigil's `vigil schema validate` must agree with Python's
`jsonschema` (an independent draft 2020-12 implementation) on every instance.

The generator avoids the places where the two differ by design, each for a reason:
- `multipleOf` with a decimal divisor: jsonschema divides floats (0.3 / 0.1 fails there);
  Vigil computes exactly. Divisors here are integers or powers of two (exact in floats).
- `pattern`: jsonschema runs Python's `re` (where \\d matches any Unicode digit), Vigil
  ECMA-262. Patterns here use explicit ASCII classes.
- `format`: only date, ipv4, ipv6 and uuid, which jsonschema checks without extra packages.

Usage: crosscheck_corpus.py OUT_DIR [--seed N] [--cases N] [--dwc PATH]
Writes OUT_DIR/case-NNN/{schema.json,instances.jsonl,expected.json}.
"""
import argparse
import json
import os
import random

from jsonschema import Draft202012Validator

STRINGS = ["", "a", "ab", "abc", "hello", "Hello", "x-1", "2024-02-29", "2023-02-29", "2024-13-01",
           "192.168.0.1", "256.1.1.1", "::1", "1::2::3", "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
           "not-a-uuid", "é", "日本", "ABC123", "abc def", "1.5", "true", "null", "AAAA", "zz"]
FORMATS = ["date", "ipv4", "ipv6", "uuid"]
PATTERNS = ["^a", "^[a-z]+$", "[0-9]", "^[A-Z][a-z]*$", "c$", "^.{2,3}$", "^(ab|cd)", "x-[0-9]+"]
KEYS = ["a", "b", "c", "id", "name", "n", "tags", "x-1"]


def number(rng):
    return rng.choice([0, 1, -1, 2, 3, 5, 7, 10, 100, -50, 0.5, 1.5, 2.25, -0.75, 1e3, 3.0, 12.5, 99.99])


def value(rng, depth=0):
    kinds = ["null", "bool", "int", "num", "str"] + (["arr", "obj"] * 2 if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.choice([True, False])
    if kind == "int":
        return rng.choice([0, 1, -1, 2, 3, 4, 5, 6, 10, 12, 42, 100, 1000, -7])
    if kind == "num":
        return number(rng)
    if kind == "str":
        return rng.choice(STRINGS)
    if kind == "arr":
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(KEYS): value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def schema(rng, depth=0, defs=None):
    """A random schema using most 2020-12 keywords."""
    if depth > 2 or rng.random() < 0.1:
        return rng.choice([True, False, {}, {"type": rng.choice(["string", "integer", "number", "object", "array", "null", "boolean"])}])
    s = {}
    pick = rng.sample([
        "type", "enum", "const", "num", "str", "arr", "obj", "anyOf", "oneOf", "allOf", "not",
        "if", "format", "ref", "unevaluatedProperties", "unevaluatedItems", "dependentSchemas",
    ], rng.randint(1, 4))
    for k in pick:
        if k == "type":
            types = rng.sample(["string", "integer", "number", "object", "array", "null", "boolean"], rng.randint(1, 2))
            s["type"] = types[0] if len(types) == 1 else types
        elif k == "enum":
            s["enum"] = [value(rng, 2) for _ in range(rng.randint(1, 4))]
        elif k == "const":
            s["const"] = value(rng, 2)
        elif k == "num":
            for kw in rng.sample(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"], rng.randint(1, 2)):
                s[kw] = rng.choice([2, 3, 5, 0.5, 0.25, 10]) if kw == "multipleOf" else number(rng)
        elif k == "str":
            for kw in rng.sample(["minLength", "maxLength", "pattern"], rng.randint(1, 2)):
                s[kw] = rng.choice(PATTERNS) if kw == "pattern" else rng.randint(0, 4)
        elif k == "arr":
            for kw in rng.sample(["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"], rng.randint(1, 3)):
                if kw == "items":
                    s["items"] = schema(rng, depth + 1, defs)
                elif kw == "prefixItems":
                    s["prefixItems"] = [schema(rng, depth + 1, defs) for _ in range(rng.randint(1, 2))]
                elif kw == "uniqueItems":
                    s["uniqueItems"] = rng.choice([True, False])
                elif kw == "contains":
                    s["contains"] = schema(rng, depth + 1, defs)
                    if rng.random() < 0.5:
                        s["minContains"] = rng.randint(0, 2)
                    if rng.random() < 0.3:
                        s["maxContains"] = rng.randint(1, 3)
                else:
                    s[kw] = rng.randint(0, 3)
        elif k == "obj":
            for kw in rng.sample(["properties", "required", "additionalProperties", "patternProperties",
                                   "propertyNames", "minProperties", "maxProperties", "dependentRequired"], rng.randint(1, 3)):
                if kw == "properties":
                    s["properties"] = {key: schema(rng, depth + 1, defs) for key in rng.sample(KEYS, rng.randint(1, 3))}
                elif kw == "required":
                    s["required"] = rng.sample(KEYS, rng.randint(1, 2))
                elif kw == "additionalProperties":
                    s["additionalProperties"] = schema(rng, depth + 1, defs)
                elif kw == "patternProperties":
                    s["patternProperties"] = {rng.choice(["^a", "^x-", "[0-9]", "^n"]): schema(rng, depth + 1, defs)}
                elif kw == "propertyNames":
                    s["propertyNames"] = {"maxLength": rng.randint(1, 3)}
                elif kw == "dependentRequired":
                    s["dependentRequired"] = {rng.choice(KEYS): rng.sample(KEYS, 1)}
                else:
                    s[kw] = rng.randint(0, 3)
        elif k in ("anyOf", "oneOf", "allOf"):
            s[k] = [schema(rng, depth + 1, defs) for _ in range(rng.randint(1, 3))]
        elif k == "not":
            s["not"] = schema(rng, depth + 1, defs)
        elif k == "if":
            s["if"] = schema(rng, depth + 1, defs)
            if rng.random() < 0.8:
                s["then"] = schema(rng, depth + 1, defs)
            if rng.random() < 0.8:
                s["else"] = schema(rng, depth + 1, defs)
        elif k == "format":
            s["format"] = rng.choice(FORMATS)
        elif k == "ref" and defs is not None:
            name = "d%d" % len(defs)
            defs[name] = None  # reserve before recursing, so nested refs get other names
            defs[name] = schema(rng, depth + 1, defs)
            s["$ref"] = "#/$defs/" + name
        elif k == "unevaluatedProperties":
            s["unevaluatedProperties"] = rng.choice([False, {"type": "integer"}, True])
        elif k == "unevaluatedItems":
            s["unevaluatedItems"] = rng.choice([False, {"type": "string"}])
        elif k == "dependentSchemas":
            s["dependentSchemas"] = {rng.choice(KEYS): schema(rng, depth + 1, defs)}
    return s


def root_schema(rng):
    defs = {}
    s = schema(rng, 0, defs)
    if isinstance(s, dict):
        s = dict(s)
        s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        if defs:
            s["$defs"] = defs
    return s


def dwc_records(rng, count):
    """Darwin Core records, most valid, many mutated the ways a model gets them wrong."""
    base = {"catalogNumber": "DAO 000123", "scientificName": "Carex aquatilis Wahlenb.", "basisOfRecord": "PreservedSpecimen",
            "institutionCode": "DAO", "family": "Cyperaceae", "recordedBy": "J. Macoun", "recordNumber": "1234",
            "eventDate": "1923-07-14", "country": "Canada", "countryCode": "CA", "stateProvince": "Ontario",
            "locality": "Ottawa, Mer Bleue bog", "decimalLatitude": 45.4, "decimalLongitude": -75.5,
            "minimumElevationInMeters": 70, "associatedMedia": ["https://example.org/sheets/123.jpg"]}
    mutations = [
        lambda r: r.pop("scientificName"), lambda r: r.update(catalogNumber=""), lambda r: r.update(basisOfRecord="Specimen"),
        lambda r: r.update(eventDate="1923-13-01"), lambda r: r.update(eventDate="1923"), lambda r: r.update(eventDate="1923-07"),
        lambda r: r.update(eventDate="1923-07/1923-08"), lambda r: r.update(eventDate="July 1923"), lambda r: r.update(decimalLatitude=91),
        lambda r: r.pop("decimalLongitude"), lambda r: r.update(countryCode="CAN"), lambda r: r.update(family="Cyperaceous"),
        lambda r: r.update(promt="x"), lambda r: r.update(recordNumber=None), lambda r: r.update(minimumElevationInMeters="70 m"),
        lambda r: r.update(associatedMedia=["a", "a"]), lambda r: r.update(institutionCode="dao"), lambda r: r.update(scientificName="carex"),
        lambda r: r.update(maximumElevationInMeters=90), lambda r: r.update(coordinateUncertaintyInMeters=0),
    ]
    records = []
    for _ in range(count):
        record = dict(base)
        for mutate in rng.sample(mutations, rng.choice([0, 0, 1, 1, 2, 3])):
            mutate(record)
        records.append(record)
    return records


def write_case(out, index, schema_doc, instances):
    folder = os.path.join(out, "case-%03d" % index)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "schema.json"), "w") as f:
        json.dump(schema_doc, f, indent=1)
    validator = Draft202012Validator(schema_doc, format_checker=Draft202012Validator.FORMAT_CHECKER)
    verdicts = []
    with open(os.path.join(folder, "instances.jsonl"), "w") as f:
        for instance in instances:
            f.write(json.dumps(instance, ensure_ascii=False) + "\n")
            verdicts.append(validator.is_valid(instance))
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(verdicts, f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--instances", type=int, default=30)
    parser.add_argument("--dwc")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    index = 0
    for index in range(args.cases):
        write_case(args.out, index, root_schema(rng), [value(rng) for _ in range(args.instances)])
    if args.dwc:
        with open(args.dwc) as f:
            dwc = json.load(f)
        write_case(args.out, args.cases, dwc, dwc_records(rng, 500))


if __name__ == "__main__":
    main()
