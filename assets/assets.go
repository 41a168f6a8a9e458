// Package assets holds the files Referral Desk embeds in its binary: the app
// icon, the Meeting Guide type vocabulary, the Census ZIP centroids and the
// fixed texts of the referral sheet. Each file's source and license are in
// README.md beside it.
package assets
