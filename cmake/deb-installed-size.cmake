# CPack post-build script: corrects the Installed-Size of the .deb it just built.
#
# CPack's DEB generator counts each file by the size it resolves to, so the eight tool
# names, symbolic links to the one multi-call binary, were each counted as a whole copy
# (54 MB for a 6 MB package). dpkg-gencontrol's rule is used instead: a regular file is its
# size in KiB rounded up, anything else (link, folder) 1 KiB. The package is unpacked,
# the control field set, and the package built again with dpkg-deb.
foreach(deb ${CPACK_PACKAGE_FILES})
  if(NOT deb MATCHES "\\.deb$")
    continue()
  endif()
  set(root ${CPACK_TOPLEVEL_DIRECTORY}/installed-size)
  file(REMOVE_RECURSE ${root})
  execute_process(COMMAND dpkg-deb -R ${deb} ${root} COMMAND_ERROR_IS_FATAL ANY)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true RELATIVE ${root} ${root}/*)
  set(kib 0)
  foreach(entry ${entries})
    if(entry MATCHES "^DEBIAN(/|$)")
      continue()
    endif()
    if(IS_SYMLINK ${root}/${entry} OR IS_DIRECTORY ${root}/${entry})
      math(EXPR kib "${kib} + 1")
    else()
      file(SIZE ${root}/${entry} bytes)
      math(EXPR kib "${kib} + (${bytes} + 1023) / 1024")
    endif()
  endforeach()
  file(READ ${root}/DEBIAN/control control)
  string(REGEX REPLACE "Installed-Size: [0-9]+" "Installed-Size: ${kib}" control "${control}")
  file(WRITE ${root}/DEBIAN/control "${control}")
  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz -b ${root} ${deb} OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
  file(REMOVE_RECURSE ${root})
  message(STATUS "Installed-Size: ${kib} KiB")
endforeach()
