#include "CTerminalSize.h"

#include <sys/ioctl.h>

int vigil_terminal_size_of(int descriptor, vigil_terminal_size *out) {
    struct winsize size;
    if (ioctl(descriptor, TIOCGWINSZ, &size) != 0) {
        return -1;
    }
    out->columns = size.ws_col;
    out->rows = size.ws_row;
    return 0;
}
