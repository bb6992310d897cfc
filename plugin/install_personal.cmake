# SPDX-License-Identifier: GPL-2.0-or-later
# Copies the plugin into the personal plugin folder of whoever runs the build.
set(dest "$ENV{HOME}/.local/lib/wireshark/plugins/${WS_VERSION}/epan")
file(MAKE_DIRECTORY "${dest}")
file(COPY "${PLUGIN}" DESTINATION "${dest}")
message(STATUS "Installed ${PLUGIN} into ${dest}")
