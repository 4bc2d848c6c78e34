package storage

import (
	"context"
	"sync"
)

// BatchWriter inserts batches of rows into one table in the background, so
// that producing the next batch (parsing a file) overlaps with inserting
// the last. At most depth batches wait; Write blocks beyond that, which
// bounds memory. The first error stops the writer and is returned by every
// later Write and by Close.
type BatchWriter[T any] struct {
	ctx   context.Context
	db    DB
	table string
	ch    chan []T
	done  chan struct{}

	mu  sync.Mutex
	err error
	n   int
}

// NewBatchWriter starts a writer; call Close to wait for it.
func NewBatchWriter[T any](ctx context.Context, db DB, table string, depth int) *BatchWriter[T] {
	if depth < 1 {
		depth = 1
	}
	w := &BatchWriter[T]{ctx: ctx, db: db, table: table, ch: make(chan []T, depth), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *BatchWriter[T]) run() {
	defer close(w.done)
	for rows := range w.ch {
		if w.Err() != nil {
			continue // drain: the producer learns of the error on its next Write
		}
		if err := w.db.Insert(w.ctx, w.table, rows); err != nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
			continue
		}
		w.mu.Lock()
		w.n += len(rows)
		w.mu.Unlock()
	}
}

// Err returns the first insert error, if any.
func (w *BatchWriter[T]) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Write queues rows; the writer owns the slice from now on.
func (w *BatchWriter[T]) Write(rows []T) error {
	if err := w.Err(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	select {
	case w.ch <- rows:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// Close waits for the queued batches and returns the first error and the
// number of rows written.
func (w *BatchWriter[T]) Close() (int, error) {
	close(w.ch)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, w.err
}
