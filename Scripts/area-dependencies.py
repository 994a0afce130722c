#!/usr/bin/env python3
"""Which area of Sources/Vigil uses which, checked against the README's area table.

Prints `A -> B (Name, ...)` for every area A whose files name something declared in area B:
a top-level type (struct, enum, class, actor, protocol), or a member an area adds to another
area's type, or to a standard type, in an extension (`String.trimmingWhitespace()` declared in
Execution and called as `.trimmingWhitespace()` in Providers is an edge Providers -> Execution:
such members hide edges a type-only view misses). Then every pair that depends both ways (the
layout promises none), and every edge the README's table ("| area | what it owns | depends on
|") does not list. Exits 1 on either. An area is a folder under Sources/Vigil. Approximate
(names, not a compiler's view), and enough to keep the layout honest:
    python3 Scripts/area-dependencies.py"""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "Sources", "Vigil")
declared = {}  # type name -> area
members = {}  # extension member name -> (area, extended type)
texts = {}
TYPE = re.compile(r"^(?:public |package |internal |fileprivate |private |final |indirect )*(?:struct|enum|class|actor|protocol) (\w+)", re.M)
EXTENSION = re.compile(r"^(?:public |package |internal )?extension (\w+)[^{]*\{(.*?)^\}", re.M | re.S)
MEMBER = re.compile(r"^    (?:@\w+ )*(?:public |package |internal )?(?:static |mutating |nonisolated )*(?:func (\w+)\((\w*)|var (\w+))", re.M)
# Every declaration of a function (by name and first argument label) or property, anywhere:
# a member name declared twice is ambiguous by name alone, and not counted as an edge.
ANY_DECLARATION = re.compile(r"\b(?:func (\w+)\((\w*)|(?:var|let|case) (\w+))")


def member_key(match):
    """`name(label:` for a function (what a call writes: `.change(to:`), `name` for a property."""
    if match.group(1):
        label = match.group(2)
        return f"{match.group(1)}(" + ("" if label in ("_", "") else f"{label}:")
    return match.group(3)


def code_of(text):
    return re.sub(r"//.*", "", text)


for area in sorted(os.listdir(root)):
    folder = os.path.join(root, area)
    if not os.path.isdir(folder):
        continue
    for base, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(".swift"):
                text = code_of(open(os.path.join(base, name)).read())
                texts.setdefault(area, []).append(text)
                for match in TYPE.finditer(text):
                    declared[match.group(1)] = area
declarations = {}
# The JSONSchema module's declarations count too (`JSONValue.stringValue` is one of them).
schema_module = os.path.join(here, "..", "Sources", "JSONSchema")
everything = [text for files in texts.values() for text in files]
for base, _, files in os.walk(schema_module):
    everything += [code_of(open(os.path.join(base, name)).read()) for name in files if name.endswith(".swift")]
for text in everything:
    for match in ANY_DECLARATION.finditer(text):
        key = member_key(match)
        declarations[key] = declarations.get(key, 0) + 1
for area, files in texts.items():
    for text in files:
        for extension in EXTENSION.finditer(text):
            extended, body = extension.group(1), extension.group(2)
            for member in MEMBER.finditer(body):
                key = member_key(member)
                if declarations.get(key, 0) == 1:
                    members[key] = (area, extended)

edges = {}
for area, files in texts.items():
    code = "\n".join(files)
    for word in set(re.findall(r"\b[A-Z]\w+\b", code)):
        owner = declared.get(word)
        if owner and owner != area:
            edges.setdefault((area, owner), set()).add(word)
    for key, (owner, extended) in members.items():
        # A member added to a type of the same area it is declared in is that type's own.
        if owner == area or declared.get(extended) == owner:
            continue
        use = r"\." + re.escape(key) + ("" if key.endswith(("(", ":")) else r"\b(?!\()")
        if re.search(use, code):
            edges.setdefault((area, owner), set()).add(f"{extended}.{key.rstrip('(:').split('(')[0]}")

for (a, b), names in sorted(edges.items()):
    print(f"{a} -> {b} ({', '.join(sorted(names)[:6])}{', ...' if len(names) > 6 else ''})")
problems = 0
for a, b in sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges}):
    print(f"both ways: {a} <-> {b}")
    problems += 1

# The README's table: | area | what it owns | depends on |
listed = {}
readme = open(os.path.join(here, "..", "README.md")).read()
for row in re.finditer(r"^\| (\w+) \| .* \| ([^|]*) \|$", readme, re.M):
    area, depends = row.group(1), row.group(2)
    if area in texts:
        listed[area] = {word for word in re.findall(r"\b[A-Z]\w+\b", depends) if word in texts}
for area in sorted(texts):
    if area not in listed:
        print(f"not in the README's area table: {area}")
        problems += 1
for (a, b), names in sorted(edges.items()):
    if a in listed and b not in listed[a]:
        print(f"the README's table does not say {a} depends on {b} (it uses {', '.join(sorted(names)[:4])})")
        problems += 1
sys.exit(1 if problems else 0)
