#ifndef VIGIL_CTERMINALSIZE_H
#define VIGIL_CTERMINALSIZE_H

/// A terminal's size in character cells, as TIOCGWINSZ reports it. Swift cannot call ioctl(2):
/// it is variadic, and variadic C functions are not imported.
typedef struct {
    int columns;
    int rows;
} vigil_terminal_size;

/// The size of the terminal open on `descriptor`: 0, or -1 with errno set (ENOTTY when it is
/// not a terminal). A pseudo-terminal nobody sized reports 0 x 0; the caller decides.
int vigil_terminal_size_of(int descriptor, vigil_terminal_size *out);

#endif
