#include "CProcessArguments.h"

#include <stddef.h>

static int captured_count = 0;
static char **captured_arguments = NULL;

#if defined(__linux__)
// glibc calls .init_array functions with main's arguments (a GNU extension that the ELF
// ABI allows); elsewhere the platform gives CommandLine its arguments without /proc.
static void vigil_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    captured_count = argc;
    captured_arguments = argv;
}

__attribute__((section(".init_array"), used))
static void (*const vigil_capture_arguments_entry)(int, char **, char **) = vigil_capture_arguments;
#endif

int vigil_argument_count(void) { return captured_count; }

const char *vigil_argument(int index) {
    if (index < 0 || index >= captured_count || captured_arguments == NULL) return NULL;
    return captured_arguments[index];
}
