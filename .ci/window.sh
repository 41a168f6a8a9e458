#!/usr/bin/env bash
# The real window, tested on a virtual screen: builds the program as people
# run it (the cgo GLFW build, not -tags ci), imports the real directory files
# the repository carries into a fresh database, starts the window under Xvfb,
# drives one referral by keys with xdotool and takes three screenshots: the
# Directory, the Referral screen with its results, and the sheet's preview.
# It fails when the window does not come up, the program exits, a screenshot
# is blank, or the results or the preview never appear.
#
#   .ci/window.sh                        screenshots go to a temp folder, removed on success
#   .ci/window.sh --update-screenshots   also copy them to docs/screenshots/ (for the README)
#
# Needs xvfb, xauth, xdotool and imagemagick (run.sh installs them) and Go.
set -euo pipefail
cd "$(dirname "$0")/.."

update=false
for arg in "$@"; do
  case "$arg" in
  --update-screenshots) update=true ;;
  *)
    echo "window.sh: unknown option $arg (it takes only --update-screenshots)" >&2
    exit 2
    ;;
  esac
done

for tool in Xvfb xauth mcookie xdotool import identify compare mogrify; do
  command -v "$tool" >/dev/null || {
    echo "window.sh: $tool is not installed (bash run.sh test installs it)" >&2
    exit 1
  }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/referraldesk-window.XXXXXX")
shots="$tmp/shots"
mkdir -p "$shots"
xvfb_pid="" app_pid="" ok=false

# Both processes go on every way out, and the temp folder with them unless
# something failed: then its screenshots and logs are what to look at.
# A program that does not stop within 5 s of being asked is killed.
cleanup() {
  local pid
  for pid in "$app_pid" "$xvfb_pid"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if $ok; then
    rm -rf "$tmp"
  else
    echo "window.sh: the screenshots and logs so far are kept in $tmp" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "window.sh: $*" >&2
  if [ -s "$tmp/app.log" ]; then
    echo "window.sh: the program's last words:" >&2
    tail -n 20 "$tmp/app.log" | sed 's/^/  | /' >&2
  fi
  exit 1
}

say() { printf 'window.sh: %s (%ds)\n' "$*" "$SECONDS" >&2; }

# --- the program and its database ------------------------------------------

go build -o "$tmp/referraldesk" . || fail "go build failed (above)"
SECONDS=0 # the time budget counts from here, after the build

# HOME and the XDG folders are in the temp folder, so neither the program's
# preferences nor Fyne's settings touch the real user's.
home="$tmp/home"
mkdir -p "$home/.config" "$home/.cache" "$home/.local/share" "$tmp/run"
chmod 700 "$tmp/run"
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
  XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$tmp/run"
export LANG=en_US.UTF-8 # English screens, and no locale error from Fyne
unset REFERRALDESK_DB

db="$tmp/referraldesk.db"
desk() { "$tmp/referraldesk" --db "$db" "$@"; }
# The three real feeds: Philadelphia's AA, Massachusetts' Al-Anon, Greater
# New York's NA (BMLT), each as an admin imports it.
desk import --program AA --source sepia testdata/feeds/aa-sepia-meeting-guide.json >"$tmp/import.log" ||
  fail "importing the SEPIA AA feed failed (see $tmp/import.log)"
desk import --program Al-Anon --source al-anon-ma testdata/feeds/al-anon-ma-meeting-guide.json >>"$tmp/import.log" ||
  fail "importing the Al-Anon feed failed (see $tmp/import.log)"
desk import --source greater-ny-na testdata/feeds/na-greater-ny-bmlt.json >>"$tmp/import.log" ||
  fail "importing the NA feed failed (see $tmp/import.log)"
groups=$(desk groups --all | wc -l)
[ "$groups" -gt 3000 ] || fail "the three feeds gave only $groups directory lines, want over 3000"
# A clinic with a name, an address and a zone: nothing is asked at the
# first start, and the sheet's header is filled as a clinic's would be.
desk settings clinic.name="Center City Recovery" clinic.address="1500 Market St, Philadelphia, PA 19102" \
  clinic.phone="215-555-0100" clinic.timezone=America/New_York counselor="J. Rivera" >/dev/null ||
  fail "the settings command refused the clinic's settings"
say "database ready: $groups directory lines"

# --- the virtual screen -----------------------------------------------------

