package submissions

import (
	"context"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// dbSink receives a workbook from the parser. It keeps the small sheets and
// buffers inventory values; when the buffer is full it writes them, tagged
// with the submission id and so invisible until the commit row. A file that
// fits the buffer is written only if accepted.
type dbSink struct {
	ctx    context.Context
	db     storage.DB
	id     string
	code   string // the code the uploader is held to; "" takes the file's
	buffer int

	report  *kr.Report
	pending []inventoryRow
	writer  *storage.BatchWriter[inventoryRow] // started when the buffer first fills
	values  int
	wrote   bool // some values went to the database (discard them on rejection)
	err     error
}

func (s *dbSink) Report(rep *kr.Report) error {
	s.report = rep
	return nil
}

// municipality is the code the submission is stored under: the one the
// uploader is held to, else the file's. The parser hands over the report,
// with its details, before the first inventory batch, so every value carries
// the same code as the submission; and values written ahead of the commit
// of a file naming another municipality never carry that municipality's.
func (s *dbSink) municipality() string {
	if s.code == "" && s.report != nil {
		return s.report.Details.Code
	}
	return s.code
}

func (s *dbSink) Inventory(batch []kr.InventoryValue) error {
	code := s.municipality()
	for _, v := range batch {
		s.pending = append(s.pending, toInventoryRow(s.id, code, v))
	}
	s.values += len(batch)
	if len(s.pending) >= s.buffer {
		return s.write()
	}
	return nil
}

// flush writes what is buffered and waits until everything is written.
func (s *dbSink) flush() error {
	if err := s.write(); err != nil {
		return err
	}
	if s.writer == nil {
		return nil
	}
	_, err := s.writer.Close()
	s.writer = nil
	return err
}

// write hands the buffer to the background writer, which inserts it while
// parsing goes on.
func (s *dbSink) write() error {
	if len(s.pending) == 0 {
		return nil
	}
	if s.writer == nil {
		s.writer = storage.NewBatchWriter[inventoryRow](s.ctx, s.db, "inventory_values", 1)
		s.wrote = true
	}
	if err := s.writer.Write(s.pending); err != nil {
		s.err = err
		return err
	}
	s.pending = make([]inventoryRow, 0, s.buffer)
	return nil
}

// discard drops buffered values and removes any already written. They are
// invisible either way; removal keeps the tables clean. If removal fails,
// Cleanup removes them later.
func (s *dbSink) discard() {
	s.pending = nil
	if s.writer != nil {
		s.writer.Close()
		s.writer = nil
	}
	if s.wrote {
		deleteSubmissionData(context.WithoutCancel(s.ctx), s.db, []string{s.id}, false)
	}
}
