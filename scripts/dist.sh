#!/usr/bin/env bash
# make dist: a self-contained release `scs` for Linux x86_64, and its tarball
#   dist/scs-<version>-linux-x86_64.tar.gz
# holding the stripped binary, the licences of everything linked into it, shell completions for
# bash, zsh and fish, and a man page.
#
# The Swift standard library and Foundation are linked statically (--static-swift-stdlib); the
# image codecs (libjpeg-turbo's libturbojpeg, libpng16, libwebp, zlib) and SQLite (GRDB) statically
# from Debian's static libraries: the module maps say `link "png16"` etc., so a folder that holds
# symlinks to ONLY the .a files is put first on the linker's search path (-L), and the linker takes
# its .a before it reaches the system folder's .so. What remains dynamic is the C runtime alone
# (checked below with ldd; the build fails otherwise).
#
# The build has its own scratch path (.build-dist) so that it never holds the lock of .build.
# The git commit is baked in: Sources/scs/BuildInfo.swift is rewritten for the build and restored
# afterwards, whatever happens.
#
# Environment: SWIFT (default swift), SCRATCH (default .build-dist), DIST (default dist).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build-dist}
DIST=${DIST:-dist}
multiarch=/usr/lib/x86_64-linux-gnu

version=$(sed -n 's/^ *static let version = "\(.*\)"$/\1/p' Sources/scs/BuildInfo.swift)
[ -n "$version" ] || { echo "dist: no version in Sources/scs/BuildInfo.swift" >&2; exit 1; }
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then
  commit="$commit-dirty"
fi
echo "dist: scs $version, commit $commit"

# 1. The static libraries, alone in one folder.
staticdir="$root/$SCRATCH/static-libs"
rm -rf "$staticdir"; mkdir -p "$staticdir"
for lib in turbojpeg png16 webp z sqlite3; do
  a="$multiarch/lib$lib.a"
  [ -f "$a" ] || { echo "dist: $a is missing (apt-get install libturbojpeg0-dev libpng-dev libwebp-dev zlib1g-dev libsqlite3-dev)" >&2; exit 1; }
  ln -s "$a" "$staticdir/lib$lib.a"
done
# A system-library target with pkg-config (ZIPFoundation's CZLib: zlib.pc) adds
# -L/usr/lib/x86_64-linux-gnu to the link line, ahead of -Xlinker's -L: GNU ld searches the -L
# folders in order for every -l, so that folder's .so would win. Our own zlib.pc and sqlite3.pc,
# found first through PKG_CONFIG_PATH, name the static folder instead.
pcdir="$root/$SCRATCH/pkgconfig"
rm -rf "$pcdir"; mkdir -p "$pcdir"
printf 'Name: zlib\nDescription: zlib, static (scripts/dist.sh)\nVersion: 1\nLibs: -L%s -lz\nCflags:\n' "$staticdir" > "$pcdir/zlib.pc"
printf 'Name: SQLite\nDescription: SQLite, static (scripts/dist.sh)\nVersion: 3\nLibs: -L%s -lsqlite3 -lm\nCflags:\n' "$staticdir" > "$pcdir/sqlite3.pc"
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# libwebp >= 1.3 splits its RGB->YUV code into libsharpyuv; Debian 12's 1.2.4 does not.
if [ -f "$multiarch/libsharpyuv.a" ]; then ln -s "$multiarch/libsharpyuv.a" "$staticdir/libsharpyuv.a"; extra=(-Xlinker -lsharpyuv); else extra=(); fi

# 2. The commit, baked in for this build only.
buildinfo=Sources/scs/BuildInfo.swift
backup=$(mktemp)
cp -p "$buildinfo" "$backup"
restore() { cp -p "$backup" "$buildinfo"; rm -f "$backup"; }
trap restore EXIT
sed -i "s/^\( *static let commit = \)\".*\"$/\1\"$commit\"/" "$buildinfo"

"$SWIFT" build -c release --product scs --static-swift-stdlib --scratch-path "$SCRATCH" \
  -Xlinker -L"$staticdir" "${extra[@]}"
restore; trap - EXIT
bin="$SCRATCH/release/scs"

# 3. Stage: the binary, stripped, and its checks.
name="scs-$version-linux-x86_64"
stage="$SCRATCH/stage/$name"
rm -rf "$SCRATCH/stage"; mkdir -p "$stage/completions" "$stage/man/man1" "$stage/licenses"
cp "$bin" "$stage/scs"
strip "$stage/scs"

echo "dist: ldd $stage/scs"
ldd "$stage/scs" | sed 's/^/  /'
bad=$(ldd "$stage/scs" | awk '{print $1}' | grep -vE '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$' || true)
if [ -n "$bad" ]; then
  echo "dist: FAIL: the binary links libraries outside the C runtime:" >&2
  echo "$bad" | sed 's/^/  /' >&2
  exit 1
