package accounts

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Entry is one write in the audit log.
type Entry struct {
	At         time.Time `ch:"at" json:"at"`
	Actor      string    `ch:"actor" json:"actor"`
	Role       string    `ch:"role" json:"role"`
	Action     string    `ch:"action" json:"action"`
	Target     string    `ch:"target" json:"target"`
	RemoteAddr string    `ch:"remote_addr" json:"remote_addr"`
	RequestID  string    `ch:"request_id" json:"request_id"`
	Details    string    `ch:"details" json:"details"`
}

// AuditTimeout bounds an audit write. The write does not end with the
// request's context: a client that disconnects cannot keep its write out
// of the log.
const AuditTimeout = 5 * time.Second

// Entry stamps an audit entry for actor now.
func (s *Store) Entry(actor kr.Actor, action, target, remote, requestID, details string) Entry {
	e := Entry{At: s.now().Truncate(time.Second), Actor: actor.Name(), Role: string(actor.Role), Action: action,
		Target: target, RemoteAddr: remote, RequestID: requestID, Details: details}
	if e.Role == "" {
		e.Role = "public"
	}
	return e
}

// Audit records a write.
func (s *Store) Audit(ctx context.Context, actor kr.Actor, action, target, remote, requestID, details string) error {
	return s.Record(ctx, s.Entry(actor, action, target, remote, requestID, details))
}

// Record writes entries to the audit log in one insert, within
// AuditTimeout, whether or not ctx is cancelled meanwhile.
func (s *Store) Record(ctx context.Context, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), AuditTimeout)
	defer cancel()
	return s.DB.Insert(ctx, "audit_log", entries)
}

// AuditLog returns the newest entries first, at most limit.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]Entry, error) {
	var out []Entry
	err := s.DB.Select(ctx, &out, "SELECT at, actor, role, action, target, remote_addr, request_id, details FROM audit_log ORDER BY at DESC LIMIT ?", limit)
	return out, err
}
