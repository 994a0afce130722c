#include "CFileStat.h"

#include <sys/stat.h>

static void vigil_fill(const struct stat *info, vigil_file_stat *out) {
    out->size = (int64_t)info->st_size;
#if defined(__APPLE__)
    out->modified_ns = (int64_t)info->st_mtimespec.tv_sec * 1000000000LL + (int64_t)info->st_mtimespec.tv_nsec;
#else
    out->modified_ns = (int64_t)info->st_mtim.tv_sec * 1000000000LL + (int64_t)info->st_mtim.tv_nsec;
#endif
    out->device = (uint64_t)info->st_dev;
    out->inode = (uint64_t)info->st_ino;
}

int vigil_stat(const char *path, vigil_file_stat *out) {
    struct stat info;
    if (stat(path, &info) != 0) return -1;
    vigil_fill(&info, out);
    return 0;
}

int vigil_fstat(int descriptor, vigil_file_stat *out) {
    struct stat info;
    if (fstat(descriptor, &info) != 0) return -1;
    vigil_fill(&info, out);
    return 0;
}
