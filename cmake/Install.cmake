# Man pages and bash completion generated from each tool's own --help (one source, so
# they cannot disagree), install rules, and the Debian package (CPack).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
include(GNUInstallDirs)

set(KEYPIPE_DOC_OUTPUTS "")
foreach(tool ${KEYPIPE_TOOL_NAMES})
  if(KEYPIPE_MULTICALL)  # the link to bin/keypipe, run under the tool's name
    set(exe ${CMAKE_BINARY_DIR}/bin/${tool})
    set(exe_target keypipe_multicall)
  else()
    set(exe $<TARGET_FILE:${tool}>)
    set(exe_target ${tool})
  endif()
  set(man ${CMAKE_BINARY_DIR}/man/${tool}.1)
  set(completion ${CMAKE_BINARY_DIR}/completion/${tool})
  add_custom_command(
    OUTPUT ${man} ${man}.gz ${completion}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man ${CMAKE_BINARY_DIR}/completion
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/gen-man.py ${exe} ${PROJECT_VERSION} > ${man}
    COMMAND gzip -9nc ${man} > ${man}.gz
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/gen-completion.py ${exe} > ${completion}
    DEPENDS ${exe_target} ${CMAKE_SOURCE_DIR}/cmake/gen-man.py ${CMAKE_SOURCE_DIR}/cmake/gen-completion.py
            ${CMAKE_SOURCE_DIR}/cmake/helpparse.py
    COMMENT "man page and completion for ${tool} from its --help"
    VERBATIM)
  list(APPEND KEYPIPE_DOC_OUTPUTS ${man} ${man}.gz ${completion})
  install(FILES ${man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)  # compressed, as Debian policy asks
  install(FILES ${completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endforeach()
add_custom_target(docs ALL DEPENDS ${KEYPIPE_DOC_OUTPUTS})
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME keypipe)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "keypipe developers <keypipe@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "small tools for SSH and TLS keys and certificates")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "small tools for SSH and TLS keys and certificates
 genkeycert, pem2der, der2pem, sshpubfromcert, key2ppk, ppk2key and key2pfx replace the openssl,
 ssh-keygen and puttygen invocations of the key + self-signed certificate + SSH login
 recipe, read every common key format, and write exactly what the peer tools write.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # keypipe_VERSION_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)           # dpkg-shlibdeps: libc6 (Botan, Boost are static)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "openssh-client, putty-tools")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "openssl")
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR})
set(CPACK_STRIP_FILES ON)
set(CPACK_POST_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/deb-installed-size.cmake)  # links are not copies
include(CPack)
