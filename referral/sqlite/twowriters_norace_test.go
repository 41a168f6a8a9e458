//go:build !race

package sqlite_test

// importListings is how many listings the child of TestTwoAtOnceAtAnySize
// imports: enough to hold the write lock for a few seconds, several of
// busy_timeout's one-second attempts.
const importListings = 150_000