fi
glibc=$(objdump -T "$stage/scs" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
echo "dist: newest glibc symbol version: GLIBC_$glibc"
objdump -T "$stage/scs" | grep "GLIBC_$glibc" | awk '{print "  " $NF}' | sort -u
echo "$glibc" > "$SCRATCH/glibc-version"
# Ubuntu 22.04 has glibc 2.35: a newer symbol version would shut it out (MAX_GLIBC to change the bar).
if [ "$(printf '%s\n%s\n' "$glibc" "${MAX_GLIBC:-2.35}" | sort -V | tail -1)" != "${MAX_GLIBC:-2.35}" ]; then
  echo "dist: FAIL: the binary needs GLIBC_$glibc, newer than ${MAX_GLIBC:-2.35}" >&2
  exit 1
fi
env -i PATH=/usr/bin:/bin "$stage/scs" --version

# 4. Completions (swift-argument-parser writes them).
"$stage/scs" --generate-completion-script bash > "$stage/completions/scs.bash"
"$stage/scs" --generate-completion-script zsh > "$stage/completions/_scs"
"$stage/scs" --generate-completion-script fish > "$stage/completions/scs.fish"

# 5. The man page: swift-argument-parser's generate-manual tool (the one its GenerateManual plugin
# runs), built from the checkout and run on the release binary itself. The plugin is not used:
# it builds scs once more (a second full build) before it runs this same tool on it.
ap="$SCRATCH/checkouts/swift-argument-parser"
"$SWIFT" build -c release --package-path "$ap" --scratch-path "$SCRATCH/argument-parser" --product generate-manual >/dev/null
"$SCRATCH/argument-parser/release/generate-manual" "$stage/scs" --output-directory "$stage/man/man1" \
  --authors "the scs authors" --section 1 >/dev/null
ls "$stage/man/man1" | sed 's/^/dist: man page /'

# 6. Licences of what the binary carries.
lic="$stage/licenses"
cp LICENSE "$stage/LICENSE" 2>/dev/null || true
cp /opt/swift/usr/share/swift/LICENSE.txt "$lic/swift-runtime-and-foundation.LICENSE.txt" 2>/dev/null \
  || echo "dist: warning: no Swift licence under /opt/swift" >&2
# Data compiled into scs under its authors' licence: W1KP's calibration CDF (MIT).
cp Sources/Scoring/ThirdParty/w1kp.LICENSE "$lic/w1kp-calibration.LICENSE"
# The prompt suites the binary embeds (scs generate --suite): each one's licence and source,
# and the list of every third-party item scs carries.
cp THIRD-PARTY.md "$lic/THIRD-PARTY.md"
for f in Sources/Generate/Resources/Suites/*.LICENSE Sources/Generate/Resources/Suites/*.SOURCE; do
  cp "$f" "$lic/prompt-suite-$(basename "$f")"
done
for pkg in libturbojpeg0 libpng16-16 libwebp7 zlib1g libsqlite3-0; do
  if [ -f "/usr/share/doc/$pkg/copyright" ]; then cp "/usr/share/doc/$pkg/copyright" "$lic/$pkg.copyright"
  else echo "dist: warning: /usr/share/doc/$pkg/copyright missing" >&2; fi
done
for d in "$SCRATCH"/checkouts/*/; do
  n=$(basename "$d")
  for f in "$d"LICENSE* "$d"LICENCE* "$d"COPYING* "$d"NOTICE*; do
    [ -f "$f" ] && cp "$f" "$lic/$n.$(basename "$f")"
  done
done
cat > "$stage/README" <<README
scs $version ($commit) for Linux x86_64, glibc $glibc or newer.
  scs                  the binary: the Swift runtime, Foundation, libjpeg-turbo, libpng, libwebp,
                       zlib and SQLite are linked into it; it needs glibc and libstdc++ alone.
  completions/         bash (scs.bash), zsh (_scs), fish (scs.fish)
  man/man1/            the manual: man -l man/man1/scs.1
  licenses/            the licences of everything linked into the binary
The statically linked Swift runtime reads the command line from /proc/self/cmdline: in a chroot
or container, mount /proc, or scs sees no arguments and prints its help.
README

rm -rf "$SCRATCH/licenses"; cp -r "$lic" "$SCRATCH/licenses"  # for make wheel's .dist-info

# 7. The tarball.
mkdir -p "$DIST"
tar -C "$SCRATCH/stage" --owner=0 --group=0 --numeric-owner -czf "$DIST/$name.tar.gz" "$name"
cp "$stage/scs" "$DIST/scs"
echo "dist: $(ls -l "$stage/scs" | awk '{print $5}') bytes stripped binary; $DIST/$name.tar.gz ($(du -h "$DIST/$name.tar.gz" | cut -f1))"
