#!/usr/bin/env python3
"""Which area of Sources/Vigil uses which: prints `A -> B (Type, ...)` for every area A whose
files name a type declared in area B, and every pair that depends both ways (the README's
layout promises none). An area is a folder under Sources/Vigil; a type is a top-level
struct, enum, class, actor or protocol. Approximate (names, not a compiler's view), and
enough to keep the layout honest:  python3 Scripts/area-dependencies.py"""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "Vigil")
declared = {}
texts = {}
for area in sorted(os.listdir(root)):
    folder = os.path.join(root, area)
    if not os.path.isdir(folder):
        continue
    for base, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".swift"):
                text = open(os.path.join(base, name)).read()
                texts.setdefault(area, []).append(text)
                for match in re.finditer(r"^(?:public |package |internal |fileprivate |private |final |indirect )*(?:struct|enum|class|actor|protocol) (\w+)", text, re.M):
                    declared[match.group(1)] = area
edges = {}
for area, files in texts.items():
    code = "\n".join(re.sub(r"//.*", "", text) for text in files)
    for word in set(re.findall(r"\b[A-Z]\w+\b", code)):
        owner = declared.get(word)
        if owner and owner != area:
            edges.setdefault((area, owner), set()).add(word)
for (a, b), names in sorted(edges.items()):
    print(f"{a} -> {b} ({', '.join(sorted(names)[:6])}{', ...' if len(names) > 6 else ''})")
cycles = sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges})
for a, b in cycles:
    print(f"both ways: {a} <-> {b}")
sys.exit(1 if cycles else 0)
