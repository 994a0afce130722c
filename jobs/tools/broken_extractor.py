#!/usr/bin/env python3
"""A broken "model" for the second demo: it answers every item with prose instead of a
Darwin Core record, as a model does when given the wrong prompt. Vigil's early checkpoint
must stop the run after a handful of items instead of letting it go on for 22 hours."""
import json
import sys
import time

request = json.loads(sys.stdin.readline() or "{}")
time.sleep(0.05)
print("I'm sorry, but I can only describe this label in words: it seems to be a plant specimen from Canada.")
