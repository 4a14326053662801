# Sourced by scripts/test and scripts/bench: makes sure the Debian packages named in "$@" are
# installed, installing them when root, else printing the exact command and failing.
xact_require_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "xact: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "xact: missing packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

XACT_BUILD_PACKAGES=(cmake g++ make pkg-config libeigen3-dev libxsimd-dev catch2 librapidcheck-dev
                     libbenchmark-dev libmpfr-dev)
