# cairn_soname(<out> <library>)
#
# The soname a library's development symlink (libcurl.so) stands for: what the program
# would have recorded as DT_NEEDED, and so what dlopen() must ask for when the library is
# loaded on first use (include/cairn/core/lazy_library.hpp).
function(cairn_soname out library)
  execute_process(COMMAND "${CMAKE_OBJDUMP}" -p "${library}" OUTPUT_VARIABLE dump
                  RESULT_VARIABLE status ERROR_QUIET)
  string(REGEX MATCH "SONAME +([^ \n]+)" found "${dump}")
  if(NOT status EQUAL 0 OR NOT found)
    message(FATAL_ERROR "cannot read the soname of ${library} (objdump -p)")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()
