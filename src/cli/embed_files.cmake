# cmake -DOUT=file.cc -DDIR=data/default-db -P embed_files.cmake
# Writes a C++ source defining vigil::cli::DefaultDatabaseFiles() with the
# bytes of every file of DIR (hex-encoded, so any content is safe).
file(GLOB files RELATIVE ${DIR} ${DIR}/*)
list(SORT files)
set(body "")
foreach(f ${files})
  if(f MATCHES "README")
    continue()
  endif()
  file(READ ${DIR}/${f} hex HEX)
  string(REGEX REPLACE "(..)" "\\\\x\\1" escaped "${hex}")
  string(APPEND body "      {\"${f}\", std::string(\"${escaped}\", sizeof(\"${escaped}\") - 1)},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from data/default-db by embed_files.cmake.\n#include \"cli/default_db.h\"\n\nnamespace vigil::cli {\n\nconst std::vector<std::pair<std::string, std::string>>& DefaultDatabaseFiles() {\n  static const std::vector<std::pair<std::string, std::string>> kFiles = {\n${body}  };\n  return kFiles;\n}\n\n}  // namespace vigil::cli\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
