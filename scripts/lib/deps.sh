# Sourced by scripts/test and scripts/bench.
#
# xact_require_packages PKG...: makes sure the Debian packages are installed. As root it installs
# the missing ones (one apt-get update, only when something is missing); otherwise it prints the
# exact command to run and fails.
# xact_configure FLAVOUR BUILD_DIR: configures one of the two build trees (see scripts/test).

XACT_BUILD_PACKAGES=(cmake make g++ pkg-config libeigen3-dev libxsimd-dev catch2
                     librapidcheck-dev libbenchmark-dev libmpfr-dev)
# The arm flavour: Debian's aarch64 cross compiler, user-mode QEMU to run the tests, and the
# compiled (or architecture-specific) dependencies from the arm64 multiarch archive, which
# xact_require_packages enables (dpkg --add-architecture arm64) when a name ends in :arm64.
XACT_ARM_PACKAGES=(cmake make pkg-config libeigen3-dev catch2 g++-aarch64-linux-gnu qemu-user
                   libxsimd-dev:arm64 librapidcheck-dev:arm64 libmpfr-dev:arm64)

xact_require_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "xact: not a Debian system; make sure these (or their equivalents) are installed: $*" >&2
    return 0
  fi
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # Foreign-architecture packages (NAME:ARCH) need that architecture enabled in dpkg first.
  local new_arches=() arch add_arch=""
  for pkg in "${missing[@]}"; do
    [[ "$pkg" == *:* ]] || continue
    arch=${pkg##*:}
    [ "$arch" = "$(dpkg --print-architecture)" ] && continue
    dpkg --print-foreign-architectures | grep -qx "$arch" && continue
    [[ " ${new_arches[*]-} " == *" $arch "* ]] || new_arches+=("$arch")
  done
  for arch in ${new_arches[@]+"${new_arches[@]}"}; do
    add_arch+="dpkg --add-architecture $arch && "
  done
  if [ "$(id -u)" -eq 0 ]; then
    echo "xact: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    for arch in ${new_arches[@]+"${new_arches[@]}"}; do
      echo "xact: dpkg --add-architecture $arch" >&2
      dpkg --add-architecture "$arch"
    done
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "xact: missing Debian packages; install them with:" >&2
    echo "  sudo sh -c '${add_arch}apt-get update && apt-get install -y --no-install-recommends ${missing[*]}'" >&2
    return 1
  fi
}

# native:   -march=native (XACT_NATIVE=ON); tests, benchmarks, examples and package tests.
# baseline: no architecture flags at all (SSE2 on x86-64); tests only.
# sanitize: -march=native with AddressSanitizer and UndefinedBehaviorSanitizer; tests only, any
#           finding fails the test. XACT_NO_FORCE_INLINE: the same code, the inlining left to
#           the compiler, which builds the instrumented tests in less than half the time.
# arm:      cross-compiled for aarch64 (NEON) with cmake/toolchains/aarch64-linux-gnu.cmake;
#           ctest runs the tests under qemu-aarch64. Tests only, no MPFR accuracy sweeps.
xact_configure() {
  local flavour=$1 build=$2 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  local args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DXACT_BUILD_TESTS=ON)
  # The trees other than native skip what native already covers and costs the most to build
  # or run: the dispatch library (three kernel copies), the MPFR sweeps. No tree replays the
  # fuzz corpus as a ctest test (its build alone took 4 minutes of a Zen 3 core): scripts/fuzz
  # runs every corpus input first, under ASan and UBSan, before it mutates them.
  local lean=(-DXACT_BUILD_DISPATCH=OFF -DXACT_ACCURACY_TESTS=OFF -DXACT_FUZZ_TESTS=OFF)
  case "$flavour" in
    native) args+=(-DXACT_NATIVE=ON -DXACT_BUILD_BENCHMARKS=ON -DXACT_BUILD_EXAMPLES=ON
                   -DXACT_PACKAGE_TESTS=ON -DXACT_FUZZ_TESTS=OFF) ;;
    baseline) args+=(-DXACT_NATIVE=OFF -DXACT_BUILD_BENCHMARKS=OFF -DXACT_BUILD_EXAMPLES=OFF
                     -DXACT_PACKAGE_TESTS=OFF "${lean[@]}") ;;
    sanitize) args+=(-DXACT_NATIVE=ON -DXACT_BUILD_BENCHMARKS=OFF -DXACT_BUILD_EXAMPLES=OFF
                     -DXACT_PACKAGE_TESTS=OFF "${lean[@]}" -DXACT_TEST_OPTIMIZATION=-O1
                     "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG"
                     "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DXACT_NO_FORCE_INLINE") ;;
    arm) args+=("-DCMAKE_TOOLCHAIN_FILE=$root/cmake/toolchains/aarch64-linux-gnu.cmake" -DXACT_NATIVE=OFF
                -DXACT_BUILD_BENCHMARKS=OFF -DXACT_BUILD_EXAMPLES=OFF -DXACT_PACKAGE_TESTS=OFF
                "${lean[@]}") ;;
    *) echo "xact: unknown build '$flavour' (native, baseline, sanitize or arm)" >&2; return 2 ;;
  esac
  # Ninja when there is one, for a new tree; an existing tree keeps its generator.
  if [ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    args+=(-G Ninja)
  fi
  cmake "${args[@]}"
}

# The number of parallel jobs: $XACT_JOBS, else the number of processors.
xact_jobs() {
  echo "${XACT_JOBS:-$(nproc 2>/dev/null || echo 2)}"
}
