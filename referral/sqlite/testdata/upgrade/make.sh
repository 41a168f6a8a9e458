#!/usr/bin/env bash
# Makes v0003.db and v0009.db: Referral Desk databases written by the two
# releases so far, each by that release's own command line (and, for what it
# cannot do, by gen0003/gen0009 built inside that release's tree). See
# README.md. Run from anywhere inside the repository:
#
#	bash referral/sqlite/testdata/upgrade/make.sh
#
# GO overrides the go command (e.g. GO="flock /tmp/go.lock go").
set -euo pipefail

GO=${GO:-go}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
feeds=$repo/testdata/feeds
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# build COMMIT GEN: extracts the release's tree without touching the
# repository's checkout and builds its command line and the generator.
build() {
	local tree=$work/$1
	mkdir -p "$tree/cmd/$2"
	git -C "$repo" archive "$1" | tar -x -C "$tree"
	cp "$here/$2/main.go" "$tree/cmd/$2/"
	(cd "$tree" && CGO_ENABLED=0 $GO build -tags ci -o rd . && CGO_ENABLED=0 $GO build -o gen ./cmd/"$2")
}

# sheets DB: three referral sheets, each logged in the referral log.
sheets() {
	"$rd" --db "$1" sheet --for family --zip 01930 --miles 30 --label "Tue 3pm J." --out "$work/a.pdf"
	"$rd" --db "$1" sheet --for family --zip 02301 --miles 10 --days mon,thu --times evening --lang es --out "$work/b.pdf"
	"$rd" --db "$1" sheet --for family --attend online --label "walk-in R." --large --lang en --paper letter --out "$work/c.pdf"
}

clinic=(clinic.name="Harbor Light Recovery Clinic" clinic.address="12 Dock St, Gloucester, MA 01930"
	clinic.phone="+1 978 555 0142" clinic.website="https://harborlight.example.org"
	counselor="Dana Ortiz, LADC" default.miles=15 sheet.lang=es sheet.paper=a4 retention.days=365
	feed.timezone=America/New_York)

# Release 87e7a12: migrations 0001–0003.
build 87e7a12 gen0003
rd=$work/87e7a12/rd
db=$work/v0003.db
"$rd" --db "$db" import --source alanon-ma --program Al-Anon "$feeds/al-anon-ma-meeting-guide.json"
"$rd" --db "$db" settings "${clinic[@]}" clinic.logo="$work/87e7a12/assets/icon.png"
"$work/87e7a12/gen" "$db" # the hand-made group and the curation
sheets "$db"
"$work/87e7a12/gen" "$db" followup

# Release 0131478: migrations 0001–0009. The feed is imported from an
# address, so the source is a subscription; its export with curation is
# imported as a second source, so published curation is stored too.
build 0131478 gen0009
rd=$work/0131478/rd
db=$work/v0009.db
port=18734
(cd "$feeds" && exec python3 -m http.server "$port" --bind 127.0.0.1) >/dev/null 2>&1 &
server=$!
sleep 1
"$rd" --db "$db" import --source alanon-ma --program Al-Anon "http://127.0.0.1:$port/al-anon-ma-meeting-guide.json"
kill "$server"
"$rd" --db "$db" settings "${clinic[@]}" clinic.logo="$work/0131478/assets/icon.png" \
	clinic.timezone=America/New_York feed.refresh_days=7
id() { "$rd" --db "$db" groups --json --all | python3 -c "import json,sys; print(next(g['id'] for g in json.load(sys.stdin) if g['source'] == 'alanon-ma' and g['source_id'] == sys.argv[1]))" "$1"; }
"$rd" --db "$db" curate "$(id 30816762-the-brockton-fellowship-afg)" --moud yes --verified 2026-11-20 --note "Ask for Pat at the door; coffee from 6:45."
"$rd" --db "$db" curate "$(id 30811706-lincoln-serenity-seekers-afg)" --moud no --note "In October a member said people on methadone may not share."
"$rd" --db "$db" curate "$(id 63680-just-for-today-afg)" --hide --note "Closed for good, says the district secretary."
"$rd" --db "$db" curate "$(id 47820-serenity-at-work-afg-3)" --moud unknown --verified 2026-10-02
"$work/0131478/gen" "$db" # the hand-made group
"$rd" --db "$db" export --format meeting-guide --source alanon-ma --with-curation --out "$work/shared.json"
"$rd" --db "$db" import --source alanon-ma-shared --program Al-Anon "$work/shared.json"
sheets "$db"
"$work/0131478/gen" "$db" followup

# Each command closed the database, which checkpoints its WAL: the files
# stand alone.
for f in v0003.db v0009.db; do
	test ! -e "$work/$f-wal"
	cp "$work/$f" "$here/$f"
done
ls -l "$here"/*.db
