package discover

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"sync"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// Error codes of SourceReport.ErrorCode. They are stable (scripts read
// them) and are the suffixes of the translation keys discover.error.*.
const (
	CodeTimeout          = "timeout"            // the source did not answer in time
	CodeDNS              = "dns"                // a DNS server failed (SERVFAIL, REFUSED, ...)
	CodeRefused          = "refused"            // nothing listens at the web address
	CodeUnreachable      = "unreachable"        // the network could not reach the server
	CodeTLS              = "tls"                // the HTTPS certificate did not verify
	CodeHTTP             = "http"               // the server answered with an HTTP error
	CodeNotFound         = "not-found"          // the document or record does not exist
	CodeTooLarge         = "too-large"          // the answer was over the size cap
	CodeMalformed        = "malformed"          // the document could not be read
	CodeEmpty            = "empty"              // the document has no usable server
	CodeTooManyRedirects = "too-many-redirects" // the redirect chain was over the cap
	CodeInsecureRedirect = "insecure-redirect"  // HTTPS redirected to plain HTTP
	CodeCanceled         = "canceled"           // the run was stopped
	CodeAuthRequired     = "auth-required"      // Autodiscover wants a password (never sent)
	CodeOther            = "other"
)

// ErrorCodes lists every error code.
var ErrorCodes = []string{
	CodeTimeout, CodeDNS, CodeRefused, CodeUnreachable, CodeTLS, CodeHTTP, CodeNotFound,
	CodeTooLarge, CodeMalformed, CodeEmpty, CodeTooManyRedirects, CodeInsecureRedirect,
	CodeCanceled, CodeAuthRequired, CodeOther,
}

// errMalformed marks a document that could not be parsed.
var errMalformed = errors.New("malformed document")

// errAuthRequired marks an Autodiscover server that only answers
// authenticated requests.
var errAuthRequired = errors.New("the server answers only with a password, which Postino never sends to Autodiscover")

// errEmpty marks a document with no usable server.
var errEmpty = errors.New("no usable server in the document")

// ErrorCode classifies an error from a source into one of the Code
// constants.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var dialErr *network.DialError
	var dnsErr *network.DNSError
	var statusErr *network.HTTPStatusError
	var certInvalid x509.CertificateInvalidError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.Is(err, network.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, network.ErrBodyTooLarge):
		return CodeTooLarge
	case errors.Is(err, network.ErrTooManyRedirects):
		return CodeTooManyRedirects
	case errors.Is(err, network.ErrInsecureRedirect):
		return CodeInsecureRedirect
	case errors.Is(err, errMalformed):
		return CodeMalformed
	case errors.Is(err, errEmpty):
		return CodeEmpty
	case errors.Is(err, errAuthRequired):
		return CodeAuthRequired
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.As(err, &statusErr):
		if statusErr.NotFound() {
			return CodeNotFound
		}
		return CodeHTTP
	case errors.As(err, &certInvalid), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recordErr):
		return CodeTLS
	case errors.As(err, &dnsErr):
		if dnsErr.Timeout {
			return CodeTimeout
		}
		return CodeDNS
	case errors.As(err, &dialErr):
		switch dialErr.Kind {
		case network.Refused:
			return CodeRefused
		case network.Filtered:
			return CodeTimeout
		case network.Canceled:
			return CodeCanceled
		case network.Unresolved:
			return CodeDNS
		}
		return CodeUnreachable
	case errors.As(err, &netErr) && netErr.Timeout():
		return CodeTimeout
	}
	return CodeOther
}

// statusOf turns an attempt's error into a source status: "nothing
// there" (no such name, no such document, nobody listening) is
// not-found; everything else that went wrong is an error.
func statusOf(err error) Status {
	if err == nil {
		return StatusFound
	}
	switch ErrorCode(err) {
	case CodeNotFound, CodeRefused, CodeEmpty, CodeAuthRequired:
		return StatusNotFound
	}
	return StatusError
}

// attempt is the result of one try of a source with several addresses.
type attempt struct {
	url      string
	err      error
	trust    Trust
	provider *mail.Provider
	props    []proposal
}

// firstInOrder runs every try at once and returns the first successful
// one in list order (not in arrival order), cancelling the later tries as
// soon as the winner is known. When none succeeds it returns the most
// telling failure: the first error that is not "nothing there", else the
// first failure.
func firstInOrder(ctx context.Context, tries []func(ctx context.Context) attempt) (attempt, bool) {
	if len(tries) == 0 {
		return attempt{err: network.ErrNotFound}, false
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]*attempt, len(tries))
	done := make(chan int, len(tries))
	var wg sync.WaitGroup
	for i, try := range tries {
		wg.Add(1)
		go func(i int, try func(context.Context) attempt) {
			defer wg.Done()
			a := try(ctx)
			results[i] = &a
			done <- i
		}(i, try)
	}
	// Collect until the earliest success has no unfinished try before it.
	finished := make([]bool, len(tries))
	winner := -1
	for n := 0; n < len(tries) && winner < 0; n++ {
		finished[<-done] = true
		for i := range tries {
			if !finished[i] {
				break
			}
			if results[i].err == nil {
				winner = i
				break
			}
		}
	}
	cancel()
	wg.Wait()
	if winner >= 0 {
		return *results[winner], true
	}
	var first, telling *attempt
	for _, a := range results {
		if first == nil {
			first = a
		}
		if telling == nil && statusOf(a.err) == StatusError {
			telling = a
		}
	}
	if telling != nil {
		return *telling, false
	}
	return *first, false
}
