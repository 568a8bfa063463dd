#include "cairn/lazy/shared_library.hpp"

namespace cairn::lazy {

const SharedLibrary libcurl{CAIRN_CURL_SONAME, "libcurl4"};
const SharedLibrary libarchive{CAIRN_ARCHIVE_SONAME, "libarchive13"};
const SharedLibrary libsqlite{CAIRN_SQLITE_SONAME, "libsqlite3-0"};

} // namespace cairn::lazy
