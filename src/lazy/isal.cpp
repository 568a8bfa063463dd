// ISA-L's inflation functions as cairn uses them, each loading libisal on first use (see
// include/cairn/lazy/shared_library.hpp). A call to a function missing here fails to link:
// add it below with the prototype from <isa-l/igzip_lib.h>, which the compiler checks.
#include "cairn/lazy/shared_library.hpp"

#include <isa-l/igzip_lib.h>

namespace {

const cairn::lazy::SharedLibrary& k_isal = cairn::lazy::libisal;

} // namespace

extern "C" {

void isal_inflate_init(struct inflate_state* state) {
    CAIRN_LAZY_REAL(k_isal, isal_inflate_init);
    real(state);
}

void isal_inflate_reset(struct inflate_state* state) {
    CAIRN_LAZY_REAL(k_isal, isal_inflate_reset);
    real(state);
}

int isal_inflate(struct inflate_state* state) {
    CAIRN_LAZY_REAL(k_isal, isal_inflate);
    return real(state);
}

} // extern "C"
