package mailserver

import (
	"crypto/tls"
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// IMAPOptions configure ServeIMAPWith.
type IMAPOptions struct {
	// User is the one account, with its mailboxes.
	User *imapmemserver.User
	// Caps default to IMAP4rev1 and UIDPLUS.
	Caps imap.CapSet
	Cert tls.Certificate
	TLS  TLSMode
	// Logins records every LOGIN (and AUTHENTICATE PLAIN) when set.
	Logins *Logins
}

// ServeIMAP serves user's mailboxes on ln until the test ends, with caps
// (IMAP4rev1 and UIDPLUS when nil): implicit TLS with cert when
// implicit, else STARTTLS.
func ServeIMAP(t TB, ln net.Listener, user *imapmemserver.User, caps imap.CapSet, cert tls.Certificate, implicit bool) {
	t.Helper()
	mode := StartTLS
	if implicit {
		mode = Implicit
	}
	ServeIMAPWith(t, ln, IMAPOptions{User: user, Caps: caps, Cert: cert, TLS: mode})
}

// ServeIMAPWith serves o.User's mailboxes on ln until the test ends.
// With NoTLS the server offers no STARTTLS and takes LOGIN in the clear.
func ServeIMAPWith(t TB, ln net.Listener, o IMAPOptions) {
	t.Helper()
	mem := imapmemserver.New()
	mem.AddUser(o.User)
	if o.Caps == nil {
		o.Caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	}
	opts := &imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			// imapmemserver's sessions are IMAP4rev2 sessions; keeping
			// that type lets a server announce IMAP4rev2.
			sess := mem.NewSession().(imapserver.SessionIMAP4rev2)
			if o.Logins == nil {
				return sess, nil, nil
			}
			return &loggedIMAPSession{SessionIMAP4rev2: sess, conn: c, log: o.Logins}, nil, nil
		},
		Caps:   o.Caps,
		Logger: quiet{},
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{o.Cert}}
	switch o.TLS {
	case Implicit:
		ln = tls.NewListener(ln, cfg)
	case StartTLS:
		opts.TLSConfig = cfg
	case NoTLS:
		opts.InsecureAuth = true
	}
	srv := imapserver.New(opts)
	serve(t, func() { srv.Serve(ln) }, func() { srv.Close() })
}

// loggedIMAPSession records every login before the memory server
// decides on it.
type loggedIMAPSession struct {
	imapserver.SessionIMAP4rev2
	conn *imapserver.Conn
	log  *Logins
}

func (s *loggedIMAPSession) Login(user, pass string) error {
	_, onTLS := s.conn.NetConn().(*tls.Conn)
	i := s.log.begin(Login{Proto: "imap", Mech: "LOGIN", User: user, TLS: onTLS})
	err := s.SessionIMAP4rev2.Login(user, pass)
	s.log.finish(i, user, err == nil)
	return err
}
