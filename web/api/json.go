package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Request bodies of the writes (members, reviews, replies) are small JSON
// objects with known fields.

// readJSON decodes a small JSON body into v, refusing unknown fields.
func readJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 64<<10+1))
	if err != nil {
		return kr.Wrap(kr.Invalid, err, "Förfrågan kunde inte läsas.")
	}
	if len(body) > 64<<10 {
		return kr.E(kr.TooLarge, "Förfrågan är för stor.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return kr.E(kr.Invalid, "Skicka uppgifterna som JSON med rätt fält: %s", jsonError(err))
	}
	return nil
}

func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("ogiltig JSON vid tecken %d.", syn.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return "förfrågan ska vara ett JSON-objekt."
	case errors.As(err, &typ):
		return fmt.Sprintf("fältet %s har fel typ.", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "fältet " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " finns inte."
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "förfrågan är tom eller ofullständig."
	}
	return "innehållet kunde inte läsas."
}
