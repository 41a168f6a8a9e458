#!/usr/bin/env bash
# The installable Linux package as the README says to build it: runs
# `fyne package -os linux` (fyne.io/tools) and checks the archive holds the
# binary, the icon and a .desktop entry carrying FyneApp.toml's name,
# generic name, categories and keywords. The archive is built in a temporary
# folder, so the working tree stays as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "package: $*" >&2; exit 1; }

go run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux --release --src . 2>&1 | tail -5
archive="Referral Desk.tar.xz"
[ -f "$archive" ] || fail "fyne package wrote no \"$archive\""
mv "$archive" "$tmp/"
tar -xJf "$tmp/$archive" -C "$tmp"

desktop=$(find "$tmp" -name '*.desktop' | head -1)
[ -n "$desktop" ] || fail "the archive has no .desktop entry"
for want in "Name=Referral Desk" "GenericName=Support group referrals" "Categories=Office;" \
  "Keywords=referral;support group;recovery;NA;AA;"; do
  grep -qxF "$want" "$desktop" || fail "$(basename "$desktop") lacks \"$want\"; it says: $(cat "$desktop")"
done
bin=$(find "$tmp" -type f -path '*/usr/local/bin/*' | head -1)
[ -n "$bin" ] && [ -x "$bin" ] || fail "the archive has no program under usr/local/bin"
find "$tmp" -name '*.png' -path '*/share/pixmaps/*' | grep -q . || fail "the archive has no icon under share/pixmaps"
echo "package: $archive ($(du -h "$tmp/$archive" | cut -f1)) has the program, the icon and $(basename "$desktop")"
