# SPDX-License-Identifier: GPL-2.0-or-later
# Where `cmake --install` puts the plugin, and the .deb that `cpack -G DEB` makes of it
# (DESIGN 2.1). Included by plugin/CMakeLists.txt once the funxmpp target exists.
#
# The plugin goes into the system plugin folder of the Wireshark it was built against:
# `pkg-config --variable=plugindir wireshark` + /epan, taken relative to Wireshark's prefix so
# that CMAKE_INSTALL_PREFIX and DESTDIR are honoured. Unless told otherwise, the prefix is
# Wireshark's own (/usr on Debian), so a plain `cmake --install build` reaches Wireshark.

# pkg-config's answer counts only when it describes the Wireshark that find_package found (a
# self-built one may sit beside the system's); otherwise Wireshark's CMake package says the same.
set(FUNXMPP_WS_PC_PLUGINDIR "")
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(FUNXMPP_WS_PC QUIET wireshark)
  if(FUNXMPP_WS_PC_FOUND AND FUNXMPP_WS_PC_VERSION MATCHES "^${Wireshark_MAJOR_VERSION}\\.${Wireshark_MINOR_VERSION}\\.")
    pkg_get_variable(FUNXMPP_WS_PC_PLUGINDIR wireshark plugindir)
    pkg_get_variable(FUNXMPP_WS_PC_PREFIX wireshark prefix)
  elseif(FUNXMPP_WS_PC_FOUND)
    message(WARNING "pkg-config describes Wireshark ${FUNXMPP_WS_PC_VERSION}, the build uses ${FUNXMPP_WS_VERSION}: "
                    "installing into the latter's folder")
  endif()
endif()
if(NOT FUNXMPP_WS_PC_PLUGINDIR)
  set(FUNXMPP_WS_PC_PLUGINDIR "${Wireshark_PLUGIN_INSTALL_DIR}")
  set(FUNXMPP_WS_PC_PREFIX "${Wireshark_INSTALL_PREFIX}")
endif()

string(LENGTH "${FUNXMPP_WS_PC_PREFIX}/" prefix_length)
string(SUBSTRING "${FUNXMPP_WS_PC_PLUGINDIR}" 0 ${prefix_length} plugindir_head)
if(FUNXMPP_WS_PC_PREFIX AND plugindir_head STREQUAL "${FUNXMPP_WS_PC_PREFIX}/")
  string(SUBSTRING "${FUNXMPP_WS_PC_PLUGINDIR}" ${prefix_length} -1 plugindir_relative)
  set(FUNXMPP_INSTALL_PLUGINDIR "${plugindir_relative}/epan")
  if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
    set(CMAKE_INSTALL_PREFIX "${FUNXMPP_WS_PC_PREFIX}" CACHE PATH "Install prefix (default: Wireshark's)" FORCE)
  endif()
else()
  # A plugin folder outside Wireshark's prefix: only DESTDIR can move it.
  set(FUNXMPP_INSTALL_PLUGINDIR "${FUNXMPP_WS_PC_PLUGINDIR}/epan")
endif()
install(TARGETS funxmpp LIBRARY DESTINATION "${FUNXMPP_INSTALL_PLUGINDIR}")

# ---- cpack -G DEB -------------------------------------------------------------------------
set(FUNXMPP_PACKAGE_NAME "wireshark-plugin-funxmpp")
set(FUNXMPP_HOMEPAGE "https://github.com/funxmpp/funxmpp-dissector" CACHE STRING "Homepage field of the package")
set(FUNXMPP_MAINTAINER "FunXMPP dissector developers <funxmpp-dissector@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the package")

# The ABI package of the libwireshark the plugin links (libwireshark16 for 4.0, ...): asked of
# dpkg for the library file itself, so it is whatever this build really used.
set(FUNXMPP_WS_ABI_PACKAGE "")
find_program(FUNXMPP_DPKG_QUERY dpkg-query)
get_target_property(epan_library epan LOCATION)
if(FUNXMPP_DPKG_QUERY AND epan_library)
  get_filename_component(epan_library "${epan_library}" REALPATH)
  execute_process(COMMAND ${FUNXMPP_DPKG_QUERY} -S "${epan_library}"
                  OUTPUT_VARIABLE owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND owner MATCHES "^([^:, ]+)(:[^:]+)?: ")
    set(FUNXMPP_WS_ABI_PACKAGE "${CMAKE_MATCH_1}")
  endif()
endif()

install(FILES "${PROJECT_SOURCE_DIR}/cmake/debian-copyright"
        DESTINATION "share/doc/${FUNXMPP_PACKAGE_NAME}" RENAME copyright)

set(CPACK_PACKAGE_NAME "${FUNXMPP_PACKAGE_NAME}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "FunXMPP dissector developers")
set(CPACK_PACKAGE_CONTACT "${FUNXMPP_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark ${FUNXMPP_WS_VERSION} dissector for WhatsApp's FunXMPP protocol")
set(CPACK_PACKAGE_DESCRIPTION
    "A Wireshark plugin that finds WhatsApp's FunXMPP streams (WA 1.0 to 1.6) in TCP, decodes
their tokens and lists into stanzas shown as XML elements with display-filter fields,
decrypts sessions given the account password, and decodes the registration API.
Built for Wireshark ${FUNXMPP_WS_VERSION} (plugin folder plugins/${FUNXMPP_WS_VERSION}).
Licence: GPL-2.0-or-later.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${FUNXMPP_HOMEPAGE}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
# The package goes where Wireshark looks, whatever prefix a local install was given.
if(IS_ABSOLUTE "${FUNXMPP_INSTALL_PLUGINDIR}")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
else()
  set(CPACK_PACKAGING_INSTALL_PREFIX "${FUNXMPP_WS_PC_PREFIX}")
endif()
set(CPACK_STRIP_FILES ON)  # the package ships the plugin without its debug information
set(CPACK_DEBIAN_PACKAGE_RELEASE "1+wireshark${FUNXMPP_WS_VERSION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${FUNXMPP_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")
# Shared libraries (glib, libgcrypt, libstdc++, libwireshark) from dpkg-shlibdeps; the plugin
# ABI is one Wireshark minor version, so the libwireshark package is bounded to it as well.
if(FUNXMPP_DPKG_QUERY)  # a Debian system: cpack makes a .deb by default
  set(CPACK_GENERATOR "DEB")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
if(FUNXMPP_WS_ABI_PACKAGE)
  math(EXPR next_minor "${Wireshark_MINOR_VERSION} + 1")
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "${FUNXMPP_WS_ABI_PACKAGE} (>= ${FUNXMPP_WS_VERSION}), ${FUNXMPP_WS_ABI_PACKAGE} (<< ${Wireshark_MAJOR_VERSION}.${next_minor}~)")
  message(STATUS "Package ${FUNXMPP_PACKAGE_NAME} depends on ${FUNXMPP_WS_ABI_PACKAGE} (Wireshark ${FUNXMPP_WS_VERSION})")
else()
  message(STATUS "No dpkg owner of ${epan_library}: the .deb depends only on what dpkg-shlibdeps finds")
endif()
include(CPack)
