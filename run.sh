#!/usr/bin/env bash
# Referral Desk on a Debian 12 machine with Go 1.26:
#   bash run.sh            install what is missing, build, open the window
#   bash run.sh ARGS...    the same, then run the command line (e.g. groups --json)
#   bash run.sh test       install what is missing, then run every check and test
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: the cgo toolchain and X11/Wayland/GL headers the window
# needs, poppler-utils whose pdftotext the sheet tests read PDFs back with, and
# for .ci/window.sh, which tests the real window without a screen: Xvfb,
# xdotool to press its keys and ImageMagick to take and measure screenshots.
packages=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev
  libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev
  libxkbcommon-dev poppler-utils xvfb xauth xdotool imagemagick)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "run.sh: installing ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  go mod download
}

export LANG=en_US.UTF-8 # fyne logs a locale error on every start without it

install_missing
if [ "${1:-}" = test ]; then
  go vet ./...
  # The domain must stay pure: no GUI, SQL or PDF package behind it.
  if leaks=$(go list -deps ./referral | grep -E '^fyne.io/|^database/sql$|gofpdf'); then
    echo "run.sh: package referral imports $leaks" >&2
    exit 1
  fi
  go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags ci ./...
  # -tags ci swaps in fyne's software driver, so package main tests need no display.
  # Every test runs with the machine's clock in UTC, then again everything that
  # reads, matches or prints a time with it 14 hours ahead (Kiritimati): a
  # time read in the machine's zone instead of the group's or the clinic's
  # fails one of the two. -count=1: the test cache does not key on TZ, so a
  # result cached under one zone would stand in for the other.
  TZ=UTC go test -count=1 -race -tags ci ./...
  # The race detector has seen every test in the first pass; this one is
  # about the clock alone, so it runs without it (about 3x faster).
  TZ=Pacific/Kiritimati go test -count=1 -tags ci . ./app/ ./referral/ ./referral/feed/ ./referral/pdf/ ./referral/sqlite/
  # Last, the real window (the cgo build) on a virtual screen, driven by
  # keys through one referral; its screenshots go to a temp folder.
  exec bash .ci/window.sh
fi
go build -o referraldesk .
exec ./referraldesk "$@"
