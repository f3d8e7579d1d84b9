# Sourced by the scripts: `need <command> <Debian package> [who]` stops with a message that names
# the package to install when a tool is missing (make deps installs all of them).
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "${3:-openifc}: '$1' not found: install the Debian package $2 (apt-get install $2; make deps installs every package the project needs)" >&2
  exit 127
}
