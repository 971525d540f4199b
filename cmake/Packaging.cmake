# Install rules and the Debian package of meter-sync.
#
# Included from the top-level CMakeLists.txt after the target `meter-sync` is
# defined.  `cmake --install` puts the files in place; `cpack -G DEB` in the
# build directory makes meter-sync_<version>-<release>_<arch>.deb:
#
#   /usr/bin/meter-sync
#   /usr/share/man/man1/meter-sync.1.gz
#   /usr/share/doc/meter-sync/{copyright,changelog.Debian.gz}
#   /usr/share/meter-sync/{status,run,failure}.schema.json
#   /usr/share/bash-completion/completions/meter-sync
#   /etc/cron.d/meter-sync                 (conffile)
#   /etc/meter-sync/meter-sync.env         (conffile, root:meter-sync 0640)
#   /lib/systemd/system/meter-sync.{service,timer}   (installed, not enabled)
#   /usr/share/meter-sync/meter-sync.rules.yml       (Prometheus alert rules)
#
# The maintainer scripts and the conffiles list are in packaging/debian/.
# tests/packaging/deb-install.sh builds, lints, installs and purges the .deb.

include(GNUInstallDirs)

get_filename_component(_ms_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_ms_pkg_src "${_ms_root}/packaging")
set(_ms_pkg_bin "${CMAKE_BINARY_DIR}/packaging")

# /etc and the systemd unit directory are absolute on purpose: the binary
# reads /etc/meter-sync/meter-sync.env whatever the install prefix, and cron
# reads only /etc/cron.d.  The cron job and the service call
# /usr/bin/meter-sync, which the .deb (prefix /usr) provides: a plain
# `cmake --install` for a system service wants -DCMAKE_INSTALL_PREFIX=/usr.
set(METER_SYNC_SYSCONFDIR "/etc" CACHE PATH
    "Absolute directory for cron.d/meter-sync and meter-sync/meter-sync.env")
set(METER_SYNC_SYSTEMD_UNITDIR "/lib/systemd/system" CACHE PATH
    "Absolute directory for meter-sync.service and meter-sync.timer")
set(METER_SYNC_DEB_MAINTAINER "meter-sync maintainers <meter-sync@example.com>" CACHE STRING
    "Maintainer field of the Debian package (Name <address>)")
set(METER_SYNC_DEB_RELEASE "1" CACHE STRING
    "Debian revision: the package version is PROJECT_VERSION-METER_SYNC_DEB_RELEASE")

# --- Compressed documentation (gzip -9n: maximal and reproducible) ----------
find_program(METER_SYNC_GZIP gzip REQUIRED)
function(_meter_sync_gzip source output)
  get_filename_component(_name "${output}" NAME)
  string(REGEX REPLACE "\\.gz$" "" _plain "${output}")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${_ms_pkg_bin}"
    COMMAND ${CMAKE_COMMAND} -E copy "${source}" "${_plain}"
    COMMAND "${METER_SYNC_GZIP}" -9nf "${_plain}"
    DEPENDS "${source}"
    COMMENT "Compressing ${_name}"
    VERBATIM)
endfunction()
_meter_sync_gzip("${_ms_root}/man/meter-sync.1" "${_ms_pkg_bin}/meter-sync.1.gz")
_meter_sync_gzip("${_ms_pkg_src}/changelog" "${_ms_pkg_bin}/changelog.Debian.gz")
add_custom_target(meter-sync-docs ALL
  DEPENDS "${_ms_pkg_bin}/meter-sync.1.gz" "${_ms_pkg_bin}/changelog.Debian.gz")

# --- Install rules ------------------------------------------------------------
set(_ms_0644 OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

install(TARGETS meter-sync RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${_ms_pkg_bin}/meter-sync.1.gz"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" PERMISSIONS ${_ms_0644})
install(FILES "${_ms_pkg_src}/copyright" "${_ms_pkg_bin}/changelog.Debian.gz"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/meter-sync" PERMISSIONS ${_ms_0644})
# The JSON Schema (draft 2020-12) of what status --json and run --json print (man page:
# FOR WEB BACKENDS).
install(FILES "${_ms_root}/schema/status.schema.json" "${_ms_root}/schema/run.schema.json"
              "${_ms_root}/schema/failure.schema.json"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/meter-sync" PERMISSIONS ${_ms_0644})
# Generated from the settings table (src/CMakeLists.txt: meter-sync-completion).
install(FILES "${PROJECT_BINARY_DIR}/meter-sync.bash-completion"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions"
        RENAME meter-sync PERMISSIONS ${_ms_0644})
install(FILES "${_ms_pkg_src}/lintian-overrides"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides"
        RENAME meter-sync PERMISSIONS ${_ms_0644})
# cron ignores a file in /etc/cron.d that is group- or world-writable.
install(FILES "${_ms_root}/cron/meter-sync"
        DESTINATION "${METER_SYNC_SYSCONFDIR}/cron.d" PERMISSIONS ${_ms_0644})
# Holds passwords once configured: 0640 here, group meter-sync set by postinst.
install(FILES "${_ms_pkg_src}/meter-sync.env"
        DESTINATION "${METER_SYNC_SYSCONFDIR}/meter-sync"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES "${_ms_pkg_src}/meter-sync.service" "${_ms_pkg_src}/meter-sync.timer"
        DESTINATION "${METER_SYNC_SYSTEMD_UNITDIR}" PERMISSIONS ${_ms_0644})
install(FILES "${_ms_pkg_src}/meter-sync.rules.yml"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/meter-sync" PERMISSIONS ${_ms_0644})

# --- CPack: Debian package ------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "meter-sync")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${METER_SYNC_DEB_MAINTAINER}")
# The DEB generator installs below /usr (its default CPACK_PACKAGING_INSTALL_PREFIX).
set(CPACK_STRIP_FILES TRUE)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "synchronise meters from a remote PostgreSQL database into the local one")
# CPack puts the summary in front of this as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"meter-sync copies the meters of one tenant from the remote Client System
database, the master, into the local Sync database: in one transaction it
inserts the missing meters, updates the changed ones, deactivates those that
are gone from the remote, and records the run in the meter_sync_log table.
The status command reports the last run for the Sync Status page.

The package runs it every hour from /etc/cron.d/meter-sync as the system
user meter-sync, printing nothing unless something fails. A systemd timer is
installed as an alternative, not enabled. Settings go in
/etc/meter-sync/meter-sync.env.")

set(CPACK_DEBIAN_PACKAGE_NAME "meter-sync")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${METER_SYNC_DEB_RELEASE}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${METER_SYNC_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# dpkg-shlibdeps fills in libpq5, libpqxx, libspdlog, libfmt, libc6, ...;
# adduser is what the postinst needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cron | cron-daemon")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_ms_pkg_src}/debian/conffiles"
    "${_ms_pkg_src}/debian/postinst"
    "${_ms_pkg_src}/debian/prerm"
    "${_ms_pkg_src}/debian/postrm")
# 0644 for conffiles, 0755 for the scripts, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# `make package_source`: the tracked sources, not the build trees.
set(CPACK_SOURCE_GENERATOR "TXZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build/" "/build-[^/]*/" "/_CPack_Packages/" "\\.deb$")

include(CPack)
