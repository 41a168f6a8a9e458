// Package referral is the domain of Referral Desk: support groups as a directory
// lists them, the local curation a clinic adds to them, what a client needs, the
// matching of needs to groups and what a printed referral sheet says.
//
// It imports no GUI, database or PDF package. Adapters live in subpackages named
// after their technology (sqlite, feed, geo, pdf) and speak in these types; they
// never import each other. main.go wires them together.
package referral