# The first display number from :90 up that no X server holds. Its cookie is
# in the temp folder, so only this script's programs can use the screen.
export XAUTHORITY="$tmp/Xauthority"
display=""
for n in $(seq 90 140); do
  [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
  touch "$XAUTHORITY"
  xauth -q -f "$XAUTHORITY" add ":$n" . "$(mcookie)"
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -auth "$XAUTHORITY" >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do
    if DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1; then
      display=":$n"
      break 2
    fi
    kill -0 "$xvfb_pid" 2>/dev/null || break # another server took the number meanwhile
    sleep 0.1
  done
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=""
done
[ -n "$display" ] || fail "no Xvfb came up on any display from :90 to :140 (last log: $(tail -n 3 "$tmp/xvfb.log" 2>/dev/null))"
export DISPLAY="$display"
say "Xvfb on $DISPLAY"

# --- the window -------------------------------------------------------------

# The dark theme and scale 1 whatever the machine says, so the pictures
# look the same on every run; the README's come from here too.
FYNE_THEME=dark FYNE_SCALE=1 "$tmp/referraldesk" --db "$db" >"$tmp/app.log" 2>&1 &
app_pid=$!

alive() {
  kill -0 "$app_pid" 2>/dev/null || {
    wait "$app_pid" && rc=0 || rc=$?
    app_pid=""
    fail "the program exited (status $rc) $*"
  }
}

win=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  alive "before its window came up"
  win=$(xdotool search --onlyvisible --name '^Referral Desk$' 2>/dev/null | head -n 1) || true
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || fail "no window named \"Referral Desk\" came up within 60 s"
say "window $win is up"
# No window manager runs, so the keys go where the input focus is put.
timeout 10 xdotool windowfocus --sync "$win" || fail "could not give window $win the keyboard focus"

# --- measuring screenshots --------------------------------------------------

shoot() { import -window "$win" "$1" 2>>"$tmp/import-tool.log" || fail "could not take a screenshot of window $win"; }

# differ A B [CROP]: how many pixels in a thousand differ between two
# screenshots (beyond a little anti-aliasing), over CROP (WxH+X+Y) or all.
# A window that changed size between the two changed everywhere.
differ() {
  local crop="${3:-}" out rc=0 a b
  a=$(identify -format '%wx%h' "$1$crop") || fail "identify could not read $1"
  b=$(identify -format '%wx%h' "$2$crop") || fail "identify could not read $2"
  if [ "$a" != "$b" ]; then
    echo 1000
    return 0
  fi
  out=$(compare -metric AE -fuzz 8% "$1$crop" "$2$crop" null: 2>&1) || rc=$?
  [ "$rc" -le 1 ] || fail "compare could not read $1 and $2: $out"
  awk -v d="$out" -v n="$((${a%x*} * ${a#*x}))" 'BEGIN { printf "%d\n", 1000 * d / n }'
}

# settled PNG: waits (up to 20 s) until two screenshots half a second apart
# differ in less than one pixel in a thousand — the answer is drawn and
# nothing but the text cursor moves — and leaves the second in PNG.
settled() {
  local prev="$tmp/settle-a.png" cur="$tmp/settle-b.png"
  shoot "$prev"
  for _ in $(seq 40); do
    sleep 0.5
    alive "while the screen was being drawn"
    shoot "$cur"
    if [ "$(differ "$prev" "$cur")" -lt 1 ]; then
      mv "$cur" "$1"
      return 0
    fi
    mv "$cur" "$prev"
  done
  fail "the window never stopped changing for 20 s (last picture: $prev)"
}

# notBlank PNG WHAT: a screen with data has contrast and many colours (text,
# icons, anti-aliasing); one colour or a faint wash means nothing was drawn.
notBlank() {
  local sd colors w h
  read -r sd colors w h < <(identify -format '%[fx:standard_deviation] %k %w %h\n' "$1") ||
    fail "identify could not read $1"
  say "$2: ${w}x$h, $colors colours, contrast $sd"
  [ "$w" -ge 1180 ] && [ "$h" -ge 700 ] || fail "$2 is ${w}x$h, want the whole 1180x760 window ($1)"
  # Colours first: identify gives a one-colour picture the contrast "nan".
  [ "$colors" -ge 200 ] || fail "$2 is blank: only $colors colours, want 200 or more ($1)"
  awk -v sd="$sd" 'BEGIN { exit !(sd + 0 >= 0.05) }' || fail "$2 is blank: contrast $sd, want 0.05 or more ($1)"
}

# until_differs REF PNG CROP PERMILLE WHAT: waits (up to 30 s) for the
# window to differ from REF in at least PERMILLE of CROP's pixels, then for
# it to settle, and leaves it in PNG.
until_differs() {
  local ref="$1" png="$2" crop="$3" want="$4" what="$5" d=0
  for _ in $(seq 60); do
    alive "while waiting for $what"
    shoot "$png"
    d=$(differ "$ref" "$png" "$crop")
    if [ "$d" -ge "$want" ]; then
      settled "$png"
      d=$(differ "$ref" "$png" "$crop")
      [ "$d" -ge "$want" ] || fail "$what came and went: $d‰ of the screen differs from before, want $want‰ ($png)"
      say "$what: $d‰ of the screen changed"
      return 0
    fi
    sleep 0.5
  done
  fail "$what did not appear within 30 s: $d‰ of the screen differs from before, want $want‰ ($png)"
}

# The window's geometry, for the crops: the Directory's form and the
# Referral screen's results take its right part, the preview its middle.
read -r ww wh < <(xdotool getwindowgeometry "$win" | awk '/Geometry/ { split($2, g, "x"); print g[1], g[2] }') ||
  fail "xdotool could not tell the size of window $win"
right_crop="[$((ww * 40 / 100))x$((wh * 75 / 100))+$((ww * 58 / 100))+$((wh * 5 / 100))]"
middle_crop="[$((ww * 50 / 100))x$((wh * 80 / 100))+$((ww * 25 / 100))+$((wh * 10 / 100))]"

# --- driving ----------------------------------------------------------------

# The window opens on the Referral screen with nothing asked yet.
settled "$shots/referral-empty.png"
notBlank "$shots/referral-empty.png" "the empty Referral screen"

# Ctrl+F: the Directory with the focus in its search box; a word narrows
# the list. Then Tab past the search box, Add group, the three filters and
# the two checks into the list, where Down and Space open the second group:
# its form fills the right side, which showed only a hint before.
xdotool key ctrl+f
sleep 0.3
xdotool type --delay 40 "serenity"
until_differs "$shots/referral-empty.png" "$shots/directory-list.png" "" 50 "the Directory"
xdotool key Tab Tab Tab Tab Tab Tab Tab Down space
until_differs "$shots/directory-list.png" "$shots/directory.png" "$right_crop" 30 \
  "the chosen group's form (if the Directory's filter bar gained a widget, count the Tabs again)"
notBlank "$shots/directory.png" "the Directory"

# One referral, the keys a counselor uses (as app/keyboard_test.go walks
# them): the ZIP code in Center City, Tuesday, evening, on MOUD (opioids is
# ticked already).
xdotool key alt+z
sleep 0.3
xdotool type --delay 40 19107
xdotool key alt+d Tab Tab space # Sun is first: two Tabs reach Tue
xdotool key alt+t Tab Tab space # morning, midday, evening
xdotool key alt+m space
until_differs "$shots/referral-empty.png" "$shots/referral.png" "$right_crop" 50 "the matching groups"
notBlank "$shots/referral.png" "the Referral screen with results"

# Ctrl+Shift+P: the preview draws the sheet of the ticked groups.
xdotool key ctrl+shift+p
until_differs "$shots/referral.png" "$shots/preview.png" "$middle_crop" 300 "the sheet's preview"
notBlank "$shots/preview.png" "the preview"
# On the dark screen only the sheet's page is white: a dialog saying the
# preview failed would be as new, but dark.
read -r light < <(identify -format '%[fx:mean]\n' "$shots/preview.png$middle_crop") ||
  fail "identify could not read $shots/preview.png"
awk -v m="$light" 'BEGIN { exit !(m >= 0.6) }' ||
  fail "the preview shows no page: the middle of the window has brightness $light, want 0.6 or more for a white sheet ($shots/preview.png)"
say "the sheet's page: brightness $light"
alive "after the preview"

say "all three screens drawn"

if $update; then
  # Fewer colours keep each picture small for the README: the screens are
  # flat colours with anti-aliased text, which 256 colours hold.
  mkdir -p docs/screenshots
  for name in directory referral preview; do
    cp "$shots/$name.png" "docs/screenshots/$name.png"
    mogrify +dither -colors 256 -define png:compression-level=9 "docs/screenshots/$name.png" ||
      fail "mogrify could not shrink docs/screenshots/$name.png"
    size=$(stat -c %s "docs/screenshots/$name.png")
    [ "$size" -le 300000 ] || fail "docs/screenshots/$name.png is $size bytes, want at most 300000"
    say "docs/screenshots/$name.png: $((size / 1024)) KB"
  done
fi
ok=true
