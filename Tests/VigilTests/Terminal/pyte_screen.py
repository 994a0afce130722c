"""Runs a command in a pseudo-terminal and renders what it writes with pyte, a terminal
emulator that does not reflow: on a narrowing resize it cuts each row at the new width and
keeps the cursor where it was, as xterm does (tmux, the other emulator the tests use,
reflows). Prints the screen's rows as JSON when asked, then stops the command.

    python3 pyte_screen.py COLUMNS ROWS [--resize SECONDS:COLUMNS] --snapshot SECONDS -- COMMAND...

The resize sets the pseudo-terminal's size (TIOCSWINSZ), so the command gets SIGWINCH as
from a real terminal window."""
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

import pyte


def main():
    arguments = sys.argv[1:]
    split = arguments.index("--")
    options, command = arguments[:split], arguments[split + 1:]
    columns, rows = int(options[0]), int(options[1])
    resize = None
    snapshot = None
    index = 2
    while index < len(options):
        if options[index] == "--resize":
            at, width = options[index + 1].split(":")
            resize = (float(at), int(width))
        elif options[index] == "--snapshot":
            snapshot = float(options[index + 1])
        index += 2

    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    screen = pyte.Screen(columns, rows)
    stream = pyte.ByteStream(screen)
    start = time.monotonic()
    while True:
        elapsed = time.monotonic() - start
        if resize and elapsed >= resize[0]:
            # The terminal first, as a window manager would, then the program hears of it.
            y, x = screen.cursor.y, screen.cursor.x
            screen.resize(rows, resize[1])
            # pyte's resize homes the cursor (it resets the margins); xterm leaves it.
            screen.cursor.y, screen.cursor.x = y, min(x, resize[1] - 1)
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, resize[1], 0, 0))
            resize = None
        if snapshot is not None and elapsed >= snapshot:
            break
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            stream.feed(data)
    print(json.dumps([line.rstrip() for line in screen.display]))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


main()
