// Package mailtest is an SMTP server for tests (go-smtp) that keeps every
// message it receives, decoded: the subject and the plain text.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/klimatkommunerna/klimatrapport/internal/mail"
)

// Received is one message the server took.
type Received struct {
	From    string
	To      []string
	Subject string
	Text    string
}

// Server is a local SMTP server that offers STARTTLS (with a certificate
// of its own) and requires User and Password.
type Server struct {
	User, Password string
	// Roots trusts the server's certificate (mail.New); CertFile is it as
	// PEM, for SSL_CERT_FILE in a child process.
	Roots    *x509.CertPool
	CertFile string
	mu       sync.Mutex
	got      []Received
	srv      *smtp.Server
	addr     string
}

// Start starts a server on a free local port, closed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{User: "robot", Password: "hemligt-lösen"}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	cert, roots, file := selfSigned(t)
	s.Roots, s.CertFile = roots, file
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the server's smtp:// URL with its user and password.
func (s *Server) URL() string {
	return (&url.URL{Scheme: "smtp", User: url.UserPassword(s.User, s.Password), Host: s.addr}).String()
}

// Sender is a mail.SMTP sending through the server from the address from,
// trusting its certificate.
func (s *Server) Sender(t testing.TB, from string) *mail.SMTP {
	t.Helper()
	sender, err := mail.New(s.URL(), from, s.Roots)
	if err != nil {
		t.Fatal(err)
	}
	return sender
}

// Messages returns what the server has received so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

type session struct {
	s      *Server
	authed bool
	msg    Received
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.User || pass != x.s.Password {
			return errors.New("wrong user or password")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.msg = Received{From: from}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	m, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	x.msg.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	body := m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	x.msg.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	x.s.mu.Lock()
	x.s.got = append(x.s.got, x.msg)
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.msg = Received{} }
func (x *session) Logout() error { return nil }
