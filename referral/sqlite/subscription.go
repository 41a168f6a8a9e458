package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"referraldesk/referral"
)

// SubscriptionStore keeps the sources' subscriptions (referral.Subscription):
// the address each is refreshed from, the options its feed is imported with,
// the server's validators, and what came of the last attempt. It makes no
// network connection; the wiring that fetches and imports records here.
// Removing a source (GroupService.RemoveSource) forgets its subscription.
type SubscriptionStore struct {
	db *DB
}

// NewSubscriptionStore returns the subscriptions kept in db.
func NewSubscriptionStore(db *DB) *SubscriptionStore {
	return &SubscriptionStore{db: db}
}

const subscriptionColumns = `source, url, program, format, timezone, etag, last_modified,
	last_success, last_attempt, last_status, last_result`

// Subscriptions lists every subscription by source name.
func (s *SubscriptionStore) Subscriptions(ctx context.Context) ([]referral.Subscription, error) {
	var subs []referral.Subscription
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY source`)
		if err != nil {
			return fmt.Errorf("list subscriptions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			sub, err := scanSubscription(rows)
			if err != nil {
				return err
			}
			subs = append(subs, sub)
		}
		return rows.Err()
	})
	return subs, err
}

// Subscription returns the subscription of one source, or an ENOTFOUND error
// when it has none.
func (s *SubscriptionStore) Subscription(ctx context.Context, source string) (referral.Subscription, error) {
	var sub referral.Subscription
	err := s.db.read(ctx, func(tx *sql.Tx) (err error) {
		sub, err = findSubscription(ctx, tx, source)
		return err
	})
	return sub, err
}

// Subscribe keeps sub as its source's subscription, in place of any it had,
// with its validators (ETag, LastModified), and records the attempt that
// made it: sub.LastStatus and sub.LastResult, stamped now as LastAttempt and,
// unless the status is RefreshFailed, as LastSuccess and the source's
// LastImport. The source must be in
// the directory (imported): otherwise ENOTFOUND and nothing is written. A
// sub that fails Validate is EINVALID.
func (s *SubscriptionStore) Subscribe(ctx context.Context, sub referral.Subscription) error {
	if err := sub.Validate(); err != nil {
		return err
	}
	return s.db.writeAside(ctx, func(tx *sql.Tx, now string) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sources WHERE name = ?`, sub.Source).Scan(&n); err != nil {
			return fmt.Errorf("subscribe %s: %w", sub.Source, err)
		}
		if n == 0 {
			return referral.Errorf(referral.ENOTFOUND, "There is no source %q to subscribe; import its feed first.", sub.Source)
		}
		success := any(now)
		if sub.LastStatus == referral.RefreshFailed {
			success = nil
		}
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO subscriptions (`+subscriptionColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sub.Source, sub.URL, string(sub.Program), sub.Format, sub.TimeZone, sub.ETag, sub.LastModified,
			success, now, string(sub.LastStatus), sub.LastResult)
		if err != nil {
			return fmt.Errorf("subscribe %s: %w", sub.Source, err)
		}
		if sub.LastStatus == referral.RefreshFailed {
			return nil
		}
		return stampCurrent(ctx, tx, sub.Source, now)
	})
}

// RecordAttempt records what came of fetching a source's subscription once,
// stamped now: always as LastAttempt with status and result; as LastSuccess,
// and as the source's LastImport (it is known current), too unless the
// status is RefreshFailed. The validators etag and
// lastModified replace the stored ones when a feed was imported
// (RefreshUpdated: a server that sent none this time gets none back); on
// RefreshUnchanged only those the server sent again replace them; a failed
// attempt keeps them. ENOTFOUND when the source has no subscription.
func (s *SubscriptionStore) RecordAttempt(ctx context.Context, source string, status referral.RefreshStatus, result, etag, lastModified string) error {
	return s.db.writeAside(ctx, func(tx *sql.Tx, now string) error {
		var res sql.Result
		var err error
		switch status {
		case referral.RefreshUpdated:
			res, err = tx.ExecContext(ctx, `UPDATE subscriptions SET last_attempt = ?, last_success = ?, last_status = ?,
				last_result = ?, etag = ?, last_modified = ? WHERE source = ?`,
				now, now, string(status), result, etag, lastModified, source)
		case referral.RefreshUnchanged:
			res, err = tx.ExecContext(ctx, `UPDATE subscriptions SET last_attempt = ?, last_success = ?, last_status = ?,
				last_result = ?, etag = coalesce(nullif(?, ''), etag), last_modified = coalesce(nullif(?, ''), last_modified)
				WHERE source = ?`,
				now, now, string(status), result, etag, lastModified, source)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE subscriptions SET last_attempt = ?, last_status = ?, last_result = ?
				WHERE source = ?`, now, string(referral.RefreshFailed), result, source)
		}
		if err != nil {
			return fmt.Errorf("record the refresh of %s: %w", source, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record the refresh of %s: %w", source, err)
		} else if n == 0 {
			return notSubscribed(source)
		}
		if status != referral.RefreshUpdated && status != referral.RefreshUnchanged {
			return nil // recorded as failed above: the source is not known current
		}
		return stampCurrent(ctx, tx, source, now)
	})
}

// stampCurrent makes a source's last import the moment a refresh found it
// current: a 304 imports nothing, yet the listings are as the server has
// them, and the Referral screen's "not refreshed for over 30 days" reads
// the last import. The same instant as last_success keeps the next
// refresh conditional (feedSubscriptions sends the validators only while
// the last import is not after the last success).
func stampCurrent(ctx context.Context, tx *sql.Tx, source, now string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_import = ? WHERE name = ?`, now, source); err != nil {
		return fmt.Errorf("record the refresh of %s: %w", source, err)
	}
	return nil
}

// Unsubscribe forgets a source's subscription; its listings stay.
// ENOTFOUND when it has none.
func (s *SubscriptionStore) Unsubscribe(ctx context.Context, source string) error {
	return s.db.writeAside(ctx, func(tx *sql.Tx, _ string) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE source = ?`, source)
		if err != nil {
			return fmt.Errorf("unsubscribe %s: %w", source, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("unsubscribe %s: %w", source, err)
		} else if n == 0 {
			return notSubscribed(source)
		}
		return nil
	})
}

func notSubscribed(source string) error {
	return referral.Errorf(referral.ENOTFOUND,
		"The source %q is not subscribed to any address; see `referraldesk sources` for the subscribed ones.", source)
}

func findSubscription(ctx context.Context, tx *sql.Tx, source string) (referral.Subscription, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE source = ?`, source)
	sub, err := scanSubscription(row)
	if errors.Is(err, sql.ErrNoRows) {
		return referral.Subscription{}, notSubscribed(source)
	}
	return sub, err
}

type rowScanner interface{ Scan(dest ...any) error }

func scanSubscription(r rowScanner) (referral.Subscription, error) {
	var (
		sub              referral.Subscription
		success, attempt sql.NullString
	)
	err := r.Scan(&sub.Source, &sub.URL, &sub.Program, &sub.Format, &sub.TimeZone, &sub.ETag, &sub.LastModified,
		&success, &attempt, &sub.LastStatus, &sub.LastResult)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, err
	}
	if err != nil {
		return sub, fmt.Errorf("read subscription: %w", err)
	}
	if sub.LastSuccess, err = parseTime(success); err != nil {
		return sub, fmt.Errorf("read subscription of %s: %w", sub.Source, err)
	}
	if sub.LastAttempt, err = parseTime(attempt); err != nil {
		return sub, fmt.Errorf("read subscription of %s: %w", sub.Source, err)
	}
	return sub, nil
}
