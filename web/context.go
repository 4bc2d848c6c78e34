package web

import (
	"context"

	"github.com/klimatkommunerna/klimatrapport/accounts"
)

func withSession(ctx context.Context, s accounts.Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}
