#!/usr/bin/env bash
# Builds a Debian bookworm base image with this machine's Node.js, for building
# samples/container/Dockerfile where registry images cannot be pulled:
#   docker build -f samples/container/Dockerfile --build-arg BASE="$(samples/container/build-base.sh)" .
# The image is cached by its tag (Debian release + Node version): a second run only checks it.
# Needs root, a running Docker engine and debootstrap. Prints the tag on stdout, progress on stderr.
#   MIRROR=http://deb.debian.org/debian  the Debian mirror (default: the first of apt's sources)
#   BASE_TAG=name:tag                    the image tag (default: vplc-base:bookworm-node<version>)
#   CHECK_ONLY=1                         only say whether it is cached (exit 0) or not (exit 1)
set -euo pipefail

suite=bookworm
node_bin=$(readlink -f "$(command -v node)")
node_version=$("$node_bin" --version)
tag=${BASE_TAG:-vplc-base:$suite-node${node_version#v}}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi
[ -z "${CHECK_ONLY:-}" ] || exit 1
command -v debootstrap >/dev/null || { echo "build-base.sh: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

# the mirror apt already uses on this machine (deb822 .sources or a one-line sources.list)
mirror=${MIRROR:-$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1)}
mirror=${mirror:-$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d /tmp/vplc-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "build-base.sh: debootstrap $suite from $mirror into $root" >&2
debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2

# Node.js with npm, and every shared library it links that the base lacks
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}'); do
  [ -e "$root$lib" ] || install -D -m 0644 "$(readlink -f "$lib")" "$root$lib"
done
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# this machine's certificate authorities, for npm behind a TLS-inspecting proxy (minbase has none)
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] && install -D -m 0644 "$ca" "$root$ca"
# the same unprivileged user as the official node images (uid 1000)
chroot "$root" useradd --uid 1000 --user-group --create-home --shell /bin/sh node
# trim what a runtime image does not need
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*

tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$tag" >&2
echo "$tag"
