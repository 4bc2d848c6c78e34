package members

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Example members are made up (the demo registers them with reports of its
// own making). The mark is kept in example_members, a table beside the
// register, so that it outlives every later change of the entry and every
// later start of the service on the same database; Member.Example carries
// it to whoever shows the member's data.

type exampleRow struct {
	Code     string    `ch:"code"`
	MarkedBy string    `ch:"marked_by"`
	MarkedAt time.Time `ch:"marked_at"`
}

// MarkExample marks code as an example member, once: marking it again
// writes nothing. Mark a member before adding it, so that whoever sees its
// entry sees the mark too.
func (r *Register) MarkExample(ctx context.Context, actor kr.Actor, code string) error {
	if err := mayChange(actor); err != nil {
		return err
	}
	if err := checkCode(code); err != nil {
		return err
	}
	marked, err := r.examples(ctx)
	if err != nil || marked[code] {
		return err
	}
	row := exampleRow{Code: code, MarkedBy: actor.Name(), MarkedAt: r.now().Truncate(time.Second)}
	if err := r.DB.Insert(ctx, "example_members", []exampleRow{row}); err != nil {
		return err
	}
	if r.OnChange != nil {
		r.OnChange()
	}
	return nil
}

// examples returns the codes marked as example members.
func (r *Register) examples(ctx context.Context) (map[string]bool, error) {
	var rows []struct {
		Code string `ch:"code"`
	}
	if err := r.DB.Select(ctx, &rows, "SELECT DISTINCT code FROM example_members"); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(rows))
	for _, rw := range rows {
		out[rw.Code] = true
	}
	return out, nil
}
