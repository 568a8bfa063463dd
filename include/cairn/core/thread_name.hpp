#pragma once

// Names for cairn's threads, as `top -H`, `perf` and debuggers show them.
namespace cairn {

// Names the calling thread (Linux keeps 15 bytes of it); threads it starts afterwards
// inherit the name. Best effort: a name that cannot be set leaves the thread as it was.
void name_this_thread(const char* name) noexcept;

} // namespace cairn
