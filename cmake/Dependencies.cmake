# Third-party libraries, all from Debian 12 packages (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)

# Vectorscan (or Hyperscan): the full library for the compiler, the runtime
# alone for programs that only scan.
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
find_library(HS_RUNTIME_LIBRARY NAMES hs_runtime REQUIRED)
add_library(vigil_hs_headers INTERFACE)
target_include_directories(vigil_hs_headers SYSTEM INTERFACE ${HS_INCLUDE_DIRS})
add_library(vigil_hs_runtime INTERFACE)
target_link_libraries(vigil_hs_runtime INTERFACE vigil_hs_headers ${HS_RUNTIME_LIBRARY})
add_library(vigil_hs_full INTERFACE)
target_link_libraries(vigil_hs_full INTERFACE vigil_hs_headers PkgConfig::HS)

pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
# libmspack: the CHM reader (src/formats/chm) decodes LZX with it.
pkg_check_modules(LIBMSPACK REQUIRED IMPORTED_TARGET libmspack)
