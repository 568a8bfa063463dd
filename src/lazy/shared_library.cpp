#include "cairn/lazy/shared_library.hpp"

namespace cairn::lazy {

const SharedLibrary libcurl{CAIRN_CURL_SONAME, "libcurl4"};
const SharedLibrary libarchive{CAIRN_ARCHIVE_SONAME, "libarchive13"};
const SharedLibrary libisal{CAIRN_ISAL_SONAME, "libisal2"};

} // namespace cairn::lazy
