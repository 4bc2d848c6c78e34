// Package mail sends e-mail through an SMTP server (over go-mail): the
// server named by a URL, smtp://user:pass@host:587 (STARTTLS when the
// server offers it) or smtps://user:pass@host:465 (TLS from the start).
// The password is kept out of everything the package prints (Redacted).
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text e-mail.
type Message struct {
	To      []string
	Subject string
	Text    string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through one SMTP server from one address.
type SMTP struct {
	from string
	url  *url.URL
	opts []gomail.Option
}

// Timeout bounds connecting to the server and each command.
var Timeout = 30 * time.Second

// New returns a sender through the server at rawURL from the address from.
// A URL with a user and password logs in, and only over TLS, so that the
// password never crosses the network in the clear. roots are the
// certificate authorities trusted beside the system's (nil: the system's).
func New(rawURL, from string, roots *x509.CertPool) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("the SMTP server must be a URL, smtp://user:pass@host:587 or smtps://…")
	}
	if from == "" {
		return nil, fmt.Errorf("a sender address (--mail-from) is needed with an SMTP server")
	}
	login := u.User != nil && u.User.Username() != ""
	opts := []gomail.Option{gomail.WithTimeout(Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: u.Hostname(), RootCAs: roots, MinVersion: tls.VersionTLS12})}
	port := 587
	switch u.Scheme {
	case "smtp":
		policy := gomail.TLSOpportunistic
		if login {
			policy = gomail.TLSMandatory
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("the SMTP server's URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("the SMTP server's port must be a number, not %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if login {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return &SMTP{from: from, url: u, opts: opts}, nil
}

// Redacted is the server's URL without its password, for logs.
func (s *SMTP) Redacted() string { return s.url.Redacted() }

// Send sends m, connecting for this message.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("sender address %q: %w", s.from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return fmt.Errorf("recipients %v: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	c, err := gomail.NewClient(s.url.Hostname(), s.opts...)
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("sending through %s: %w", s.Redacted(), err)
	}
	return nil
}
