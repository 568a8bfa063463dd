// PR_SET_NAME: the calling thread's name (its comm), which new threads inherit.
#include "cairn/core/thread_name.hpp"

#include <sys/prctl.h>

namespace cairn {

void name_this_thread(const char* name) noexcept {
    ::prctl(PR_SET_NAME, name, 0, 0, 0);
}

} // namespace cairn
