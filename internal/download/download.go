// Package download fetches the national data from its publishers' own
// services (SMHI's export, SCB's statistical database) within limits: a
// timeout on connecting, on the response headers and on each whole
// attempt; a cap on the body, counted as it is read (Content-Length is
// never trusted); retries with exponential backoff and jitter on network
// errors, broken-off bodies, 5xx and 429, a bounded number of times,
// honouring Retry-After; the caller's context cancels everything. A
// failure is a *klimatrapport.Error with a Swedish message for the
// command line and the log.
//
// The retry loop is hashicorp's go-retryablehttp; the body is read inside
// it (its response handler), so that a body that breaks off is retried
// like a failed request and a caller only ever sees a whole body.
package download

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// The defaults of a zero Client's fields.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultHeaderTimeout  = 30 * time.Second
	DefaultAttemptTimeout = 5 * time.Minute
	DefaultMaxBytes       = 200 << 20
	DefaultAttempts       = 4
	DefaultMinWait        = time.Second
	DefaultMaxWait        = 30 * time.Second
)

// Client downloads within limits. A zero field takes its default; the
// zero Client is ready to use. A Client is safe for concurrent use.
type Client struct {
	ConnectTimeout time.Duration // to open the connection (and TLS)
	HeaderTimeout  time.Duration // from the request sent to the response headers
	AttemptTimeout time.Duration // one whole attempt, body included
	MaxBytes       int64         // the largest body accepted
	Attempts       int           // tries in all, the first included
	// MinWait and MaxWait bound the wait before a retry: MinWait·2^n with
	// jitter, at most MaxWait. A Retry-After up to MaxWait is waited for;
	// one asking for longer ends the download.
	MinWait, MaxWait time.Duration
	UserAgent        string       // names the service to the publisher
	Log              *slog.Logger // retries are logged here (nil: not logged)

	// Transport replaces the transport built from the timeouts (tests).
	Transport http.RoundTripper
}

func (c *Client) limits() Client {
	d := *c
	setDefault(&d.ConnectTimeout, DefaultConnectTimeout)
	setDefault(&d.HeaderTimeout, DefaultHeaderTimeout)
	setDefault(&d.AttemptTimeout, DefaultAttemptTimeout)
	setDefault(&d.MaxBytes, DefaultMaxBytes)
	setDefault(&d.Attempts, DefaultAttempts)
	setDefault(&d.MinWait, DefaultMinWait)
	setDefault(&d.MaxWait, DefaultMaxWait)
	if d.UserAgent == "" {
		d.UserAgent = "klimatrapport (Klimatkommunerna)"
	}
	return d
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Get downloads address.
func (c *Client) Get(ctx context.Context, address string) ([]byte, error) {
	return c.do(ctx, http.MethodGet, address, "", nil)
}

// Post sends body (of contentType) to address and returns the answer.
func (c *Client) Post(ctx context.Context, address, contentType string, body []byte) ([]byte, error) {
	return c.do(ctx, http.MethodPost, address, contentType, body)
}

func (c *Client) do(ctx context.Context, method, address, contentType string, body []byte) ([]byte, error) {
	l := c.limits()
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, kr.E(kr.Invalid, "%q är ingen webbadress (http:// eller https://).", address)
	}
	var reqBody any
	if body != nil {
		reqBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, address, reqBody)
	if err != nil {
		return nil, kr.Wrap(kr.Invalid, err, fmt.Sprintf("Adressen %s kan inte hämtas", u.Host))
	}
	req.Header.Set("User-Agent", l.UserAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var got []byte
	req.SetResponseHandler(func(resp *http.Response) error {
		b, err := readBody(resp, l.MaxBytes)
		got = b
		return err
	})
	rc := l.retrying(u)
	defer rc.HTTPClient.CloseIdleConnections() // each download has a transport of its own
	resp, err := rc.Do(req)
	if err != nil {
		return nil, l.failure(ctx, u, err)
	}
	resp.Body.Close()
	return got, nil
}

// retrying is the retry loop for one download from u.
func (l Client) retrying(u *url.URL) *retryablehttp.Client {
	transport := l.Transport
	if transport == nil {
		transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: l.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   l.ConnectTimeout,
			ResponseHeaderTimeout: l.HeaderTimeout,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
		}
	}
	return &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: transport, Timeout: l.AttemptTimeout},
		RetryWaitMin: l.MinWait,
		RetryWaitMax: l.MaxWait,
		RetryMax:     l.Attempts - 1,
		CheckRetry:   l.checkRetry,
		Backoff:      backoff,
		ErrorHandler: func(resp *http.Response, err error, tries int) (*http.Response, error) {
			if resp != nil {
				resp.Body.Close()
			}
			return nil, attemptsError{err: err, resp: resp, tries: tries}
		},
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 && l.Log != nil {
				l.Log.Info("download: trying again", "host", u.Host, "attempt", attempt+1, "of", l.Attempts)
			}
		},
	}
}

