#ifndef VIGIL_CPROCESSARGUMENTS_H
#define VIGIL_CPROCESSARGUMENTS_H

/// The process's arguments as the C runtime handed them to the program, captured before
/// main runs. A Swift binary built with --static-swift-stdlib reads CommandLine.arguments
/// from /proc/self/cmdline: in a root without /proc mounted (a chroot, a bare container) it
/// sees no arguments at all, and `vigil validate job.yaml` printed the help and exited 0.
/// glibc passes (argc, argv, envp) to every function in .init_array; this keeps them.
///
/// The count of arguments (the program's name included); 0 when nothing was captured.
int vigil_argument_count(void);

/// Argument `index` (0: the program), or NULL past the end.
const char *vigil_argument(int index);

#endif
