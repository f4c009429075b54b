// glibc's allocator tuning (mallopt), which the Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
static const int CMalloc_M_ARENA_MAX = M_ARENA_MAX;
#endif
