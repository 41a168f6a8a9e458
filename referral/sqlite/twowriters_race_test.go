//go:build race

package sqlite_test

// importListings is how many listings the child of TestTwoAtOnceAtAnySize
// imports. The race detector slows SQLite (Go translated from C) about
// thirtyfold, so far fewer hold the write lock for seconds.
const importListings = 15_000
