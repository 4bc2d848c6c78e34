package storagetest

import (
	"context"
	"strings"
	"sync"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Recorder is a database that keeps the statements run through it
// (Select and Exec, whitespace collapsed), for tests that count what a
// reader asks of the database.
type Recorder struct {
	storage.DB
	mu         sync.Mutex
	statements []string
}

func (r *Recorder) record(query string) {
	r.mu.Lock()
	r.statements = append(r.statements, strings.Join(strings.Fields(query), " "))
	r.mu.Unlock()
}

// Select records the query and runs it.
func (r *Recorder) Select(ctx context.Context, dest any, query string, args ...any) error {
	r.record(query)
	return r.DB.Select(ctx, dest, query, args...)
}

// Exec records the statement and runs it.
func (r *Recorder) Exec(ctx context.Context, query string, args ...any) error {
	r.record(query)
	return r.DB.Exec(ctx, query, args...)
}

// Count returns how many statements have run.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.statements)
}

// Since returns the statements run since the count was n.
func (r *Recorder) Since(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.statements[min(n, len(r.statements)):]...)
}

// Matching returns how many statements run so far contain s.
func (r *Recorder) Matching(s string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.statements {
		if strings.Contains(q, s) {
			n++
		}
	}
	return n
}
