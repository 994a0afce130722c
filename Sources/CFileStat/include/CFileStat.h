#ifndef VIGIL_CFILESTAT_H
#define VIGIL_CFILESTAT_H

#include <stdint.h>

/// What Vigil reads of stat(2). Swift code reads these fields, never the C `struct stat`
/// itself: with MemberImportVisibility, the module that "defines" `struct stat` is whichever
/// module's headers the compiler met first (CoreFoundation in a release build, CNIOLinux in a
/// debug one), so its members were refused in one configuration or the other.
typedef struct {
    int64_t size;
    /// Last modification, in nanoseconds since 1970.
    int64_t modified_ns;
    uint64_t device;
    uint64_t inode;
} vigil_file_stat;

/// stat(2) of `path`, following symbolic links: 0, or -1 with errno set.
int vigil_stat(const char *path, vigil_file_stat *out);

/// fstat(2) of an open descriptor: 0, or -1 with errno set.
int vigil_fstat(int descriptor, vigil_file_stat *out);

#endif