// statusError is an answer other than 200 OK.
type statusError struct{ resp *http.Response }

func (e statusError) Error() string { return "unexpected HTTP status " + e.resp.Status }

// permanent errors are not retried.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// errTooLarge is a body over the cap; errBrokenOff one that ended early.
var (
	errTooLarge  = errors.New("body over the size limit")
	errBrokenOff = errors.New("the body broke off")
)

// readBody reads a 200 answer's body within limit bytes.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, statusError{resp}
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(resp.Body, limit+1))
	switch {
	case n > limit:
		return nil, permanent{errTooLarge}
	case err != nil:
		return nil, fmt.Errorf("%w after %d bytes: %w", errBrokenOff, n, err)
	}
	return buf.Bytes(), nil
}

// checkRetry retries what may succeed later: network errors and bodies
// that broke off, 5xx (but 501) and 429, unless the caller gave up or the
// server asks for a longer wait than MaxWait. A body over the limit and
// other answers (404, …) are final.
func (l Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var p permanent
	if errors.As(err, &p) {
		return false, err
	}
	var se statusError
	if errors.As(err, &se) {
		resp, err = se.resp, nil
	}
	if err == nil && resp != nil && retryAfter(resp) > l.MaxWait {
		return false, nil
	}
	retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, resp, err)
	return retry, err
}

// retryAfter is the wait a 429 or 503 answer's Retry-After asks for, or 0.
// retryablehttp's DefaultBackoff parses the header (seconds or an HTTP
// date); with no backoff of its own (0, 0) it returns only that.
func retryAfter(resp *http.Response) time.Duration {
	return retryablehttp.DefaultBackoff(0, 0, 0, resp)
}

// backoff waits lo·2^attempt, at most hi, less up to half of it at
// random (so that clients that failed together do not retry together),
// and at least what Retry-After asks for.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := retryablehttp.DefaultBackoff(lo, hi, attempt, nil)
	wait -= time.Duration(rand.Int64N(int64(wait)/2 + 1))
	if resp != nil {
		wait = max(wait, retryAfter(resp))
	}
	return wait
}

// attemptsError is the last attempt's failure, after tries attempts.
type attemptsError struct {
	err   error
	resp  *http.Response
	tries int
}

func (e attemptsError) Error() string {
	if e.err == nil && e.resp != nil {
		return fmt.Sprintf("HTTP status %s after %d attempts", e.resp.Status, e.tries)
	}
	return fmt.Sprintf("%v (after %d attempts)", e.err, e.tries)
}

func (e attemptsError) Unwrap() error { return e.err }

// failure turns a failed download from u into an error whose Swedish
// message says what happened; the detail stays in the cause.
func (l Client) failure(ctx context.Context, u *url.URL, err error) error {
	ae := attemptsError{tries: 1}
	errors.As(err, &ae)
	what := fmt.Sprintf("Hämtningen från %s misslyckades", u.Host)
	if ae.tries > 1 {
		what += fmt.Sprintf(" efter %d försök", ae.tries)
	}
	resp := ae.resp
	var se statusError
	if errors.As(err, &se) {
		resp = se.resp
	}
	var ne net.Error
	kind, why := kr.Unavailable, "anslutningen bröts"
	switch {
	case errors.Is(err, errTooLarge):
		kind, what, why = kr.TooLarge, fmt.Sprintf("Svaret från %s lästes inte in", u.Host), "det är större än "+sizeText(l.MaxBytes)
	case ctx.Err() != nil:
		what, why = fmt.Sprintf("Hämtningen från %s avbröts", u.Host), "den avbröts innan den var klar"
	case resp != nil && resp.StatusCode != http.StatusOK:
		why = fmt.Sprintf("servern svarade %s", resp.Status)
		if ra := retryAfter(resp); ra > l.MaxWait {
			why += fmt.Sprintf(" och bad om att vänta %s", swedish.Duration(ra))
		}
		if resp.StatusCode == http.StatusNotFound {
			kind = kr.NotFound
		}
	case errors.As(err, &ne) && ne.Timeout():
		why = fmt.Sprintf("servern svarade inte i tid (högst %s för att ansluta, %s till svarets början och %s för hela svaret)",
			swedish.Duration(l.ConnectTimeout), swedish.Duration(l.HeaderTimeout), swedish.Duration(l.AttemptTimeout))
	case errors.Is(err, errBrokenOff):
		why = "svaret bröts av innan det var komplett"
	}
	return kr.Wrap(kind, err, what+": "+why+". Ingenting har lästs in.")
}

// sizeText writes a size limit for people: "200 MB", "4 096 byte".
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return swedish.Number(float64(n>>20), 0) + " MB"
	}
	return swedish.Number(float64(n), 0) + " byte"
}
