package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"referraldesk/referral"
)

// watchEvery is how often the window asks the store whether anything was
// committed: often enough that a source imported on the command line shows
// before the counselor looks for it, rarely enough to cost nothing (the
// question is one pragma).
const watchEvery = 2500 * time.Millisecond

// watcher notices what other writers commit — the command line beside the
// window, a second window — so that no screen keeps showing, and no Save
// writes back, what the database no longer holds. It asks the store's
// version off the UI goroutine when the window comes to the front and
// every watchEvery, and calls changed on the UI goroutine when the version
// moved. The window's own writes move it too; the reload that follows is
// quiet (screens keep their selection and what is being typed).
type watcher struct {
	changes referral.ChangeWatcher
	bg      background
	changed func() // the store changed since the last reading
	// failed is told, on the UI goroutine, of the first failed reading
	// after a good one: a database that stays out of reach is not
	// reported every watchEvery.
	failed func(err error)

	version  int64
	known    bool   // version holds a reading
	failing  bool   // the last reading failed
	asking   bool   // a reading is under way
	stopTick func() // cancels the next scheduled reading
	stopped  bool
}

func newWatcher(changes referral.ChangeWatcher, bg background, changed func(), failed func(error)) *watcher {
	return &watcher{changes: changes, bg: bg, changed: changed, failed: failed}
}

// check asks for the version now, unless a reading is under way; the first
// reading only sets the mark later ones are compared with. Call it on the
// UI goroutine.
func (w *watcher) check() {
	if w.asking || w.stopped {
		return
	}
	w.asking = true
	if w.stopTick != nil {
		w.stopTick() // this reading is the tick's; the next one counts from it
		w.stopTick = nil
	}
	w.bg.run(func() {
		v, err := w.changes.Version(context.Background())
		fyne.Do(func() { w.read(v, err) })
	})
}

func (w *watcher) read(v int64, err error) {
	w.asking = false
	if w.stopped {
		return
	}
	w.stopTick = w.bg.after(watchEvery, w.check)
	if err != nil {
		if !w.failing {
			w.failing = true
			w.failed(err)
		}
		return
	}
	w.failing = false
	moved := w.known && v != w.version
	w.version, w.known = v, true
	if moved {
		w.changed()
	}
}

// stop ends the watching for good: the window is closing.
func (w *watcher) stop() {
	w.stopped = true
	if w.stopTick != nil {
		w.stopTick()
	}
}
