#if os(Linux)
import CMalloc
import Glibc
#endif

/// glibc gives every thread that allocates an arena of its own (up to 8 per core). A cycle's
/// data is built on one thread and freed on another, so the extra arenas mostly hold freed
/// memory: about 18 MB of peak RSS at 10,000 trunks. An operator's MALLOC_ARENA_MAX wins.
enum MemoryTuning {
    static func apply() {
        #if os(Linux)
        if getenv("MALLOC_ARENA_MAX") == nil { _ = mallopt(CMalloc_M_ARENA_MAX, 2) }
        #endif
    }
}
