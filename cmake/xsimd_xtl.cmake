# Debian's xsimd target names `xtl` in its link interface without finding it; xsimd needs
# xtl only for its optional xtl complex numbers, which xact does not use. Use xtl when it is
# installed, else stand in an empty target so that linking works.
if(TARGET xsimd AND NOT TARGET xtl)
  find_package(xtl QUIET)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
